"""API tokens for the provincial monitoring system: made, checked and revoked here; only their SHA-256 is kept."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.text import normalize_text
from reports.models import ApiToken


def api_token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def api_token_create(*, name: str, created_by: User | None = None) -> tuple[ApiToken, str]:
    """A new token; returns (record, the token itself). Only its SHA-256 is kept: show the token once."""
    name = normalize_text(name)
    if not name:
        raise ValidationError({"name": [_("Give the token a name (who uses it).")]})
    if ApiToken.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": [_("A token named %(name)s already exists.") % {"name": name}]})
    raw = "lt_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(name=name, token_hash=api_token_hash(raw), prefix=raw[:8], created_by=created_by)
    return token, raw


def api_token_authenticate(*, raw: str) -> ApiToken | None:
    """The live token matching `raw`, its last use recorded; None for an unknown or revoked token."""
    if not raw:
        return None
    token = ApiToken.objects.filter(token_hash=api_token_hash(raw), revoked_at__isnull=True).first()
    if token is None:
        return None
    now = timezone.now()
    # At most one write a minute per token: the monitoring system may poll often.
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
