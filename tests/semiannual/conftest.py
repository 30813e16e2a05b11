"""Fixtures for the semiannual report tests.

The tree (tests/conftest.py): STP → VP → VP-TH; STP → TGPL. People (from 01/01/2025):
    VP     CB-VP (unit head), V1, V2
    VP-TH  CB-HV (learner), T1
    TGPL   CB-TG (other unit head, exempt 01/01/2026–31/12/2026), G1, G2, G3
Completions: V1 01/11/2025, G1 01/12/2025, V2 01/03/2026, T1 20/05/2026, G2 15/06/2026, G3 16/06/2026.

So on 15/12/2025: VP 5 people, 1 informed (20%); VP-TH 2, 0 (0%); TGPL 4, 1 (25%); total 9, 2 (22,22%).
On 15/06/2026: VP 5, 3 (60%); VP-TH 2, 1 (50%); TGPL 3 (+1 exempt), 2 (66,67%); total 8 (+1), 5 (62,5%).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from orgchart.models import Staff, StaffCategory
from reports.services.exemptions import exemption_create

from ..factories import AssignmentFactory, CourseFactory, PublishedVersionFactory
from .builders import DECEMBER, JUNE, complete_on, make_draft, make_issued, person


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Issued PDFs are stored files: keep them out of the project's media directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def english(client, settings):
    """Service messages and pages are translated; these tests read their English source (pages: the language cookie)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def assignment(tree, learner, unit_head, other_unit_head, office_admin):
    assignment = AssignmentFactory(
        slug="nq57-2025",
        title="Quán triệt Nghị quyết 57-NQ/TW năm 2025",
        course=CourseFactory(slug="nq57"),
        starts_on=dt.date(2025, 9, 1),
        due_on=dt.date(2026, 6, 30),
        units=[tree["root"]],
    )
    course = assignment.course
    # The course's title is what the report's subject and sentences name (issue 11 item 6).
    PublishedVersionFactory(course=course, title="Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị")
    people = {
        "V1": person(tree["vp"], "V1", "Nguyễn Văn Một"),
        "V2": person(tree["vp"], "V2", "Trần Thị Hai"),
        "T1": person(tree["vp_team"], "T1", "Lê Thị Ba"),
        "G1": person(tree["tgpl"], "G1", "Phạm Văn Bốn", StaffCategory.PUBLIC_EMPLOYEE),
        "G2": person(tree["tgpl"], "G2", "Hoàng Thị Năm", StaffCategory.PUBLIC_EMPLOYEE),
        "G3": person(tree["tgpl"], "G3", "Đỗ Văn Sáu", StaffCategory.PUBLIC_EMPLOYEE),
    }
    for code, day in (
        ("V1", dt.date(2025, 11, 1)),
        ("G1", dt.date(2025, 12, 1)),
        ("V2", dt.date(2026, 3, 1)),
        ("T1", dt.date(2026, 5, 20)),
        ("G2", dt.date(2026, 6, 15)),
        ("G3", dt.date(2026, 6, 16)),
    ):
        complete_on(people[code], course, day)
    exemption_create(
        staff=Staff.objects.get(code="CB-TG"),
        assignment=assignment,
        valid_from=dt.date(2026, 1, 1),
        valid_to=dt.date(2026, 12, 31),
        reason="Biệt phái",
        approver_name="Giám đốc Sở",
    )
    return assignment


@pytest.fixture
def two_reports(assignment):
    december = make_issued(assignment, period_end=DECEMBER, number=30, document_date=dt.date(2026, 1, 5))
    june = make_issued(
        assignment,
        period_end=JUNE,
        number=12,
        document_date=dt.date(2026, 7, 3),
        limitations="Thiếu kinh phí in tài liệu.",
    )
    return december, june


@pytest.fixture
def draft(assignment):
    return make_draft(assignment, period_end=JUNE, number=12, document_date=JUNE)
