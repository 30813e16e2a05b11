"""Which completions count toward an assignment (DESIGN.md rules 3 and 4), in one place.

A completion counts toward an assignment when it is of the assignment's course — of any
of its published versions, current or retired (a completion is only ever recorded
against a published version, or against none for a briefing or an external
certificate) — dated on or after the assignment's `completions_from` (its start by
default), and, for an external completion, accepted by the Office. Coverage as of D
(`reports.selectors.rules.completed_by_q`) adds "dated on or before D"; the learner's
own pages and the reminders ask the same question through `completions_counting`.

The arguments may be values or expressions (`OuterRef("assignment__course_id")`), so the
same rule serves a report over one assignment and a list of a person's assignments.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from courses.models import Completion, CompletionEvidence, CompletionReview


def completion_accepted_q(prefix: str = "") -> Q:
    """Completions that stand: every quiz and briefing, and the external ones the Office accepted."""
    return ~Q(**{f"{prefix}evidence": CompletionEvidence.EXTERNAL}) | Q(
        **{f"{prefix}review": CompletionReview.ACCEPTED}
    )


def completions_counting(
    *, course_id: object, completions_from: object, as_of: dt.date | None = None
) -> QuerySet[Completion]:
    """The completions that count toward an assignment of `course_id` counting from `completions_from`.

    With `as_of`, only those dated on or before it (coverage as of a date).
    """
    completions = Completion.objects.filter(
        completion_accepted_q(), course_id=course_id, completed_on__gte=completions_from
    )
    if as_of is not None:
        completions = completions.filter(completed_on__lte=as_of)
    return completions
