from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.http import HttpRequest

from core.http import client_ip

from .selectors import user_requires_mfa


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Accounts come from the roster: the Office invites staff; nobody signs up.
        return False

    def get_client_ip(self, request: HttpRequest) -> str:
        # The one rule for the client's address behind our proxies (core.http, LANTOA_TRUSTED_PROXY_COUNT),
        # shared with the /verify/ limit; allauth's own would raise ImproperlyConfigured (a 500) on a
        # request with fewer X-Forwarded-For entries than trusted proxies.
        return client_ip(request)


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        # The Office and superusers must keep their authenticator app; allauth then shows
        # "You cannot deactivate two-factor authentication." instead of deleting it. A lost
        # phone is handled by recovery codes, or by another administrator deleting the
        # authenticator in the admin (the user must then activate a new one at sign-in).
        if authenticator.type == Authenticator.Type.TOTP and user_requires_mfa(user=authenticator.user):
            return False
        return super().can_delete_authenticator(authenticator)
