"""Reads for the quiz pages.

The pages never see `Option.is_correct` or `Question.explanation` while an attempt is in
progress: `attempt_item_views` builds plain objects that do not carry them, and the
form posts the 1-based position of a choice in the attempt's shuffled order, never an
option's id (ids follow the authoring order, which would hint at the key). Only
`attempt_review`, which refuses an attempt still in progress, reads the key, and only as
much of it as the version's `review_policy` shows (`review_scope`): what it hides is never
read into the review, so no template can leak it.
"""

from __future__ import annotations

import datetime as dt
import functools
import string
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from core.rawsql import convert_value, model_columns, model_from_row
from courses.models import (
    Completion,
    CompletionEvidence,
    Course,
    CourseVersion,
    CourseVersionStatus,
    Lesson,
    ReviewPolicy,
)
from orgchart.models import Staff
from quizzes.forms import answer_field_name
from quizzes.models import Attempt, AttemptItem, AttemptStatus, Option, QuestionKind

LETTERS = string.ascii_uppercase


def grace_period() -> dt.timedelta:
    return dt.timedelta(seconds=settings.LANTOA_QUIZ_GRACE_SECONDS)


def attempt_is_past_grace(*, attempt: Attempt, now: dt.datetime | None = None) -> bool:
    """True once nothing more may be saved: the deadline plus the grace period has passed."""
    return (now or timezone.now()) > attempt.deadline_at + grace_period()


# --- access --------------------------------------------------------------------------------


@functools.cache
def _quiz_version_sql(vendor: str) -> str:
    # The person linked to the account (a LEFT JOIN: the link is one-to-one), the version with its
    # course unless it is a draft, and whether the person is enrolled in the course.
    return f"""
SELECT {model_columns(Staff, "s")}, {model_columns(CourseVersion, "v")}, {model_columns(Course, "co")},
  EXISTS (SELECT 1 FROM courses_enrolment e JOIN courses_assignment a ON a.id = e.assignment_id
    WHERE e.staff_id = s.id AND a.course_id = v.course_id)
FROM orgchart_staff s
LEFT JOIN courses_courseversion v ON v.id = %(version)s AND v.status <> %(draft)s
LEFT JOIN courses_course co ON co.id = v.course_id
WHERE s.user_id = %(user)s
"""  # noqa: S608 - column names from the models' metadata only; every value is a parameter


def access_quiz_version(*, user: User, version_id: int) -> tuple[Staff, CourseVersion]:
    """The signed-in person and a published (or retired) version they may take; 404 otherwise.

    A learner must be enrolled in an assignment of the course; the Office may take any
    course (to try it), but only as a person on the roster: an attempt belongs to a Staff.
    One query: the person, the version and whether they are enrolled in its course.
    """
    if not user.is_authenticated:
        raise Http404
    with connection.cursor() as cursor:
        cursor.execute(
            _quiz_version_sql(connection.vendor),
            {"version": version_id, "draft": CourseVersionStatus.DRAFT.value, "user": user.pk},
        )
        row = cursor.fetchone()
    if row is None:
        raise Http404
    staff, at = model_from_row(Staff, row)
    if row[at] is None:
        raise Http404
    version, at = model_from_row(CourseVersion, row, at)
    version.course, at = model_from_row(Course, row, at)
    version.learner_enrolled = bool(row[at])
    is_office = user.is_superuser or user.is_office_admin
    if not is_office and not version.learner_enrolled:
        raise Http404
    return staff, version


@functools.cache
def _attempt_sql(vendor: str) -> str:
    return f"""
SELECT {model_columns(Attempt, "t")}, {model_columns(CourseVersion, "v")}, {model_columns(Course, "co")},
  {model_columns(Staff, "s")}
FROM quizzes_attempt t
JOIN courses_courseversion v ON v.id = t.version_id
JOIN courses_course co ON co.id = v.course_id
JOIN orgchart_staff s ON s.id = t.staff_id
WHERE t.id = %(attempt)s AND s.user_id = %(user)s
"""  # noqa: S608 - column names from the models' metadata only; every value is a parameter


def access_attempt(*, user: User, attempt_id: int) -> Attempt:
    """One of the signed-in person's own attempts, else 404 (for everyone, the Office included).

    One query, with the attempt's version, course and person.
    """
    if not user.is_authenticated:
        raise Http404
    with connection.cursor() as cursor:
        cursor.execute(_attempt_sql(connection.vendor), {"attempt": attempt_id, "user": user.pk})
        row = cursor.fetchone()
    if row is None:
        raise Http404
    attempt, at = model_from_row(Attempt, row)
    version, at = model_from_row(CourseVersion, row, at)
    version.course, at = model_from_row(Course, row, at)
    attempt.version = version
    attempt.staff, at = model_from_row(Staff, row, at)
    return attempt


# --- the start page ----------------------------------------------------------------------------


@dataclass(frozen=True)
class QuizStatus:
    attempts: list[Attempt]
    in_progress: Attempt | None
    passed: bool
    used: int
    left: int

    @property
    def can_start(self) -> bool:
        return self.in_progress is None and not self.passed and self.left > 0


@functools.cache
def _course_attempts_sql(vendor: str) -> str:
    return f"""
SELECT {model_columns(Attempt, "t")}
FROM quizzes_attempt t JOIN courses_courseversion v ON v.id = t.version_id
WHERE t.staff_id = %(staff)s AND v.course_id = %(course)s
ORDER BY t.number, t.id
"""  # noqa: S608 - column names from the models' metadata only; every value is a parameter


def quiz_status(*, staff: Staff, version: CourseVersion) -> QuizStatus:
    """Attempts on this version, how many are left, and whether the course's quiz was already passed.

    One query: the person's attempts at every version of the course (a handful), split here.
    """
    with connection.cursor() as cursor:
        cursor.execute(_course_attempts_sql(connection.vendor), {"staff": staff.pk, "course": version.course_id})
        course_attempts = [model_from_row(Attempt, row)[0] for row in cursor.fetchall()]
    attempts = [attempt for attempt in course_attempts if attempt.version_id == version.pk]
    passed_elsewhere = any(attempt.passed and attempt.version_id != version.pk for attempt in course_attempts)
    used = len(attempts)
    return QuizStatus(
        attempts=attempts,
        in_progress=next((a for a in attempts if a.status == AttemptStatus.IN_PROGRESS), None),
        passed=passed_elsewhere or any(a.passed for a in attempts),
        used=used,
        left=max(0, version.max_attempts - used),
    )


# --- the attempt page -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChoiceView:
    """An option as the learner sees it: its place in the shuffled order, its text, whether it is picked."""

    number: int
    letter: str
    text: str
    selected: bool
    input_id: str = ""  # the HTML id of its input: "item-<item id>-<number>"


@dataclass(frozen=True)
class ItemView:
    item_id: int
    position: int
    text: str
    kind: str
    choices: list[ChoiceView]
    answered_at: dt.datetime | None

    @property
    def multiple(self) -> bool:
        return self.kind == QuestionKind.MULTIPLE

    @property
    def answered(self) -> bool:
        return bool(self.answered_at)

    @property
    def field_name(self) -> str:
        return answer_field_name(self.item_id)

    @property
    def input_type(self) -> str:
        return "checkbox" if self.multiple else "radio"


def attempt_item_views(*, attempt: Attempt) -> list[ItemView]:
    """The attempt's questions in drawn order with their options in shuffled order: one query."""
    return _item_views(attempt=attempt, with_texts=True)


def attempt_item_answers(*, attempt: Attempt) -> list[ItemView]:
    """As `attempt_item_views`, without the questions' and options' texts (empty): one query.

    For comparing posted answers with the saved ones, where no text is shown.
    """
    return _item_views(attempt=attempt, with_texts=False)


_ITEMS_SQL = """
SELECT i.id, i.position, i.option_order, i.selected_options, i.answered_at, q.id, q.kind, ''
FROM quizzes_attemptitem i JOIN quizzes_question q ON q.id = i.question_id
WHERE i.attempt_id = %s
ORDER BY i.position
"""
# With the texts: a row per option (the question's columns repeated), the options' texts in the same statement.
_ITEMS_WITH_TEXTS_SQL = """
SELECT i.id, i.position, i.option_order, i.selected_options, i.answered_at, q.id, q.kind, q.text, o.id, o.text
FROM quizzes_attemptitem i JOIN quizzes_question q ON q.id = i.question_id
LEFT JOIN quizzes_option o ON o.question_id = q.id
WHERE i.attempt_id = %s
ORDER BY i.position
"""


def _item_views(*, attempt: Attempt, with_texts: bool) -> list[ItemView]:
    json_field = AttemptItem._meta.get_field("option_order")
    answered_field = AttemptItem._meta.get_field("answered_at")
    with connection.cursor() as cursor:
        cursor.execute(_ITEMS_WITH_TEXTS_SQL if with_texts else _ITEMS_SQL, [attempt.pk])
        rows = cursor.fetchall()
    items: dict[int, tuple] = {}  # by item id, in position order
    texts: dict[int, str] = {}
    for row in rows:
        items.setdefault(row[0], row[:8])
        if with_texts and row[8] is not None:
            texts[row[8]] = row[9]
    views = []
    for item_id, position, option_order, selected_options, answered_at, _question_id, kind, text in items.values():
        option_order = convert_value(json_field, option_order)
        selected = convert_value(json_field, selected_options)
        views.append(
            ItemView(
                item_id=item_id,
                position=position,
                text=text,
                kind=kind,
                choices=[
                    ChoiceView(
                        number=index,
                        letter=LETTERS[index - 1],
                        text=texts.get(option_id, ""),
                        selected=option_id in selected,
                        input_id=f"{answer_field_name(item_id)}-{index}",
                    )
                    for index, option_id in enumerate(option_order, start=1)
                ],
                answered_at=convert_value(answered_field, answered_at),
            )
        )
    return views


# --- after closing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewScope:
    """What the review of a closed attempt shows, from the version's `review_policy`."""

    questions: bool  # the questions, the learner's own answers and whether each was right
    answers: bool  # the correct options
    explanations: bool


def review_scope(*, version: CourseVersion) -> ReviewScope:
    policy = version.review_policy
    return ReviewScope(
        questions=policy != ReviewPolicy.NONE,
        answers=policy in (ReviewPolicy.ANSWERS, ReviewPolicy.EXPLANATIONS),
        explanations=policy == ReviewPolicy.EXPLANATIONS,
    )


@dataclass(frozen=True)
class ReviewChoice:
    letter: str
    text: str
    selected: bool
    correct: bool  # always False when the policy hides the correct options


@dataclass(frozen=True)
class ReviewItem:
    position: int
    text: str
    kind: str
    choices: list[ReviewChoice]
    is_correct: bool
    answered: bool
    answered_in_time: bool
    explanation: str  # always "" when the policy hides the explanations


def attempt_review(*, attempt: Attempt) -> list[ReviewItem]:
    """What was right and wrong, with the key and explanations as far as the version's policy shows them.

    Only for a closed attempt; empty when the policy allows no review. The correct options
    and the explanations are not even read when the policy hides them.
    """
    if attempt.status == AttemptStatus.IN_PROGRESS:
        raise ValueError("The answer key is shown only after the attempt is closed.")
    scope = review_scope(version=attempt.version)
    if not scope.questions:
        return []
    limit = attempt.deadline_at + grace_period()
    fields = ["id", "position", "option_order", "selected_options", "answered_at", "is_correct"]
    fields += ["question__id", "question__text", "question__kind"]
    if scope.explanations:
        fields.append("question__explanation")
    items = list(
        AttemptItem.objects.filter(attempt=attempt).select_related("question").only(*fields).order_by("position")
    )
    option_rows = Option.objects.filter(question_id__in=[item.question_id for item in items])
    if scope.answers:
        options = {pk: (text, correct) for pk, text, correct in option_rows.values_list("id", "text", "is_correct")}
    else:
        options = {pk: (text, False) for pk, text in option_rows.values_list("id", "text")}
    review = []
    for item in items:
        in_time = item.answered_at is not None and item.answered_at <= limit
        review.append(
            ReviewItem(
                position=item.position,
                text=item.question.text,
                kind=item.question.kind,
                choices=[
                    ReviewChoice(
                        letter=LETTERS[index],
                        text=options.get(option_id, ("", False))[0],
                        selected=in_time and option_id in item.selected_options,
                        correct=options.get(option_id, ("", False))[1],
                    )
                    for index, option_id in enumerate(item.option_order)
                ],
                is_correct=bool(item.is_correct),
                answered=item.answered_at is not None,
                answered_in_time=in_time,
                explanation=item.question.explanation if scope.explanations else "",
            )
        )
    return review


@functools.cache
def _attempt_completion_sql(vendor: str) -> str:
    return f"SELECT {model_columns(Completion, 'c')} FROM courses_completion c WHERE c.attempt_id = %s"  # noqa: S608


def attempt_completion(*, attempt: Attempt) -> Completion | None:
    with connection.cursor() as cursor:
        cursor.execute(_attempt_completion_sql(connection.vendor), [attempt.pk])
        row = cursor.fetchone()
    return model_from_row(Completion, row)[0] if row is not None else None


def completion_get_quiz(*, staff: Staff, course_id: int) -> Completion | None:
    return Completion.objects.filter(staff=staff, course_id=course_id, evidence=CompletionEvidence.QUIZ).first()


def lesson_count_unread(*, staff: Staff, version: CourseVersion) -> int:
    """How many lessons of `version` the person has never opened (one query)."""
    return Lesson.objects.filter(version=version).exclude(progress__staff=staff).count()


# --- the periodic task ---------------------------------------------------------------------------------


def attempt_ids_past_grace(*, now: dt.datetime | None = None) -> list[int]:
    """In-progress attempts whose deadline plus grace has passed (the (status, deadline_at) index)."""
    cutoff = (now or timezone.now()) - grace_period()
    return list(
        Attempt.objects.filter(Q(status=AttemptStatus.IN_PROGRESS) & Q(deadline_at__lt=cutoff))
        .order_by("deadline_at")
        .values_list("pk", flat=True)
    )
