"""The import corpus: real-layout files saved by LibreOffice (tests/data/imports/), each with its expected outcome.

Every file goes through the path the commands take (`read_file`, then the import's service,
for real in the test's transaction) and the outcome — the service's summary or its refusal —
is compared with the table below. `make_corpus.py` beside the files says how they were made.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from core.importing import ImportRefused, read_file
from courses.models import Course
from courses.services.attendance import attendance_import
from orgchart.models import Staff
from orgchart.services.roster import roster_import
from orgchart.services.units import units_import
from quizzes.services.course_import import course_import

from ..courses.conftest import _SMALL
from ..factories import StaffFactory
from ..orgchart.files import person

CORPUS = Path(__file__).resolve().parents[1] / "data" / "imports"
ON = dt.date(2026, 3, 1)

GOVERNMENT_NOTES = [
    'Đọc trang "DS", dòng tiêu đề là dòng 6.',
    "Bỏ qua dòng đánh số cột (dòng 7).",
    "Bảng dừng ở dòng trống 11: phần ký tên từ dòng 12 trở đi không được đọc.",
]
GOVERNMENT_PEOPLE = {
    "00123": ("Nguyễn Văn An", dt.date(1985, 9, 5)),
    "CB002": ("Trần Thị Bình", dt.date(1990, 1, 12)),
    "CB003": ("Lê Minh Châu", dt.date(1979, 11, 30)),
}

# file, import, expected outcome, notes the dry run and the preview show, people as stored (code → name, birth).
CASES = [
    (
        "government_layout.xlsx",
        "roster",
        "2 mới, 0 chuyển đơn vị, 0 thay đổi thông tin, 0 nghỉ, 1 không đổi",
        GOVERNMENT_NOTES,
        GOVERNMENT_PEOPLE,
    ),
    (
        "government_layout.xls",
        "roster",
        "2 mới, 0 chuyển đơn vị, 0 thay đổi thông tin, 0 nghỉ, 1 không đổi",
        GOVERNMENT_NOTES,
        GOVERNMENT_PEOPLE,
    ),
    (
        "government_layout.ods",
        "roster",
        "2 mới, 0 chuyển đơn vị, 0 thay đổi thông tin, 0 nghỉ, 1 không đổi",
        GOVERNMENT_NOTES,
        GOVERNMENT_PEOPLE,
    ),
    (
        "second_sheet.xlsx",
        "roster",
        "2 mới, 0 chuyển đơn vị, 0 thay đổi thông tin, 0 nghỉ, 1 không đổi",
        ['Đọc trang "Danh sách", dòng tiêu đề là dòng 1.'],
        GOVERNMENT_PEOPLE,
    ),
    (
        "hidden_row_extra_columns.xlsx",
        "roster",
        "2 mới, 0 chuyển đơn vị, 0 thay đổi thông tin, 0 nghỉ, 1 không đổi",
        [
            'Bỏ qua các cột không dùng: "Quê quán" (cột J), "Ghi chú" (cột K).',
            "Có dòng đang bị ẩn (bộ lọc hoặc ẩn dòng) — vẫn được nhập: dòng 3.",
        ],
        GOVERNMENT_PEOPLE,
    ),
    (
        # Only newcomers in the file: as the whole roster, the one person on file would leave (1 of 1).
        "header_aliases_dates.xlsx",
        "roster",
        "refused: 1 người sẽ nghỉ trong số 1 người đang có trong danh sách (quá 10% hoặc quá 20 người). Nếu tệp là "
        "toàn bộ danh sách và đúng là họ nghỉ, hãy xác nhận số 1 (lệnh: --confirm-leavers 1); nếu tệp chỉ có người "
        "mới hoặc người thay đổi, hãy nhập ở chế độ chỉ thêm và cập nhật (--mode changes).",
        [],
        {},
    ),
    (
        "header_aliases_dates.xlsx",
        "roster changes",
        "4 mới, 0 chuyển đơn vị, 0 thay đổi thông tin, 0 nghỉ, 0 không đổi",
        [],
        {
            "CB011": ("Phạm Văn Đức", dt.date(1985, 9, 5)),  # 05-09-1985
            "CB012": ("Võ Thị Giang", dt.date(1990, 1, 12)),  # 12.01.1990
            "CB013": ("Đặng Văn Hải", dt.date(1979, 11, 30)),  # ISO
            "CB014": ("Bùi Thị Lan", dt.date(1985, 9, 5)),  # the Excel serial 31295
        },
    ),
    (
        "eth_invisible_caps.xlsx",
        "roster changes",
        "4 mới, 0 chuyển đơn vị, 0 thay đổi thông tin, 0 nghỉ, 0 không đổi",
        ['Dòng 4: họ tên "NGUYỄN VĂN BẢY" viết hoa toàn bộ — được ghi là "Nguyễn Văn Bảy".'],
        {
            "CB021": ("\u0110inh Văn Hùng", dt.date(1980, 2, 3)),  # Ð (U+00D0) typed for Đ
            "CB022": ("Lê Thị Hoa", dt.date(1981, 4, 5)),  # zero-width space, soft hyphen, BOM
            "CB023": ("Nguyễn Văn Bảy", dt.date(1982, 6, 7)),
            "CB024": ("Trần An", dt.date(1983, 8, 9)),  # right-to-left override
        },
    ),
    (
        "apostrophe_control_chars.csv",
        "roster",
        "1 mới, 0 chuyển đơn vị, 0 thay đổi thông tin, 0 nghỉ, 1 không đổi",
        [],
        {"00123": ("Nguyễn Văn An", dt.date(1985, 9, 5)), "CB051": ("Tô Thị Hạnh", dt.date(1986, 10, 6))},
    ),
    (
        "unicode_text.txt",
        "roster",
        "0 mới, 0 chuyển đơn vị, 0 thay đổi thông tin, 0 nghỉ, 1 không đổi",
        [],
        {"00123": ("Nguyễn Văn An", dt.date(1985, 9, 5))},
    ),
    (
        "mixed_legacy.xlsx",
        "roster",
        'refused: Dòng 2, cột "Họ và tên": văn bản dùng bảng mã VNI (phông VNI-Times) — '
        "hãy chuyển sang Unicode trước khi nhập\n"
        'Dòng 3, cột "Ghi chú": văn bản dùng bảng mã TCVN3 (phông .VnTime) — hãy chuyển sang Unicode trước khi nhập',
        [],
        {},
    ),
    (
        "year_as_birth_date.xlsx",
        "roster",
        'refused: Dòng 2, cột "Ngày sinh": 1985 giống một năm hơn là một ngày — hãy ghi đủ ngày, tháng, năm dạng '
        "dd/mm/yyyy (ví dụ 05/09/1985).",
        [],
        {},
    ),
    (
        "month_first_date.csv",
        "roster",
        'refused: Dòng 2, cột "Ngày sinh": "09/25/1985": không có tháng 25 — có lẽ tháng được ghi trước ngày; '
        "hãy ghi ngày trước, tháng sau, dạng dd/mm/yyyy.",
        [],
        {},
    ),
    (
        "missing_column.xlsx",
        "roster",
        'refused: Dòng 6, cột "Đối tượng": thiếu cột bắt buộc này trong dòng tiêu đề — hãy thêm cột hoặc sửa tên '
        "cột cho đúng.",
        [],
        {},
    ),
    (
        "attendance_marks.xlsx",
        "attendance",
        "3 có mặt, 1 vắng",
        [
            'Đọc trang "Điểm danh", dòng tiêu đề là dòng 4.',
            "Bảng dừng ở dòng trống 9: phần ký tên từ dòng 10 trở đi không được đọc.",
        ],
        {},
    ),
    (
        "units_government.xlsx",
        "units",
        "0 mới, 1 thay đổi, 2 không đổi",  # the tree is there; TGPL's name is shorter in the file
        [
            'Đọc trang "Đơn vị", dòng tiêu đề là dòng 4.',
            "Bỏ qua dòng đánh số cột (dòng 5).",
            "Bảng dừng ở dòng trống 9: phần ký tên từ dòng 10 trở đi không được đọc.",
        ],
        {},
    ),
]


def run_import(name: str, kind: str):
    """The import `kind` of corpus file `name`, as the command runs it; (outcome, notes)."""
    try:
        rows = read_file(path=CORPUS / name)
        if kind.startswith("roster"):
            mode = "changes" if kind == "roster changes" else "full"
            summary = roster_import(rows=rows, effective_date=ON, mode=mode)
            outcome = str(summary).split(": ", 1)[1].rstrip(".")
        elif kind == "units":
            summary = units_import(rows=rows)
            outcome = f"{summary.created} mới, {summary.updated} thay đổi, {summary.unchanged} không đổi"
        else:
            course_import(data=dict(_SMALL))
            course = Course.objects.get(slug=_SMALL["slug"])
            summary = attendance_import(rows=rows, course=course, held_on=dt.date(2025, 9, 10), title="Hội nghị")
            outcome = f"{summary.present} có mặt, {summary.absent} vắng"
    except ImportRefused as refused:
        return f"refused: {refused}", []
    return outcome, summary.notes


@pytest.fixture
def on_file(tree):
    """One person already on the roster, with the code 00123 that the office suite shows through `00000`."""
    roster_import(
        rows=[
            person(
                "00123",
                "Nguyễn Văn An",
                "VP",
                email="",
                position="Chánh Văn phòng",
                category="Lãnh đạo",
                born="05/09/1985",
            )
        ],
        effective_date=dt.date(2026, 1, 1),
    )
    for code, name in [
        ("CB-AT1", "Nguyễn Văn An"),
        ("CB-AT2", "Trần Thị Bình"),
        ("CB-AT3", "Lê Minh Châu"),
        ("CB-AT4", "Phạm Thị Dung"),
    ]:
        StaffFactory(code=code, full_name=name)


@pytest.mark.parametrize(
    ("name", "kind", "expected", "notes", "people"), CASES, ids=[f"{case[0]}-{case[1]}" for case in CASES]
)
def test_corpus_file_gives_its_expected_outcome(on_file, name, kind, expected, notes, people):
    outcome, found_notes = run_import(name, kind)
    assert outcome == expected
    assert found_notes == notes
    stored = {
        code: (full_name, born)
        for code, full_name, born in Staff.objects.filter(code__in=people).values_list(
            "code", "full_name", "date_of_birth"
        )
    }
    assert stored == people
    if people:
        # No "123" beside "00123": the code typed with its zeros is one person, compared as text.
        assert not Staff.objects.filter(code="123").exists()


def test_every_corpus_file_is_in_the_table():
    files = {path.name for path in CORPUS.iterdir() if path.is_file() and path.suffix != ".py"}
    assert files == {case[0] for case in CASES}
