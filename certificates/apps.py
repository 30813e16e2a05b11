from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("Certificates")

    def ready(self) -> None:
        # The services send these tasks by name (core.task_queue): registered in every process, web ones included,
        # so that Celery eager mode runs them and a broker gets them with their options.
        from certificates import (
            receivers,  # noqa: F401 - connects the receivers
            tasks,  # noqa: F401
        )
