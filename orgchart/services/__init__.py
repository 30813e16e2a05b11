"""Writes to the org chart: units and roster imports (`units`, `roster`) and staff records (`staff`)."""

from django.db import connection

# Any constant works; it only has to be the same for every org-chart import.
_IMPORT_LOCK_KEY = 0x4C414E544F41  # "LANTOA"


def lock_orgchart_imports() -> None:
    """Serialise org-chart imports: two Office staff importing at once must not interleave.

    Call inside `transaction.atomic()`. PostgreSQL takes a transaction-scoped advisory
    lock; SQLite already serialises writers (transaction_mode IMMEDIATE in settings).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_IMPORT_LOCK_KEY])


class ChangeTally:
    """`add` for an import summary: keep the change and count it in the field named after its kind."""

    changes: list

    def add(self, change) -> None:
        self.changes.append(change)
        setattr(self, change.kind, getattr(self, change.kind) + 1)
