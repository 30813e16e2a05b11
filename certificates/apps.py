from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.utils.translation import gettext_lazy as _

from core.site import site_url_problem


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

        checks.register(site_url_check, checks.Tags.security, deploy=True)


def site_url_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """`check --deploy`: the site URL that certificates' QR codes encode must be a public https address."""
    problem = site_url_problem(settings.SITE_URL)
    if problem is None:
        return []
    return [
        checks.Error(
            problem,
            hint="Set LANTOA_SITE_URL to the site's public https address, e.g. https://lantoa.stp.dongnai.gov.vn; "
            "certificates are refused until then (their QR code encodes it for good).",
            id="lantoa.E001",
        )
    ]
