"""Workbook downloads: the header row and the streamed response, shared by every xlsx export."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from typing import BinaryIO

from django.http import FileResponse
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from core.spreadsheets import escape_cell

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_header(sheet: WriteOnlyWorksheet, titles: list[str]) -> None:
    """The sheet's first row: the column titles, escaped and in bold."""
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
