"""Make the import corpus: files laid out the way a Sở's clerk makes them, saved by LibreOffice.

Each case is written as a flat OpenDocument spreadsheet (`src/*.fods`: merged title
cells, a `00000` number format, date cells, hidden rows, several sheets) and converted
by LibreOffice itself (`soffice --headless --convert-to`) into the formats offices send:
xlsx, xls (Excel 97-2003) and ods. The converted files are kept next to this script, so
the tests (`tests/core/test_import_corpus.py`) need no LibreOffice; run this again after
changing a case:

    .venv/bin/python tests/data/imports/make_corpus.py

The text formats (csv, Excel's "Unicode Text") are written here directly, byte for byte
as Excel writes them.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "src"

TITLE = [
    [("merge", "UBND TỈNH ĐỒNG NAI", 3), None, None, None, ("merge", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 5)],
    [("merge", "SỞ TƯ PHÁP", 3), None, None, None, ("merge", "Độc lập - Tự do - Hạnh phúc", 5)],
    [],
    [("merge", "DANH SÁCH CÁN BỘ, CÔNG CHỨC, VIÊN CHỨC", 9)],
    [],
]
SIGNATURE = [
    [],
    [None, None, None, None, None, None, ("merge", "Đồng Nai, ngày 05 tháng 3 năm 2026", 3)],
    [None, ("merge", "Người lập biểu", 2), None, None, None, None, ("merge", "GIÁM ĐỐC", 3)],
    [None, ("merge", "(Ký, ghi rõ họ tên)", 2), None, None, None, None, ("merge", "(Ký tên, đóng dấu)", 3)],
    [],
    [None, ("merge", "Nguyễn Thị Lập", 2), None, None, None, None, ("merge", "Trần Văn Giám", 3)],
]
ROSTER_HEADER = [
    "STT",
    "Mã cán bộ",
    "Họ và tên",
    "Ngày sinh",
    "Mã đơn vị",
    "Chức vụ",
    "Đối tượng",
    "Email",
    "Công tác truyền thông",
]
NUMBERING = [f"({n})" for n in range(1, len(ROSTER_HEADER) + 1)]


def code(number: int) -> tuple:
    """A staff code typed 00123 and kept by the office suite as the number 123 shown through `00000`."""
    return ("zeros", number)


def roster_row(stt, staff_code, name, born, unit, category="Công chức", email="", position="Chuyên viên"):
    return [stt, staff_code, name, born, unit, position, category, email, "Không"]


GOVERNMENT_ROWS = [
    roster_row(1, code(123), "Nguyễn Văn An", dt.date(1985, 9, 5), "VP", "Lãnh đạo", position="Chánh Văn phòng"),
    roster_row(2, "CB002", "Trần Thị Bình", dt.date(1990, 1, 12), "VP-TH"),
    roster_row(3, "CB003", "Lê Minh Châu", dt.date(1979, 11, 30), "TGPL", "Viên chức"),
]

# name → list of sheets (name, rows, hidden row indexes)
CASES: dict[str, list[tuple[str, list[list], set[int]]]] = {
    "government_layout": [("DS", [*TITLE, ROSTER_HEADER, NUMBERING, *GOVERNMENT_ROWS, *SIGNATURE], set())],
    "second_sheet": [
        ("Hướng dẫn", [["Điền danh sách ở trang sau."], ["Không sửa dòng tiêu đề."]], set()),
        ("Danh sách", [ROSTER_HEADER, *GOVERNMENT_ROWS], set()),
    ],
    "hidden_row_extra_columns": [
        (
            "DS",
            [
                [*ROSTER_HEADER, "Quê quán", "Ghi chú"],
                [*GOVERNMENT_ROWS[0], "Biên Hòa", ""],
                [*GOVERNMENT_ROWS[1], "Long Thành", "Chuyển từ Sở Nội vụ"],
                [*GOVERNMENT_ROWS[2], "Trảng Bom", ""],
            ],
            {2},
        )
    ],
    "header_aliases_dates": [
        (
            "Sheet1",
            [
                ["TT", "Mã CB", "Họ tên", "Ngày, tháng, năm sinh", "Mã đơn vị", "Chức vụ", "Đối tượng", "E-mail"],
                [1, "CB011", "Phạm Văn Đức", "05-09-1985", "VP", "Chuyên viên", "Công chức", "duc@stp.vn"],
                [2, "CB012", "Võ Thị Giang", "12.01.1990", "VP", "Chuyên viên", "Công chức", "giang@stp.vn"],
                [3, "CB013", "Đặng Văn Hải", "1979-11-30", "TGPL", "Chuyên viên", "Viên chức", "hai@stp.vn"],
                [4, "CB014", "Bùi Thị Lan", ("serial", 31295), "TGPL", "Chuyên viên", "Viên chức", ""],
            ],
            set(),
        )
    ],
    "eth_invisible_caps": [
        (
            "DS",
            [
                ROSTER_HEADER[1:],
                roster_row(1, "CB021", "\u00d0inh Văn Hùng", dt.date(1980, 2, 3), "VP")[1:],
                roster_row(2, "CB022", "Lê\u200b Thị\u00ad Hoa\ufeff", dt.date(1981, 4, 5), "VP")[1:],
                roster_row(3, "CB023", "NGUYỄN VĂN BẢY", dt.date(1982, 6, 7), "VP")[1:],
                roster_row(4, "CB024", "Trần \u202eAn\u202c", dt.date(1983, 8, 9), "VP")[1:],
            ],
            set(),
        )
    ],
    "mixed_legacy": [
        (
            "DS",
            [
                [*ROSTER_HEADER[1:], "Ghi chú"],
                [*roster_row(1, "CB031", "Nguyễn Traàn Bình", dt.date(1980, 2, 3), "VP")[1:], ""],
                [*roster_row(2, "CB032", "Lê Thị Hoa", dt.date(1981, 4, 5), "VP")[1:], "Hµ Néi"],
            ],
            set(),
        )
    ],
    "year_as_birth_date": [
        ("DS", [ROSTER_HEADER[1:], roster_row(1, "CB041", "Hồ Văn Minh", 1985, "VP")[1:]], set()),
    ],
    "missing_column": [
        ("DS", [*TITLE, ROSTER_HEADER[:6], NUMBERING[:6], *(row[:6] for row in GOVERNMENT_ROWS)], set()),
    ],
    "attendance_marks": [
        (
            "Điểm danh",
            [
                [("merge", "SỞ TƯ PHÁP TỈNH ĐỒNG NAI", 4)],
                [("merge", "DANH SÁCH ĐIỂM DANH HỘI NGHỊ QUÁN TRIỆT", 4)],
                [],
                ["STT", "Mã cán bộ", "Họ và tên", "Có mặt"],
                [1, "CB-AT1", "Nguyễn Văn An", "x"],
                [2, "CB-AT2", "Trần Thị Bình", "✓"],
                [3, "CB-AT3", "Lê Minh Châu", None],
                [4, "CB-AT4", "Phạm Thị Dung", "Có"],
                [],
                [None, ("merge", "Người lập biểu", 2)],
            ],
            set(),
        )
    ],
    "units_government": [
        (
            "Đơn vị",
            [
                [("merge", "SỞ TƯ PHÁP TỈNH ĐỒNG NAI", 5)],
                [("merge", "DANH SÁCH ĐƠN VỊ", 5)],
                [],
                ["STT", "Mã đơn vị", "Tên đơn vị", "Mã đơn vị cấp trên", "Loại đơn vị"],
                ["(1)", "(2)", "(3)", "(4)", "(5)"],
                [1, "STP", "Sở Tư pháp tỉnh Đồng Nai", None, "Sở"],
                [2, "VP", "Văn phòng Sở", "STP", "Phòng"],
                [3, "TGPL", "Trung tâm Trợ giúp pháp lý", "STP", "Đơn vị sự nghiệp"],
                [],
                [None, None, ("merge", "GIÁM ĐỐC", 2)],
            ],
            set(),
        )
    ],
}
# Which cases are converted to which formats (the government layout to all three).
FORMATS = dict.fromkeys(CASES, ("xlsx",)) | {"government_layout": ("xlsx", "xls", "ods")}


def _cell(value) -> str:
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, tuple) and value[0] == "merge":
        _kind, text, span = value
        covered = "<table:covered-table-cell/>" * (span - 1)
        return (
            f'<table:table-cell table:style-name="bold" table:number-columns-spanned="{span}" '
            f'office:value-type="string"><text:p>{escape(text)}</text:p></table:table-cell>{covered}'
        )
    if isinstance(value, tuple) and value[0] == "zeros":
        return (
            f'<table:table-cell table:style-name="zeros" office:value-type="float" office:value="{value[1]}">'
            f"<text:p>{value[1]:05d}</text:p></table:table-cell>"
        )
    if isinstance(value, tuple) and value[0] == "serial":
        value = value[1]  # an Excel serial date typed into a General cell: a plain number
    if isinstance(value, dt.date):
        return (
            '<table:table-cell table:style-name="date" office:value-type="date" '
            f'office:date-value="{value.isoformat()}"><text:p>{value:%d/%m/%Y}</text:p></table:table-cell>'
        )
    if isinstance(value, (int, float)):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    return f'<table:table-cell office:value-type="string"><text:p>{escape(value)}</text:p></table:table-cell>'


def fods(sheets) -> str:
    tables = []
    for name, rows, hidden in sheets:
        body = []
        for index, row in enumerate(rows):
            visibility = ' table:visibility="collapse"' if index in hidden else ""
            cells = "".join(_cell(value) for value in row) or "<table:table-cell/>"
            body.append(f"<table:table-row{visibility}>{cells}</table:table-row>")
        tables.append(
            f'<table:table table:name="{escape(name)}"><table:table-column table:number-columns-repeated="12"/>'
            + "".join(body)
            + "</table:table>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" '
        'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
        'office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">'
        "<office:automatic-styles>"
        '<number:number-style style:name="N5"><number:number number:decimal-places="0" '
        'number:min-integer-digits="5"/></number:number-style>'
        '<number:date-style style:name="ND"><number:day number:style="long"/><number:text>/</number:text>'
        '<number:month number:style="long"/><number:text>/</number:text><number:year number:style="long"/>'
        "</number:date-style>"
        '<style:style style:name="zeros" style:family="table-cell" style:data-style-name="N5"/>'
        '<style:style style:name="date" style:family="table-cell" style:data-style-name="ND"/>'
        '<style:style style:name="bold" style:family="table-cell"><style:text-properties fo:font-weight="bold"/>'
        "</style:style>"
        "</office:automatic-styles>"
        "<office:body><office:spreadsheet>" + "".join(tables) + "</office:spreadsheet></office:body></office:document>"
    )


LIBREOFFICE_FILTERS = {"xlsx": "xlsx:Calc MS Excel 2007 XML", "xls": "xls:MS Excel 97", "ods": "ods"}


def convert(source: Path, extension: str) -> None:
    with tempfile.TemporaryDirectory() as profile, tempfile.TemporaryDirectory() as out:
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                LIBREOFFICE_FILTERS[extension],
                "--outdir",
                out,
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        shutil.move(Path(out) / f"{source.stem}.{extension}", HERE / f"{source.stem}.{extension}")


def write_text_cases() -> None:
    header = ["Mã cán bộ", "Họ và tên", "Ngày sinh", "Mã đơn vị", "Chức vụ", "Đối tượng"]
    # Excel's "Unicode Text": UTF-16 LE with a BOM, tab-separated, CRLF.
    rows = [header, ["00123", "Nguyễn Văn An", "05/09/1985", "VP", "Chánh Văn phòng", "Lãnh đạo"]]
    text = "\r\n".join("\t".join(row) for row in rows) + "\r\n"
    (HERE / "unicode_text.txt").write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    # A CSV typed by hand: a leading apostrophe keeps 00123 as text; control characters pasted in.
    rows = [
        header,
        ["'00123", "Nguyễn Văn An", "05/09/1985", "VP", "Chánh Văn phòng", "Lãnh đạo"],
        ["CB051", "Tô\x07 Thị\x1b Hạnh", "06/10/1986", "VP", "Chuyên viên", "Công chức"],
    ]
    (HERE / "apostrophe_control_chars.csv").write_bytes(("\r\n".join(",".join(r) for r in rows) + "\r\n").encode())
    rows = [header, ["CB061", "Lý Văn Nam", "09/25/1985", "VP", "Chuyên viên", "Công chức"]]
    (HERE / "month_first_date.csv").write_bytes(("\n".join(",".join(r) for r in rows) + "\n").encode())


def main() -> int:
    SOURCES.mkdir(exist_ok=True)
    for name, sheets in CASES.items():
        source = SOURCES / f"{name}.fods"
        source.write_text(fods(sheets), encoding="utf-8")
        for extension in FORMATS[name]:
            convert(source, extension)
            print(f"{name}.{extension}")
    write_text_cases()
    return 0


if __name__ == "__main__":
    sys.exit(main())
