"""Writes to quizzes: attempts and grading (`attempts`), the question spreadsheet import (`question_import`)."""

from quizzes.services.attempts import (
    AttemptClosed,
    attempt_answer_save,
    attempt_answer_save_choices,
    attempt_close_expired,
    attempt_start,
    attempt_submit,
    completion_check_after_lessons,
)
from quizzes.services.question_import import QuestionImportSummary, question_import

__all__ = [
    "AttemptClosed",
    "QuestionImportSummary",
    "attempt_answer_save",
    "attempt_answer_save_choices",
    "attempt_close_expired",
    "attempt_start",
    "attempt_submit",
    "completion_check_after_lessons",
    "question_import",
]
