"""Issue 11 item 6: the semiannual report's sentences are built from the assignment (course, audience, date),
for three audiences: the whole department; leaders and civil servants of one division; communications staff
of one centre without its sub-units, plus a person named one by one."""

import datetime as dt

import pytest

from orgchart.models import StaffCategory
from reports.selectors.coverage import coverage_as_of
from semiannual.pdf import document_context
from semiannual.selectors import semiannual_report_unsaved

from ..factories import (
    AssignmentFactory,
    AssignmentPersonFactory,
    AssignmentUnitFactory,
    CompletionFactory,
    CourseFactory,
    MembershipFactory,
    PublishedVersionFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 6, 15)


@pytest.fixture
def course():
    course = CourseFactory(slug="chuyen-doi-so")
    PublishedVersionFactory(course=course, title="Kỹ năng truyền thông số", lessons=1, questions=1)
    return course


def _member(unit, code, *, category=StaffCategory.CIVIL_SERVANT, communications=False):
    staff = StaffFactory(code=code, is_communications=communications)
    MembershipFactory(staff=staff, unit=unit, category=category, valid_from=dt.date(2025, 1, 1))
    return staff


def _context(assignment):
    report = semiannual_report_unsaved(assignment=assignment, period_end=ON)
    figures = coverage_as_of(assignment=assignment, as_of=ON).as_dict()
    return document_context(report=report, figures=figures, previous=None, previous_figures=None)


def test_whole_department_every_category(tree, course):
    assignment = AssignmentFactory(
        course=course, starts_on=dt.date(2026, 1, 5), due_on=dt.date(2026, 6, 30), units=[tree["root"]]
    )
    done = _member(tree["vp"], "A1")
    _member(tree["tgpl"], "A2", category=StaffCategory.PUBLIC_EMPLOYEE)
    CompletionFactory(staff=done, course=course, completed_on=dt.date(2026, 3, 1))

    context = _context(assignment)
    assert (
        context["subject"] == "Kết quả thông tin, tuyên truyền, quán triệt Kỹ năng truyền thông số 6 tháng đầu năm 2026"
    )
    assert context["opening"] == (
        "Thực hiện việc quán triệt Kỹ năng truyền thông số cho lãnh đạo, công chức, viên chức và người lao động "
        "thuộc Sở Tư pháp tỉnh Đồng Nai (từ ngày 05/01/2026, hạn hoàn thành ngày 30/06/2026), "
        "Sở Tư pháp báo cáo kết quả thực hiện 6 tháng đầu năm 2026 như sau:"
    )
    assert context["summary_sentence"] == (
        "Tính đến ngày 15/06/2026, tổng số lãnh đạo, công chức, viên chức và người lao động thuộc Sở Tư pháp "
        "tỉnh Đồng Nai phải được quán triệt qua khóa học “Kỹ năng truyền thông số” là 2 người; "
        "đã quán triệt 1 người, đạt 50%; còn 1 người chưa được quán triệt."
    )
    assert "Nghị quyết" not in context["subject"] + context["opening"] + context["summary_sentence"]


def test_leaders_and_civil_servants_of_one_division(tree, course):
    assignment = AssignmentFactory(
        course=course,
        starts_on=dt.date(2026, 2, 1),
        due_on=dt.date(2026, 5, 31),
        units=[tree["vp"]],
        categories=[StaffCategory.LEADER, StaffCategory.CIVIL_SERVANT],
    )
    leader = _member(tree["vp"], "L1", category=StaffCategory.LEADER)
    _member(tree["vp_team"], "C1")
    _member(tree["vp"], "W1", category=StaffCategory.CONTRACT_WORKER)  # not in the audience
    CompletionFactory(staff=leader, course=course, completed_on=dt.date(2026, 4, 1))

    context = _context(assignment)
    assert context["summary_sentence"] == (
        "Tính đến ngày 15/06/2026, tổng số lãnh đạo và công chức thuộc Văn phòng Sở phải được quán triệt qua "
        "khóa học “Kỹ năng truyền thông số” là 2 người; đã quán triệt 1 người, đạt 50%; "
        "còn 1 người chưa được quán triệt."
    )
    assert "lãnh đạo và công chức thuộc Văn phòng Sở (từ ngày 01/02/2026" in context["opening"]


def test_communications_staff_of_one_centre_without_sub_units_and_a_named_person(tree, course):
    assignment = AssignmentFactory(
        course=course,
        starts_on=dt.date(2026, 3, 1),
        due_on=dt.date(2026, 9, 30),
        communications_only=True,
        categories=[StaffCategory.PUBLIC_EMPLOYEE],
    )
    AssignmentUnitFactory(assignment=assignment, unit=tree["tgpl"], include_descendants=False)
    _member(tree["tgpl"], "T1", category=StaffCategory.PUBLIC_EMPLOYEE, communications=True)
    _member(tree["tgpl"], "T2", category=StaffCategory.PUBLIC_EMPLOYEE)  # not communications staff
    named = _member(tree["vp"], "N1")
    AssignmentPersonFactory(assignment=assignment, staff=named)

    context = _context(assignment)
    assert context["summary_sentence"] == (
        "Tính đến ngày 15/06/2026, tổng số viên chức làm công tác truyền thông, thông tin cơ sở, thông tin đối ngoại "
        "thuộc Trung tâm Trợ giúp pháp lý nhà nước (không kể các đơn vị trực thuộc) và 1 người được giao đích danh "
        "phải được quán triệt qua khóa học “Kỹ năng truyền thông số” là 2 người; đã quán triệt 0 người, đạt 0%; "
        "còn 2 người chưa được quán triệt."
    )


def test_a_date_before_anyone_says_no_one_instead_of_a_percent(tree, course):
    assignment = AssignmentFactory(
        course=course, starts_on=dt.date(2026, 1, 5), due_on=dt.date(2026, 6, 30), units=[tree["vp"]]
    )
    report = semiannual_report_unsaved(assignment=assignment, period_end=dt.date(2024, 6, 15))
    figures = coverage_as_of(assignment=assignment, as_of=dt.date(2024, 6, 15)).as_dict()
    context = document_context(report=report, figures=figures, previous=None, previous_figures=None)
    assert context["summary_sentence"] == (
        "Tính đến ngày 15/06/2024, không có ai trong đối tượng phải được quán triệt qua khóa học "
        "“Kỹ năng truyền thông số” (lãnh đạo, công chức, viên chức và người lao động thuộc Văn phòng Sở)."
    )
    assert [row.percent_text for row in context["rows"]] == ["—"]
