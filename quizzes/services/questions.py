"""Writes to a draft course version's quiz: its questions and options, the rules they follow, and
what the course's version lifecycle asks of them (copy into a new draft, check before publishing).

A question or option changes only while its version is a draft: every write locks the version's
course and re-reads its status (`courses.services.course_version_lock_draft`).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from courses.models import CourseVersion
from courses.services import clean_text, course_version_lock_draft, next_position, refuse_move
from quizzes.models import Option, Question, QuestionKind

# --- rules shared with the importers ------------------------------------------------------------


class QuestionRule:
    """Why a question's options do not fit its kind (codes; each caller words them)."""

    TOO_FEW_OPTIONS = "too_few_options"
    SINGLE_NEEDS_ONE_CORRECT = "single_needs_one_correct"
    MULTIPLE_NEEDS_A_CORRECT = "multiple_needs_a_correct"
    TRUE_FALSE_SHAPE = "true_false_shape"


def question_rule_violation(*, kind: str, option_count: int, correct_count: int) -> str | None:
    if kind == QuestionKind.TRUE_FALSE:
        return None if option_count == 2 and correct_count == 1 else QuestionRule.TRUE_FALSE_SHAPE
    if option_count < 2:
        return QuestionRule.TOO_FEW_OPTIONS
    if kind == QuestionKind.SINGLE and correct_count != 1:
        return QuestionRule.SINGLE_NEEDS_ONE_CORRECT
    if kind == QuestionKind.MULTIPLE and correct_count < 1:
        return QuestionRule.MULTIPLE_NEEDS_A_CORRECT
    return None


def _question_rule_message(code: str, *, position: int) -> str:
    messages = {
        QuestionRule.TOO_FEW_OPTIONS: _("Question %(position)d needs at least two options."),
        QuestionRule.SINGLE_NEEDS_ONE_CORRECT: _(
            "Question %(position)d is single choice: exactly one option must be correct."
        ),
        QuestionRule.MULTIPLE_NEEDS_A_CORRECT: _(
            "Question %(position)d is multiple choice: at least one option must be correct."
        ),
        QuestionRule.TRUE_FALSE_SHAPE: _(
            "Question %(position)d is true/false: it needs exactly two options, one of them correct."
        ),
    }
    return messages[code] % {"position": position}


# --- the version's lifecycle -------------------------------------------------------------------------


def question_bank_copy(*, source: CourseVersion, draft: CourseVersion) -> None:
    """Copy `source`'s questions and options into the new `draft` (the caller's transaction)."""
    for question in source.questions.order_by("position").prefetch_related("options"):
        copy = Question.objects.create(
            version=draft,
            position=question.position,
            text=question.text,
            kind=question.kind,
            explanation=question.explanation,
        )
        Option.objects.bulk_create(
            Option(question=copy, position=option.position, text=option.text, is_correct=option.is_correct)
            for option in sorted(question.options.all(), key=lambda option: option.position)
        )


def question_bank_problems(*, version: CourseVersion) -> list[str]:
    """Why `version`'s quiz cannot be published yet (empty when it can)."""
    problems = []
    questions = list(version.questions.order_by("position").prefetch_related("options"))
    if not questions:
        problems.append(_("The quiz needs at least one question."))
    elif version.questions_per_attempt > len(questions):
        problems.append(
            _("Each attempt draws %(drawn)d questions but the bank holds only %(count)d.")
            % {"drawn": version.questions_per_attempt, "count": len(questions)}
        )
    for question in questions:
        options = list(question.options.all())
        code = question_rule_violation(
            kind=question.kind,
            option_count=len(options),
            correct_count=sum(option.is_correct for option in options),
        )
        if code:
            problems.append(_question_rule_message(code, position=question.position))
    return problems


# --- questions and options of a draft ----------------------------------------------------------------


@transaction.atomic
def question_save(*, question: Question) -> Question:
    """Add or change a question of a draft. Its options are checked against its kind when publishing."""
    course_version_lock_draft(question.version_id)
    refuse_move(Question, question, parent="version_id")
    if question.position is None:
        question.position = next_position(Question.objects.filter(version_id=question.version_id))
    question.text = clean_text(question.text, multiline=True)
    question.explanation = clean_text(question.explanation, multiline=True)
    question.full_clean()
    question.save()
    return question


@transaction.atomic
def question_delete(*, question: Question) -> None:
    course_version_lock_draft(question.version_id)
    question.delete()


@transaction.atomic
def option_save(*, option: Option) -> Option:
    version_id = Question.objects.values_list("version_id", flat=True).get(pk=option.question_id)
    course_version_lock_draft(version_id)
    refuse_move(Option, option, parent="question_id")
    if option.position is None:
        option.position = next_position(Option.objects.filter(question_id=option.question_id))
    option.text = clean_text(option.text)
    option.full_clean()
    option.save()
    return option


@transaction.atomic
def option_delete(*, option: Option) -> None:
    version_id = Question.objects.values_list("version_id", flat=True).get(pk=option.question_id)
    course_version_lock_draft(version_id)
    option.delete()
