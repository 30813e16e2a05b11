"""What courses tells the apps above it (they connect receivers in their `receivers.py`)."""

from django.dispatch import Signal

# Sent by `courses.services.completions.completion_record` for each new completion, inside
# the caller's transaction (a receiver defers its side effects with transaction.on_commit).
# Keyword argument: `completion` (courses.models.Completion).
completion_recorded = Signal()
