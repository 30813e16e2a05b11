"""The review of a closed attempt: the only read of the answer key, and only as much of it as the version's
`review_policy` shows (`review_scope`): what it hides is never read into the review, so no template can leak it.

And only when nothing is open (`review_refusal`): while another attempt of the course is in progress the key
would help answer it (the attempts are drawn from the same bank), and a version with `review_when_final`
shows it only once the person has passed or used every attempt allowed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from courses.models import CourseVersion, ReviewPolicy
from courses.rules import attempts_allowed, attempts_granted_subquery, attempts_left
from quizzes.models import Attempt, AttemptItem, AttemptStatus, Option
from quizzes.rules import answers_accepted_until
from quizzes.selectors.attempts import LETTERS, QuizStatus


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


def review_refusal(*, version: CourseVersion, status: QuizStatus) -> str | None:
    """Why the person may not review their closed attempts of `version` now (`status`: their `quiz_status`),
    or None when they may."""
    return _refusal(version=version, open_anywhere=status.open_anywhere, passed=status.passed, left=status.left)


def review_refusal_for_attempt(*, attempt: Attempt) -> str | None:
    """`review_refusal` for the person and version of a closed attempt, in one query (the review page's)."""
    version = attempt.version
    own = Attempt.objects.filter(staff_id=attempt.staff_id)
    open_anywhere, passed, used, granted = (
        CourseVersion.objects.filter(pk=version.pk)
        .annotate(
            open_anywhere=Exists(
                own.filter(version__course_id=OuterRef("course_id"), status=AttemptStatus.IN_PROGRESS)
            ),
            passed_any=Exists(own.filter(version__course_id=OuterRef("course_id"), passed=True)),
            used=Coalesce(
                Subquery(
                    own.filter(version_id=OuterRef("pk"))
                    .order_by()
                    .values("version_id")
                    .annotate(n=Count("pk"))
                    .values("n")[:1],
                    output_field=IntegerField(),
                ),
                0,
            ),
            granted=attempts_granted_subquery(staff=attempt.staff_id, course=OuterRef("course_id")),
        )
        .values_list("open_anywhere", "passed_any", "used", "granted")
        .get()
    )
    left = attempts_left(allowed=attempts_allowed(max_attempts=version.max_attempts, granted=granted), used=used)
    return _refusal(version=version, open_anywhere=open_anywhere, passed=passed, left=left)


def _refusal(*, version: CourseVersion, open_anywhere: bool, passed: bool, left: int) -> str | None:
    # While an attempt is open the key would help answer it: the attempts are drawn from the same bank.
    if open_anywhere:
        return _("The review is not available while an attempt at this quiz is in progress. Submit it first.")
    if version.review_when_final and not passed and left > 0:
        return _("The review opens once you have passed the quiz or used every attempt.")
    return None


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
