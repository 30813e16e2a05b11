"""The province generator's bulk loading: the one place in `demo` that leaves the ORM.

`generate_province --staff 100000 --units 2000 --depth 5` writes some 1.5 million
enrolments and a million completions; with PostgreSQL's COPY (psycopg 3), its big tables
loaded without their secondary indexes, it builds in about 40 s (benchmarks/results.md),
where `bulk_create` spends minutes. Other databases (SQLite, for the small tests) get
batched `executemany` INSERTs of the same rows. Table and column names come from each
model's `_meta`; tests/demo/test_province.py runs it on both databases.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence

from django.core.management.color import no_style
from django.db import connection, models, transaction

COPY_PROGRESS_EVERY = 20_000

# Callable(phase, done, total): the command draws a progress line from it.
Progress = Callable[[str, int, int], None]


class TableWriter:
    """COPY on PostgreSQL, batched executemany elsewhere; explicit ids, counted per model."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.postgres = connection.vendor == "postgresql"
        self.written: dict[type[models.Model], int] = {}

    def write(
        self,
        model: type[models.Model],
        names: Sequence[str],
        rows: Iterable[Sequence],
        *,
        phase: str,
        total: int,
        big: bool = False,
    ) -> int:
        """Insert `rows` (values in the order of `names`); `big` tables load without their secondary indexes.

        On PostgreSQL a big table's foreign keys and the indexes that back no constraint are
        dropped before the COPY and recreated from their own definitions right after, in the
        same transaction (PostgreSQL's "populating a database" advice): one validating pass
        and one sort per index instead of a check and an index insert per row.
        """
        fields = [model._meta.get_field(name) for name in names]
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        table = connection.ops.quote_name(model._meta.db_table)
        json_columns = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
        count = 0
        report = self.progress or (lambda phase, done, total: None)
        report(phase, 0, total)
        with connection.cursor() as cursor:
            restore: list[str] = []
            if self.postgres and big:
                restore = self._drop_foreign_keys_and_indexes(cursor, model._meta.db_table)
            if self.postgres:
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # noqa: S608
                    for row in rows:
                        if json_columns:
                            row = list(row)
                            for i in json_columns:
                                row[i] = json.dumps(row[i])
                        copy.write_row(row)
                        count += 1
                        if count % COPY_PROGRESS_EVERY == 0:
                            report(phase, count, total)
            else:
                sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608
                batch = []
                for row in rows:
                    batch.append([f.get_db_prep_save(value, connection) for f, value in zip(fields, row, strict=True)])
                    if len(batch) >= 5000:
                        cursor.executemany(sql, batch)
                        count += len(batch)
                        batch = []
                        report(phase, count, total)
                if batch:
                    cursor.executemany(sql, batch)
                    count += len(batch)
            for statement in restore:
                cursor.execute(statement)
        report(phase, count, max(total, count))
        self.written[model] = self.written.get(model, 0) + count
        return count

    @staticmethod
    def _drop_foreign_keys_and_indexes(cursor, table: str) -> list[str]:
        """Drop the table's foreign keys and constraint-free indexes; return the statements that restore them."""
        quote = connection.ops.quote_name
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
            [table],
        )
        foreign_keys = cursor.fetchall()
        cursor.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
            "WHERE x.indrelid = %s::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid) "
            "ORDER BY i.relname",
            [table],
        )
        indexes = cursor.fetchall()
        for name, _definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {quote(name)}")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        return [definition for _name, definition in indexes] + [
            f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}" for name, definition in foreign_keys
        ]

    def reset_sequences(self) -> None:
        statements = connection.ops.sequence_reset_sql(no_style(), list(self.written))
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def constraints_immediate() -> None:
    """On PostgreSQL, check constraints per statement rather than at commit (no-op elsewhere).

    No trigger events are left pending, so the big tables can drop and re-add their
    foreign keys inside the generator's transaction.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def tables_empty(model_list: Sequence[type[models.Model]]) -> None:
    """Delete every row of these models' tables (TRUNCATE … RESTART IDENTITY on PostgreSQL)."""
    tables = [model._meta.db_table for model in model_list]
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(quote(t) for t in tables)} RESTART IDENTITY CASCADE")
        else:
            # Django's SQLite foreign keys are deferred: the order does not matter inside a transaction.
            for table in tables:
                cursor.execute(f"DELETE FROM {quote(table)}")  # noqa: S608


def tables_analyze(model_list: Sequence[type[models.Model]]) -> None:
    """Refresh the planner's statistics after a bulk load (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in model_list:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
