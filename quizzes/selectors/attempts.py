"""An attempt as the learner sees it while it runs, the start page's summary, and what grading and the task read.

The pages never see `Option.is_correct` or `Question.explanation` while an attempt is in
progress: `attempt_item_views` builds plain objects that do not carry them, and the
form posts the 1-based position of a choice in the attempt's shuffled order, never an
option's id (ids follow the authoring order, which would hint at the key).
"""

from __future__ import annotations

import datetime as dt
import string
from dataclasses import dataclass

from django.db.models import FilteredRelation, Q

from courses.models import AttemptGrant, Completion, CompletionEvidence, Course, CourseVersion, Lesson
from courses.rules import attempts_allowed, attempts_left, is_locked_out
from orgchart.models import Staff
from quizzes.forms import answer_field_name
from quizzes.models import Attempt, AttemptItem, AttemptStatus, QuestionKind
from quizzes.rules import past_grace_q

LETTERS = string.ascii_uppercase


# --- the start page ----------------------------------------------------------------------------


@dataclass(frozen=True)
class QuizStatus:
    attempts: list[Attempt]
    in_progress: Attempt | None
    passed: bool
    used: int
    left: int
    # The attempts the person may use at this version (its maximum plus the grants), and the Office's grants.
    allowed: int = 0
    grants: tuple[AttemptGrant, ...] = ()
    # An attempt of the course in progress, at this version or another (retired) one.
    open_anywhere: bool = False

    @property
    def can_start(self) -> bool:
        return self.in_progress is None and not self.passed and self.left > 0

    @property
    def locked_out(self) -> bool:
        """Out of attempts and not passed (`courses.rules.is_locked_out`)."""
        return is_locked_out(
            passed=self.passed, in_progress=self.in_progress is not None, used=self.used, allowed=self.allowed
        )


def quiz_status(*, staff: Staff | int, version: CourseVersion) -> QuizStatus:
    """Attempts on this version, how many are left, and whether the course's quiz was already passed
    (`staff`: the person or their id).

    Two queries: the person's attempts at every version of the course (a handful), split here, and the
    extra attempts the Office granted them for the course.
    """
    course_attempts = list(
        Attempt.objects.filter(staff=staff, version__course_id=version.course_id).order_by("number", "pk")
    )
    grants = tuple(AttemptGrant.objects.filter(staff=staff, course_id=version.course_id).order_by("granted_at", "pk"))
    attempts = [attempt for attempt in course_attempts if attempt.version_id == version.pk]
    passed_elsewhere = any(attempt.passed and attempt.version_id != version.pk for attempt in course_attempts)
    used = len(attempts)
    allowed = attempts_allowed(max_attempts=version.max_attempts, granted=sum(grant.extra_attempts for grant in grants))
    return QuizStatus(
        attempts=attempts,
        in_progress=next((a for a in attempts if a.status == AttemptStatus.IN_PROGRESS), None),
        passed=passed_elsewhere or any(a.passed for a in attempts),
        used=used,
        left=attempts_left(allowed=allowed, used=used),
        allowed=allowed,
        grants=grants,
        open_anywhere=any(a.status == AttemptStatus.IN_PROGRESS for a in course_attempts),
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


def attempt_completion(*, attempt: Attempt) -> Completion | None:
    return Completion.objects.filter(attempt=attempt).first()


@dataclass(frozen=True)
class CertificateState:
    """The person's certificate for a course, as the result page tells it."""

    code: str | None  # the valid certificate's verification code (its PDF's URL), None while there is none
    serial: str
    issued_on_completion: bool  # the course issues one by itself on completion (else the Office issues them)


def certificate_state(*, staff_id: int, course_id: int) -> CertificateState:
    """Whether the person holds a valid certificate of the course, and if not, how one will come (one query).

    Read through the relations the certificates app registers on `Course` (it sits above the quiz and
    is not imported): "valid" is `certificates.models.CertificateStatus.VALID`.
    """
    row = (
        Course.objects.filter(pk=course_id)
        .annotate(
            valid=FilteredRelation(
                "certificates", condition=Q(certificates__staff_id=staff_id, certificates__status="valid")
            )
        )
        .values_list("valid__code", "valid__serial", "certificate_setting__issue_on_completion")
        .first()
    )
    code, serial, on_completion = row or (None, None, None)
    return CertificateState(code=code, serial=serial or "", issued_on_completion=bool(on_completion))


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
