"""Reads for the quiz pages: access (`access`), the start and attempt pages and grading's reads
(`attempts`), the review after closing (`review`).

The pages never see `Option.is_correct` or `Question.explanation` while an attempt is in
progress; only `attempt_review`, which refuses an attempt still in progress, reads the key.
"""

from quizzes.selectors.access import QuizAccess, access_attempt, access_quiz_version
from quizzes.selectors.attempts import (
    LETTERS,
    CertificateState,
    ChoiceView,
    ItemView,
    QuizStatus,
    attempt_completion,
    attempt_ids_past_grace,
    attempt_item_answers,
    attempt_item_views,
    certificate_state,
    completion_get_quiz,
    lesson_count_unread,
    quiz_status,
)
from quizzes.selectors.review import (
    ReviewChoice,
    ReviewItem,
    ReviewScope,
    attempt_review,
    review_refusal,
    review_refusal_for_attempt,
    review_scope,
)

__all__ = [
    "LETTERS",
    "CertificateState",
    "ChoiceView",
    "ItemView",
    "QuizAccess",
    "QuizStatus",
    "ReviewChoice",
    "ReviewItem",
    "ReviewScope",
    "access_attempt",
    "access_quiz_version",
    "attempt_completion",
    "attempt_ids_past_grace",
    "attempt_item_answers",
    "attempt_item_views",
    "attempt_review",
    "certificate_state",
    "completion_get_quiz",
    "lesson_count_unread",
    "quiz_status",
    "review_refusal",
    "review_refusal_for_attempt",
    "review_scope",
]
