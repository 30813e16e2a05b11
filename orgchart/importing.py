"""The cell rules of the org chart imports (unit and staff codes), and their commands' effective date."""

from __future__ import annotations

import datetime as dt
import re

from django.core.management.base import CommandError

from core.importing import REQUIRED, CleanRow, Refuse

CODE_PATTERN = re.compile(r"[A-Za-z0-9._-]{1,32}")


def parse_code(value: str) -> str | None:
    """A unit or staff code: letters, digits, dot, dash, underscore; at most 32."""
    return value if CODE_PATTERN.fullmatch(value) else None


def check_code(*, row: CleanRow, column: str, first_row: dict[str, int], refuse: Refuse) -> str:
    """The row's unit or staff code, refused when blank, malformed or already on an earlier row.

    `first_row` maps each case-folded code to the row it was first seen on; it fills as rows are checked.
    """
    code = row.text(column)
    if not code:
        refuse(column, REQUIRED)
    elif not parse_code(code):
        refuse(
            column,
            f'"{code}" không hợp lệ: mã chỉ được gồm chữ cái không dấu, chữ số, dấu chấm, gạch ngang, gạch dưới '
            "(tối đa 32 ký tự).",
        )
    elif code.casefold() in first_row:
        refuse(column, f'mã "{code}" trùng với dòng {first_row[code.casefold()]}.')
    else:
        first_row[code.casefold()] = row.number
    return code


def effective_date_option(value: str) -> dt.date:
    """The import commands' `--effective-date`: YYYY-MM-DD, or a `CommandError` saying so."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f'--effective-date "{value}" không đúng dạng YYYY-MM-DD.') from exc
