"""Fixtures for the published indicators: one assignment frozen on 15/06/2025, one communications
person trained in a specialist programme."""

import datetime as dt

import pytest
from django.utils import translation

from nominations.services import nomination_approve, nomination_complete, nomination_create, nomination_start
from orgchart.models import Staff, StaffCategory
from reports.services.snapshots import snapshot_create

from ..factories import (
    AssignmentFactory,
    CompletionFactory,
    CourseFactory,
    MembershipFactory,
    StaffFactory,
    TrainingProgrammeFactory,
)


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def setup(tree, learner, unit_head, other_unit_head, office_admin):
    assignment = AssignmentFactory(
        slug="cong-bo-2025",
        title="Quán triệt Nghị quyết 57-NQ/TW",
        course=CourseFactory(slug="khoa-cong-bo"),
        starts_on=dt.date(2025, 1, 1),
        due_on=dt.date(2025, 6, 30),
        units=[tree["root"]],
    )
    course = assignment.course
    writer = StaffFactory(
        code="TT-01", full_name="Hồ Thị Viết", email="viet@stp.dongnai.gov.vn", is_communications=True
    )
    MembershipFactory(
        staff=writer, unit=tree["vp"], category=StaffCategory.CIVIL_SERVANT, valid_from=dt.date(2025, 1, 1)
    )
    CompletionFactory(
        staff=Staff.objects.get(code="CB-VP"),
        course=course,
        completed_on=dt.date(2025, 5, 1),
        external_reference="GCN-9",
    )
    programme = TrainingProgrammeFactory(
        title="Truyền thông số", provider="Học viện", starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2025, 12, 31)
    )
    nomination = nomination_create(staff=writer, programme=programme, by=unit_head, on=dt.date(2025, 3, 1))
    nomination_approve(nomination=nomination, by=office_admin, on=dt.date(2025, 3, 2))
    nomination_start(nomination=nomination, by=office_admin, on=dt.date(2025, 3, 10))
    nomination_complete(nomination=nomination, by=office_admin, on=dt.date(2025, 6, 1))
    snapshot, _ = snapshot_create(assignment=assignment, as_of=dt.date(2025, 6, 15), created_by=office_admin)
    return {"assignment": assignment, "snapshot": snapshot, "course": course, "programme": programme}
