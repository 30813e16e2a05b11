"""Rows read by plain SQL, turned into model instances exactly as the ORM would make them.

For the few reads on every page where building and compiling an ORM query costs several
times what the database spends answering it (see `courses.selectors_learning`). The SQL
selects a model's columns with `model_columns`; `model_from_row` applies Django's own
converters for the backend (dates on SQLite, JSON, booleans...) and calls `Model.from_db`.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from django.db import connection, models
from django.db.models.expressions import Col


def model_columns(model: type[models.Model], alias: str) -> str:
    """The model's concrete columns, qualified by `alias`, in `_meta.concrete_fields` order."""
    quote = connection.ops.quote_name
    return ", ".join(f"{alias}.{quote(field.column)}" for field in model._meta.concrete_fields)


@functools.cache
def _loader(vendor: str, model: type[models.Model]) -> tuple[list[str], list[tuple[int, list, Col]]]:
    # The converters depend on the backend and the settings only, never on the connection's state.
    attnames, converters = [], []
    for index, field in enumerate(model._meta.concrete_fields):
        attnames.append(field.attname)
        column = field.get_col(model._meta.db_table)
        functions = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if functions:
            converters.append((index, functions, column))
    return attnames, converters


def model_from_row(model: type[models.Model], row: Sequence[Any], start: int = 0) -> tuple[Any, int]:
    """An instance of `model` from `row[start:]` (as `model_columns` selected it), and where the next one starts."""
    attnames, converters = _loader(connection.vendor, model)
    end = start + len(attnames)
    values = list(row[start:end])
    for index, functions, column in converters:
        value = values[index]
        for function in functions:
            value = function(value, column, connection)
        values[index] = value
    return model.from_db(connection.alias, attnames, values), end


def convert_value(field: models.Field, value: Any) -> Any:
    """A single value of `field` read by plain SQL, converted as the ORM would."""
    column = field.get_col(field.model._meta.db_table)
    for function in connection.ops.get_db_converters(column) + column.get_db_converters(connection):
        value = function(value, column, connection)
    return value


def prep_value(model: type[models.Model], name: str, value: Any) -> Any:
    """`value` for field `name` of `model` as a parameter of plain SQL, prepared as the ORM would save it."""
    return model._meta.get_field(name).get_db_prep_save(value, connection)
