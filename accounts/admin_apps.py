"""The admin app, with the Office-only site (kept apart: app configs load before models)."""

from django.contrib.admin.apps import AdminConfig


class LantoaAdminConfig(AdminConfig):
    default_site = "accounts.admin_site.LantoaAdminSite"
