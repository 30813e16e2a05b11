"""read_table: xlsx and csv into header → value dicts; every kind of unreadable file is refused."""

import datetime as dt
import io
import zipfile

import pytest
from django.test import override_settings

from core.importing import ImportProblem, ImportRefused, clean_rows, parse_date_cell, read_file, read_table
from tests.orgchart.files import ROSTER_HEADER, csv_bytes, xlsx_bytes


def refusal(content: bytes, filename: str) -> list[str]:
    with pytest.raises(ImportRefused) as caught:
        read_table(content=content, filename=filename)
    return [str(problem) for problem in caught.value.problems]


def sheet_rows(file, index=0):
    return file.sheets[index].rows


def test_xlsx_rows_keep_spreadsheet_numbering_and_cell_types():
    content = xlsx_bytes(
        [
            ["Mã cán bộ", "Họ và tên", "Ngày sinh", "Số"],
            ["CB1", "Nguyễn Văn An", dt.datetime(1985, 9, 5), 12.0],
            [None, None, None, None],
            ["CB2", "Trần Thị Bình", "05/09/1990", 7],
            [None, None, None, None],
        ]
    )
    file = read_table(content=content, filename="Danh sach.XLSX")
    # Only non-blank rows are kept, each with its spreadsheet row number; blank ones are counted.
    assert sheet_rows(file) == [
        (1, ["Mã cán bộ", "Họ và tên", "Ngày sinh", "Số"]),
        (2, ["CB1", "Nguyễn Văn An", dt.date(1985, 9, 5), 12]),
        (4, ["CB2", "Trần Thị Bình", "05/09/1990", 7]),
    ]
    assert file.sheets[0].blank_rows >= 1


def test_csv_with_bom_and_semicolons_is_read():
    content = "\ufeff" + "Mã cán bộ;Họ và tên\r\nCB1;Nguyễn Văn An\r\nCB2;Lê Thị Hoa\r\n"
    file = read_table(content=content.encode("utf-8"), filename="roster.csv")
    assert sheet_rows(file) == [
        (1, ["Mã cán bộ", "Họ và tên"]),
        (2, ["CB1", "Nguyễn Văn An"]),
        (3, ["CB2", "Lê Thị Hoa"]),
    ]


def test_utf16_unicode_text_is_read():
    content = "Mã cán bộ\tHọ và tên\r\n00123\tNguyễn Văn An\r\n".encode("utf-16")
    file = read_table(content=content, filename="Danh sach.txt")
    assert sheet_rows(file) == [(1, ["Mã cán bộ", "Họ và tên"]), (2, ["00123", "Nguyễn Văn An"])]


def test_header_is_nfc_and_trimmed():
    decomposed = "  Ma\u0303 ca\u0301n bo\u0323\u0302  "
    table = clean_rows(
        rows=read_table(content=csv_bytes([[decomposed, "Email"], ["CB1", ""]]), filename="r.csv"),
        required=["Mã cán bộ"],
        optional=["Email"],
    )
    assert table.present == {"Mã cán bộ", "Email"}


def test_empty_file_is_refused():
    assert refusal(b"", "roster.xlsx") == ["Tệp rỗng, không có dữ liệu."]


def clean_refusal(content: bytes, filename: str, required=("Mã cán bộ", "Họ và tên"), optional=("Email",)):
    with pytest.raises(ImportRefused) as caught:
        clean_rows(rows=read_table(content=content, filename=filename), required=required, optional=optional)
    return [str(problem) for problem in caught.value.problems]


def test_header_only_file_is_refused():
    assert clean_refusal(csv_bytes([ROSTER_HEADER]), "roster.csv") == [
        "Tệp chỉ có dòng tiêu đề, không có dòng dữ liệu nào."
    ]


def test_missing_header_row_is_refused():
    content = xlsx_bytes([[None, None], ["CB1", "Nguyễn Văn An"]])
    assert clean_refusal(content, "roster.xlsx") == [
        'Không tìm thấy dòng tiêu đề: trong 30 dòng đầu của tệp không có dòng nào chứa đủ các cột "Mã cán bộ", '
        '"Họ và tên".'
    ]


def test_duplicate_header_is_refused():
    problems = clean_refusal(
        csv_bytes([["Mã cán bộ", "Họ và tên", "Email", "E-mail"], ["CB1", "An", "a@b.vn", "c@d.vn"]]), "r.csv"
    )
    assert problems == ['Dòng 1, cột "Email": có hai cột cùng nghĩa (cột C và D) — hãy xóa hoặc đổi tên một cột.']


def test_pdf_renamed_xlsx_is_refused():
    problems = refusal(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n", "roster.xlsx")
    assert problems == ["Tệp có đuôi .xlsx nhưng không phải là tệp Excel .xlsx hợp lệ (nội dung là tệp PDF)."]


def test_csv_renamed_xlsx_is_refused():
    problems = refusal(csv_bytes([ROSTER_HEADER, ["CB1"]]), "roster.xlsx")
    assert problems == ["Tệp có đuôi .xlsx nhưng không phải là tệp Excel .xlsx hợp lệ."]


def test_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    problems = refusal(buffer.getvalue(), "roster.xlsx")
    assert problems == [
        "Tệp có đuôi .xlsx nhưng không phải là tệp Excel .xlsx hợp lệ (tệp nén không chứa bảng tính Excel)."
    ]


def test_truncated_xlsx_is_refused():
    content = xlsx_bytes([ROSTER_HEADER, ["CB1"]])
    problems = refusal(content[: len(content) // 2], "roster.xlsx")
    assert len(problems) == 1
    assert problems[0].startswith("Tệp có đuôi .xlsx nhưng không phải là tệp Excel .xlsx hợp lệ")


def test_broken_workbook_inside_a_valid_zip_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "this is not xml")
    problems = refusal(buffer.getvalue(), "roster.xlsx")
    assert len(problems) == 1
    assert problems[0].startswith(
        "Tệp có đuôi .xlsx nhưng không phải là tệp Excel .xlsx hợp lệ (xl/workbook.xml bị hỏng"
    )


@pytest.mark.parametrize("filename", ["roster.xls", "roster.xlsx"])
def test_broken_old_excel_ole_file_is_refused(filename):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    assert refusal(ole, filename) == [
        "Tệp Excel 97-2003 (.xls) không đọc được (có thể bị hỏng hoặc có mật khẩu) — "
        "hãy mở bằng Excel và lưu lại thành .xlsx."
    ]


@pytest.mark.parametrize("filename", ["roster.pdf", "roster.docx", "roster"])
def test_other_extensions_are_refused(filename):
    problems = refusal(b"Ma can bo\nCB1\n", filename)
    assert problems[0].startswith("Định dạng tệp")
    assert problems[0].endswith(
        'không được hỗ trợ — chỉ nhận .xlsx, .xls, .ods, .csv hoặc .txt ("Unicode Text" của Excel).'
    )


def test_xlsx_renamed_csv_is_refused():
    problems = refusal(xlsx_bytes([ROSTER_HEADER]), "roster.csv")
    assert problems == [
        "Tệp có đuôi .csv nhưng không phải là văn bản CSV (có thể là tệp Excel — hãy đổi đuôi thành .xlsx)."
    ]


def test_non_utf8_csv_is_refused_with_the_line():
    # Excel's "CSV (Comma delimited)" on a Vietnamese Windows writes windows-1258.
    content = "Ma can bo,Ho va ten\nCB1,Lê Văn Tâm\n".encode("cp1258")
    problems = refusal(content, "roster.csv")
    assert problems == [
        'Dòng 2: Tệp CSV không dùng bảng mã UTF-8 — hãy lưu lại bằng "CSV UTF-8 (Comma delimited)" trong Excel '
        "rồi nhập lại."
    ]


@override_settings(LANTOA_IMPORT_MAX_BYTES=2048)
def test_oversized_file_is_refused_before_reading():
    content = csv_bytes([ROSTER_HEADER, *[[f"CB{n}", "Nguyễn Văn An"] for n in range(200)]])
    assert len(content) > 2048
    assert refusal(content, "roster.csv") == [
        f"Tệp quá lớn ({len(content) // 1024} KB); giới hạn là 2 KB — "
        "hãy bỏ các trang tính, hình ảnh không cần nhập hoặc chia thành nhiều tệp."
    ]


@override_settings(LANTOA_IMPORT_MAX_BYTES=2048)
def test_oversized_file_on_disk_is_refused(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(b"x" * 5000)
    with pytest.raises(ImportRefused) as caught:
        read_file(path=path)
    assert str(caught.value) == (
        "Tệp quá lớn (4 KB); giới hạn là 2 KB — "
        "hãy bỏ các trang tính, hình ảnh không cần nhập hoặc chia thành nhiều tệp."
    )


@override_settings(LANTOA_IMPORT_MAX_ROWS=3)
def test_too_many_rows_is_refused():
    # A title block and a signature block come on top of the data rows: 100 rows of slack.
    content = xlsx_bytes([ROSTER_HEADER, *[[f"CB{n}"] for n in range(104)]])
    assert refusal(content, "roster.xlsx") == [
        "Tệp có quá nhiều dòng; giới hạn là 3 dòng dữ liệu — hãy chia thành nhiều tệp."
    ]
    assert (
        len(
            sheet_rows(
                read_table(content=xlsx_bytes([ROSTER_HEADER, *[[f"CB{n}"] for n in range(3)]]), filename="r.xlsx")
            )
        )
        == 4
    )


def test_missing_file(tmp_path):
    with pytest.raises(ImportRefused) as caught:
        read_file(path=tmp_path / "khong-co.xlsx")
    assert str(caught.value).startswith("Không tìm thấy tệp")


def test_problem_and_refusal_text():
    assert str(ImportProblem(row=7, column="Ngày sinh", message="sai.")) == 'Dòng 7, cột "Ngày sinh": sai.'
    assert str(ImportProblem(row=7, column=None, message="sai.")) == "Dòng 7: sai."
    assert str(ImportProblem(row=None, column="Email", message="sai.")) == 'Cột "Email": sai.'
    assert str(ImportProblem(row=None, column=None, message="Tệp rỗng.")) == "Tệp rỗng."
    refused = ImportRefused([ImportProblem(2, "A", "x."), ImportProblem(3, "B", "y.")])
    assert str(refused) == 'Dòng 2, cột "A": x.\nDòng 3, cột "B": y.'


def test_clean_rows_matches_headers_and_flags_legacy_text():
    rows = [
        {" MÃ CÁN BỘ ": " CB1 ", "Họ và tên": "Nguyễn  Văn\u00a0An", "Ghi chú": "Hµ Néi"},
        {" MÃ CÁN BỘ ": None, "Họ và tên": "  ", "Ghi chú": "bỏ qua"},
        {" MÃ CÁN BỘ ": "CB2", "Họ và tên": "Traàn Vaên Bình", "Ghi chú": ""},
    ]
    table = clean_rows(rows=rows, required=["Mã cán bộ", "Họ và tên"], optional=["Email"])
    assert table.present == {"Mã cán bộ", "Họ và tên"}
    assert [(row.number, row.cells) for row in table.rows] == [
        (2, {"Mã cán bộ": "CB1", "Họ và tên": "Nguyễn Văn An"}),
        (4, {"Mã cán bộ": "CB2", "Họ và tên": "Traàn Vaên Bình"}),
    ]
    # Every cell of the table is checked, an ignored column's too.
    assert [str(p) for p in table.problems] == [
        'Dòng 2, cột "Ghi chú": văn bản dùng bảng mã TCVN3 (phông .VnTime) — hãy chuyển sang Unicode trước khi nhập',
        'Dòng 4, cột "Họ và tên": văn bản dùng bảng mã VNI (phông VNI-Times) — hãy chuyển sang Unicode trước khi nhập',
    ]
    assert table.notes == ['Bỏ qua các cột không dùng: "Ghi chú" (cột C).']


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("05/09/1985", dt.date(1985, 9, 5)),
        ("5/9/1985", dt.date(1985, 9, 5)),
        ("05-09-1985", dt.date(1985, 9, 5)),
        ("05.09.1985", dt.date(1985, 9, 5)),
        ("1985-09-05", dt.date(1985, 9, 5)),
        (31295, dt.date(1985, 9, 5)),  # an Excel serial number in a General cell
        (31295.0, dt.date(1985, 9, 5)),
        (dt.datetime(1985, 9, 5, 0, 0), dt.date(1985, 9, 5)),
        (dt.date(1985, 9, 5), dt.date(1985, 9, 5)),
    ],
)
def test_parse_date_cell(value, expected):
    assert parse_date_cell(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1985/09/05", '"1985/09/05" không đúng dạng ngày dd/mm/yyyy (ví dụ 05/09/1985).'),
        ("31/02/1985", '"31/02/1985" không phải là ngày có thật.'),
        ("05/09/85", '"05/09/85": năm phải đủ 4 chữ số — hãy ghi dạng dd/mm/yyyy (ví dụ 05/09/1985).'),
        (
            "09/25/1985",
            '"09/25/1985": không có tháng 25 — có lẽ tháng được ghi trước ngày; hãy ghi ngày trước, tháng sau, '
            "dạng dd/mm/yyyy.",
        ),
        (
            1985,
            "1985 giống một năm hơn là một ngày — hãy ghi đủ ngày, tháng, năm dạng dd/mm/yyyy (ví dụ 05/09/1985).",
        ),
        (
            "31295",
            '"31295" là một con số, không rõ là ngày nào — hãy ghi ngày dạng dd/mm/yyyy (ví dụ 05/09/1985).',
        ),
    ],
)
def test_parse_date_cell_refuses(value, message):
    with pytest.raises(ValueError) as caught:
        parse_date_cell(value)
    assert str(caught.value) == message


def test_a_csv_with_an_unclosed_quote_is_refused_in_vietnamese():
    """An unclosed quote swallows the rest of the file into one cell, past Python's 131,072-character cell limit."""
    content = ('Mã đơn vị,Tên đơn vị\nVP,"Văn phòng Sở\n' + "x" * 140_000 + "\n").encode()
    with pytest.raises(ImportRefused) as refused:
        read_table(content=content, filename="don-vi.csv")
    message = str(refused.value)
    assert "một ô dài quá 131.072 ký tự" in message and "dấu ngoặc kép" in message
    assert "field larger" not in message
