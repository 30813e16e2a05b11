"""Spreadsheets out: formula-injection escaping, the printable sheet every xlsx export writes, the download.

**Escaping.** `escape_cell` is for text that leaves as plain text (CSV, and rows that import-export
builds): a value starting with = + - @ tab or CR gets a leading apostrophe, and so does a value
that already starts with one, so that stripping *one* leading apostrophe on import (what the
imports do, `core.importing`) gives back exactly what was exported. `unescape_cell` is its inverse.

**The printable sheet.** `printable_sheet` writes one sheet of a write-only workbook so that it
opens and prints as a clerk expects (issue 12):

- row 1 a bold title saying what the sheet is and as of when, optional note rows under it, a
  blank row, then the header row: bold, wrapped, frozen, with an autofilter over the table;
- landscape A4, fitted to one page wide, the header row repeated on every page, page numbers
  in the footer, grid lines printed;
- column widths to the content (measured on the header and the first `WIDTH_SAMPLE_ROWS` rows,
  which are held back until measured: openpyxl's write-only sheet writes the widths before the
  first row, and the rest is streamed so memory stays flat however long the table);
- dates as date cells shown dd/mm/yyyy, percentages (the project's 0–100 figures,
  `core.numbers.percent`) as fractions shown `0.00%` (83.33 → 0.8333 → "83.33%");
- text that starts like a formula written as a *text cell* with Excel's quote-prefix style:
  Excel and LibreOffice never evaluate a text cell and show it without any apostrophe, and it
  reads back unchanged (checked by converting with LibreOffice, tests/core/test_spreadsheets.py);
  text that itself starts with an apostrophe gets one more, which the import's stripping of
  one leading apostrophe removes (so export → import changes nothing either way).

`PrintableXLSX` is the same for django-import-export's admin exports (its format class API).
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, BinaryIO

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export.formats import base_formats
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from core.dates import format_date

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_ESCAPED_PREFIXES = ("'", *_FORMULA_PREFIXES)


def escape_cell(value: Any) -> Any:
    """Neutralise formula injection in plain-text output: text starting with = + - @ tab CR (or ') gets a leading '."""
    if isinstance(value, str) and value.startswith(_ESCAPED_PREFIXES):
        return "'" + value
    return value


def unescape_cell(value: Any) -> Any:
    """The inverse of `escape_cell`: the one apostrophe it added, removed."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(_ESCAPED_PREFIXES):
        return value[1:]
    return value


def escape_row(values: Iterable[Any]) -> list[Any]:
    """`escape_cell` over a whole row, for exporters that build rows (import-export resources, csv writers)."""
    return [escape_cell(value) for value in values]


def xlsx_header(sheet, titles: list[str]) -> None:
    """A write-only sheet's first row: the column titles, escaped and in bold (prefer `printable_sheet`)."""
    bold = Font(bold=True)
    cells = []
    for title in titles:
        cell = WriteOnlyCell(sheet, value=escape_cell(title))
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)


# --- the printable sheet ------------------------------------------------------------------------------------

TEXT = "text"
PERCENT = "percent"  # a 0–100 figure, written as a fraction shown 0.00%
NUMBER = "number"  # a figure with two decimals (percentage points, scores), shown 0.00

DATE_NUMBER_FORMAT = "dd/mm/yyyy"
DATETIME_NUMBER_FORMAT = "dd/mm/yyyy hh:mm"
PERCENT_NUMBER_FORMAT = "0.00%"
DECIMAL_NUMBER_FORMAT = "0.00"
WIDTH_SAMPLE_ROWS = 1000
MIN_WIDTH = 6
MAX_WIDTH = 50  # wider text wraps in its column
MAX_HEADER_WIDTH = 24  # a longer title wraps rather than widening a column of short values
SHEET_NAME_LENGTH = 31  # Excel's limit
ROW_HEIGHT = 15  # points, one line of the default 11-point font
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Column:
    """A column of a printable sheet: its title and what its values are (TEXT also covers codes, counts and dates)."""

    title: str
    kind: str = TEXT


def sheet_name(text: str, *, taken: Iterable[str] = ()) -> str:
    """A valid, unique worksheet name: no [ ] : * ? / \\, no apostrophe at either end, 31 characters at most."""
    name = _SHEET_NAME_FORBIDDEN.sub("-", " ".join(str(text).split())).strip("'").strip() or _("Sheet")
    taken_folded = {existing.casefold() for existing in taken}
    candidate = name[:SHEET_NAME_LENGTH].rstrip()
    for number in itertools.count(2):
        if candidate.casefold() not in taken_folded:
            return candidate
        suffix = f" ({number})"
        candidate = name[: SHEET_NAME_LENGTH - len(suffix)].rstrip() + suffix
    raise AssertionError("unreachable")  # pragma: no cover


def sheet_title(*, what: str, as_of: dt.date) -> str:
    """The title row: what the sheet is and as of when."""
    return _("%(what)s — as of %(date)s") % {"what": what, "date": format_date(as_of)}


def _display_width(value: Any, kind: str) -> int:
    """How many characters a value takes once formatted (what a column must fit)."""
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    if kind == PERCENT and isinstance(value, int | float | Decimal):
        return len(f"{float(value) / 100:.2%}")
    if isinstance(value, float | Decimal):
        return len(f"{float(value):.2f}")
    if isinstance(value, bool):
        return 5
    return max((len(line) for line in str(value).splitlines()), default=0)


def _line_count(text: str, width: float) -> int:
    """Lines a wrapped text takes in a column `width` characters wide (for the row height)."""
    per_line = max(int(width) - 2, 1)
    return sum(max(-(-len(line) // per_line), 1) for line in str(text).splitlines() or [""])


def _row_height(lines: int) -> float | None:
    """An explicit height for a row of wrapped text (LibreOffice keeps the default height otherwise)."""
    return ROW_HEIGHT * lines if lines > 1 else None


class _SheetWriter:
    """Turns values into cells with the right type and style (styles made once, shared by the cells)."""

    def __init__(self, sheet, columns: Sequence[Column], wrapped: set[int]):
        self.sheet = sheet
        self.columns = columns
        self.wrapped = wrapped
        self.wrap = Alignment(wrap_text=True, vertical="top")

    def cell(self, index: int, value: Any):
        kind = self.columns[index].kind if index < len(self.columns) else TEXT
        if value is None or value == "":
            return None
        if isinstance(value, str):
            return self._text(index, value)
        if isinstance(value, dt.datetime):
            if timezone.is_aware(value):
                value = timezone.make_naive(timezone.localtime(value))
            return self._styled(value, number_format=DATETIME_NUMBER_FORMAT)
        if isinstance(value, dt.date):
            return self._styled(value, number_format=DATE_NUMBER_FORMAT)
        if isinstance(value, bool):
            return value
        if kind == PERCENT and isinstance(value, int | float | Decimal):
            return self._styled(float(Decimal(str(value)) / 100), number_format=PERCENT_NUMBER_FORMAT)
        if kind == NUMBER and isinstance(value, int | float | Decimal):
            return self._styled(float(value), number_format=DECIMAL_NUMBER_FORMAT)
        if isinstance(value, Decimal):
            return float(value)
        return value

    def _styled(self, value: Any, *, number_format: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.sheet, value=value)
        cell.number_format = number_format
        return cell

    def _text(self, index: int, value: str):
        if value.startswith("'"):
            # The imports drop one leading apostrophe (a clerk's or an old export's escape): add one to keep it.
            value = "'" + value
        formula_like = value.startswith(_FORMULA_PREFIXES)
        if not formula_like and index not in self.wrapped:
            return value
        cell = WriteOnlyCell(self.sheet, value=value)
        if formula_like:
            # A text cell, never a formula (openpyxl would take "=…" for one), shown as typed.
            cell.data_type = "s"
            cell.quotePrefix = True
        if index in self.wrapped:
            cell.alignment = self.wrap
        return cell


def printable_sheet(
    workbook: Workbook,
    *,
    name: str,
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    notes: Sequence[str] = (),
) -> int:
    """Write one printable sheet (see the module docstring) to a write-only `workbook`; returns the data rows.

    `title` is the whole title row (`sheet_title` makes the usual "… — as of dd/mm/yyyy");
    `notes` are lines under it (a rule, a scope). Row values are raw: text is not escaped
    (formula-like text becomes a protected text cell here), dates are dates, percentages 0–100.
    """
    sheet = workbook.create_sheet(sheet_name(name, taken=workbook.sheetnames))
    header_row = len(notes) + 3  # title, notes, one blank row, then the header
    rows = iter(rows)
    sample = list(itertools.islice(rows, WIDTH_SAMPLE_ROWS))

    wrapped: set[int] = set()
    widths: list[float] = []
    for index, column in enumerate(columns):
        content = max((_display_width(row[index], column.kind) for row in sample if index < len(row)), default=0)
        if content > MAX_WIDTH:
            wrapped.add(index)
        header = min(max(len(word) for word in column.title.split() or [""]), MAX_WIDTH)
        header = max(header, min(len(column.title), MAX_HEADER_WIDTH))
        width = min(max(content, header, MIN_WIDTH) + 2, MAX_WIDTH + 2)
        widths.append(width)
        sheet.column_dimensions[get_column_letter(index + 1)].width = width

    last_column = get_column_letter(max(len(columns), 1))
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as it takes
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.6, header=0.3, footer=0.3)
    sheet.print_options.gridLines = True
    sheet.HeaderFooter.oddFooter.center.text = "&P / &N"
    sheet.HeaderFooter.oddFooter.right.text = title.replace("&", "&&")  # a lone & starts a footer code

    title_cell = WriteOnlyCell(sheet, value=title)
    title_cell.font = Font(bold=True, size=13)
    title_cell.data_type = "s"
    sheet.append([title_cell])
    for note in notes:
        note_cell = WriteOnlyCell(sheet, value=note)
        note_cell.font = Font(italic=True)
        note_cell.data_type = "s"
        sheet.append([note_cell])
    sheet.append([])
    header_lines = max(
        (_line_count(column.title, width) for column, width in zip(columns, widths, strict=True)), default=1
    )
    if height := _row_height(header_lines):
        sheet.row_dimensions[header_row].height = height
    bold = Font(bold=True)
    header_alignment = Alignment(wrap_text=True, vertical="center")
    header_cells = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.title)
        cell.data_type = "s"
        cell.font = bold
        cell.alignment = header_alignment
        header_cells.append(cell)
    sheet.append(header_cells)

    writer = _SheetWriter(sheet, columns, wrapped)
    count = 0
    for row in itertools.chain(sample, rows):
        if wrapped:
            lines = max(
                (_line_count(row[index], widths[index]) for index in wrapped if index < len(row) and row[index]),
                default=1,
            )
            if height := _row_height(lines):
                sheet.row_dimensions[header_row + 1 + count].height = height
        sheet.append([writer.cell(index, value) for index, value in enumerate(row)])
        count += 1
    sheet.auto_filter.ref = f"A{header_row}:{last_column}{header_row + max(count, 1)}"
    return count


class PrintableXLSX(base_formats.XLSX):
    """django-import-export's xlsx export, written by `printable_sheet`.

    The sheet is named after the dataset's title (a resource sets it in `after_export`), the
    title row says "<title> — as of <today>". Resources escape their cells (`escape_row`) so
    that the CSV export is safe too; here that escaping is undone and formula-like text
    is written as a protected text cell instead, so nothing shows an apostrophe.
    """

    def export_data(self, dataset, **kwargs) -> bytes:
        what = dataset.title or _("Export")
        workbook = Workbook(write_only=True)
        printable_sheet(
            workbook,
            name=what,
            title=sheet_title(what=what, as_of=timezone.localdate()),
            columns=[Column(str(header)) for header in dataset.headers or []],
            rows=([unescape_cell(value) for value in row] for row in dataset),
        )
        output = io.BytesIO()
        workbook.save(output)
        return output.getvalue()


def xlsx_response(*, write: Callable[[BinaryIO], object], filename: str) -> FileResponse:
    """A workbook as a download: `write` fills a temporary file, which is streamed (never held in memory whole)."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it once sent
    write(spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
