"""The org chart's one statement outside the ORM: PostgreSQL's advisory lock, which the ORM has no word for."""

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
