"""What the org chart tells the apps above it (they connect receivers in their `receivers.py`)."""

from django.dispatch import Signal

# Sent by `orgchart.services.roster.roster_import` after it wrote the roster as of
# `effective_date`, inside the import's transaction: a receiver that writes does so in
# the same transaction, and an exception it raises undoes the import. Keyword arguments:
# `effective_date` (dt.date) and `summary` (RosterSummary: who joined, moved or left).
roster_changed = Signal()
