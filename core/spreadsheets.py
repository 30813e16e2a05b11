"""Spreadsheet safety shared by every export."""

from collections.abc import Iterable
from typing import Any

_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: Any) -> Any:
    """Neutralise formula injection: text starting with = + - @ tab or CR gets a leading quote."""
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


def escape_row(values: Iterable[Any]) -> list[Any]:
    """`escape_cell` over a whole row, for exporters that build rows (import-export resources, csv writers)."""
    return [escape_cell(value) for value in values]
