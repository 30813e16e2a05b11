"""Reading spreadsheets for every import, and the cell rules they share.

Two steps, both here:

1. `read_table` / `read_file` read an uploaded file — xlsx, xls (Excel 97-2003), ods,
   csv (UTF-8, `,` `;` or tab) or Excel's "Unicode Text" (UTF-16, tab-separated) — into
   a `SpreadsheetFile`: every sheet, its non-blank rows with their true spreadsheet row
   numbers, its hidden rows. Cells are read as the clerk sees them: a number shown
   through a `00000` format is the text `00123`, a date cell is a date. Reading has a
   bounded cost whatever the file (see "Bounds" below).
2. `clean_rows` finds the import's table in that file the way a Sở's clerk lays it out
   — a title block on top, the header on row 5 or 6, maybe a numbering row `(1) (2) (3)`
   under it, an `STT` column, a signature block after a blank row at the bottom — picks
   the first sheet whose header row holds every required column, matches the headers
   (with the aliases of `HEADER_ALIASES`), cleans every cell (`core.text.normalize_text`,
   a leading apostrophe dropped) and refuses legacy TCVN3/VNI text in any cell of the
   table. What it skipped or noticed (the sheet and header row used, ignored columns,
   hidden rows, the signature block) is returned as `notes` for the dry run and the
   admin preview.

The importing services (units, roster, attendance, question banks) take a
`SpreadsheetFile` — or, in tests and older callers, a list of header → value dicts whose
header is row 1 — and call `clean_rows`.

Bounds: the file is at most `LANTOA_IMPORT_MAX_BYTES`; every zip member (xlsx, ods) is
inflated through a counter that refuses it past `LANTOA_IMPORT_MAX_INFLATED_BYTES` of
real output (the sizes a zip declares are not trusted); only non-blank rows are kept
(blank ones are counted), a non-blank row past `LANTOA_IMPORT_MAX_ROWS` rows of data or
a cell past `LANTOA_IMPORT_MAX_COLUMNS` columns is refused as soon as it is met, and so
is a file of more than `LANTOA_IMPORT_MAX_CELLS` cells. XML is parsed incrementally
(lxml, no DTD, no entities, no network) and each row freed once read.

Messages here are Vietnamese on purpose: the contract shows them to the Office as is.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings

from core.dates import format_date, format_datetime, parse_clerk_date
from core.text import detect_legacy_encoding, normalize_text

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_CSV_DELIMITERS = ",;\t"
_TEXT_LINE = re.compile(r"[^\r\n]+")
_EXTENSIONS = ("xlsx", "xlsm", "xls", "ods", "csv", "tsv", "txt")

LEGACY_MESSAGES = {
    "TCVN3": "văn bản dùng bảng mã TCVN3 (phông .VnTime) — hãy chuyển sang Unicode trước khi nhập",
    "VNI": "văn bản dùng bảng mã VNI (phông VNI-Times) — hãy chuyển sang Unicode trước khi nhập",
}

# The header wordings offices use, by the contract's column name. Matching ignores letter
# case, punctuation, a required-column star and extra spaces: "E-mail", "e mail" and
# "EMAIL" are one header. Keep it small; a new wording goes here and into README.md.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "Mã cán bộ": ("Mã CB", "Mã số cán bộ", "Mã nhân viên", "Mã NV"),
    "Họ và tên": ("Họ tên", "Họ và tên cán bộ"),
    "Ngày sinh": ("Ngày, tháng, năm sinh", "Ngày tháng năm sinh", "Sinh ngày"),
    "Email": ("E-mail", "Thư điện tử", "Địa chỉ email"),
    "Mã đơn vị": ("Mã ĐV",),
    "Có mặt": ("Điểm danh",),
}
# Numbering columns: read past without a word.
IGNORED_HEADERS = ("STT", "TT", "Số TT", "Số thứ tự")
# Where the header row is looked for: the first rows of each sheet.
HEADER_SEARCH_ROWS = 30

_HEADER_PUNCTUATION = re.compile(r"[\s,.;:/()*\-–—_]+")
_NUMBERING_CELL = re.compile(r"\(?\s*(\d{1,3}|[A-Za-z])\s*\)?")
_SIGNATURE = re.compile(
    r"người lập|lập biểu|giám đốc|thủ trưởng|trưởng phòng|kế toán trưởng|chủ tịch|ký tên|\(ký|ký,|"
    r"xác nhận|nơi nhận|^tm\.|^kt\.|^tl\.|ngày\s*\S*\s*tháng\s*\S*\s*năm"
)


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong with an import. `row` is the spreadsheet row number as the clerk sees it."""

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
    return (
        f"Tệp quá lớn ({size_label(size)}); giới hạn là {size_label(settings.LANTOA_IMPORT_MAX_BYTES)} — "
        "hãy bỏ các trang tính, hình ảnh không cần nhập hoặc chia thành nhiều tệp."
    )


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


# --- what reading gives --------------------------------------------------------------------


@dataclass
class Sheet:
    """One sheet: its non-blank rows as (spreadsheet row number, cells), hidden rows, blank rows counted."""

    name: str
    hidden: bool = False
    rows: list[tuple[int, list[object]]] = field(default_factory=list)
    hidden_rows: set[int] = field(default_factory=set)
    blank_rows: int = 0


@dataclass
class SpreadsheetFile:
    """What `read_table` read: every sheet of the file, in the file's order."""

    filename: str
    sheets: list[Sheet]
    sha256: str = ""  # of the bytes read: the import record names the exact file


class _Collector:
    """Builds the sheets of one file, enforcing the row, column and cell bounds as rows arrive.

    Readers pass each cell through `column_allowed` before putting it in a row, so a row
    reaching `add_row` is never wider than the bound.
    """

    def __init__(self, filename: str):
        self.file = SpreadsheetFile(filename=filename, sheets=[])
        self.max_rows = _limit("LANTOA_IMPORT_MAX_ROWS", 200_000)
        # Title block, header, numbering row and signature block come on top of the data rows.
        self.max_row_number = self.max_rows + 1_000
        self.max_columns = _limit("LANTOA_IMPORT_MAX_COLUMNS", 100)
        self.max_cells = _limit("LANTOA_IMPORT_MAX_CELLS", 1_000_000)
        self.cells = 0
        self.sheet: Sheet | None = None
        self.last_number = 0

    def start_sheet(self, name: str, *, hidden: bool = False) -> None:
        self.sheet = Sheet(name=name, hidden=hidden)
        self.file.sheets.append(self.sheet)
        self.last_number = 0

    def add_row(self, number: int, cells: list[object], *, hidden: bool = False) -> None:
        sheet = self.sheet
        assert sheet is not None
        while cells and _is_blank_cell(cells[-1]):
            cells.pop()
        if number > self.last_number + 1:
            sheet.blank_rows += number - self.last_number - 1
        self.last_number = max(self.last_number, number)
        if not cells:
            sheet.blank_rows += 1
            return
        if number > self.max_row_number:
            where = f'Trang "{sheet.name}", dòng {_thousands(number)}'
            raise _refuse(
                f"{where} có dữ liệu, quá giới hạn {_thousands(self.max_row_number)} dòng — "
                "hãy xóa các dòng thừa ở cuối trang rồi nhập lại."
            )
        if len(sheet.rows) >= self.max_rows + 100:
            raise _refuse(
                f"Tệp có quá nhiều dòng; giới hạn là {_thousands(self.max_rows)} dòng dữ liệu — "
                "hãy chia thành nhiều tệp."
            )
        self.cells += len(cells)
        if self.cells > self.max_cells:
            raise _refuse(
                f"Tệp có quá nhiều ô dữ liệu (hơn {_thousands(self.max_cells)}) — "
                "hãy chỉ để lại trang tính cần nhập rồi nhập lại."
            )
        sheet.rows.append((number, cells))
        if hidden:
            sheet.hidden_rows.add(number)

    def column_allowed(self, index: int, value: object) -> bool:
        """Whether to keep a cell: a blank one far right is dropped; a filled one past the bound is refused."""
        if index < self.max_columns:
            return True
        if not _is_blank_cell(value):
            sheet = self.sheet.name if self.sheet else ""
            raise _refuse(
                f'Trang "{sheet}", cột {column_letter(index)} có dữ liệu, quá giới hạn {self.max_columns} cột — '
                "hãy xóa các cột thừa rồi nhập lại."
            )
        return False


def _is_blank_cell(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --- reading files -----------------------------------------------------------------------


def read_table(*, content: bytes, filename: str) -> SpreadsheetFile:
    """Every sheet of an xlsx, xls, ods, csv or UTF-16 text file, cells as the clerk sees them.

    Raises `ImportRefused` for an empty, oversized, unreadable or wrongly typed file, and
    for one past the bounds of rows, columns, cells or inflated size.
    """
    if not content:
        raise _refuse("Tệp rỗng, không có dữ liệu.")
    if len(content) > settings.LANTOA_IMPORT_MAX_BYTES:
        raise _refuse(too_large_message(len(content)))
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    collector = _Collector(filename)
    if content.startswith(_OLE_MAGIC) and extension in ("xls", "xlsx", "xlsm"):
        _read_xls(content, collector)  # an .xls renamed .xlsx is read for what it is
    elif extension in ("xlsx", "xlsm"):
        _read_xlsx(content, collector)
    elif extension == "xls":
        raise _refuse(
            "Tệp có đuôi .xls nhưng không phải là tệp Excel 97-2003 — hãy mở bằng Excel và lưu lại thành .xlsx."
        )
    elif extension == "ods":
        _read_ods(content, collector)
    elif extension in ("csv", "tsv", "txt"):
        _read_text(content, collector)
    else:
        raise _refuse(
            f'Định dạng tệp ".{extension}" không được hỗ trợ — chỉ nhận .xlsx, .xls, .ods, .csv hoặc '
            '.txt ("Unicode Text" của Excel).'
        )
    if not any(sheet.rows for sheet in collector.file.sheets):
        raise _refuse("Tệp không có dữ liệu: mọi trang tính đều trống.")
    collector.file.sha256 = hashlib.sha256(content).hexdigest()
    return collector.file


def read_file(*, path: str | Path) -> SpreadsheetFile:
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


# --- zip members, inflated through a counter ---------------------------------------------------


class _InflatedTooLarge(Exception):
    pass


class _CountedMember(io.RawIOBase):
    """A zip member's stream that fails once more than `limit` bytes have really come out of it."""

    def __init__(self, stream, limit: int):
        self._stream = stream
        self._left = limit

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._stream.read(min(len(buffer), 1 << 16))
        self._left -= len(data)
        if self._left < 0:
            raise _InflatedTooLarge
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._stream.close()
        super().close()


class _Archive:
    def __init__(self, content: bytes, kind: str):
        self.kind = kind
        self.limit = _limit("LANTOA_IMPORT_MAX_INFLATED_BYTES", 64 * 1024 * 1024)
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(content))
            self.names = set(self.zip.namelist())
        except (zipfile.BadZipFile, ValueError, OSError) as exc:
            raise _refuse(f"{kind} (tệp nén bị hỏng).") from exc

    def open(self, name: str) -> _CountedMember:
        try:
            return _CountedMember(self.zip.open(name), self.limit)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, ValueError, OSError) as exc:
            raise _refuse(f"{self.kind} (không mở được {name}).") from exc

    def parse(self, name: str, tags: Sequence[str], events=("end",)) -> Iterator[tuple[str, object]]:
        """lxml `iterparse` over a member, freeing each element the caller has handled."""
        from lxml import etree

        stream = self.open(name)
        try:
            parser = etree.iterparse(
                stream,
                events=events,
                tag=list(tags),
                resolve_entities=False,
                no_network=True,
                load_dtd=False,
                huge_tree=False,
                remove_comments=True,
            )
            for event, element in parser:
                yield event, element
                if event == "end":
                    element.clear(keep_tail=False)
                    parent = element.getparent()
                    if parent is not None:
                        while element.getprevious() is not None:
                            del parent[0]
        except _InflatedTooLarge as exc:
            raise _refuse(
                f"{self.kind} ({name} giải nén vượt quá {size_label(self.limit)} — dữ liệu lớn bất thường)."
            ) from exc
        except etree.XMLSyntaxError as exc:
            raise _refuse(f"{self.kind} ({name} bị hỏng: {exc.msg}).") from exc
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise _refuse(f"{self.kind} (tệp nén bị hỏng).") from exc
        finally:
            stream.close()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


# --- xlsx --------------------------------------------------------------------------------------

_XLSX_DATE_FORMAT_IDS = frozenset([*range(14, 23), *range(27, 37), 45, 46, 47, *range(50, 59)])
_XLSX_BUILTIN_FORMATS = {0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%", 49: "@"}
_CELL_REFERENCE = re.compile(r"([A-Z]{1,3})(\d+)")
_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


@functools.lru_cache(maxsize=1024)
def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def _read_xlsx(content: bytes, collector: _Collector) -> None:
    not_xlsx = "Tệp có đuôi .xlsx nhưng không phải là tệp Excel .xlsx hợp lệ"
    if not content.startswith(_ZIP_MAGIC):
        kind = "PDF" if content.startswith(b"%PDF") else None
        raise _refuse(f"{not_xlsx} (nội dung là tệp {kind})." if kind else f"{not_xlsx}.")
    archive = _Archive(content, not_xlsx)
    if "xl/workbook.xml" not in archive.names:
        if "content.xml" in archive.names:
            raise _refuse("Tệp có đuôi .xlsx nhưng là bảng tính OpenDocument — hãy đổi đuôi thành .ods.")
        raise _refuse(f"{not_xlsx} (tệp nén không chứa bảng tính Excel).")

    targets: dict[str, str] = {}
    if "xl/_rels/workbook.xml.rels" in archive.names:
        for _event, element in archive.parse("xl/_rels/workbook.xml.rels", [f"{{{_NS_PACKAGE_REL}}}Relationship"]):
            target = element.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
            targets[element.get("Id", "")] = path
    sheets: list[tuple[str, bool, str]] = []
    date1904 = False
    for _event, element in archive.parse("xl/workbook.xml", [f"{{{_NS_MAIN}}}sheet", f"{{{_NS_MAIN}}}workbookPr"]):
        if _local(element.tag) == "workbookPr":
            date1904 = element.get("date1904", "0") in ("1", "true")
            continue
        path = targets.get(element.get(f"{{{_NS_REL}}}id", ""), "")
        sheets.append((element.get("name", ""), element.get("state", "visible") != "visible", path))

    formats: list[str] = []
    if "xl/styles.xml" in archive.names:
        custom: dict[int, str] = {}
        in_cell_xfs = False
        for event, element in archive.parse(
            "xl/styles.xml",
            [f"{{{_NS_MAIN}}}numFmt", f"{{{_NS_MAIN}}}cellXfs", f"{{{_NS_MAIN}}}xf"],
            events=("start", "end"),
        ):
            name = _local(element.tag)
            if name == "cellXfs":
                in_cell_xfs = event == "start"
            elif event == "end" and name == "numFmt":
                custom[int(element.get("numFmtId", "0"))] = element.get("formatCode", "General")
            elif event == "end" and name == "xf" and in_cell_xfs:
                format_id = int(element.get("numFmtId", "0"))
                if format_id in _XLSX_DATE_FORMAT_IDS:
                    formats.append("d/m/yyyy")
                else:
                    formats.append(custom.get(format_id, _XLSX_BUILTIN_FORMATS.get(format_id, "General")))

    shared: list[str] = []
    if "xl/sharedStrings.xml" in archive.names:
        max_strings = collector.max_cells
        for _event, element in archive.parse("xl/sharedStrings.xml", [f"{{{_NS_MAIN}}}si"]):
            shared.append(_rich_text(element))
            if len(shared) > max_strings:
                raise _refuse(f"Tệp có quá nhiều chuỗi ký tự (hơn {_thousands(max_strings)}).")

    epoch = dt.datetime(1904, 1, 1) if date1904 else None
    cell_tag, row_tag = f"{{{_NS_MAIN}}}c", f"{{{_NS_MAIN}}}row"
    for name, hidden, path in sheets:
        if path not in archive.names:
            continue  # a chart sheet or a dangling reference: nothing to read
        collector.start_sheet(name, hidden=hidden)
        next_number = 1
        for _event, row in archive.parse(path, [row_tag]):
            number = int(row.get("r") or next_number)
            next_number = number + 1
            cells: list[object] = []
            next_column = 0
            for cell in row.iterchildren(cell_tag):
                reference = _CELL_REFERENCE.match(cell.get("r") or "")
                column = _column_index(reference.group(1)) if reference else next_column
                next_column = column + 1
                value = _xlsx_cell(cell, shared, formats, epoch)
                if not collector.column_allowed(column, value):
                    continue
                if value is not None:
                    if column >= len(cells):
                        cells.extend([None] * (column + 1 - len(cells)))
                    cells[column] = value
            collector.add_row(number, cells, hidden=row.get("hidden") in ("1", "true"))


_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


_T, _R, _V, _IS = (f"{{{_NS_MAIN}}}{name}" for name in ("t", "r", "v", "is"))


def _rich_text(element) -> str:
    """The text of a shared or inline string: its runs, without phonetic guides, `_x0007_` escapes decoded."""
    parts = []
    for child in element:
        if child.tag == _T:
            parts.append(child.text or "")
        elif child.tag == _R:  # a formatted run: its <t>
            parts.extend(node.text or "" for node in child if node.tag == _T)
    text = parts[0] if len(parts) == 1 else "".join(parts)
    return _OOXML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def _xlsx_cell(cell, shared: list[str], formats: list[str], epoch: dt.datetime | None) -> object:
    kind = cell.get("t", "n")
    raw = None
    for child in cell:
        if child.tag == _V:
            raw = child.text
        elif child.tag == _IS:
            return _rich_text(child)
    if raw is None or raw == "":
        return None
    if kind == "s":
        try:
            return shared[int(raw)]
        except (ValueError, IndexError):
            return None
    if kind in ("str", "e"):
        return raw
    if kind == "b":
        return raw in ("1", "true")
    if kind == "d":
        try:
            return dt.datetime.fromisoformat(raw)
        except ValueError:
            return raw
    try:
        number = float(raw)
    except ValueError:
        return raw
    style = cell.get("s")
    number_format = formats[int(style)] if style and style.isdigit() and int(style) < len(formats) else "General"
    return format_number(number, number_format, epoch=epoch)


# --- number formats --------------------------------------------------------------------------

_FORMAT_LITERAL = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')
_DATE_CODE = re.compile(r"[dmyhs]", re.IGNORECASE)


def _excel_datetime(number: float, epoch: dt.datetime | None) -> dt.datetime:
    if epoch is None:
        # The 1900 system counts a 29/02/1900 that never was (Lotus 1-2-3's bug).
        epoch = dt.datetime(1899, 12, 30) if number >= 61 else dt.datetime(1899, 12, 31)
    return epoch + dt.timedelta(days=number)


def format_number(number: float, number_format: str, *, epoch: dt.datetime | None = None) -> object:
    """A numeric cell as the clerk sees it through its number format.

    A date format gives a date (or a datetime when there is a time); a format of digit
    zeros with literal text around them (`00000`, `"CB"0000`) gives that text (`00123`,
    `CB0123`); `@` gives the number as text; anything else gives the number (an int when whole).
    """
    section = number_format.split(";", 1)[0]
    bare = _FORMAT_LITERAL.sub("", section)
    if number_format == "d/m/yyyy" or (_DATE_CODE.search(bare) and section.lower() != "general"):
        if 0 <= number < 2_958_466:
            moment = _excel_datetime(number, epoch)
            return moment.date() if moment.time() == dt.time() else moment
        return number
    whole = number.is_integer()
    if whole and number >= 0 and bare and set(bare) <= {"0", "#"} and "0" in bare and section.count("0") > 1:
        digits = str(int(number)).rjust(bare.count("0"), "0")
        text = ""
        placed = False
        for token in re.finditer(r'"([^"]*)"|\\(.)|([0#]+)|(.)', section):
            literal, escaped, placeholder, other = token.groups()
            if placeholder is not None:
                if not placed:
                    text += digits
                    placed = True
            else:
                text += literal if literal is not None else escaped if escaped is not None else other
        return text
    if section == "@":
        return str(int(number)) if whole else repr(number)
    return int(number) if whole and abs(number) < 2**53 else number


# --- xls (Excel 97-2003) -------------------------------------------------------------------------


def _read_xls(content: bytes, collector: _Collector) -> None:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=content, formatting_info=True, on_demand=True, ragged_rows=True)
    except Exception as exc:  # xlrd raises its own errors, struct and assertion errors for a broken file
        raise _refuse(
            "Tệp Excel 97-2003 (.xls) không đọc được (có thể bị hỏng hoặc có mật khẩu) — "
            "hãy mở bằng Excel và lưu lại thành .xlsx."
        ) from exc
    try:
        formats: dict[int, str] = {}
        for index, xf in enumerate(book.xf_list):
            fmt = book.format_map.get(xf.format_key)
            formats[index] = fmt.format_str if fmt is not None else "General"
        epoch = dt.datetime(1904, 1, 1) if book.datemode == 1 else None
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            collector.start_sheet(sheet.name, hidden=sheet.visibility != 0)
            for row_index in range(sheet.nrows):
                number = row_index + 1
                cells: list[object] = []
                for column, cell in enumerate(sheet.row(row_index)):
                    value: object = cell.value
                    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                        value = None
                    elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                        value = bool(value)
                    elif cell.ctype == xlrd.XL_CELL_ERROR:
                        value = xlrd.error_text_from_code.get(value, "#ERR")
                    elif cell.ctype == xlrd.XL_CELL_DATE:  # xlrd knows a date format when it sees one
                        value = format_number(float(value), "d/m/yyyy", epoch=epoch)
                    elif cell.ctype == xlrd.XL_CELL_NUMBER:
                        value = format_number(float(value), formats.get(cell.xf_index, "General"), epoch=epoch)
                    if not collector.column_allowed(column, value):
                        break
                    cells.append(value)
                info = sheet.rowinfo_map.get(row_index)
                collector.add_row(number, cells, hidden=bool(info is not None and info.hidden))
            book.unload_sheet(index)
    finally:
        book.release_resources()


# --- ods (OpenDocument) -----------------------------------------------------------------------

_NS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_NS_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_NS_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_NS_STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"


def _read_ods(content: bytes, collector: _Collector) -> None:
    not_ods = "Tệp có đuôi .ods nhưng không phải là bảng tính OpenDocument hợp lệ"
    if not content.startswith(_ZIP_MAGIC):
        raise _refuse(f"{not_ods}.")
    archive = _Archive(content, not_ods)
    if "content.xml" not in archive.names:
        raise _refuse(f"{not_ods} (thiếu content.xml).")
    table, row_tag = f"{{{_NS_TABLE}}}table", f"{{{_NS_TABLE}}}table-row"
    hidden_styles: set[str] = set()
    repeat_rows = f"{{{_NS_TABLE}}}number-rows-repeated"
    repeat_columns = f"{{{_NS_TABLE}}}number-columns-repeated"
    number = 0
    for event, element in archive.parse(
        "content.xml", [f"{{{_NS_STYLE}}}style", table, row_tag], events=("start", "end")
    ):
        name = _local(element.tag)
        if name == "style":
            if event == "end":
                properties = element.find(f"{{{_NS_STYLE}}}table-properties")
                if properties is not None and properties.get(f"{{{_NS_TABLE}}}display") == "false":
                    hidden_styles.add(element.get(f"{{{_NS_STYLE}}}name", ""))
            continue
        if name == "table":
            if event == "start":
                style = element.get(f"{{{_NS_TABLE}}}style-name", "")
                collector.start_sheet(element.get(f"{{{_NS_TABLE}}}name", ""), hidden=style in hidden_styles)
                number = 0
            continue
        if event != "end":
            continue
        repeat = int(element.get(repeat_rows, "1") or 1)
        hidden = element.get(f"{{{_NS_TABLE}}}visibility", "visible") != "visible"
        cells: list[object] = []
        column = 0
        for cell in element:
            if _local(cell.tag) not in ("table-cell", "covered-table-cell"):
                continue
            span = int(cell.get(repeat_columns, "1") or 1)
            value = _ods_cell(cell)
            if value is None:
                column += span
                continue
            for _ in range(span):
                if not collector.column_allowed(column, value):
                    break
                if column >= len(cells):
                    cells.extend([None] * (column + 1 - len(cells)))
                cells[column] = value
                column += 1
        if not cells:
            number += repeat
            collector.add_row(number, [], hidden=hidden)
            continue
        for _ in range(repeat):
            number += 1
            collector.add_row(number, list(cells), hidden=hidden)


def _ods_cell(cell) -> object:
    kind = cell.get(f"{{{_NS_OFFICE}}}value-type")
    text = "\n".join(_ods_paragraph(p) for p in cell.iterchildren(f"{{{_NS_TEXT}}}p"))
    if kind in ("float", "percentage", "currency"):
        raw = cell.get(f"{{{_NS_OFFICE}}}value", "")
        # Shown with leading zeros (a 00000 format): keep what the clerk sees.
        if text.isdigit() and text.startswith("0") and len(text) > 1:
            return text
        try:
            number = float(raw)
        except ValueError:
            return text or None
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    if kind == "date":
        raw = cell.get(f"{{{_NS_OFFICE}}}date-value", "")
        try:
            moment = dt.datetime.fromisoformat(raw)
        except ValueError:
            return text or None
        return moment.date() if moment.time() == dt.time() else moment
    if kind == "boolean":
        return cell.get(f"{{{_NS_OFFICE}}}boolean-value") == "true"
    return text if text else None


def _ods_paragraph(paragraph) -> str:
    parts = [paragraph.text or ""]
    for child in paragraph.iter():
        if child is paragraph:
            continue
        tag = _local(child.tag) if isinstance(child.tag, str) else ""
        if tag == "s":
            parts.append(" " * int(child.get(f"{{{_NS_TEXT}}}c", "1") or 1))
        elif tag == "tab":
            parts.append("\t")
        elif tag == "line-break":
            parts.append("\n")
        elif child.text:
            parts.append(child.text)
        if child.tail:
            parts.append(child.tail)
    return "".join(parts)


# --- csv and Unicode text -------------------------------------------------------------------


def _read_text(content: bytes, collector: _Collector) -> None:
    utf16 = content.startswith((b"\xff\xfe", b"\xfe\xff"))
    # A zip (xlsx) or, without a UTF-16 byte-order mark, NUL bytes: a binary file named .csv.
    if content.startswith(_ZIP_MAGIC) or (not utf16 and b"\x00" in content[:4096]):
        raise _refuse(
            "Tệp có đuôi .csv nhưng không phải là văn bản CSV (có thể là tệp Excel — hãy đổi đuôi thành .xlsx)."
        )
    if utf16:
        try:
            text = content.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise _refuse("Tệp văn bản Unicode (UTF-16) bị hỏng — hãy lưu lại bằng Excel rồi nhập lại.") from exc
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = content[: exc.start].count(b"\n") + 1
            raise ImportRefused(
                [
                    ImportProblem(
                        row=line,
                        column=None,
                        message="Tệp CSV không dùng bảng mã UTF-8 — hãy lưu lại bằng "
                        '"CSV UTF-8 (Comma delimited)" trong Excel rồi nhập lại.',
                    )
                ]
            ) from exc
    # The delimiter of the first non-blank line (a title block line has none: look further).
    delimiter = ","
    for match in _TEXT_LINE.finditer(text):  # blank lines are skipped by the regex, not one by one
        line = match.group(0)
        counts = {candidate: line.count(candidate) for candidate in _CSV_DELIMITERS}
        if any(counts.values()):
            delimiter = max(counts, key=lambda d: counts[d])
            break
    collector.start_sheet("")
    try:
        for number, cells in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
            if not any(cells):
                continue  # a blank line: counted by the gap in row numbers, never materialised
            for column, value in enumerate(cells):
                if not collector.column_allowed(column, value):
                    del cells[column:]
                    break
            collector.add_row(number, [value if value != "" else None for value in cells])
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):  # Python's csv module reads at most 131,072 characters a cell
            limit = _thousands(csv.field_size_limit())
            raise _refuse(
                f"Tệp CSV có một ô dài quá {limit} ký tự (thường do một dấu ngoặc kép không được đóng) — hãy mở tệp "
                "bằng Excel hoặc LibreOffice, kiểm tra rồi lưu lại."
            ) from exc
        raise _refuse(f"Tệp CSV bị lỗi định dạng ({exc}) — hãy mở tệp bằng Excel hoặc LibreOffice và lưu lại.") from exc


# --- finding the table --------------------------------------------------------------------------


def header_key(text: object) -> str:
    """How headers are compared: NFC, case, punctuation, a required-column star and spaces ignored."""
    return _HEADER_PUNCTUATION.sub(" ", normalize_text(str(text)).casefold()).strip()


@dataclass
class CleanTable:
    """What `clean_rows` found: the rows, the columns present, the problems and what it noticed."""

    rows: list[CleanRow]
    present: set[str]
    problems: list[ImportProblem]
    notes: list[str] = field(default_factory=list)


def _sheet_from_dicts(rows: Sequence[dict[str, object]]) -> SpreadsheetFile:
    """Header → value dicts (header = row 1, `rows[i]` = row i + 2) as a one-sheet file."""
    headers: list[str] = list(dict.fromkeys(str(header) for row in rows for header in row))
    sheet = Sheet(name="")
    sheet.rows.append((1, list(headers)))
    for index, row in enumerate(rows):
        cells = [row.get(header) for header in headers]
        if any(not _is_blank_cell(value) for value in cells):
            sheet.rows.append((index + 2, cells))
    return SpreadsheetFile(filename="", sheets=[sheet])


def _header_mapping(cells: Sequence[object], wanted: dict[str, str]) -> dict[int, str]:
    mapping = {}
    for index, cell in enumerate(cells):
        if isinstance(cell, str):
            canonical = wanted.get(header_key(cell))
            if canonical is not None:
                mapping.setdefault(index, canonical)
    return mapping


def _wanted(required: Sequence[str], optional: Sequence[str]) -> dict[str, str]:
    wanted: dict[str, str] = {}
    for name in (*required, *optional):
        wanted[header_key(name)] = name
        for alias in HEADER_ALIASES.get(name, ()):
            wanted.setdefault(header_key(alias), name)
    return wanted


def _is_numbering_row(cells: Sequence[object]) -> bool:
    filled = [cell for cell in cells if not _is_blank_cell(cell)]
    if len(filled) < 2:
        return False
    return all(
        (isinstance(cell, int) and not isinstance(cell, bool) and 0 <= cell < 1000)
        or (isinstance(cell, str) and _NUMBERING_CELL.fullmatch(cell.strip()))
        for cell in filled
    )


def _is_signature_row(cells: Sequence[object], required_columns: Sequence[int]) -> bool:
    filled_required = sum(1 for index in required_columns if index < len(cells) and not _is_blank_cell(cells[index]))
    if filled_required * 2 > len(required_columns):
        return False
    return any(isinstance(cell, str) and _SIGNATURE.search(normalize_text(cell).casefold()) for cell in cells)


def _sheet_label(sheet: Sheet) -> str:
    return f'trang "{sheet.name}"' if sheet.name else "tệp"


def _locate(
    file: SpreadsheetFile, *, required: Sequence[str], wanted: dict[str, str]
) -> tuple[Sheet, int, dict[int, str]]:
    """The first sheet (visible ones first) and its header row that hold every required column."""
    best: tuple[int, Sheet, int, set[str]] | None = None
    ordered = [sheet for sheet in file.sheets if not sheet.hidden] + [sheet for sheet in file.sheets if sheet.hidden]
    for sheet in ordered:
        for position, (number, cells) in enumerate(sheet.rows):
            if number > HEADER_SEARCH_ROWS:
                break
            mapping = _header_mapping(cells, wanted)
            found = set(mapping.values())
            if all(name in found for name in required):
                return sheet, position, mapping
            score = sum(1 for name in required if name in found)
            if best is None or score > best[0]:
                best = (score, sheet, number, found)
    if best is not None and best[0] > 0:
        _score, sheet, number, found = best
        where = f" ({_sheet_label(sheet)})" if len(file.sheets) > 1 else ""
        raise ImportRefused(
            ImportProblem(
                row=number,
                column=name,
                message=f"thiếu cột bắt buộc này trong dòng tiêu đề{where} — hãy thêm cột hoặc sửa tên cột cho đúng.",
            )
            for name in required
            if name not in found
        )
    names = ", ".join(f'"{name}"' for name in required)
    raise _refuse(
        f"Không tìm thấy dòng tiêu đề: trong {HEADER_SEARCH_ROWS} dòng đầu của "
        f"{'mọi trang tính' if len(file.sheets) > 1 else 'tệp'} không có dòng nào chứa đủ các cột {names}."
    )


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


def clean_text_cell(value: str) -> str:
    """A text cell cleaned: `normalize_text`, then one leading apostrophe dropped.

    The apostrophe is the spreadsheet's "keep this as text" mark (`'00123`), and the one
    `core.spreadsheets.escape_cell` puts before `=`, `+`, `-`, `@` on export: dropping it
    makes export → import change nothing.
    """
    text = normalize_text(value)
    if text.startswith("'"):
        text = text[1:].lstrip()
    return text


def clean_rows(
    *,
    rows: SpreadsheetFile | Sequence[dict[str, object]],
    required: Sequence[str],
    optional: Sequence[str] = (),
) -> CleanTable:
    """Find the table (sheet, header row, end), match headers, clean every cell, skip blank rows.

    Returns the cleaned rows (keyed by the canonical column names and numbered as in the
    spreadsheet), the set of columns present, the problems found and the notes for the
    dry run. A missing required column raises at once: nothing else can be checked without it.
    """
    if not isinstance(rows, SpreadsheetFile) and not any(
        not _is_blank_cell(value) for row in rows for value in row.values()
    ):
        raise _refuse("Tệp không có dòng dữ liệu nào.")
    file = rows if isinstance(rows, SpreadsheetFile) else _sheet_from_dicts(rows)
    if not any(sheet.rows for sheet in file.sheets):
        raise _refuse("Tệp không có dòng dữ liệu nào.")
    wanted = _wanted(required, optional)
    sheet, header_position, mapping = _locate(file, required=required, wanted=wanted)
    header_number, header_cells = sheet.rows[header_position]
    notes: list[str] = []
    problems: list[ImportProblem] = []
    where = _sheet_label(sheet)
    if len(file.sheets) > 1 or header_number != 1:
        notes.append(f"Đọc {where}, dòng tiêu đề là dòng {header_number}.")

    seen: dict[str, int] = {}
    for index, canonical in sorted(mapping.items()):
        if canonical in seen:
            problems.append(
                ImportProblem(
                    row=header_number,
                    column=canonical,
                    message=f"có hai cột cùng nghĩa (cột {column_letter(seen[canonical])} và {column_letter(index)}) "
                    "— hãy xóa hoặc đổi tên một cột.",
                )
            )
        seen.setdefault(canonical, index)
    if problems:
        raise ImportRefused(problems)
    ignored_keys = {header_key(name) for name in IGNORED_HEADERS}
    ignored = [
        f'"{normalize_text(str(cell))}" (cột {column_letter(index)})'
        for index, cell in enumerate(header_cells)
        if index not in mapping and not _is_blank_cell(cell) and header_key(cell) not in ignored_keys
    ]
    required_columns = [index for index, name in mapping.items() if name in required]

    cleaned: list[CleanRow] = []
    data = sheet.rows[header_position + 1 :]
    skipped_numbering = []
    while data and len(skipped_numbering) < 2 and _is_numbering_row(data[0][1]):
        skipped_numbering.append(data[0][0])
        data = data[1:]
    if skipped_numbering:
        notes.append(f"Bỏ qua dòng đánh số cột (dòng {', '.join(map(str, skipped_numbering))}).")
    previous = skipped_numbering[-1] if skipped_numbering else header_number
    unheaded: set[int] = set()
    hidden: list[int] = []
    for number, cells in data:
        if number > previous + 1 and _is_signature_row(cells, required_columns):
            notes.append(f"Bảng dừng ở dòng trống {previous + 1}: phần ký tên từ dòng {number} trở đi không được đọc.")
            break
        previous = number
        row_cells: dict[str, object] = {}
        blank = True
        for index, value in enumerate(cells):
            if isinstance(value, str):
                value = clean_text_cell(value)
                legacy = detect_legacy_encoding(value)
                if legacy:
                    column = mapping.get(index) or _header_label(header_cells, index)
                    problems.append(ImportProblem(row=number, column=column, message=LEGACY_MESSAGES[legacy]))
            canonical = mapping.get(index)
            if canonical is None:
                if not _is_blank_cell(value) and (index >= len(header_cells) or _is_blank_cell(header_cells[index])):
                    unheaded.add(index)
                continue
            if value is not None and value != "":
                blank = False
            row_cells[canonical] = value
        if blank:
            continue
        if number in sheet.hidden_rows:
            hidden.append(number)
        cleaned.append(CleanRow(number=number, cells=row_cells))
    for cell in header_cells:
        legacy = detect_legacy_encoding(normalize_text(cell)) if isinstance(cell, str) else None
        if legacy:
            problems.append(
                ImportProblem(row=header_number, column=normalize_text(cell), message=LEGACY_MESSAGES[legacy])
            )
    if ignored or unheaded:
        described = ignored + [f"cột {column_letter(index)} (không có tiêu đề)" for index in sorted(unheaded)]
        notes.append(f"Bỏ qua các cột không dùng: {', '.join(described)}.")
    if hidden:
        shown = ", ".join(map(str, hidden[:20])) + (f" … ({len(hidden)} dòng)" if len(hidden) > 20 else "")
        notes.append(f"Có dòng đang bị ẩn (bộ lọc hoặc ẩn dòng) — vẫn được nhập: dòng {shown}.")
    if not cleaned:
        raise _refuse(
            f"Tệp chỉ có dòng tiêu đề (dòng {header_number}), không có dòng dữ liệu nào."
            if header_number != 1 or len(file.sheets) > 1
            else "Tệp chỉ có dòng tiêu đề, không có dòng dữ liệu nào."
        )
    return CleanTable(rows=cleaned, present=set(mapping.values()), problems=problems, notes=notes)


def _header_label(header_cells: Sequence[object], index: int) -> str:
    if index < len(header_cells) and not _is_blank_cell(header_cells[index]):
        return normalize_text(str(header_cells[index]))
    return f"cột {column_letter(index)}"


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


# Excel serial numbers that are years rather than days (1900 … 2100 as a serial is 1905 … 1905).
_YEAR_LIKE = range(1900, 2101)


def parse_date_cell(value: object) -> dt.date:
    """A date from a date cell, an Excel serial number or text (dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy, ISO).

    Raises ValueError with a Vietnamese reason and a hint; a number that reads as a year is refused.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and int(value) in _YEAR_LIKE:
            raise ValueError(
                f"{int(value)} giống một năm hơn là một ngày — hãy ghi đủ ngày, tháng, năm dạng dd/mm/yyyy "
                "(ví dụ 05/09/1985)."
            )
        if not 1 <= value < 2_958_466:
            raise ValueError(f"{value} không phải là ngày — hãy ghi ngày dạng dd/mm/yyyy (ví dụ 05/09/1985).")
        return _excel_datetime(float(value), None).date()
    return parse_clerk_date(cell_text(value))
