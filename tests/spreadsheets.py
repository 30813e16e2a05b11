"""Checking the project's xlsx exports: the table under the title block, the print layout, LibreOffice.

`table_rows` reads a printable sheet's table (header row first) wherever the title block puts it;
`assert_printable` checks everything issue 12 asks of a printable sheet; `libreoffice_pdf`
converts a workbook with LibreOffice (skipping, with the reason, where it is not installed).
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
NO_LIBREOFFICE = "LibreOffice (soffice) is not installed: .ci/run installs libreoffice-calc-nogui"


def workbook_from(content: bytes | Path | str):
    return load_workbook(io.BytesIO(content) if isinstance(content, bytes) else content)


def header_row_of(sheet: Worksheet) -> int:
    """The header is the row just above the frozen pane."""
    assert sheet.freeze_panes, f"sheet {sheet.title!r} has no frozen header"
    return sheet[sheet.freeze_panes].row - 1


def table_rows(sheet: Worksheet) -> list[tuple]:
    """The header row and every row under it, as values."""
    return list(sheet.iter_rows(min_row=header_row_of(sheet), values_only=True))


def assert_printable(
    sheet: Worksheet,
    *,
    name: str,
    title: Iterable[str],
    date_columns: Iterable[int] = (),
    percent_columns: Iterable[int] = (),
) -> None:
    """Issue 12's printable sheet: name, title row, frozen bold header with autofilter, widths, page setup, types.

    `title` are fragments the title row must contain (what, and the as-of date); column indexes are 0-based.
    """
    assert sheet.title == name, sheet.title
    assert len(name) <= 31
    title_cell = sheet["A1"]
    assert title_cell.font.bold
    for fragment in title:
        assert fragment in title_cell.value, (fragment, title_cell.value)

    header = header_row_of(sheet)
    assert header > 1  # under the title block
    titles = [cell.value for cell in sheet[header]]
    assert titles and all(titles), titles
    assert all(cell.font.bold for cell in sheet[header])
    last = get_column_letter(len(titles))
    assert sheet.auto_filter.ref.startswith(f"A{header}:{last}")
    assert sheet.print_title_rows == f"${header}:${header}"  # repeated on every printed page

    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == int(Worksheet.PAPERSIZE_A4)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert int(sheet.page_setup.fitToWidth) == 1 and int(sheet.page_setup.fitToHeight) == 0

    body = list(sheet.iter_rows(min_row=header + 1))
    for index, column_title in enumerate(titles):
        width = sheet.column_dimensions[get_column_letter(index + 1)].width
        texts = [row[index].value for row in body if index < len(row) and isinstance(row[index].value, str)]
        longest = max((len(text) for text in texts), default=0)
        # Wide enough for its values (dates print dd/mm/yyyy, 10 characters, never ###), or wrapped.
        assert width >= min(longest, 50) + 1, (column_title, width, longest)
    for index in date_columns:
        cells = [row[index] for row in body if row[index].value is not None]
        assert cells, f"no dates in column {titles[index]!r}"
        for cell in cells:
            assert isinstance(cell.value, dt.date) and cell.number_format == "dd/mm/yyyy", (
                cell.value,
                cell.number_format,
            )
            width = sheet.column_dimensions[cell.column_letter].width
            assert width >= 11, (titles[index], width)
    for index in percent_columns:
        cells = [row[index] for row in body if row[index].value is not None]
        assert cells, f"no percentages in column {titles[index]!r}"
        for cell in cells:
            assert isinstance(cell.value, int | float) and 0 <= cell.value <= 1, cell.value
            assert cell.number_format == "0.00%", cell.number_format


def libreoffice_pdf(xlsx: bytes | Path, directory: Path) -> Path:
    """Convert with LibreOffice headless (its own profile, so parallel runs do not collide); the PDF's path."""
    if SOFFICE is None:
        pytest.skip(NO_LIBREOFFICE)
    directory.mkdir(parents=True, exist_ok=True)
    if isinstance(xlsx, bytes):
        path = directory / "export.xlsx"
        path.write_bytes(xlsx)
    else:
        path = xlsx
    profile = directory / "lo-profile"
    outdir = directory / "pdf"
    completed = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    pdf = outdir / (path.stem + ".pdf")
    assert completed.returncode == 0, completed.stderr
    assert "Error" not in completed.stderr, completed.stderr
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF"), (completed.stdout, completed.stderr)
    return pdf


def pdf_text(pdf: Path) -> str:
    """The PDF's text, page by page (form feeds between), as poppler's pdftotext reads it."""
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed")
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True, timeout=60
    ).stdout


def pdf_page_size(pdf: Path) -> str:
    """pdfinfo's "Page size" line, e.g. "841.89 x 595.304 pts (A4)" (landscape A4)."""
    if shutil.which("pdfinfo") is None:
        pytest.skip("poppler-utils (pdfinfo) is not installed")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True, timeout=60).stdout
    return next(line.split(":", 1)[1].strip() for line in info.splitlines() if line.startswith("Page size:"))


def assert_prints(xlsx: bytes | Path, directory: Path, *, title: str, header: Iterable[str]) -> str:
    """LibreOffice converts it to PDF without error: landscape A4, no ###, the title, the header on every page.

    `header` holds one column title of each sheet's header: every page shows one of them.
    """
    pdf = libreoffice_pdf(xlsx, directory)
    size = pdf_page_size(pdf)
    width, height = (float(number) for number in size.split(" pts")[0].split(" x "))
    assert "(A4)" in size and width > height, size
    text = pdf_text(pdf)
    assert "###" not in text
    pages = [page for page in text.split("\f") if page.strip()]
    assert title in pages[0], pages[0][:300]
    header = list(header)
    for page in pages:
        assert any(column in page for column in header), (header, page[:300])
    return text


def libreoffice_csv(xlsx: Path, directory: Path) -> str:
    """The first sheet as LibreOffice shows it (formulas evaluated, text as displayed), as CSV text."""
    if SOFFICE is None:
        pytest.skip(NO_LIBREOFFICE)
    profile = directory / "lo-profile"
    outdir = directory / "csv"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",
            "--outdir",
            str(outdir),
            str(xlsx),
        ],
        capture_output=True,
        timeout=180,
        check=True,
    )
    return (outdir / (xlsx.stem + ".csv")).read_text(encoding="utf-8")
