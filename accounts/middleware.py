"""Two-factor login is required for the Office and superusers (allauth MFA, TOTP)."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from .selectors import user_has_mfa, user_requires_mfa

# What an Office account without TOTP may still do: the setup itself (activate TOTP, confirming
# the password first if allauth asks), sign out, static files and the language switch. Nothing else,
# not even its own account pages (changing the email or password before the second factor is set).
_ALLOWED_URL_NAMES = ("mfa_activate_totp", "account_reauthenticate", "account_logout")
_ALLOWED_PREFIXES = ("/static/", "/i18n/")


def _allowed_paths() -> tuple[str, ...]:
    return tuple(reverse(name) for name in _ALLOWED_URL_NAMES)


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
            and request.path not in _allowed_paths()
            and not user_has_mfa(user=user)
        ):
            # A page's own query string must survive as one `next` value.
            return redirect(reverse("mfa_activate_totp") + "?" + urlencode({"next": request.get_full_path()}))
        return self.get_response(request)
