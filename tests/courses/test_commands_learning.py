"""create_assignment and import_attendance: the command contracts (DESIGN.md)."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from courses.models import (
    Assignment,
    AssignmentUnit,
    Attendance,
    Completion,
    CompletionEvidence,
    Enrolment,
    InPersonSession,
)
from orgchart.models import StaffCategory
from orgchart.services.roster import roster_import
from quizzes.services.course_import import course_import

from ..orgchart.files import csv_bytes, person, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(tree, course_data):
    course_import(data=course_data)
    roster_import(
        rows=[
            person("CB001", "Nguyễn Văn An", "VP", category="Lãnh đạo"),
            person("CB002", "Trần Thị Bình", "VP-TH"),
            person("CB003", "Lê Minh Châu", "TGPL", category="Viên chức", communications="Có"),
            person("CB004", "Phạm Thu Dung", "TGPL", category="Người lao động"),
        ],
        effective_date=dt.date(2025, 7, 1),
    )
    return tree


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().strip()


def refused(*args) -> str:
    before = db_state()
    with pytest.raises(CommandError) as caught:
        run(*args)
    assert db_state() == before
    return str(caught.value)


def db_state():
    return (
        list(Assignment.objects.values_list()),
        list(AssignmentUnit.objects.values_list()),
        list(Enrolment.objects.values_list()),
        list(InPersonSession.objects.values_list()),
        list(Attendance.objects.values_list()),
        list(Completion.objects.values_list()),
    )


ASSIGN = ("create_assignment", "--slug", "nq57-2025", "--course", "an-toan-thong-tin", "--start", "2025-08-15")


# --- create_assignment ---------------------------------------------------------------------------


def test_create_assignment_for_a_unit_and_its_sub_units(setup):
    output = run(*ASSIGN, "--unit", "STP", "--due", "2025-09-30")
    assert output == (
        'Đã giao "an-toan-thong-tin" cho 4 người (đơn vị STP và các đơn vị trực thuộc), hạn 30/09/2025, '
        "tính hoàn thành từ ngày 15/08/2025."
    )
    assignment = Assignment.objects.get(slug="nq57-2025")
    assert (assignment.starts_on, assignment.due_on, assignment.categories) == (
        dt.date(2025, 8, 15),
        dt.date(2025, 9, 30),
        [],
    )
    assert set(Enrolment.objects.values_list("enrolled_on", flat=True)) == {timezone.localdate()}


def test_create_assignment_without_descendants_with_categories(setup):
    output = run(
        *ASSIGN, "--unit", "vp", "--unit", "TGPL", "--no-descendants", "--category", "Lãnh đạo",
        "--category", "viên chức", "--due", "2025-09-30",
    )  # fmt: skip
    assert output == (
        'Đã giao "an-toan-thong-tin" cho 2 người (đơn vị VP, TGPL; đối tượng: Lãnh đạo, Viên chức), hạn 30/09/2025, '
        "tính hoàn thành từ ngày 15/08/2025."
    )
    assert Assignment.objects.get().categories == [StaffCategory.LEADER, StaffCategory.PUBLIC_EMPLOYEE]
    assert set(Enrolment.objects.values_list("staff__code", flat=True)) == {"CB001", "CB003"}


def test_create_assignment_for_communications_staff(setup):
    output = run(*ASSIGN, "--unit", "STP", "--communications-only", "--due", "2025-09-30")
    assert "cho 1 người" in output and "chỉ cán bộ làm công tác truyền thông" in output
    assert list(Enrolment.objects.values_list("staff__code", flat=True)) == ["CB003"]


def test_create_assignment_dry_run_writes_nothing(setup):
    before = db_state()
    output = run(*ASSIGN, "--unit", "STP", "--due", "2025-09-30", "--dry-run")
    assert output == (
        'Chạy thử: sẽ giao "an-toan-thong-tin" cho 4 người (đơn vị STP và các đơn vị trực thuộc), hạn 30/09/2025, '
        "tính hoàn thành từ ngày 15/08/2025 "
        "— chưa ghi gì."
    )
    assert db_state() == before


def test_create_assignment_lists_every_problem(setup):
    message = refused(
        "create_assignment", "--slug", "NQ 57", "--course", "khong-co", "--unit", "XYZ", "--unit", "VP",
        "--category", "Cán bộ", "--start", "15/08/2025", "--due", "2025-02-30",
    )  # fmt: skip
    assert message.startswith("Không tạo được đợt giao khóa học (5 lỗi, chưa ghi gì):")
    for fragment in (
        'Không có khóa học nào có mã "khong-co"',
        'Không có đơn vị nào có mã "XYZ".',
        '--due "2025-02-30" không phải là ngày hợp lệ',
        'Mã đợt giao khóa học "nq 57" không hợp lệ',
        'Đối tượng "Cán bộ" không hợp lệ; chỉ nhận: Lãnh đạo, Công chức, Viên chức, Người lao động.',
    ):
        assert fragment in message


def test_create_assignment_refuses_a_due_date_before_the_start_and_a_taken_slug(setup):
    run(*ASSIGN, "--unit", "STP", "--due", "2025-09-30")
    message = refused(*ASSIGN, "--unit", "STP", "--due", "2025-08-01")
    assert "(2 lỗi, chưa ghi gì)" in message
    assert "Hạn hoàn thành 01/08/2025 sớm hơn ngày bắt đầu 15/08/2025." in message
    assert 'Mã đợt giao khóa học "nq57-2025" đã được dùng cho một đợt giao khác.' in message


def test_create_assignment_needs_the_contract_options(setup):
    with pytest.raises(CommandError, match="--unit"):
        run("create_assignment", "--slug", "x", "--course", "an-toan-thong-tin", "--start", "2025-08-15", "--due", "x")


# --- import_attendance --------------------------------------------------------------------------

SHEET = [
    ["Mã cán bộ", "Họ và tên", "Có mặt"],
    ["CB001", "Nguyễn Văn An", "Có"],
    ["CB002", "Trần Thị Bình", "Không"],
    ["CB003", "Lê Minh Châu", "Có"],
]
TITLE = "Hội nghị quán triệt Nghị quyết 57-NQ/TW"


def attendance_args(path, *extra):
    return ("import_attendance", str(path), "--course", "an-toan-thong-tin", "--date", "2025-09-10", "--title", TITLE,
            *extra)  # fmt: skip


def test_import_attendance_records_the_session_and_completions(setup, tmp_path):
    path = tmp_path / "diem-danh.xlsx"
    path.write_bytes(xlsx_bytes(SHEET))
    output = run(*attendance_args(path))
    assert output == (
        f'Buổi "{TITLE}" ngày 10/09/2025 (khóa học "an-toan-thong-tin"): 2 có mặt, 1 vắng; 2 người hoàn thành khóa học.'
    )
    assert set(Completion.objects.values_list("staff__code", "completed_on", "evidence")) == {
        ("CB001", dt.date(2025, 9, 10), CompletionEvidence.IN_PERSON),
        ("CB003", dt.date(2025, 9, 10), CompletionEvidence.IN_PERSON),
    }


def test_import_attendance_dry_run_writes_nothing(setup, tmp_path):
    path = tmp_path / "diem-danh.csv"
    path.write_bytes(csv_bytes(SHEET))
    before = db_state()
    assert run(*attendance_args(path, "--dry-run")).endswith("(chạy thử, chưa ghi gì).")
    assert db_state() == before


def test_import_attendance_refuses_bad_rows(setup, tmp_path):
    path = tmp_path / "diem-danh.csv"
    path.write_bytes(csv_bytes([*SHEET, ["CB009", "Người Lạ", "Có"], ["CB004", "Phạm Thu Dung", "chưa rõ"]]))
    message = refused(*attendance_args(path))
    assert message.startswith(f"Không nhập được {path} (2 lỗi, chưa ghi gì):")
    assert '- Dòng 5, cột "Mã cán bộ": không có cán bộ nào có mã "CB009" trong danh sách cán bộ.' in message
    assert (
        '- Dòng 6, cột "Có mặt": "chưa rõ" không hợp lệ; có mặt ghi "Có", "x" hoặc "✓", vắng ghi "Không" hoặc để trống.'
        in message
    )


def test_import_attendance_refuses_a_second_import_of_the_same_session(setup, tmp_path):
    path = tmp_path / "diem-danh.xlsx"
    path.write_bytes(xlsx_bytes(SHEET))
    run(*attendance_args(path))
    assert "đã được nhập trước đó" in refused(*attendance_args(path))


def test_import_attendance_refuses_an_unknown_course_a_bad_date_and_a_missing_file(setup, tmp_path):
    message = refused(
        "import_attendance", str(tmp_path / "khong-co.xlsx"), "--course", "khong-co", "--date", "10-09-2025",
        "--title", TITLE,
    )  # fmt: skip
    assert "(3 lỗi, chưa ghi gì)" in message
    assert 'Không có khóa học nào có mã "khong-co"' in message
    assert '--date "10-09-2025" không phải là ngày hợp lệ' in message
    assert "Không tìm thấy tệp" in message


def test_import_attendance_refuses_an_xls_file(setup, tmp_path):
    path = tmp_path / "cu.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64)
    assert "Excel 97-2003" in refused(*attendance_args(path))


def test_create_assignment_takes_several_categories_after_one_flag(setup):
    run(*ASSIGN, "--unit", "STP", "--category", "Công chức", "Người lao động", "--due", "2025-09-30")
    assert set(Enrolment.objects.values_list("staff__code", flat=True)) == {"CB002", "CB004"}
