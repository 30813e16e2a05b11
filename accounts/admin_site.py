"""The Django admin is the Office's back room: only the Office and superusers get in.

`is_staff` alone opens nothing. The site checks `accounts.roles.is_office`, and its
login page hands over to allauth's, so the admin gets the same sign-in, rate limits and
mandatory two-factor step as the rest of the site.

Wired by `accounts.admin_apps.LantoaAdminConfig` in INSTALLED_APPS (in place of "django.contrib.admin").
"""

from __future__ import annotations

from functools import wraps

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from accounts.roles import is_office


class LantoaAdminSite(admin.AdminSite):
    site_header = _("Lan Tỏa administration")
    site_title = _("Lan Tỏa")
    index_title = _("Org chart, roster and accounts")

    def has_permission(self, request: HttpRequest) -> bool:
        return is_office(request.user)

    def admin_view(self, view, cacheable=False):
        """Signed in but not the Office: 404 on every admin page, as for any page outside one's scope
        (Django's admin would redirect to its login page, which answered 403)."""
        inner = super().admin_view(view, cacheable)

        @wraps(view)
        def office_or_404(request: HttpRequest, *args, **kwargs):
            if request.user.is_authenticated and not self.has_permission(request):
                raise Http404
            return inner(request, *args, **kwargs)

        return office_or_404

    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        """Sign in through allauth (rate limits, two-factor), never through the admin's own form."""
        next_url = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = reverse("admin:index", current_app=self.name)
        if self.has_permission(request):
            return HttpResponseRedirect(next_url)
        if request.user.is_authenticated:
            # Signed in but not the Office: the admin does not exist for them.
            raise Http404
        return redirect_to_login(next_url, reverse("account_login"))


class OfficeOnlyAdminMixin:
    """ModelAdmin permissions follow the role, not Django's per-model permission table.

    Read-only admins set `read_only = True`: the Office can look, nobody can add, edit or delete.
    """

    read_only = False

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_office(request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_office(request.user)

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return not self.read_only and is_office(request.user)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return not self.read_only and is_office(request.user)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return not self.read_only and is_office(request.user)
