"""Two-factor login is required for the Office and superusers (allauth MFA, TOTP)."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from .selectors import user_has_mfa, user_requires_mfa

# Pages a user without TOTP may still reach: allauth's own pages (to activate TOTP,
# sign out, reset a password), static files and the language switch.
_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/i18n/")


class RequireMfaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user_requires_mfa(user=user)
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and not user_has_mfa(user=user)
        ):
            # A page's own query string must survive as one `next` value.
            return redirect(reverse("mfa_activate_totp") + "?" + urlencode({"next": request.get_full_path()}))
        return self.get_response(request)
