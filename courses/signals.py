"""What courses tells the apps above it (quizzes receives these, in `quizzes.receivers`).

`lesson_first_opened`: a person's reading of a lesson was recorded and a passed quiz may be waiting
for it (a course that asks for every lesson to be read before its quiz completes it). Sent once the
reading is recorded, with `staff` and `version`; quizzes receives it (`quizzes.receivers`) and records
the completion, in its own transaction, when every lesson is read.
"""

from django.dispatch import Signal

lesson_first_opened = Signal()

# `course_version_draft_created`: a draft was made from `source` (sender CourseVersion, with `source` and
# `draft`), inside the transaction that made it; quizzes copies the source's questions into the draft.
course_version_draft_created = Signal()

# `course_version_publish_checking`: asked before `version` is published (sender CourseVersion, with
# `version`); each receiver returns a list of problems (translated sentences) that keep it unpublished.
course_version_publish_checking = Signal()

# `completion_recorded`: sent by `courses.services.completions.completion_record` for each new completion,
# inside the caller's transaction (a receiver defers its side effects with transaction.on_commit).
# Keyword argument: `completion` (courses.models.Completion); certificates receives it.
completion_recorded = Signal()
