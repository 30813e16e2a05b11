"""Quiz attempts: start, save answers as the learner goes, and close (submit or time limit) exactly once.

The server's clock is the only clock. An attempt accepts answers until `deadline_at` plus
`LANTOA_QUIZ_GRACE_SECONDS`; after that a save is refused and the attempt is closed, and
grading counts only answers saved by then. Every write to an attempt first locks its row
(`select_for_update` inside `transaction.atomic()`: on PostgreSQL a second, concurrent
submit waits and then finds the attempt already closed; SQLite's IMMEDIATE transactions
serialise writers anyway), so an attempt is graded exactly once and an answer cannot slip
in while it is being graded.

Passing records the course's completion (evidence: the attempt) in the same transaction as
the grading, unless the version requires every lesson to be opened and some are not yet:
then `completion_check_after_lessons`, called by the lesson page, records it later.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, Max, Q, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import Completion, CompletionEvidence, CourseVersion, CourseVersionStatus
from courses.services.completions import completion_record
from orgchart.models import Staff
from quizzes.models import Attempt, AttemptItem, AttemptStatus, Option, Question, QuestionKind
from quizzes.selectors import (
    attempt_is_past_grace,
    completion_get_quiz,
    grace_period,
    lesson_count_unread,
)

_random = random.SystemRandom()
_SINGLE_ANSWER_KINDS = (QuestionKind.SINGLE, QuestionKind.TRUE_FALSE)


class AttemptClosed(ValidationError):
    """The attempt no longer takes answers (closed now because time ran out, or closed before)."""


def _lock_attempt(attempt_id: int) -> Attempt:
    # of=("self",): lock the attempt only, never the version row shared by every learner.
    return Attempt.objects.select_for_update(of=("self",)).select_related("version").get(pk=attempt_id)


# --- start --------------------------------------------------------------------------------------


def attempt_start(*, staff: Staff, version: CourseVersion) -> Attempt:
    """A new attempt with its questions drawn and options shuffled, or the one already in progress.

    Refused when the version is not the published one, when the person already passed the
    course, or when every attempt allowed for this version is used.
    """
    now = timezone.now()
    stale = (
        Attempt.objects.filter(staff=staff, version=version, status=AttemptStatus.IN_PROGRESS)
        .values_list("pk", "deadline_at")
        .first()
    )
    if stale and now > stale[1] + grace_period():
        # Abandoned past its time: close it first (in its own transaction), it may even have passed.
        attempt_close_expired(attempt_id=stale[0])

    with transaction.atomic():
        # One start at a time per person (PostgreSQL); the partial unique constraint is the backstop.
        Staff.objects.select_for_update().filter(pk=staff.pk).values_list("pk", flat=True).first()
        # The attempt in progress, whether the course was passed, and the last number: one query.
        this_version = Q(version_id=version.pk)
        summary = Attempt.objects.filter(staff=staff, version__course_id=version.course_id).aggregate(
            in_progress=Max("pk", filter=this_version & Q(status=AttemptStatus.IN_PROGRESS)),
            passed=Count("pk", filter=Q(passed=True)),
            previous=Max("number", filter=this_version),
        )
        if summary["in_progress"] is not None:
            return Attempt.objects.get(pk=summary["in_progress"])
        version = CourseVersion.objects.select_related("course").get(pk=version.pk)
        if version.status != CourseVersionStatus.PUBLISHED:
            raise ValidationError(
                _("This version of the course is no longer offered; take the current version instead."),
                code="version_not_published",
            )
        if summary["passed"]:
            raise ValidationError(_("You have already passed this course's quiz."), code="already_passed")
        previous = summary["previous"] or 0
        if previous >= version.max_attempts:
            raise ValidationError(
                _("You have used all %(count)d attempts allowed for this quiz.") % {"count": version.max_attempts},
                code="no_attempts_left",
            )
        # The questions and their options in one query (a question without options comes with None).
        options: dict[int, list[int]] = defaultdict(list)
        for question_id, option_id in (
            Question.objects.filter(version=version)
            .order_by("position", "pk", "options__position", "options__pk")
            .values_list("pk", "options__pk")
        ):
            if option_id is None:
                options.setdefault(question_id, [])
            else:
                options[question_id].append(option_id)
        question_ids = list(options)
        if not question_ids:
            raise ValidationError(_("This course has no quiz questions yet."), code="no_questions")
        drawn = _random.sample(question_ids, min(version.questions_per_attempt, len(question_ids)))
        attempt = Attempt.objects.create(
            staff=staff,
            version=version,
            number=previous + 1,
            status=AttemptStatus.IN_PROGRESS,
            started_at=now,
            deadline_at=now + dt.timedelta(minutes=version.time_limit_minutes),
            question_count=len(drawn),
        )
        items = []
        for position, question_id in enumerate(drawn, start=1):
            order = options[question_id]
            _random.shuffle(order)
            items.append(AttemptItem(attempt=attempt, question_id=question_id, position=position, option_order=order))
        AttemptItem.objects.bulk_create(items)
    return attempt


# --- answers -------------------------------------------------------------------------------------


def attempt_answer_save(*, attempt: Attempt, item_id: int, option_ids: list[int]) -> AttemptItem:
    """Save the learner's choice for one question of an in-progress attempt.

    The options must be the question's; single choice and true/false take exactly one,
    multiple choice any number (none clears the answer). After the deadline plus grace the
    save is refused and the attempt is closed with what was saved before.
    """
    return _answer_save(attempt_id=attempt.pk, item_id=item_id, option_ids=option_ids, choices=None)


def attempt_answer_save_choices(*, attempt: Attempt, item_id: int, choices: list[int]) -> AttemptItem:
    """As `attempt_answer_save`, with the choices' 1-based places in the shuffled order (what the page posts)."""
    return _answer_save(attempt_id=attempt.pk, item_id=item_id, option_ids=None, choices=choices)


def _answer_save(*, attempt_id: int, item_id: int, option_ids: list[int] | None, choices: list[int] | None):
    now = timezone.now()
    with transaction.atomic():
        locked = _lock_attempt(attempt_id)
        if locked.status != AttemptStatus.IN_PROGRESS:
            raise AttemptClosed(_("This attempt is closed; answers can no longer change."), code="attempt_closed")
        if not attempt_is_past_grace(attempt=locked, now=now):
            return _store_answer(attempt=locked, item_id=item_id, option_ids=option_ids, choices=choices, now=now)
        _close(locked, now=now)
    # Raised after the transaction, so that closing the attempt is kept.
    raise AttemptClosed(
        _("The time limit has passed; the attempt was closed with the answers saved in time."), code="time_is_up"
    )


def _store_answer(
    *, attempt: Attempt, item_id: int, option_ids: list[int] | None, choices: list[int] | None, now: dt.datetime
) -> AttemptItem:
    item = AttemptItem.objects.select_related("question").filter(attempt=attempt, pk=item_id).first()
    if item is None:
        raise ValidationError(_("This question is not part of the attempt."), code="unknown_item")
    if choices is not None:
        if any(not 1 <= choice <= len(item.option_order) for choice in choices):
            raise ValidationError(_("Choose among the options shown."), code="unknown_option")
        option_ids = [item.option_order[choice - 1] for choice in choices]
    selected = list(dict.fromkeys(option_ids or []))
    if any(option_id not in item.option_order for option_id in selected):
        raise ValidationError(_("Choose among the options shown."), code="unknown_option")
    if item.question.kind in _SINGLE_ANSWER_KINDS and len(selected) != 1:
        raise ValidationError(_("Choose exactly one option."), code="one_option")
    # Kept in the shuffled order the learner saw, so that the review reads the same.
    item.selected_options = [option_id for option_id in item.option_order if option_id in selected]
    item.answered_at = now if selected else None
    item.save(update_fields=["selected_options", "answered_at"])
    return item


# --- closing ------------------------------------------------------------------------------------------


def attempt_submit(*, attempt_id: int, staff: Staff) -> Attempt:
    """The learner hands in: graded now, once. Within the grace it counts as submitted, later as expired."""
    with transaction.atomic():
        attempt = _lock_attempt(attempt_id)
        if attempt.staff_id != staff.pk:
            raise ValidationError(_("This attempt belongs to someone else."), code="not_yours")
        if attempt.status == AttemptStatus.IN_PROGRESS:
            _close(attempt, now=timezone.now())
    return attempt


def attempt_close_expired(*, attempt_id: int) -> Attempt:
    """Close an attempt whose time (plus grace) is over; does nothing to one still running or already closed."""
    with transaction.atomic():
        attempt = _lock_attempt(attempt_id)
        now = timezone.now()
        if attempt.status == AttemptStatus.IN_PROGRESS and attempt_is_past_grace(attempt=attempt, now=now):
            _close(attempt, now=now)
    return attempt


def _close(attempt: Attempt, *, now: dt.datetime) -> None:
    """Grade a locked, in-progress attempt and record the completion if it passed (caller's transaction).

    An attempt closed after its deadline plus grace is `expired` and dated at its deadline:
    the time limit closed it, whenever the late submit or the periodic task noticed.
    """
    limit = attempt.deadline_at + grace_period()
    in_time = now <= limit
    items = list(AttemptItem.objects.filter(attempt=attempt).order_by("position"))
    key: dict[int, set[int]] = defaultdict(set)
    for question_id, option_id in Option.objects.filter(
        question_id__in=[item.question_id for item in items], is_correct=True
    ).values_list("question_id", "pk"):
        key[question_id].add(option_id)
    for item in items:
        counted = item.answered_at is not None and item.answered_at <= limit
        selected = set(item.selected_options)
        item.is_correct = counted and bool(selected) and selected == key[item.question_id]
    # One UPDATE with a plain IN list: `bulk_update` would build a CASE branch per question, which costs
    # more CPU to compile than the grading itself.
    right = [item.pk for item in items if item.is_correct]
    marks = (
        ExpressionWrapper(Q(pk__in=right), output_field=BooleanField())
        if right and len(right) < len(items)
        else Value(bool(right))
    )
    AttemptItem.objects.filter(attempt=attempt).update(is_correct=marks)

    total = len(items)
    correct = sum(item.is_correct for item in items)
    attempt.correct_count = correct
    attempt.question_count = total
    attempt.score_percent = (Decimal(correct * 100) / Decimal(total or 1)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    # Compared exactly, not on the rounded percentage.
    attempt.passed = total > 0 and correct * 100 >= attempt.version.pass_percent * total
    attempt.status = AttemptStatus.SUBMITTED if in_time else AttemptStatus.EXPIRED
    attempt.closed_at = now if in_time else attempt.deadline_at
    attempt.save(update_fields=["correct_count", "question_count", "score_percent", "passed", "status", "closed_at"])
    if attempt.passed:
        _complete_if_lessons_read(attempt=attempt, completed_on=timezone.localdate(attempt.closed_at))


def _complete_if_lessons_read(*, attempt: Attempt, completed_on: dt.date) -> Completion | None:
    version = attempt.version
    if version.requires_all_lessons and lesson_count_unread(staff=attempt.staff, version=version):
        return None
    completion, _created = completion_record(
        staff=attempt.staff,
        course=version.course,
        version=version,
        completed_on=completed_on,
        evidence=CompletionEvidence.QUIZ,
        attempt=attempt,
    )
    return completion


def completion_check_after_lessons(*, staff: Staff, version: CourseVersion) -> Completion | None:
    """Record the completion of someone who passed the quiz before opening every lesson, once they have.

    For the lesson page to call after recording a reading. Cheap when there is nothing to do
    (one query for someone who has not passed). Dated today: the day the course's conditions were met.
    """
    attempt = (
        Attempt.objects.filter(staff=staff, version=version, passed=True)
        .select_related("version", "version__course", "staff")
        .order_by("closed_at")
        .first()
    )
    if attempt is None:
        return None
    existing = completion_get_quiz(staff=staff, course_id=version.course_id)
    if existing is not None:
        return existing
    with transaction.atomic():
        return _complete_if_lessons_read(attempt=attempt, completed_on=timezone.localdate())
