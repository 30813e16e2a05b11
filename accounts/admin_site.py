"""The Django admin is the Office's back room: only the Office and superusers get in.

`is_staff` alone opens nothing. The site checks `accounts.roles.is_office`, and its
login page hands over to allauth's, so the admin gets the same sign-in, rate limits and
mandatory two-factor step as the rest of the site.

Wired by `accounts.admin_apps.LantoaAdminConfig` in INSTALLED_APPS (in place of "django.contrib.admin").
"""

from __future__ import annotations

from functools import wraps

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest, FieldDoesNotExist, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from accounts.roles import is_office
from core.middleware import BIGINT_MAX


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
            try:
                return inner(request, *args, **kwargs)
            except IncorrectLookupParameters as error:
                # The change list turns an unknown filter into "?e=1"; the export and tree pages, which
                # build the same list, let it through as a server error: it is a bad request.
                raise BadRequest(str(error)) from error

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

    def get_changeform_initial_data(self, request: HttpRequest) -> dict:
        """The add page's values from the query string, without those no related row could have: the
        autocomplete widget would look them up and fail (`?staff=abc` was a server error)."""
        initial = super().get_changeform_initial_data(request)
        for name, value in list(initial.items()):
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if not field.is_relation or field.target_field is None:
                continue
            try:
                for one in value if isinstance(value, list) else [value]:
                    key = field.target_field.to_python(one)
                    if isinstance(key, int) and not -BIGINT_MAX <= key <= BIGINT_MAX:
                        raise ValidationError("out of range")
            except ValidationError:
                del initial[name]
        return initial

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
