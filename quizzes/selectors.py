"""Reads for the quiz pages.

The pages never see `Option.is_correct` or `Question.explanation` while an attempt is in
progress: `attempt_item_views` builds plain objects that do not carry them, and the
form posts the 1-based position of a choice in the attempt's shuffled order, never an
option's id (ids follow the authoring order, which would hint at the key). Only
`attempt_review`, which refuses an attempt still in progress, reads the key.
"""

from __future__ import annotations

import datetime as dt
import string
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from courses.models import Completion, CompletionEvidence, CourseVersion, CourseVersionStatus, Enrolment, Lesson
from orgchart.models import Staff
from quizzes.models import Attempt, AttemptItem, AttemptStatus, Option, QuestionKind

LETTERS = string.ascii_uppercase


def grace_period() -> dt.timedelta:
    return dt.timedelta(seconds=settings.LANTOA_QUIZ_GRACE_SECONDS)


def attempt_is_past_grace(*, attempt: Attempt, now: dt.datetime | None = None) -> bool:
    """True once nothing more may be saved: the deadline plus the grace period has passed."""
    return (now or timezone.now()) > attempt.deadline_at + grace_period()


# --- access --------------------------------------------------------------------------------


def staff_get_for_user(*, user: User) -> Staff | None:
    if not user.is_authenticated:
        return None
    return Staff.objects.filter(user=user).first()


def access_quiz_version(*, user: User, version_id: int) -> tuple[Staff, CourseVersion]:
    """The signed-in person and a published (or retired) version they may take; 404 otherwise.

    A learner must be enrolled in an assignment of the course; the Office may take any
    course (to try it), but only as a person on the roster: an attempt belongs to a Staff.
    Two queries: the person, then the version with whether they are enrolled in its course.
    """
    staff = staff_get_for_user(user=user)
    if staff is None:
        raise Http404
    enrolled = Enrolment.objects.filter(staff_id=staff.pk, assignment__course_id=OuterRef("course_id"))
    version = (
        CourseVersion.objects.select_related("course")
        .filter(pk=version_id)
        .exclude(status=CourseVersionStatus.DRAFT)
        .annotate(learner_enrolled=Exists(enrolled))
        .first()
    )
    if version is None:
        raise Http404
    is_office = user.is_superuser or user.is_office_admin
    if not is_office and not version.learner_enrolled:
        raise Http404
    return staff, version


def access_attempt(*, user: User, attempt_id: int) -> Attempt:
    """One of the signed-in person's own attempts, else 404 (for everyone, the Office included)."""
    if not user.is_authenticated:
        raise Http404
    attempt = (
        Attempt.objects.select_related("version", "version__course", "staff")
        .filter(pk=attempt_id, staff__user=user)
        .first()
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


def quiz_status(*, staff: Staff, version: CourseVersion) -> QuizStatus:
    """Attempts on this version, how many are left, and whether the course's quiz was already passed.

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


def attempt_item_views(*, attempt: Attempt) -> list[ItemView]:
    """The attempt's questions in drawn order with their options in shuffled order: two queries."""
    return _item_views(attempt=attempt, with_texts=True)


def attempt_item_answers(*, attempt: Attempt) -> list[ItemView]:
    """As `attempt_item_views`, without the questions' and options' texts (empty): one query.

    For comparing posted answers with the saved ones, where no text is shown.
    """
    return _item_views(attempt=attempt, with_texts=False)


def _item_views(*, attempt: Attempt, with_texts: bool) -> list[ItemView]:
    fields = ["id", "position", "option_order", "selected_options", "answered_at", "question__id", "question__kind"]
    if with_texts:
        fields.append("question__text")
    items = list(
        AttemptItem.objects.filter(attempt=attempt).select_related("question").only(*fields).order_by("position")
    )
    texts: dict[int, str] = {}
    if with_texts:
        texts = dict(
            Option.objects.filter(question_id__in=[item.question_id for item in items]).values_list("id", "text")
        )
    return [
        ItemView(
            item_id=item.pk,
            position=item.position,
            text=item.question.text if with_texts else "",
            kind=item.question.kind,
            choices=[
                ChoiceView(
                    number=index,
                    letter=LETTERS[index - 1],
                    text=texts.get(option_id, ""),
                    selected=option_id in item.selected_options,
                )
                for index, option_id in enumerate(item.option_order, start=1)
            ],
            answered_at=item.answered_at,
        )
        for item in items
    ]


def attempt_item_view(*, attempt: Attempt, item_id: int) -> ItemView:
    """One question of the attempt as `attempt_item_views` shows it (for the autosave partial)."""
    for view in attempt_item_views(attempt=attempt):
        if view.item_id == item_id:
            return view
    raise Http404


# --- after closing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewChoice:
    letter: str
    text: str
    selected: bool
    correct: bool


@dataclass(frozen=True)
class ReviewItem:
    position: int
    text: str
    kind: str
    choices: list[ReviewChoice]
    is_correct: bool
    answered: bool
    answered_in_time: bool
    explanation: str


def attempt_review(*, attempt: Attempt) -> list[ReviewItem]:
    """What was right and wrong, with the key and explanations: only for a closed attempt."""
    if attempt.status == AttemptStatus.IN_PROGRESS:
        raise ValueError("The answer key is shown only after the attempt is closed.")
    limit = attempt.deadline_at + grace_period()
    items = list(
        AttemptItem.objects.filter(attempt=attempt)
        .select_related("question")
        .only(
            "id",
            "position",
            "option_order",
            "selected_options",
            "answered_at",
            "is_correct",
            "question__id",
            "question__text",
            "question__kind",
            "question__explanation",
        )
        .order_by("position")
    )
    options = {
        option_id: (text, is_correct)
        for option_id, text, is_correct in Option.objects.filter(
            question_id__in=[item.question_id for item in items]
        ).values_list("id", "text", "is_correct")
    }
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
                explanation=item.question.explanation,
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
    cutoff = (now or timezone.now()) - grace_period()
    return list(
        Attempt.objects.filter(Q(status=AttemptStatus.IN_PROGRESS) & Q(deadline_at__lt=cutoff))
        .order_by("deadline_at")
        .values_list("pk", flat=True)
    )
