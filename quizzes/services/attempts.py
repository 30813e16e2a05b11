"""Quiz attempts: start, save answers as the learner goes, and close (submit or time limit) exactly once.

The server's clock is the only clock. An attempt accepts answers until `deadline_at` plus
`LANTOA_QUIZ_GRACE_SECONDS`; after that a save is refused and the attempt is closed, and
grading counts only answers saved by then. Every write to an attempt first locks its row
(`select_for_update(of=("self",))` inside `transaction.atomic()`: on PostgreSQL a second,
concurrent submit waits and then finds the attempt already closed; the version row shared by
every learner is never locked; SQLite has no row locks, its IMMEDIATE transactions serialise
writers anyway), so an attempt is graded exactly once and an answer cannot slip in while it is
being graded.

Passing records the course's completion (evidence: the attempt) in the same transaction as
the grading, unless the version requires every lesson to be opened and some are not yet:
then `completion_check_after_lessons` records it later, when the lesson page reports the reading
(`courses.signals.lesson_first_opened`, received in `quizzes.receivers`).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Case, Exists, FilteredRelation, OuterRef, Q, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import Completion, CompletionEvidence, CourseVersion, CourseVersionStatus
from courses.rules import attempts_allowed, attempts_granted_subquery
from courses.services.completions import completion_record
from orgchart.models import Staff
from quizzes.models import Attempt, AttemptItem, AttemptStatus, Question, QuestionKind
from quizzes.rules import answers_accepted_until, attempt_is_past_grace
from quizzes.selectors import completion_get_quiz, lesson_count_unread

_random = random.SystemRandom()
_SINGLE_ANSWER_KINDS = (QuestionKind.SINGLE, QuestionKind.TRUE_FALSE)


class AttemptClosed(ValidationError):
    """The attempt no longer takes answers (closed now because time ran out, or closed before)."""


def _lock_attempt(attempt_id: int) -> Attempt:
    """The attempt with its version, its row (only: never the version's) locked until the caller's transaction ends."""
    return Attempt.objects.select_related("version").select_for_update(of=("self",)).get(pk=attempt_id)


def _lock_staff(staff: Staff) -> None:
    """One start at a time per person (PostgreSQL). SQLite has no row locks: no statement there."""
    if connection.features.has_select_for_update:
        list(Staff.objects.select_for_update().filter(pk=staff.pk).values_list("pk"))


# --- start --------------------------------------------------------------------------------------


def attempt_start(*, staff: Staff, version: CourseVersion) -> Attempt:
    """A new attempt with its questions drawn and options shuffled, or the one already in progress.

    Refused when the version is not the published one, when the person already passed the
    course, or when every attempt allowed for this version (its maximum plus the Office's grants,
    `courses.rules.attempts_allowed`) is used.
    """
    now = timezone.now()
    stale = (
        Attempt.objects.filter(staff=staff, version=version, status=AttemptStatus.IN_PROGRESS)
        .only("pk", "deadline_at")
        .first()
    )
    if stale is not None and attempt_is_past_grace(attempt=stale, now=now):
        # Abandoned past its time: close it first (in its own transaction), it may even have passed.
        attempt_close_expired(attempt_id=stale.pk)

    with transaction.atomic():
        # One start at a time per person (PostgreSQL); the partial unique constraint is the backstop.
        _lock_staff(staff)
        # The version as it is now, the attempt in progress, whether the course was passed and the last
        # number: one statement.
        own = Attempt.objects.filter(staff=staff, version_id=OuterRef("pk"))
        summary = (
            CourseVersion.objects.filter(pk=version.pk)
            .annotate(
                in_progress=Subquery(own.filter(status=AttemptStatus.IN_PROGRESS).values("pk")[:1]),
                passed=Exists(
                    Attempt.objects.filter(staff=staff, version__course_id=OuterRef("course_id"), passed=True)
                ),
                previous=Subquery(own.order_by("-number").values("number")[:1]),
                granted=attempts_granted_subquery(staff=staff.pk, course=OuterRef("course_id")),
            )
            .values_list(
                "status",
                "max_attempts",
                "questions_per_attempt",
                "time_limit_minutes",
                "in_progress",
                "passed",
                "previous",
                "granted",
            )
            .get()
        )
        status, max_attempts, per_attempt, minutes, in_progress, passed, previous, granted = summary
        if in_progress is not None:
            return Attempt.objects.get(pk=in_progress)
        if status != CourseVersionStatus.PUBLISHED:
            raise ValidationError(
                _("This version of the course is no longer offered; take the current version instead."),
                code="version_not_published",
            )
        if passed:
            raise ValidationError(_("You have already passed this course's quiz."), code="already_passed")
        previous = previous or 0
        allowed = attempts_allowed(max_attempts=max_attempts, granted=granted)
        if previous >= allowed:
            raise ValidationError(
                _("You have used all %(count)d attempts allowed for this quiz.") % {"count": allowed},
                code="no_attempts_left",
            )
        # The questions and their options in one query (a question without options comes with None).
        options: dict[int, list[int]] = defaultdict(list)
        rows = (
            Question.objects.filter(version=version)
            .order_by("position", "pk", "options__position", "options__pk")
            .values_list("pk", "options__pk")
        )
        for question_id, option_id in rows:
            if option_id is None:
                options.setdefault(question_id, [])
            else:
                options[question_id].append(option_id)
        question_ids = list(options)
        if not question_ids:
            raise ValidationError(_("This course has no quiz questions yet."), code="no_questions")
        drawn = _random.sample(question_ids, min(per_attempt, len(question_ids)))
        attempt = Attempt.objects.create(
            staff=staff,
            version=version,
            number=previous + 1,
            status=AttemptStatus.IN_PROGRESS,
            started_at=now,
            deadline_at=now + dt.timedelta(minutes=minutes),
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


def _lock_attempt_with_item(attempt_id: int, item_id: int) -> tuple[Attempt, AttemptItem | None]:
    """The attempt with its version (its row locked as `_lock_attempt` locks it, until the caller's
    transaction ends), and its item `item_id` with the question (None if the attempt has no such item).

    One statement when the item is the attempt's. Under a lock wait, PostgreSQL re-reads the attempt's
    row (its status is current) but not the item's; nothing read from the item can have changed
    meanwhile (its options and their order are fixed at the start), and its answer is overwritten, not read.
    """
    item = (
        AttemptItem.objects.select_related("attempt__version", "question")
        .select_for_update(of=("attempt",))
        .filter(attempt_id=attempt_id, pk=item_id)
        .first()
    )
    if item is None:
        return _lock_attempt(attempt_id), None
    return item.attempt, item


def _answer_save(*, attempt_id: int, item_id: int, option_ids: list[int] | None, choices: list[int] | None):
    now = timezone.now()
    with transaction.atomic():
        locked, item = _lock_attempt_with_item(attempt_id, item_id)
        if locked.status != AttemptStatus.IN_PROGRESS:
            raise AttemptClosed(_("This attempt is closed; answers can no longer change."), code="attempt_closed")
        if not attempt_is_past_grace(attempt=locked, now=now):
            return _store_answer(item=item, option_ids=option_ids, choices=choices, now=now)
        _close(locked, now=now)
    # Raised after the transaction, so that closing the attempt is kept.
    raise AttemptClosed(
        _("The time limit has passed; the attempt was closed with the answers saved in time."), code="time_is_up"
    )


def _store_answer(
    *,
    item: AttemptItem | None,
    option_ids: list[int] | None,
    choices: list[int] | None,
    now: dt.datetime,
) -> AttemptItem:
    """Save the answer to `item` (of the locked attempt; None: the attempt has no such question)."""
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
    AttemptItem.objects.filter(pk=item.pk).update(selected_options=item.selected_options, answered_at=item.answered_at)
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
    limit = answers_accepted_until(deadline_at=attempt.deadline_at)
    in_time = now <= limit
    # The items with the answer key: a row per correct option of each item's question (one, with None, for
    # an item whose question has none).
    rows = (
        AttemptItem.objects.filter(attempt=attempt)
        .annotate(key=FilteredRelation("question__options", condition=Q(question__options__is_correct=True)))
        .order_by("position", "key__pk")
        .values_list("pk", "question_id", "answered_at", "selected_options", "key__pk")
    )
    items: dict[int, tuple] = {}
    key: dict[int, set[int]] = defaultdict(set)
    for item_id, question_id, answered_at, selected_options, option_id in rows:
        items.setdefault(item_id, (question_id, answered_at, selected_options))
        if option_id is not None:
            key[question_id].add(option_id)
    right = []
    for item_id, (question_id, answered_at, selected_options) in items.items():
        counted = answered_at is not None and answered_at <= limit
        selected = set(selected_options)
        if counted and selected and selected == key[question_id]:
            right.append(item_id)
    AttemptItem.objects.filter(attempt=attempt).update(
        is_correct=Case(When(pk__in=right, then=Value(True)), default=Value(False)) if right else Value(False)
    )

    total = len(items)
    correct = len(right)
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
