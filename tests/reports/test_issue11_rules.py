"""Issue 11 items 4 and 5: which completions count (the window, the versions, the rule printed and
stored), and "empty is not 100%" (percent null in the JSON and the API; empty units left out of
the xlsx, the PDF and the dashboard, which say "no one in the audience on D" instead)."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from courses.models import Assignment, CompletionEvidence, CourseVersionStatus
from courses.selectors.learning import access_course, course_page_get, enrolment_list_for_staff
from courses.services.assignments import enrolment_sync
from reports.exports import coverage_xlsx_write
from reports.selectors.coverage import coverage_as_of
from reports.selectors.people import coverage_people
from reports.selectors.snapshots import snapshot_data, snapshot_rule
from reports.services.api_tokens import api_token_create
from reports.services.snapshots import snapshot_create
from semiannual.pdf import semiannual_pdf_write

from ..factories import (
    AssignmentFactory,
    CompletionFactory,
    CourseFactory,
    MembershipFactory,
    PublishedVersionFactory,
    StaffFactory,
    UserFactory,
)
from ..semiannual.builders import pdf_text
from ..spreadsheets import table_rows

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Read the exports' English source (the PDF is Vietnamese whatever the language)."""
    with translation.override("en"):
        yield


START = dt.date(2025, 9, 1)
ON = dt.date(2025, 12, 15)


@pytest.fixture
def course():
    course = CourseFactory(slug="nq57")
    PublishedVersionFactory(course=course, title="NQ57 bản 2024", lessons=1, questions=1)
    PublishedVersionFactory(course=course, title="Nghị quyết 57-NQ/TW", lessons=1, questions=1)  # retires version 1
    assert course.versions.get(number=1).status == CourseVersionStatus.RETIRED
    return course


def _person(unit, code):
    staff = StaffFactory(code=code)
    MembershipFactory(staff=staff, unit=unit, valid_from=dt.date(2024, 1, 1))
    return staff


# --- item 4: the completion window ---------------------------------------------------------------------


def test_a_completion_before_the_window_does_not_count_one_of_a_retired_version_does(tree, course):
    assignment = AssignmentFactory(course=course, starts_on=START, due_on=ON, units=[tree["root"]])
    old, retired_version, on_start, later = (_person(tree["vp"], code) for code in ("OLD", "RET", "ST", "LATE"))
    CompletionFactory(staff=old, course=course, completed_on=dt.date(2024, 11, 20))  # a 2024 campaign
    CompletionFactory(
        staff=retired_version,
        course=course,
        quiz=True,
        completed_on=dt.date(2025, 10, 1),
        version=course.versions.get(number=1),
    )
    CompletionFactory(staff=on_start, course=course, completed_on=START)
    CompletionFactory(staff=later, course=course, completed_on=dt.date(2025, 12, 16))  # after the date

    report = coverage_as_of(assignment=assignment, as_of=ON)
    assert report.total.as_dict() == {"staff": 4, "informed": 2, "exempt": 0, "percent": 50.0}
    statuses = {p.code: str(p.status) for p in coverage_people(assignment=assignment, as_of=ON)}
    assert statuses == {"OLD": "not_informed", "RET": "informed", "ST": "informed", "LATE": "not_informed"}


def test_completions_from_can_reach_back_before_the_start(tree, course):
    assignment = AssignmentFactory(
        course=course, starts_on=START, due_on=ON, completions_from=dt.date(2024, 1, 1), units=[tree["root"]]
    )
    old = _person(tree["vp"], "OLD")
    CompletionFactory(staff=old, course=course, completed_on=dt.date(2024, 11, 20))
    assert coverage_as_of(assignment=assignment, as_of=ON).total.informed == 1


def test_the_learners_own_page_agrees_with_the_report(tree, course):
    assignment = AssignmentFactory(course=course, starts_on=START, due_on=ON, units=[tree["root"]])
    old = _person(tree["vp"], "OLD")
    CompletionFactory(staff=old, course=course, completed_on=dt.date(2024, 11, 20))
    old.user = UserFactory()
    old.save()
    enrolment_sync(assignment=assignment, on_date=START)
    [row] = enrolment_list_for_staff(staff=old, on_date=ON)
    assert row.completed_on is None  # the 2024 completion does not complete the 2025 assignment
    assert course_page_get(access=access_course(user=old.user, slug="nq57")).completion is None
    CompletionFactory(staff=old, course=course, completed_on=dt.date(2025, 10, 2), external_reference="GCN-2")
    [row] = enrolment_list_for_staff(staff=old, on_date=ON)
    assert row.completed_on == dt.date(2025, 10, 2)
    page = course_page_get(access=access_course(user=old.user, slug="nq57"))
    assert page.completion.completed_on == dt.date(2025, 10, 2)


def test_create_assignment_takes_completions_from(tree, course):
    out = io.StringIO()
    call_command(
        "create_assignment",
        *("--slug", "nq57-2025", "--course", "nq57", "--unit", "STP"),
        *("--start", "2025-09-01", "--due", "2025-12-31", "--completions-from", "2025-06-01"),
        stdout=out,
    )
    assert Assignment.objects.get(slug="nq57-2025").completions_from == dt.date(2025, 6, 1)
    assert "tính hoàn thành từ ngày 01/06/2025" in out.getvalue()
    call_command(
        "create_assignment",
        *("--slug", "nq57-2026", "--course", "nq57", "--unit", "STP", "--start", "2026-01-05", "--due", "2026-06-30"),
        stdout=io.StringIO(),
    )
    assert Assignment.objects.get(slug="nq57-2026").completions_from == dt.date(2026, 1, 5)  # the default: the start


def test_create_assignment_refuses_a_window_after_the_due_date_and_writes_nothing(tree, course):
    with pytest.raises(CommandError, match="muộn hơn hạn hoàn thành"):
        call_command(
            "create_assignment",
            *("--slug", "nq57-x", "--course", "nq57", "--unit", "STP"),
            *("--start", "2025-09-01", "--due", "2025-12-31", "--completions-from", "2026-01-01"),
        )
    with pytest.raises(CommandError, match="--completions-from"):
        call_command(
            "create_assignment",
            *("--slug", "nq57-x", "--course", "nq57", "--unit", "STP"),
            *("--start", "2025-09-01", "--due", "2025-12-31", "--completions-from", "31/02/2025"),
        )
    assert not Assignment.objects.exists()


def test_the_rule_is_printed_on_every_report_and_stored_in_snapshots(tree, course, office_admin, client, tmp_path):
    assignment = AssignmentFactory(slug="nq57-2025", course=course, starts_on=START, due_on=ON, units=[tree["root"]])
    _person(tree["vp"], "A1")
    report = coverage_as_of(assignment=assignment, as_of=ON)
    assert report.rule.as_dict() == {
        "course": "nq57",
        "course_title": "Nghị quyết 57-NQ/TW",
        "completions_from": "2025-09-01",
        "versions": [1, 2],
    }
    # The dashboard.
    client.force_login(office_admin)
    page = client.get(
        reverse("reports:dashboard", args=["nq57-2025"]), {"as_of": "15/12/2025"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "Completions count from 01/09/2025" in page.content.decode()
    # The xlsx: the line under the total.
    output = tmp_path / "r.xlsx"
    coverage_xlsx_write(report=report, people=[], output=str(output))
    rows = list(load_workbook(output).worksheets[0].values)
    assert any(str(row[0]).startswith("Completions count from 01/09/2025") for row in rows)
    # The PDF.
    buffer = io.BytesIO()
    semiannual_pdf_write(assignment=assignment, as_of=ON, output=buffer)
    text = pdf_text(buffer.getvalue())
    assert "hoàn thành được tính từ ngày 01/09/2025" in text
    assert "“Nghị quyết 57-NQ/TW” (phiên bản 1, 2)" in text
    # The snapshot stores it, and keeps it when the assignment's window is changed later.
    snapshot, _created = snapshot_create(assignment=assignment, as_of=ON)
    assert snapshot_data(snapshot=snapshot)["rule"]["completions_from"] == "2025-09-01"
    Assignment.objects.filter(pk=assignment.pk).update(completions_from=dt.date(2025, 1, 1))
    snapshot.refresh_from_db()
    assert snapshot_rule(snapshot=snapshot).completions_from == START


# --- item 5: empty is not 100% -------------------------------------------------------------------------


@pytest.fixture
def branch_only(tree, course):
    """An assignment to leaders only: VP has one, TGPL and VP-TH have none."""
    assignment = AssignmentFactory(
        slug="lanh-dao", course=course, starts_on=START, due_on=ON, units=[tree["root"]], categories=["leader"]
    )
    leader = StaffFactory(code="LD1")
    MembershipFactory(staff=leader, unit=tree["vp"], category="leader", valid_from=dt.date(2024, 1, 1))
    CompletionFactory(staff=leader, course=course, completed_on=dt.date(2025, 10, 1))
    _person(tree["tgpl"], "CV1")  # a civil servant: not in this audience
    return assignment


def test_percent_is_null_for_units_with_no_one_and_the_json_keeps_them(branch_only):
    data = coverage_as_of(assignment=branch_only, as_of=ON).as_dict()
    by_code = {unit["code"]: unit for unit in data["units"]}
    assert by_code["VP"]["percent"] == 100.0
    assert by_code["TGPL"] == {
        "code": "TGPL",
        "name": "Trung tâm Trợ giúp pháp lý nhà nước",
        "parent": "STP",
        "staff": 0,
        "informed": 0,
        "exempt": 0,
        "percent": None,
    }
    assert by_code["VP-TH"]["percent"] is None


def test_a_date_before_any_data_is_not_100(branch_only):
    data = coverage_as_of(assignment=branch_only, as_of=dt.date(2020, 1, 1)).as_dict()
    assert data["total"] == {"staff": 0, "informed": 0, "exempt": 0, "percent": None}
    assert all(unit["percent"] is None for unit in data["units"])


def test_the_api_says_null_and_its_schema_says_nullable(branch_only, client):
    _token, raw = api_token_create(name="tinh")
    response = client.get(
        "/api/v1/coverage", {"assignment": "lanh-dao", "as_of": "2020-01-01"}, HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert response.status_code == 200
    assert response.json()["total"]["percent"] is None
    schema = client.get("/api/v1/openapi.json", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    percent = schema["components"]["schemas"]["FiguresOut"]["properties"]["percent"]
    assert {"type": "null"} in percent["anyOf"]


def test_xlsx_leaves_out_units_with_no_one(branch_only, tmp_path):
    output = tmp_path / "r.xlsx"
    call_command(
        "coverage_report",
        *("--assignment", "lanh-dao", "--as-of", "2025-12-15", "--format", "xlsx", "--output", str(output)),
        stdout=io.StringIO(),
    )
    codes = [row[0] for row in table_rows(load_workbook(output)["Units"])[1:]]
    assert codes[:3] == ["STP", "VP", "Total"]
    assert "TGPL" not in codes and "VP-TH" not in codes


def test_xlsx_of_a_date_with_no_one_says_so(branch_only, tmp_path):
    output = tmp_path / "r.xlsx"
    call_command(
        "coverage_report",
        *("--assignment", "lanh-dao", "--as-of", "2020-01-01", "--format", "xlsx", "--output", str(output)),
        stdout=io.StringIO(),
    )
    rows = list(load_workbook(output)["Units"].values)
    total = next(row for row in rows if row[0] == "Total")
    assert total[4:] == (0, 0, 0, 0, None)
    assert any(row[0] == "No one in the audience on 01/01/2020" for row in rows)


def test_pdf_leaves_out_units_with_no_one_and_says_no_one_instead_of_a_percent(branch_only):
    buffer = io.BytesIO()
    semiannual_pdf_write(assignment=branch_only, as_of=ON, output=buffer)
    text = pdf_text(buffer.getvalue())
    assert "1 Văn phòng Sở 1 1 0 100" in text
    assert "Trung tâm Trợ giúp pháp lý" not in text
    assert "Tổ Tổng hợp" not in text

    buffer = io.BytesIO()
    semiannual_pdf_write(assignment=branch_only, as_of=dt.date(2020, 1, 1), output=buffer)
    text = pdf_text(buffer.getvalue())
    assert "Tính đến ngày 01/01/2020, không có ai trong đối tượng phải được quán triệt" in text
    assert "100" not in text.split("Tổng cộng")[1].split("\n")[0][:20]
    assert "Tổng cộng 0 0 0 —" in text


def test_dashboard_leaves_out_units_with_no_one_and_says_no_one(branch_only, office_admin, client):
    client.force_login(office_admin)
    url = reverse("reports:dashboard", args=["lanh-dao"])
    page = client.get(url, {"as_of": "15/12/2025"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Văn phòng Sở" in page
    assert "Trung tâm Trợ giúp pháp lý" not in page
    page = client.get(url, {"as_of": "01/01/2020"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No one in the audience on 01/01/2020" in page
    assert "100.00 %" not in page and "100,00 %" not in page


def test_the_json_command_prints_null(branch_only):
    out = io.StringIO()
    call_command("coverage_report", "--assignment", "lanh-dao", "--as-of", "2020-01-01", "--format", "json", stdout=out)
    assert json.loads(out.getvalue())["total"]["percent"] is None


def test_quiz_evidence_needs_no_decision(tree, course):
    person = _person(tree["vp"], "Q1")
    completion = CompletionFactory(staff=person, course=course, quiz=True, completed_on=ON)
    assert completion.evidence == CompletionEvidence.QUIZ and completion.review == "accepted"
