"""Accounts: the invitation email, a link to set one's password.

An invitation is allauth's password reset, sent unasked: the account is created with an
unusable password (`orgchart.services.accounts.account_invite`, which reads the roster)
and the email carries a password-reset-from-key link, so the token, its expiry
(`PASSWORD_RESET_TIMEOUT`), the set-password page and its rate limits are all allauth's.
"""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from .models import User

INVITATION_TEMPLATE_PREFIX = "account/email/invitation"


def invitation_set_password_url(*, user: User, base_url: str) -> str:
    """allauth's password-reset-from-key link for the user, valid for `PASSWORD_RESET_TIMEOUT`."""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
    )
    return base_url.rstrip("/") + path


def invitation_email_send(*, user: User, base_url: str, invited_by_name: str = "") -> bool:
    """Email the invitation; does nothing (returns False) once the user has set a password."""
    if user.has_usable_password() or not user.is_active:
        return False
    context = {
        "user": user,
        "set_password_url": invitation_set_password_url(user=user, base_url=base_url),
        "login_url": base_url.rstrip("/") + reverse("account_login"),
        "reset_url": base_url.rstrip("/") + reverse("account_reset_password"),
        "agency_name": settings.LANTOA_AGENCY_NAME,
        "invited_by_name": invited_by_name,
        "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    # Staff read Vietnamese: the email is rendered in the site's language, whatever the
    # language of the Office member who clicked (English when a string has no translation).
    with translation.override(settings.LANGUAGE_CODE):
        get_adapter().render_mail(INVITATION_TEMPLATE_PREFIX, user.email, context).send()
    return True
