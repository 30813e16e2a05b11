from allauth.mfa.utils import is_mfa_enabled

from .models import User
from .roles import is_office


def user_requires_mfa(*, user: User) -> bool:
    """The Office and superusers must sign in with a second factor."""
    return is_office(user)


def user_has_mfa(*, user: User) -> bool:
    return is_mfa_enabled(user)
