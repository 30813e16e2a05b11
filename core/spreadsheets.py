"""Spreadsheets out: formula-injection escaping for every export, and the xlsx downloads' header and response."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from typing import Any, BinaryIO

from django.http import FileResponse
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: Any) -> Any:
    """Neutralise formula injection: text starting with = + - @ tab or CR gets a leading quote."""
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


def escape_row(values: Iterable[Any]) -> list[Any]:
    """`escape_cell` over a whole row, for exporters that build rows (import-export resources, csv writers)."""
    return [escape_cell(value) for value in values]


def xlsx_header(sheet, titles: list[str]) -> None:
    """A write-only sheet's first row: the column titles, escaped and in bold."""
    bold = Font(bold=True)
    cells = []
    for title in titles:
        cell = WriteOnlyCell(sheet, value=escape_cell(title))
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)


def xlsx_response(*, write: Callable[[BinaryIO], object], filename: str) -> FileResponse:
    """A workbook as a download: `write` fills a temporary file, which is streamed (never held in memory whole)."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it once sent
    write(spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
