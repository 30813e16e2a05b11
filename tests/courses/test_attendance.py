"""attendance_import: the session, attendance and in-person completions; every refusal writes nothing."""

import datetime as dt
import unicodedata

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.importing import ImportRefused, read_table
from courses.models import Attendance, Completion, CompletionEvidence, Course, CourseVersion, InPersonSession
from courses.services import course_create
from courses.services.attendance import attendance_import
from quizzes.services.course_import import course_import

from ..factories import StaffFactory
from ..orgchart.files import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

HELD_ON = dt.date(2025, 9, 10)
TITLE = "Hội nghị quán triệt Nghị quyết 57-NQ/TW"
HEADER = ["Mã cán bộ", "Họ và tên", "Có mặt"]


@pytest.fixture
def course(course_data):
    course_import(data=course_data)
    return Course.objects.get(slug=course_data["slug"])


@pytest.fixture
def staff(db):
    return [
        StaffFactory(code="STP0001", full_name="Nguyễn Văn An"),
        StaffFactory(code="STP0002", full_name="Trần Thị Thủy"),
        StaffFactory(code="STP0003", full_name="Lê Đức Bình"),
    ]


def sheet(*rows):
    return [dict(zip(HEADER, row, strict=True)) for row in rows]


def db_state():
    return (
        list(InPersonSession.objects.values_list()),
        list(Attendance.objects.values_list()),
        list(Completion.objects.values_list()),
    )


def refused(rows, course, **kwargs) -> list[str]:
    before = db_state()
    with pytest.raises(ImportRefused) as caught:
        attendance_import(rows=rows, course=course, held_on=kwargs.pop("held_on", HELD_ON), title=TITLE, **kwargs)
    assert db_state() == before
    return [str(problem) for problem in caught.value.problems]


def test_present_staff_complete_the_course_on_the_session_date(course, staff, office_admin):
    rows = sheet(
        ("STP0001", "Nguyễn Văn An", "Có"), ("STP0002", "Trần Thị Thủy", "Không"), ("stp0003", "lê đức bình", "có")
    )

    summary = attendance_import(
        rows=rows, course=course, held_on=HELD_ON, title=f"  {TITLE} ", recorded_by=office_admin
    )

    session = InPersonSession.objects.get()
    assert (session.title, session.held_on, session.recorded_by) == (TITLE, HELD_ON, office_admin)
    assert dict(Attendance.objects.values_list("staff__code", "present")) == {
        "STP0001": True,
        "STP0002": False,
        "STP0003": True,
    }
    completions = Completion.objects.order_by("staff__code")
    assert [(c.staff.code, c.completed_on, c.evidence) for c in completions] == [
        ("STP0001", HELD_ON, CompletionEvidence.IN_PERSON),
        ("STP0003", HELD_ON, CompletionEvidence.IN_PERSON),
    ]
    assert all(c.attendance.session == session and c.version == CourseVersion.objects.get() for c in completions)
    assert (summary.present, summary.absent) == (2, 1)
    assert str(summary) == (
        f'Buổi "{TITLE}" ngày 10/09/2025 (khóa học "an-toan-thong-tin"): 2 có mặt, 1 vắng; 2 người hoàn thành khóa học.'
    )


def test_a_decomposed_name_matches_the_roster_name(course, staff):
    decomposed = unicodedata.normalize("NFD", "TRẦN thị thủy")  # NFD, as some Mac exports write it
    assert decomposed != unicodedata.normalize("NFC", decomposed)
    attendance_import(rows=sheet(("STP0002", decomposed, "Có")), course=course, held_on=HELD_ON, title=TITLE)
    assert Completion.objects.get().staff.code == "STP0002"


def test_reads_xlsx_and_csv_sheets(course, staff):
    grid = [HEADER, ["STP0001", "Nguyễn Văn An", "Có"], ["STP0002", "Trần Thị Thủy", "Không"]]
    for index, (content, name) in enumerate([(xlsx_bytes(grid), "ds.xlsx"), (csv_bytes(grid), "ds.csv")]):
        rows = read_table(content=content, filename=name)
        attendance_import(rows=rows, course=course, held_on=HELD_ON, title=f"{TITLE} {index}")
    assert Completion.objects.count() == 2


def test_a_dry_run_writes_nothing(course, staff):
    before = db_state()
    summary = attendance_import(
        rows=sheet(("STP0001", "Nguyễn Văn An", "Có")), course=course, held_on=HELD_ON, title=TITLE, dry_run=True
    )
    assert summary.present == 1 and summary.dry_run
    assert "(chạy thử, chưa ghi gì)" in str(summary)
    assert db_state() == before


def test_every_bad_row_is_reported_and_nothing_written(course, staff):
    problems = refused(
        sheet(
            ("STP0001", "Nguyễn Văn An", "Có"),
            ("STP9999", "Người Lạ", "Có"),
            ("STP0002", "Trần Thị Thu", "Có"),
            ("STP0003", "Lê Đức Bình", "x"),  # a cross is "present"; a blank is "absent"
            ("STP0001", "Nguyễn Văn An", "Không"),
            ("", "", ""),
            ("STP0003", "", ""),
        ),
        course,
    )
    assert problems == [
        'Dòng 3, cột "Mã cán bộ": không có cán bộ nào có mã "STP9999" trong danh sách cán bộ.',
        'Dòng 4, cột "Họ và tên": "Trần Thị Thu" không khớp với tên trong danh sách cán bộ của mã STP0002 '
        '("Trần Thị Thủy") — hãy kiểm tra lại mã cán bộ hoặc họ tên.',
        'Dòng 6, cột "Mã cán bộ": mã "STP0001" trùng với dòng 2.',
        'Dòng 8, cột "Mã cán bộ": mã "STP0003" trùng với dòng 5.',
        'Dòng 8, cột "Họ và tên": bắt buộc, không được để trống.',
    ]


def test_a_missing_column_is_refused(course, staff):
    problems = refused([{"Mã cán bộ": "STP0001", "Họ và tên": "Nguyễn Văn An"}], course)
    assert problems == [
        'Dòng 1, cột "Có mặt": thiếu cột bắt buộc này trong dòng tiêu đề — hãy thêm cột hoặc sửa tên cột cho đúng.'
    ]


def test_legacy_encoded_text_is_refused(course, staff):
    problems = refused(sheet(("STP0001", "NguyÔn V¨n An", "Có")), course)
    assert any("TCVN3" in problem for problem in problems)


def test_the_same_session_cannot_be_imported_twice(course, staff):
    rows = sheet(("STP0001", "Nguyễn Văn An", "Có"))
    attendance_import(rows=rows, course=course, held_on=HELD_ON, title=TITLE)
    problems = refused(rows, course)
    assert problems == [
        f'Buổi "{TITLE}" ngày 10/09/2025 của khóa học "an-toan-thong-tin" đã được nhập trước đó; '
        "không nhập lại cùng một buổi (nếu là buổi khác, hãy đặt tên khác)."
    ]


def test_refuses_a_future_date_an_empty_title_and_an_unpublished_course(staff):
    draft_only = course_create(slug="ban-nhap")
    before = db_state()
    with pytest.raises(ImportRefused) as caught:
        attendance_import(
            rows=sheet(("STP0001", "Nguyễn Văn An", "Có")), course=draft_only, held_on=dt.date(2999, 1, 1), title=" "
        )
    assert [str(p) for p in caught.value.problems] == [
        "Tên buổi hội nghị (--title) là bắt buộc.",
        "Ngày 01/01/2999 chưa đến — chỉ ghi được buổi hội nghị đã diễn ra.",
        'Khóa học "ban-nhap" chưa có phiên bản nào được xuất bản — hãy xuất bản khóa học trước.',
    ]
    assert db_state() == before


def test_a_completion_from_a_session_is_kept_beside_other_completions(course, staff):
    attendance_import(rows=sheet(("STP0001", "Nguyễn Văn An", "Có")), course=course, held_on=HELD_ON, title=TITLE)
    attendance_import(
        rows=sheet(("STP0001", "Nguyễn Văn An", "Có")), course=course, held_on=dt.date(2025, 10, 1), title=TITLE
    )
    assert list(Completion.objects.order_by("completed_on").values_list("completed_on", flat=True)) == [
        HELD_ON,
        dt.date(2025, 10, 1),
    ]


def test_validation_reads_the_roster_in_one_query(course, staff):
    rows = sheet(*[(f"STP{n:04d}", "Ai Đó", "Có") for n in range(100, 160)])
    with CaptureQueriesContext(connection) as captured, pytest.raises(ImportRefused):
        attendance_import(rows=rows, course=course, held_on=HELD_ON, title=TITLE)
    assert len([q for q in captured.captured_queries if "orgchart_staff" in q["sql"]]) == 1
