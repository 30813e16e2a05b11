"""Two rules of learning that several apps read: a person's due date for an assignment, and how many quiz
attempts they may use (and so whether they are locked out).

Their one home: my courses and the course page (courses), the quiz pages and the review (quizzes), the
drill-down, the exports and the reminders (reports, notifications) all ask these functions. They sit in
`courses` because the lowest of those apps must read them; the quiz's models are reached through the
relations they register (`CourseVersion.attempts`), never imported.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F, IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

from courses.models import Assignment, AttemptGrant

# --- due dates -------------------------------------------------------------------------------------------


def enrolment_due_on_for(*, assignment: Assignment, joined_on: dt.date) -> dt.date | None:
    """The person's own due date when they join the audience on `joined_on`, or None: the assignment's.

    Someone who joins after the start of an assignment with `due_days` is due that many days after
    joining, but never before the assignment's own due date (they are not worse off than those
    who were there from the start). Asked only for those enrolled after the assignment was made
    (`Enrolment.joined_after_creation`): those in its audience then have its due date, whenever it started.
    """
    if assignment.due_days is None or joined_on <= assignment.starts_on:
        return None
    own = joined_on + dt.timedelta(days=assignment.due_days)
    return own if own > assignment.due_on else None


def enrolment_due_on_expression(prefix: str = "") -> Coalesce:
    """An enrolment's due date as an expression (`prefix`: the path to the enrolment, e.g. "enrolments__")."""
    return Coalesce(F(f"{prefix}due_on"), F(f"{prefix}assignment__due_on"))


def enrolment_due_on(enrolment) -> dt.date:
    """An enrolment's due date (with its assignment loaded)."""
    return enrolment.due_on or enrolment.assignment.due_on


# --- attempts ----------------------------------------------------------------------------------------------


def attempts_allowed(*, max_attempts: int, granted: int) -> int:
    """Attempts a person may use at a version: the version's maximum plus what the Office granted them."""
    return max_attempts + (granted or 0)


def attempts_left(*, allowed: int, used: int) -> int:
    """Attempts still to use at a version (never below zero)."""
    return max(0, allowed - used)


def is_locked_out(*, passed: bool, in_progress: bool, used: int, allowed: int) -> bool:
    """Out of attempts: not passed, nothing open, every allowed attempt used ("Đã hết lượt làm bài")."""
    return not passed and not in_progress and used >= allowed


def attempts_granted_subquery(*, staff: OuterRef | F, course: OuterRef | F) -> Coalesce:
    """Extra attempts granted to the person for the course, as an annotation (0 without a grant)."""
    granted = (
        AttemptGrant.objects.filter(staff_id=staff, course_id=course)
        .order_by()
        .values("staff_id")
        .annotate(total=Sum("extra_attempts"))
        .values("total")
    )
    return Coalesce(Subquery(granted[:1], output_field=IntegerField()), 0)
