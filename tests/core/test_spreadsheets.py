"""Spreadsheets out: formula-injection escaping, and the printable sheet every xlsx export writes."""

import datetime as dt
import io

import pytest
import tablib
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from core import spreadsheets
from core.dates import format_date
from core.spreadsheets import (
    NUMBER,
    PERCENT,
    Column,
    PrintableXLSX,
    escape_cell,
    escape_row,
    printable_sheet,
    sheet_name,
    sheet_title,
    unescape_cell,
)
from tests.spreadsheets import assert_printable, assert_prints, header_row_of, libreoffice_csv, table_rows


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+2", "'=1+2"),
        ('=HYPERLINK("http://x","bấm")', '\'=HYPERLINK("http://x","bấm")'),
        ("+84 912 345 678", "'+84 912 345 678"),
        ("-1", "'-1"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\tTab", "'\tTab"),
        ("\rCR", "'\rCR"),
        # An apostrophe is escaped too, so that an import stripping one gives back exactly this.
        ("'=already quoted", "''=already quoted"),
        ("'Ngô", "''Ngô"),
    ],
)
def test_dangerous_text_gets_a_leading_quote(value, expected):
    assert escape_cell(value) == expected


@pytest.mark.parametrize(
    "value",
    ["Nguyễn Văn An", "", "a=b", "Phòng Tư pháp - Hộ tịch", " =leading space", "O'Neil", "\nnewline"],
)
def test_safe_text_is_unchanged(value):
    assert escape_cell(value) == value


@pytest.mark.parametrize("value", [None, 0, -1, 3.5, True, dt.date(2026, 7, 1)])
def test_non_text_is_unchanged(value):
    # Numbers and dates are typed cells, not formulas: a negative number stays a number.
    assert escape_cell(value) is value


def test_escape_row():
    assert escape_row(["CB1", "=cmd", -5, None, "@x"]) == ["CB1", "'=cmd", -5, None, "'@x"]


@pytest.mark.parametrize(
    "value", ["=1+2", "'=1+2", "''x", "'Ngô", "Ngô", "-1", "@a", "\tTab", "", None, 7, dt.date(2026, 1, 2)]
)
def test_unescape_undoes_escape_exactly(value):
    assert unescape_cell(escape_cell(value)) == value


def test_an_import_stripping_one_apostrophe_is_the_inverse():
    # What the imports do to a text cell (core.importing): drop one leading apostrophe.
    for value in ["=1+2", "'=1+2", "'Ngô", "Ngô", "+84 912"]:
        escaped = escape_cell(value)
        assert (escaped[1:] if escaped.startswith("'") else escaped) == value


# --- the printable sheet ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "taken", "expected"),
    [
        ("Units", (), "Units"),
        ("Tablib: [a/b]\\c*?", (), "Tablib- -a-b--c--"),
        ("'Sổ cấp giấy chứng nhận'", (), "Sổ cấp giấy chứng nhận"),
        ("Tình hình phổ biến theo đơn vị trực thuộc Sở", (), "Tình hình phổ biến theo đơn vị"),
        ("units", ("Units",), "units (2)"),
        ("x" * 40, ("x" * 31,), "x" * 27 + " (2)"),
        ("  ", (), "Sheet"),
    ],
)
def test_sheet_name_is_valid_and_unique(text, taken, expected):
    with translation.override("en"):
        name = sheet_name(text, taken=taken)
    assert name == expected and len(name) <= 31


ROWS = 130  # three A4 pages at least


def _sample_rows():
    for number in range(ROWS):
        yield [
            f"CB{number:04}",
            '=HYPERLINK("http://evil.example","bấm")' if number == 3 else "Nguyễn Thị Thanh Hương",
            "Phòng Hành chính tư pháp",
            dt.date(2025, 2, number % 28 + 1),
            83.33 if number % 2 else 100,
            -1.5,
            "Lý do miễn rất dài, " * 5 if number == 5 else "",
            None,
        ]


def _sample_book(path):
    workbook = Workbook(write_only=True)
    count = printable_sheet(
        workbook,
        name="Cán bộ: [thử]",
        title=sheet_title(what="Danh sách cán bộ", as_of=dt.date(2026, 12, 3)),
        notes=["Hoàn thành: đọc hết bài và đạt bài kiểm tra"],
        columns=[
            Column("Mã cán bộ"),
            Column("Họ và tên"),
            Column("Đơn vị"),
            Column("Ngày hoàn thành"),
            Column("Tỷ lệ", PERCENT),
            Column("Chênh lệch (điểm)", NUMBER),
            Column("Lý do miễn"),
            Column("Ghi chú"),
        ],
        rows=_sample_rows(),
    )
    workbook.save(path)
    return count


def test_printable_sheet_layout_and_types(tmp_path):
    path = tmp_path / "mau.xlsx"
    with translation.override("vi"):
        assert _sample_book(path) == ROWS
    sheet = load_workbook(path).active

    assert_printable(
        sheet, name="Cán bộ- -thử-", title=["Danh sách cán bộ", "03/12/2026"], date_columns=[3], percent_columns=[4]
    )
    assert sheet["A2"].value == "Hoàn thành: đọc hết bài và đạt bài kiểm tra" and sheet["A3"].value is None
    assert header_row_of(sheet) == 4 and sheet.freeze_panes == "A5"
    assert sheet.auto_filter.ref == f"A4:H{4 + ROWS}"
    rows = table_rows(sheet)
    assert rows[0][0] == "Mã cán bộ" and len(rows) == ROWS + 1
    assert rows[2][4] == pytest.approx(0.8333) and rows[1][4] == 1
    assert sheet["F6"].number_format == "0.00" and sheet["F6"].value == -1.5
    # Formula-like text: a text cell with the quote prefix, the value unchanged, never a formula.
    hyperlink = sheet["B8"]
    assert hyperlink.value == '=HYPERLINK("http://evil.example","bấm")'
    assert hyperlink.data_type == "s" and hyperlink.quotePrefix
    # The long reason wraps in a capped column, its row tall enough for the lines.
    reason = sheet["G10"]
    assert reason.alignment.wrap_text and sheet.column_dimensions["G"].width <= 52
    assert sheet.row_dimensions[10].height >= 30
    assert sheet.oddFooter.center.text == "&P / &N"
    # A column with nothing in it still gets its title's width.
    assert sheet.column_dimensions["H"].width >= len("Ghi chú")


def test_widths_are_measured_on_the_first_rows_and_the_rest_streams(tmp_path, monkeypatch):
    monkeypatch.setattr(spreadsheets, "WIDTH_SAMPLE_ROWS", 2)
    workbook = Workbook(write_only=True)
    rows = [["a"], ["b" * 30], ["c" * 45]]  # the third is past the sample
    printable_sheet(workbook, name="x", title="x", columns=[Column("Mã")], rows=iter(rows))
    workbook.save(tmp_path / "x.xlsx")
    sheet = load_workbook(tmp_path / "x.xlsx").active
    assert [row[0] for row in table_rows(sheet)[1:]] == [row[0] for row in rows]
    assert sheet.column_dimensions["A"].width == 32


def test_import_export_format_writes_a_printable_sheet(tmp_path):
    dataset = tablib.Dataset(headers=["Mã cán bộ", "Họ và tên", "Ngày sinh"], title="Danh sách cán bộ")
    dataset.append(["CB1", escape_cell("=1+2"), dt.date(1985, 9, 5)])
    dataset.append(["CB2", escape_cell("'Ngô"), None])
    with translation.override("vi"):
        content = PrintableXLSX().export_data(dataset)
    sheet = load_workbook(io.BytesIO(content)).active
    assert_printable(
        sheet, name="Danh sách cán bộ", title=["Danh sách cán bộ", format_date(timezone.localdate())], date_columns=[2]
    )
    # The resource's escaping is undone: the cells hold exactly what was exported.
    # (A value starting with an apostrophe keeps one more, for the import to strip.)
    assert table_rows(sheet)[1:] == [("CB1", "=1+2", dt.datetime(1985, 9, 5)), ("CB2", "''Ngô", None)]
    assert sheet["B4"].data_type == "s" and sheet["B4"].quotePrefix


@pytest.mark.libreoffice
def test_libreoffice_prints_it(tmp_path):
    path = tmp_path / "mau.xlsx"
    with translation.override("en"):
        _sample_book(path)

    text = assert_prints(
        path, tmp_path, title="Danh sách cán bộ — as of 03/12/2026", header=["Mã cán bộ", "Ngày hoàn thành"]
    )

    assert len([page for page in text.split("\f") if page.strip()]) >= 2
    assert "01/02/2025" in text and "83.33%" in text and "100.00%" in text and "-1.50" in text


@pytest.mark.libreoffice
def test_libreoffice_shows_formula_like_text_as_typed(tmp_path):
    """The evidence for text cells: shown without an apostrophe, never evaluated."""
    path = tmp_path / "mau.xlsx"
    workbook = Workbook(write_only=True)
    printable_sheet(
        workbook, name="x", title="x", columns=[Column("a"), Column("b")], rows=[["=1+2", "-3+4"], ["@SUM(1)", "ok"]]
    )
    workbook.save(path)
    shown = libreoffice_csv(path, tmp_path).splitlines()
    assert shown[3:] == ["=1+2,-3+4", "@SUM(1),ok"]
