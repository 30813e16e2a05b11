"""A person's training record: what it shows, who may read it (404 outside the scope), its xlsx and PDF."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from orgchart.models import Staff
from reports.selectors.record import training_record_get

from ..factories import (
    AssignmentFactory,
    AttemptFactory,
    CertificateFactory,
    CompletionFactory,
    CourseFactory,
    EnrolmentFactory,
    ExemptionFactory,
    PublishedVersionFactory,
    RegisterSettingsFactory,
)
from ..spreadsheets import assert_printable, table_rows

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def history(tree, learner, unit_head, other_unit_head, office_admin, settings, tmp_path):
    """CB-HV (VP-TH, under the VP head): a failed then a passed attempt, an in-person completion of a
    second course, an exemption, a certificate."""
    settings.MEDIA_ROOT = tmp_path / "media"
    RegisterSettingsFactory()
    person = Staff.objects.get(code="CB-HV")
    course = CourseFactory(slug="nq57")
    version = PublishedVersionFactory(course=course, title="Nghị quyết 57-NQ/TW")
    assignment = AssignmentFactory(
        slug="nq57-2026",
        title="Quán triệt NQ57 năm 2026",
        course=course,
        units=[tree["root"]],
        starts_on=dt.date(2026, 1, 1),
        due_on=dt.date(2026, 6, 30),
    )
    EnrolmentFactory(assignment=assignment, staff=person)
    AttemptFactory(staff=person, version=version, failing=True)
    completion = CompletionFactory(staff=person, course=course, quiz=True, completed_on=dt.date(2026, 3, 2))
    completion.attempt.score_percent = 83.33
    completion.attempt.save()
    other = PublishedVersionFactory(course=CourseFactory(slug="cds"), title="Chuyển đổi số")
    CompletionFactory(staff=person, course=other.course, in_person=True, completed_on=dt.date(2026, 4, 10))
    ExemptionFactory(staff=person, assignment=assignment, reason="Nghỉ thai sản")
    certificate = CertificateFactory(completion=completion)
    return {"person": person, "assignment": assignment, "certificate": certificate}


def _url(person, name="reports:training_record", *args):
    return reverse(name, args=[person.pk, *args])


def test_record_lists_every_section(history, django_assert_max_num_queries):
    person = history["person"]
    with django_assert_max_num_queries(8):
        record = training_record_get(person=person)
    assert [row.assignment_title for row in record.courses] == [history["assignment"].title]
    assert [(a.number, a.passed) for a in record.attempts] == [(2, True), (1, False)]
    assert [(line.evidence, line.course_title) for line in record.completions] == [
        ("in_person", "Chuyển đổi số"),
        ("quiz", "Nghị quyết 57-NQ/TW"),
    ]
    assert record.completions[1].detail == "#2 · 83,33%"
    assert [e.reason for e in record.exemptions] == ["Nghỉ thai sản"]
    assert [c.serial for c in record.certificates] == [history["certificate"].serial]


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("learner", 200),  # the person themself
        ("unit_head", 200),  # heads VP, CB-HV is in VP-TH below it
        ("office_admin", 200),
        ("other_unit_head", 404),  # heads TGPL: another unit's person is "not found"
    ],
)
@pytest.mark.parametrize("suffix", [(), ("xlsx",), ("pdf",)])
def test_who_may_read_the_record(client, request, history, role, status, suffix):
    client.force_login(request.getfixturevalue(role))
    name = "reports:training_record_export" if suffix else "reports:training_record"
    assert client.get(_url(history["person"], name, *suffix)).status_code == status


def test_a_learner_cannot_read_a_colleague(client, history, unit_head):
    learner_user = history["person"].user
    client.force_login(learner_user)
    colleague = Staff.objects.get(code="CB-VP")
    assert client.get(_url(colleague)).status_code == 404


def test_unknown_format_and_anonymous(client, history, office_admin):
    assert client.get(_url(history["person"])).status_code == 302
    client.force_login(office_admin)
    assert client.get(_url(history["person"], "reports:training_record_export", "csv")).status_code == 404


def test_page_shows_the_sections(client, history, unit_head):
    client.force_login(unit_head)
    body = client.get(_url(history["person"])).content.decode()
    for text in ("Quiz attempts", "Nghỉ thai sản", history["certificate"].serial, "83,33%", "Chuyển đổi số"):
        assert text in body


def test_xlsx_export(client, history, office_admin):
    client.force_login(office_admin)
    response = client.get(_url(history["person"], "reports:training_record_export", "xlsx"))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["Courses", "Quiz attempts", "Completions", "Exemptions", "Certificates"]
    completions = table_rows(workbook["Completions"])[1:]  # under the title block and the header
    assert completions[1][0] == "Nghị quyết 57-NQ/TW" and completions[1][1] == dt.datetime(2026, 3, 2)
    assert table_rows(workbook["Certificates"])[1][0] == history["certificate"].serial
    assert_printable(workbook["Completions"], name="Completions", title=["Trần Thị Học"], date_columns=[1])


def test_pdf_export_renders_with_the_project_fonts(client, history, office_admin):
    client.force_login(office_admin)
    response = client.get(_url(history["person"], "reports:training_record_export", "pdf"))
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Trần Thị Học" in text and history["certificate"].serial in text and "Nghỉ thai sản" in text


def test_drill_down_names_link_to_the_record(client, history, unit_head):
    client.force_login(unit_head)
    url = reverse("reports:dashboard_people", args=[history["assignment"].slug])
    body = client.get(url, {"as_of": "01/02/2026"}).content.decode()
    assert _url(Staff.objects.get(code="CB-VP")) in body
