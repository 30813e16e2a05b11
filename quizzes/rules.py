"""The quiz's one time rule: an attempt takes answers until its deadline plus the grace period.

The grace (`LANTOA_QUIZ_GRACE_SECONDS`) covers the last autosave in flight when the countdown
ends. Saving, grading, the review, the pages and the periodic task all ask these functions,
so they agree on the instant an attempt stops taking answers.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from quizzes.models import Attempt


def grace_period() -> dt.timedelta:
    return dt.timedelta(seconds=settings.LANTOA_QUIZ_GRACE_SECONDS)


def answers_accepted_until(*, deadline_at: dt.datetime) -> dt.datetime:
    """The last instant an attempt with this deadline takes an answer (inclusive)."""
    return deadline_at + grace_period()


def attempt_is_past_grace(*, attempt: Attempt, now: dt.datetime | None = None) -> bool:
    """True once nothing more may be saved: the attempt's deadline plus the grace period has passed."""
    return (now or timezone.now()) > answers_accepted_until(deadline_at=attempt.deadline_at)


def past_grace_q(*, now: dt.datetime | None = None) -> Q:
    """`attempt_is_past_grace` as a filter on attempts (uses the (status, deadline_at) index)."""
    return Q(deadline_at__lt=(now or timezone.now()) - grace_period())
