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

from django.db.models import Exists, OuterRef, Subquery
from django.http import Http404

from accounts.models import User
from courses.models import (
    Completion,
    CompletionEvidence,
    CourseVersion,
    CourseVersionStatus,
    Enrolment,
    Lesson,
    ReviewPolicy,
)
from orgchart.models import Staff
from quizzes.forms import answer_field_name
from quizzes.models import Attempt, AttemptItem, AttemptStatus, Option, QuestionKind
from quizzes.rules import answers_accepted_until, past_grace_q

LETTERS = string.ascii_uppercase


# --- access --------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuizAccess:
    """A version's quiz as the signed-in person may take it; `staff`, the person, is read only when needed
    (starting an attempt)."""

    version: CourseVersion
    staff_id: int

    @functools.cached_property
    def staff(self) -> Staff:
        return Staff.objects.get(pk=self.staff_id)


def access_quiz_version(*, user: User, version_id: int) -> QuizAccess:
    """A published (or retired) version the signed-in person may take, and who they are; 404 otherwise.

    A learner must be enrolled in an assignment of the course; the Office may take any
    course (to try it), but only as a person on the roster: an attempt belongs to a Staff.
    One query: the version with its course, the id of the person linked to the account and whether
    they are enrolled in the course.
    """
    if not user.is_authenticated:
        raise Http404
    enrolled = Enrolment.objects.filter(staff__user_id=user.pk, assignment__course_id=OuterRef("course_id"))
    version = (
        CourseVersion.objects.select_related("course")
        .exclude(status=CourseVersionStatus.DRAFT)
        .annotate(
            learner_staff_id=Subquery(Staff.objects.filter(user_id=user.pk).values("pk")[:1]),
            learner_enrolled=Exists(enrolled),
        )
        .filter(pk=version_id)
        .first()
    )
    if version is None or version.learner_staff_id is None:
        raise Http404
    is_office = user.is_superuser or user.is_office_admin
    if not is_office and not version.learner_enrolled:
        raise Http404
    return QuizAccess(version=version, staff_id=version.learner_staff_id)


def access_attempt(*, user: User, attempt_id: int) -> Attempt:
    """One of the signed-in person's own attempts, else 404 (for everyone, the Office included).

    One query, with the attempt's version, course and person.
    """
    if not user.is_authenticated:
        raise Http404
    attempt = (
        Attempt.objects.select_related("version__course", "staff").filter(pk=attempt_id, staff__user_id=user.pk).first()
    )
    if attempt is None:
        raise Http404
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


def quiz_status(*, staff: Staff | int, version: CourseVersion) -> QuizStatus:
    """Attempts on this version, how many are left, and whether the course's quiz was already passed
    (`staff`: the person or their id).

    One query: the person's attempts at every version of the course (a handful), split here.
    """
    course_attempts = list(
        Attempt.objects.filter(staff=staff, version__course_id=version.course_id).order_by("number", "pk")
    )
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


_ITEM_COLUMNS = ("pk", "position", "option_order", "selected_options", "answered_at", "question__kind")


def _item_views(*, attempt: Attempt, with_texts: bool) -> list[ItemView]:
    items = AttemptItem.objects.filter(attempt=attempt).order_by("position")
    if with_texts:
        # A row per option (the item's columns repeated): the options' texts in the same statement.
        rows = items.values_list(*_ITEM_COLUMNS, "question__text", "question__options__id", "question__options__text")
    else:
        rows = items.values_list(*_ITEM_COLUMNS)
    by_item: dict[int, tuple] = {}  # by item id, in position order
    texts: dict[int, str] = {}
    for row in rows:
        by_item.setdefault(row[0], row[:7] if with_texts else (*row, ""))
        if with_texts and row[7] is not None:
            texts[row[7]] = row[8]
    views = []
    for item_id, position, option_order, selected, answered_at, kind, text in by_item.values():
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
                answered_at=answered_at,
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
    limit = answers_accepted_until(deadline_at=attempt.deadline_at)
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


def attempt_completion(*, attempt: Attempt) -> Completion | None:
    return Completion.objects.filter(attempt=attempt).first()


def completion_get_quiz(*, staff: Staff, course_id: int) -> Completion | None:
    return Completion.objects.filter(staff=staff, course_id=course_id, evidence=CompletionEvidence.QUIZ).first()


def lesson_count_unread(*, staff: Staff, version: CourseVersion) -> int:
    """How many lessons of `version` the person has never opened (one query)."""
    return Lesson.objects.filter(version=version).exclude(progress__staff=staff).count()


# --- the periodic task ---------------------------------------------------------------------------------


def attempt_ids_past_grace(*, now: dt.datetime | None = None) -> list[int]:
    """In-progress attempts whose deadline plus grace has passed (the (status, deadline_at) index)."""
    return list(
        Attempt.objects.filter(past_grace_q(now=now), status=AttemptStatus.IN_PROGRESS)
        .order_by("deadline_at")
        .values_list("pk", flat=True)
    )
