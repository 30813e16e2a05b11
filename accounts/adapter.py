from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.http import HttpRequest

from .selectors import user_requires_mfa


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Accounts come from the roster: the Office invites staff; nobody signs up.
        return False


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        # The Office and superusers must keep their authenticator app; allauth then shows
        # "You cannot deactivate two-factor authentication." instead of deleting it. A lost
        # phone is handled by recovery codes, or by another administrator deleting the
        # authenticator in the admin (the user must then activate a new one at sign-in).
        if authenticator.type == Authenticator.Type.TOTP and user_requires_mfa(user=authenticator.user):
            return False
        return super().can_delete_authenticator(authenticator)
