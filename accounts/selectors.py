from allauth.mfa.utils import is_mfa_enabled

from .models import User


def user_requires_mfa(*, user: User) -> bool:
    """The Office and superusers must sign in with a second factor."""
    return bool(user.is_superuser or user.is_office_admin)


def user_has_mfa(*, user: User) -> bool:
    return is_mfa_enabled(user)
