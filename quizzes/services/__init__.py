"""Writes to quizzes: attempts and grading (`attempts`), a draft's questions and options (`questions`),
the question spreadsheet import (`question_import`) and the course file import (`course_import`)."""

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
from quizzes.services.questions import (
    QuestionRule,
    option_delete,
    option_save,
    question_delete,
    question_rule_violation,
    question_save,
)

__all__ = [
    "AttemptClosed",
    "QuestionImportSummary",
    "QuestionRule",
    "attempt_answer_save",
    "attempt_answer_save_choices",
    "attempt_close_expired",
    "attempt_start",
    "attempt_submit",
    "completion_check_after_lessons",
    "option_delete",
    "option_save",
    "question_delete",
    "question_import",
    "question_rule_violation",
    "question_save",
]
