"""Quiz attempts: start, save answers as the learner goes, and close (submit or time limit) exactly once.

The server's clock is the only clock. An attempt accepts answers until `deadline_at` plus
`LANTOA_QUIZ_GRACE_SECONDS`; after that a save is refused and the attempt is closed, and
grading counts only answers saved by then. Every write to an attempt first locks its row
(`SELECT … FOR UPDATE` inside `transaction.atomic()`: on PostgreSQL a second, concurrent
submit waits and then finds the attempt already closed; SQLite's IMMEDIATE transactions
serialise writers anyway), so an attempt is graded exactly once and an answer cannot slip
in while it is being graded.

Passing records the course's completion (evidence: the attempt) in the same transaction as
the grading, unless the version requires every lesson to be opened and some are not yet:
then `completion_check_after_lessons`, called by the lesson page, records it later.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.rawsql import convert_value, model_columns, model_from_row, prep_value
from courses.models import Completion, CompletionEvidence, CourseVersion, CourseVersionStatus
from courses.services.completions import completion_record
from orgchart.models import Staff
from quizzes.models import Attempt, AttemptItem, AttemptStatus, QuestionKind
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


# --- plain SQL for the learner's busiest writes -----------------------------------------------------
# Starting an attempt, saving an answer and grading run on every pass through a quiz. Built by the
# ORM, each statement cost several times the database's own work in Python (compiling the query), so
# they are written once here as parameterised SQL, portable between SQLite and PostgreSQL; values go
# through the fields' own `get_db_prep_save` and rows come back through `core.rawsql`, as the ORM's
# would. Locks: `FOR UPDATE` on PostgreSQL; SQLite has no row locks, its IMMEDIATE transactions
# (config.settings.base) serialise writers instead, as `select_for_update` would have left it.


def _for_update(alias: str) -> str:
    """The row-lock clause for the rows of table alias `alias` ('' where the backend has none)."""
    if not connection.features.has_select_for_update:
        return ""
    return f" FOR UPDATE OF {alias}" if connection.features.has_select_for_update_of else " FOR UPDATE"


@functools.cache
def _lock_attempt_sql(vendor: str) -> str:
    # OF t: lock the attempt only, never the version row shared by every learner.
    return f"""
SELECT {model_columns(Attempt, "t")}, {model_columns(CourseVersion, "v")}
FROM quizzes_attempt t JOIN courses_courseversion v ON v.id = t.version_id
WHERE t.id = %s{_for_update("t")}
"""  # noqa: S608 - column names from the models' metadata only; every value is a parameter


def _lock_attempt(attempt_id: int) -> Attempt:
    """The attempt with its version, its row locked until the caller's transaction ends."""
    with connection.cursor() as cursor:
        cursor.execute(_lock_attempt_sql(connection.vendor), [attempt_id])
        row = cursor.fetchone()
    if row is None:
        raise Attempt.DoesNotExist(f"No attempt {attempt_id}.")
    attempt, at = model_from_row(Attempt, row)
    attempt.version, _at = model_from_row(CourseVersion, row, at)
    return attempt


def _lock_staff(staff_id: int) -> None:
    if connection.features.has_select_for_update:
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM orgchart_staff WHERE id = %s FOR UPDATE", [staff_id])


def _execute(sql: str, params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# --- start --------------------------------------------------------------------------------------


def attempt_start(*, staff: Staff, version: CourseVersion) -> Attempt:
    """A new attempt with its questions drawn and options shuffled, or the one already in progress.

    Refused when the version is not the published one, when the person already passed the
    course, or when every attempt allowed for this version is used.
    """
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(_STALE_SQL, [staff.pk, version.pk, AttemptStatus.IN_PROGRESS.value])
        stale = cursor.fetchone()
    if stale and now > convert_value(Attempt._meta.get_field("deadline_at"), stale[1]) + grace_period():
        # Abandoned past its time: close it first (in its own transaction), it may even have passed.
        attempt_close_expired(attempt_id=stale[0])

    with transaction.atomic():
        # One start at a time per person (PostgreSQL); the partial unique constraint is the backstop.
        _lock_staff(staff.pk)
        # The version as it is now, the attempt in progress, whether the course was passed and the last
        # number: one statement.
        with connection.cursor() as cursor:
            cursor.execute(
                _START_SUMMARY_SQL,
                {"version": version.pk, "staff": staff.pk, "in_progress": AttemptStatus.IN_PROGRESS.value},
            )
            status, max_attempts, per_attempt, minutes, in_progress, passed, previous = cursor.fetchone()
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
        if previous >= max_attempts:
            raise ValidationError(
                _("You have used all %(count)d attempts allowed for this quiz.") % {"count": max_attempts},
                code="no_attempts_left",
            )
        # The questions and their options in one query (a question without options comes with None).
        options: dict[int, list[int]] = defaultdict(list)
        with connection.cursor() as cursor:
            cursor.execute(_QUESTIONS_SQL, [version.pk])
            for question_id, option_id in cursor.fetchall():
                if option_id is None:
                    options.setdefault(question_id, [])
                else:
                    options[question_id].append(option_id)
        question_ids = list(options)
        if not question_ids:
            raise ValidationError(_("This course has no quiz questions yet."), code="no_questions")
        drawn = _random.sample(question_ids, min(per_attempt, len(question_ids)))
        attempt = _attempt_insert(
            staff=staff,
            version=version,
            number=previous + 1,
            started_at=now,
            deadline_at=now + dt.timedelta(minutes=minutes),
            question_count=len(drawn),
        )
        orders = []
        for question_id in drawn:
            order = options[question_id]
            _random.shuffle(order)
            orders.append((question_id, order))
        _items_insert(attempt_id=attempt.pk, orders=orders)
    return attempt


_STALE_SQL = "SELECT id, deadline_at FROM quizzes_attempt WHERE staff_id = %s AND version_id = %s AND status = %s"
_START_SUMMARY_SQL = """
SELECT v.status, v.max_attempts, v.questions_per_attempt, v.time_limit_minutes,
  (SELECT MAX(t.id) FROM quizzes_attempt t
     WHERE t.staff_id = %(staff)s AND t.version_id = v.id AND t.status = %(in_progress)s),
  (SELECT COUNT(*) FROM quizzes_attempt t JOIN courses_courseversion tv ON tv.id = t.version_id
     WHERE t.staff_id = %(staff)s AND tv.course_id = v.course_id AND t.passed),
  (SELECT MAX(t.number) FROM quizzes_attempt t WHERE t.staff_id = %(staff)s AND t.version_id = v.id)
FROM courses_courseversion v WHERE v.id = %(version)s
"""
_QUESTIONS_SQL = """
SELECT q.id, o.id FROM quizzes_question q LEFT JOIN quizzes_option o ON o.question_id = q.id
WHERE q.version_id = %s ORDER BY q.position, q.id, o.position, o.id
"""


def _attempt_insert(*, staff: Staff, version: CourseVersion, number: int, started_at, deadline_at, question_count):
    values = {
        "staff_id": staff.pk,
        "version_id": version.pk,
        "number": number,
        "status": AttemptStatus.IN_PROGRESS.value,
        "started_at": started_at,
        "deadline_at": deadline_at,
        "question_count": question_count,
    }
    columns = ", ".join(values)
    placeholders = ", ".join(["%s"] * len(values))
    returning = " RETURNING id" if connection.features.can_return_columns_from_insert else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO quizzes_attempt ({columns}) VALUES ({placeholders}){returning}",  # noqa: S608 - fixed names
            [prep_value(Attempt, name, value) for name, value in values.items()],
        )
        attempt_id = cursor.fetchone()[0] if returning else cursor.lastrowid
    fields = {name: value for name, value in values.items() if not name.endswith("_id")}
    attempt = Attempt(id=attempt_id, staff=staff, version=version, **fields)
    attempt._state.adding = False
    attempt._state.db = connection.alias
    return attempt


def _items_insert(*, attempt_id: int, orders: list[tuple[int, list[int]]]) -> None:
    if not orders:
        return
    rows, params = [], []
    empty = prep_value(AttemptItem, "selected_options", [])
    for position, (question_id, order) in enumerate(orders, start=1):
        rows.append("(%s, %s, %s, %s, %s)")
        params += [attempt_id, question_id, position, prep_value(AttemptItem, "option_order", order), empty]
    _execute(
        "INSERT INTO quizzes_attemptitem (attempt_id, question_id, position, option_order, selected_options) "  # noqa: S608
        f"VALUES {', '.join(rows)}",  # placeholders only
        params,
    )


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


@functools.cache
def _lock_attempt_with_item_sql(vendor: str) -> str:
    # The attempt locked as `_lock_attempt` locks it, and the question the learner answers, in one statement.
    # Under a lock wait, PostgreSQL re-reads the attempt's row (its status is current) but not the item's;
    # nothing read from the item can have changed meanwhile (its options and their order are fixed at
    # the start), and its answer is overwritten, not read.
    return f"""
SELECT {model_columns(Attempt, "t")}, {model_columns(CourseVersion, "v")}, {model_columns(AttemptItem, "i")}, q.kind
FROM quizzes_attempt t JOIN courses_courseversion v ON v.id = t.version_id
LEFT JOIN quizzes_attemptitem i ON i.attempt_id = t.id AND i.id = %s
LEFT JOIN quizzes_question q ON q.id = i.question_id
WHERE t.id = %s{_for_update("t")}
"""  # noqa: S608 - column names from the models' metadata only; every value is a parameter


def _lock_attempt_with_item(attempt_id: int, item_id: int) -> tuple[Attempt, AttemptItem | None, str | None]:
    """The attempt with its version (row locked until the caller's transaction ends), and its item
    `item_id` with the question's kind (None, None if the attempt has no such item)."""
    with connection.cursor() as cursor:
        cursor.execute(_lock_attempt_with_item_sql(connection.vendor), [item_id, attempt_id])
        row = cursor.fetchone()
    if row is None:
        raise Attempt.DoesNotExist(f"No attempt {attempt_id}.")
    attempt, at = model_from_row(Attempt, row)
    attempt.version, at = model_from_row(CourseVersion, row, at)
    if row[at] is None:  # the item's id: no such item in this attempt
        return attempt, None, None
    item, at = model_from_row(AttemptItem, row, at)
    return attempt, item, row[at]


def _answer_save(*, attempt_id: int, item_id: int, option_ids: list[int] | None, choices: list[int] | None):
    now = timezone.now()
    with transaction.atomic():
        locked, item, kind = _lock_attempt_with_item(attempt_id, item_id)
        if locked.status != AttemptStatus.IN_PROGRESS:
            raise AttemptClosed(_("This attempt is closed; answers can no longer change."), code="attempt_closed")
        if not attempt_is_past_grace(attempt=locked, now=now):
            return _store_answer(item=item, kind=kind, option_ids=option_ids, choices=choices, now=now)
        _close(locked, now=now)
    # Raised after the transaction, so that closing the attempt is kept.
    raise AttemptClosed(
        _("The time limit has passed; the attempt was closed with the answers saved in time."), code="time_is_up"
    )


def _store_answer(
    *,
    item: AttemptItem | None,
    kind: str | None,
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
    if kind in _SINGLE_ANSWER_KINDS and len(selected) != 1:
        raise ValidationError(_("Choose exactly one option."), code="one_option")
    # Kept in the shuffled order the learner saw, so that the review reads the same.
    item.selected_options = [option_id for option_id in item.option_order if option_id in selected]
    item.answered_at = now if selected else None
    _execute(
        "UPDATE quizzes_attemptitem SET selected_options = %s, answered_at = %s WHERE id = %s",
        [
            prep_value(AttemptItem, "selected_options", item.selected_options),
            prep_value(AttemptItem, "answered_at", item.answered_at),
            item.pk,
        ],
    )
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
    # The items with the answer key: a row per correct option of each item's question (one, for an item
    # whose question has none, with NULL).
    by_id: dict[int, AttemptItem] = {}
    key: dict[int, set[int]] = defaultdict(set)
    option_at = len(AttemptItem._meta.concrete_fields)
    with connection.cursor() as cursor:
        cursor.execute(_items_with_key_sql(connection.vendor), [attempt.pk])
        for row in cursor.fetchall():
            item = by_id.get(row[0])
            if item is None:
                item = by_id[row[0]] = model_from_row(AttemptItem, row)[0]
            if row[option_at] is not None:
                key[item.question_id].add(row[option_at])
    items = list(by_id.values())
    for item in items:
        counted = item.answered_at is not None and item.answered_at <= limit
        selected = set(item.selected_options)
        item.is_correct = counted and bool(selected) and selected == key[item.question_id]
    right = [item.pk for item in items if item.is_correct]
    if right and len(right) < len(items):
        placeholders = ", ".join(["%s"] * len(right))
        marks, params = f"CASE WHEN id IN ({placeholders}) THEN %s ELSE %s END", [*right, True, False]
    else:
        marks, params = "%s", [bool(right)]
    _execute(f"UPDATE quizzes_attemptitem SET is_correct = {marks} WHERE attempt_id = %s", [*params, attempt.pk])  # noqa: S608 - placeholders only

    total = len(items)
    correct = sum(item.is_correct for item in items)
    attempt.correct_count = correct
    attempt.question_count = total
    attempt.score_percent = (Decimal(correct * 100) / Decimal(total or 1)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    # Compared exactly, not on the rounded percentage.
    attempt.passed = total > 0 and correct * 100 >= attempt.version.pass_percent * total
    attempt.status = AttemptStatus.SUBMITTED if in_time else AttemptStatus.EXPIRED
    attempt.closed_at = now if in_time else attempt.deadline_at
    fields = ["correct_count", "question_count", "score_percent", "passed", "status", "closed_at"]
    _execute(
        f"UPDATE quizzes_attempt SET {', '.join(f'{name} = %s' for name in fields)} WHERE id = %s",  # noqa: S608 - fixed names
        [*(prep_value(Attempt, name, getattr(attempt, name)) for name in fields), attempt.pk],
    )
    if attempt.passed:
        _complete_if_lessons_read(attempt=attempt, completed_on=timezone.localdate(attempt.closed_at))


@functools.cache
def _items_with_key_sql(vendor: str) -> str:
    return f"""
SELECT {model_columns(AttemptItem, "i")}, o.id
FROM quizzes_attemptitem i LEFT JOIN quizzes_option o ON o.question_id = i.question_id AND o.is_correct
WHERE i.attempt_id = %s
ORDER BY i.position, o.id
"""  # noqa: S608 - column names from the model's metadata only; the id is a parameter


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
