from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SemiannualConfig(AppConfig):
    name = "semiannual"
    verbose_name = _("semiannual reports")
