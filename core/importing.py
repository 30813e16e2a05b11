"""Reading spreadsheets into rows, and the cell rules every import shares.

`read_table` turns an uploaded xlsx or UTF-8 csv into header → value dicts; `rows[i]`
is spreadsheet row `i + 2` (the header is row 1), blank rows included so that numbers
stay true. The importing services (the units and roster imports, attendance, question
banks, courses) take those dicts — or the same dicts built by the admin from a tablib
Dataset — and call `clean_rows` to match headers, normalise text and refuse
legacy-encoded cells.

Messages here are Vietnamese on purpose: the contract shows them to the Office as is.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from core.dates import format_date, format_datetime, parse_date
from core.text import detect_legacy_encoding, normalize_text

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
# An xlsx inflates about 5-20 times; anything far beyond is a zip bomb, not a roster.
_MAX_INFLATION = 50
_CSV_DELIMITERS = ",;\t"

LEGACY_MESSAGES = {
    "TCVN3": "Văn bản mã TCVN3 (font .VnTime) — hãy chuyển sang Unicode trước khi nhập",
    "VNI": "Văn bản mã VNI (font VNI-Times) — hãy chuyển sang Unicode trước khi nhập",
}


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong with an import. `row` is the spreadsheet row number (header = 1)."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.row is not None and self.column:
            return f'Dòng {self.row}, cột "{self.column}": {self.message}'
        if self.row is not None:
            return f"Dòng {self.row}: {self.message}"
        if self.column:
            return f'Cột "{self.column}": {self.message}'
        return self.message


class ImportRefused(Exception):
    """The file was refused; nothing was written. `problems` lists every reason."""

    def __init__(self, problems: Iterable[ImportProblem]):
        self.problems = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)

    @classmethod
    def in_row_order(cls, problems: Iterable[ImportProblem]) -> ImportRefused:
        """The refusal of a whole file: problems by row, those of no particular row last."""
        return cls(sorted(problems, key=lambda p: (p.row is None, p.row or 0)))


def _refuse(message: str) -> ImportRefused:
    return ImportRefused([ImportProblem(row=None, column=None, message=message)])


def size_label(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")
    return f"{max(1, size // 1024)} KB"


def too_large_message(size: int) -> str:
    """The refusal of a file over `LANTOA_IMPORT_MAX_BYTES`, wherever its size is first known."""
    return f"Tệp quá lớn ({size_label(size)}); giới hạn là {size_label(settings.LANTOA_IMPORT_MAX_BYTES)}."


# --- reading files -----------------------------------------------------------------


def read_table(*, content: bytes, filename: str) -> list[dict[str, object]]:
    """The rows of an xlsx (first sheet) or UTF-8 csv file as header → value dicts.

    Raises `ImportRefused` for an empty, oversized, unreadable or wrongly typed file.
    """
    if not content:
        raise _refuse("Tệp rỗng, không có dữ liệu.")
    if len(content) > settings.LANTOA_IMPORT_MAX_BYTES:
        raise _refuse(too_large_message(len(content)))
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if content.startswith(_OLE_MAGIC) or extension == "xls":
        raise _refuse(
            "Tệp Excel 97-2003 (.xls) không được hỗ trợ — hãy mở bằng Excel và lưu lại thành .xlsx hoặc CSV (UTF-8)."
        )
    if extension == "xlsx":
        grid = _read_xlsx(content)
    elif extension == "csv":
        grid = _read_csv(content)
    else:
        raise _refuse(f'Định dạng tệp ".{extension}" không được hỗ trợ — chỉ nhận .xlsx hoặc .csv (UTF-8).')
    return _grid_to_rows(grid)


def read_file(*, path: str | Path) -> list[dict[str, object]]:
    """`read_table` for a file on disk; the size is checked before anything is read."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > settings.LANTOA_IMPORT_MAX_BYTES:
            raise _refuse(too_large_message(size))
        content = path.read_bytes()
    except FileNotFoundError as exc:
        raise _refuse(f"Không tìm thấy tệp {path}.") from exc
    except IsADirectoryError as exc:
        raise _refuse(f"{path} là thư mục, không phải tệp.") from exc
    except PermissionError as exc:
        raise _refuse(f"Không có quyền đọc tệp {path}.") from exc
    return read_table(content=content, filename=path.name)


def _read_xlsx(content: bytes) -> Iterable[Sequence[object]]:
    not_xlsx = "Tệp có đuôi .xlsx nhưng không phải là tệp Excel .xlsx hợp lệ"
    if not content.startswith(_ZIP_MAGIC):
        kind = "PDF" if content.startswith(b"%PDF") else None
        raise _refuse(f"{not_xlsx} (nội dung là tệp {kind})." if kind else f"{not_xlsx}.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        names = set(archive.namelist())
        inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _refuse(f"{not_xlsx} (tệp nén bị hỏng).") from exc
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise _refuse(f"{not_xlsx} (tệp nén không chứa bảng tính Excel).")
    if inflated > _MAX_INFLATION * max(len(content), 1) and inflated > settings.LANTOA_IMPORT_MAX_BYTES:
        raise _refuse(f"{not_xlsx} (dữ liệu giải nén lớn bất thường).")
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        return list(_limited(sheet.iter_rows(values_only=True)))
    except ImportRefused:
        raise
    except Exception as exc:  # openpyxl raises many kinds (KeyError, XML errors, …) for a broken workbook
        raise _refuse(f"{not_xlsx} (không đọc được: {type(exc).__name__}).") from exc


def _read_csv(content: bytes) -> Iterable[Sequence[object]]:
    if content.startswith(_ZIP_MAGIC) or b"\x00" in content[:4096]:
        raise _refuse("Tệp có đuôi .csv nhưng không phải là văn bản CSV (có thể là tệp Excel — hãy đổi đuôi .xlsx).")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise ImportRefused(
            [
                ImportProblem(
                    row=line,
                    column=None,
                    message="Tệp CSV không phải mã UTF-8 — hãy lưu lại bằng "
                    '"CSV UTF-8 (Comma delimited)" trong Excel rồi nhập lại.',
                )
            ]
        ) from exc
    first_line = text.split("\n", 1)[0]
    counts = {delimiter: first_line.count(delimiter) for delimiter in _CSV_DELIMITERS}
    delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    try:
        return list(_limited(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)))
    except csv.Error as exc:
        raise _refuse(f"Tệp CSV bị lỗi định dạng: {exc}.") from exc


def _limited(rows: Iterable[Sequence[object]]) -> Iterable[Sequence[object]]:
    """Stop reading once the row limit is passed (blank trailing rows do not count)."""
    max_rows = settings.LANTOA_IMPORT_MAX_ROWS
    pending_blank = 0
    count = 0
    for row in rows:
        if _is_blank(row):
            pending_blank += 1
            continue
        for _ in range(pending_blank):
            yield ()
        pending_blank = 0
        count += 1
        if count > max_rows + 1:  # + the header row
            raise _refuse(f"Tệp có quá nhiều dòng; giới hạn là {max_rows:,} dòng dữ liệu.".replace(",", "."))
        yield row


def _is_blank(row: Sequence[object]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in row)


def _grid_to_rows(grid: Sequence[Sequence[object]]) -> list[dict[str, object]]:
    if not grid or _is_blank(grid[0]):
        raise _refuse("Không có dòng tiêu đề: dòng 1 của tệp phải chứa tên các cột.")
    header = [normalize_text(cell) if cell is not None else "" for cell in grid[0]]
    problems = []
    seen: dict[str, int] = {}
    for index, name in enumerate(header):
        if not name:
            continue
        legacy = detect_legacy_encoding(name)
        if legacy:
            problems.append(ImportProblem(row=1, column=name, message=LEGACY_MESSAGES[legacy]))
        key = name.casefold()
        if key in seen:
            problems.append(
                ImportProblem(row=1, column=name, message=f"tên cột bị lặp (cột {seen[key] + 1} và {index + 1}).")
            )
        seen.setdefault(key, index)
    if problems:
        raise ImportRefused(problems)
    rows = []
    for cells in grid[1:]:
        rows.append({name: (cells[i] if i < len(cells) else None) for i, name in enumerate(header) if name})
    if not any(not _is_blank(list(row.values())) for row in rows):
        raise _refuse("Tệp chỉ có dòng tiêu đề, không có dòng dữ liệu nào.")
    return rows


# --- shared cell rules -----------------------------------------------------------------


@dataclass(frozen=True)
class CleanRow:
    """A non-blank input row: its spreadsheet number and its cells by canonical column name."""

    number: int
    cells: dict[str, object]

    def text(self, column: str) -> str:
        value = self.cells.get(column)
        return value if isinstance(value, str) else cell_text(value)


def cell_text(value: object) -> str:
    """A cell as trimmed NFC text; whole numbers lose the ".0" a spreadsheet gives them."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return format_date(value.date()) if value.time() == dt.time() else format_datetime(value)
    if isinstance(value, dt.date):
        return format_date(value)
    return normalize_text(str(value))


def clean_rows(
    *, rows: Sequence[dict[str, object]], required: Sequence[str], optional: Sequence[str] = ()
) -> tuple[list[CleanRow], set[str], list[ImportProblem]]:
    """Match headers (NFC, trimmed, case-insensitive), clean every cell, skip blank rows.

    Returns the cleaned rows (keyed by the canonical column names), the set of columns
    present and the problems found. A missing required column raises at once: nothing
    else can be checked without it.
    """
    wanted = {name.casefold(): name for name in (*required, *optional)}
    # Every row of a read_table result has the same keys; dicts built elsewhere might not.
    headers = dict.fromkeys(str(header) for row in rows for header in row)
    mapping = {
        header: wanted[normalize_text(header).casefold()]
        for header in headers
        if normalize_text(header).casefold() in wanted
    }
    present = set(mapping.values())
    missing = [name for name in required if name not in present]
    if not rows:
        raise _refuse("Tệp không có dòng dữ liệu nào.")
    if missing:
        raise ImportRefused(
            ImportProblem(row=1, column=name, message="thiếu cột bắt buộc này trong dòng tiêu đề.") for name in missing
        )

    problems: list[ImportProblem] = []
    cleaned: list[CleanRow] = []
    for index, row in enumerate(rows):
        number = index + 2
        cells: dict[str, object] = {}
        blank = True
        for header, value in row.items():
            canonical = mapping.get(str(header))
            if canonical is None:
                continue
            if isinstance(value, str):
                value = normalize_text(value)
                legacy = detect_legacy_encoding(value)
                if legacy:
                    problems.append(ImportProblem(row=number, column=canonical, message=LEGACY_MESSAGES[legacy]))
            if value is not None and value != "":
                blank = False
            cells[canonical] = value
        if not blank:
            cleaned.append(CleanRow(number=number, cells=cells))
    if not cleaned:
        raise _refuse("Tệp không có dòng dữ liệu nào.")
    return cleaned, present, problems


# How a row check reports a problem: refuse(column, message).
Refuse = Callable[[str, str], None]
REQUIRED = "bắt buộc, không được để trống."


def check_name(*, row: CleanRow, column: str, max_length: int, refuse: Refuse) -> str:
    """The row's text in a required column no longer than `max_length`."""
    name = row.text(column)
    if not name:
        refuse(column, REQUIRED)
    elif len(name) > max_length:
        refuse(column, f"dài {len(name)} ký tự, tối đa {max_length}.")
    return name


def check_choice(*, row: CleanRow, column: str, labels: dict[str, str], refuse: Refuse) -> str | None:
    """The value whose label (value → label in `labels`, any letter case) the required cell holds."""
    text = row.text(column)
    folded = text.casefold()
    value = next((value for value, label in labels.items() if label.casefold() == folded), None)
    if not text:
        refuse(column, REQUIRED)
    elif value is None:
        refuse(column, f'"{text}" không hợp lệ; chỉ nhận: {", ".join(labels.values())}.')
    return value


def parse_date_cell(value: object) -> dt.date:
    """A date from a date cell or dd/mm/yyyy text. Raises ValueError with a Vietnamese reason."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return parse_date(cell_text(value))
