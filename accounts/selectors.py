from allauth.mfa.utils import is_mfa_enabled

from .models import User


def user_requires_mfa(*, user: User) -> bool:
    """The Office and superusers must sign in with a second factor."""
    return bool(user.is_superuser or user.is_office_admin)


def user_has_mfa(*, user: User) -> bool:
    return is_mfa_enabled(user)


def user_heads_active_unit(*, user: User) -> bool:
    """Whether the person linked to the account heads an active unit: the test `scope_for` makes (its
    `is_unit_head`), asked on its own through the account's relations (one query)."""
    return User.objects.filter(pk=user.pk, staff__headed_units__is_active=True).exists()
