"""API tokens for the provincial monitoring system: made, checked and revoked here; only their SHA-256 is kept.

Every token expires (`days`, a year by default) and records when it was last used (at most one write a
minute). How often a token may call the API is counted per token in the cache (`api_token_within_limit`,
`LANTOA_API_RATE_LIMIT`, "count/seconds").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.ratelimit import window_consume
from core.text import normalize_text
from reports.models import ApiToken


def api_token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


DEFAULT_DAYS = 365
MAX_DAYS = 3 * 365


def api_token_create(*, name: str, created_by: User | None = None, days: int = DEFAULT_DAYS) -> tuple[ApiToken, str]:
    """A new token valid for `days`; returns (record, the token itself). Only its SHA-256 is kept: show it once."""
    name = normalize_text(name)
    if not name:
        raise ValidationError({"name": [_("Give the token a name (who uses it).")]})
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError(
            {"days": [_("A token is valid for 1 to %(max)s days.") % {"max": MAX_DAYS}]},
        )
    if ApiToken.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": [_("A token named %(name)s already exists.") % {"name": name}]})
    raw = "lt_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        name=name,
        token_hash=api_token_hash(raw),
        prefix=raw[:8],
        created_by=created_by,
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    return token, raw


def api_token_authenticate(*, raw: str) -> ApiToken | None:
    """The live token matching `raw`, its last use recorded; None for an unknown, revoked or expired token."""
    if not raw or len(raw) > 200:
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.filter(token_hash=api_token_hash(raw), revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .first()
    )
    if token is None:
        return None
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


def api_token_within_limit(*, token: ApiToken) -> bool:
    """Count one call of `token`; False once it has used up `LANTOA_API_RATE_LIMIT` for the current window."""
    return window_consume(key=f"api:{token.pk}", rate=api_rate_limit())


def api_rate_limit() -> str:
    return getattr(settings, "LANTOA_API_RATE_LIMIT", "120/60")
