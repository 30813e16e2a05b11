"""A course assigned to the whole department, due 31/03/2026, with people in VP, VP-TH and TGPL."""

import datetime as dt

import pytest

from orgchart.models import Membership
from tests.factories import MembershipFactory, StaffFactory

from .builders import assign, enrol, publish_course

DUE = dt.date(2026, 3, 31)


@pytest.fixture
def version(db):
    return publish_course(lessons=2)


@pytest.fixture
def assignment(version):
    return assign(version=version, slug="nq57-2026", due_on=DUE, starts_on=dt.date(2026, 3, 1))


@pytest.fixture
def people(tree, learner, unit_head, other_unit_head, assignment):
    """Everyone enrolled: the learner (VP-TH), a VP officer, a TGPL officer, and both heads."""
    vp_officer = StaffFactory(full_name="Ngô Thị Văn Phòng", code="CB-VP2", email="vp2@stp.dongnai.gov.vn")
    MembershipFactory(staff=vp_officer, unit=tree["vp"])
    tgpl_officer = StaffFactory(full_name="Đỗ Văn Trợ Giúp", code="CB-TG2", email="tg2@stp.dongnai.gov.vn")
    MembershipFactory(staff=tgpl_officer, unit=tree["tgpl"])
    result = {
        "learner": learner.staff,
        "vp_officer": vp_officer,
        "tgpl_officer": tgpl_officer,
        "vp_head": unit_head.staff,
        "tgpl_head": other_unit_head.staff,
    }
    for staff in result.values():
        enrol(assignment=assignment, staff=staff, enrolled_on=dt.date(2026, 3, 1))
    return result


def move(staff, *, unit, on: dt.date) -> None:
    """End the open membership the day before `on` and open one in `unit` (what a roster import does)."""
    current = Membership.objects.get(staff=staff, valid_to__isnull=True)
    current.valid_to = on - dt.timedelta(days=1)
    current.save(update_fields=["valid_to"])
    MembershipFactory(staff=staff, unit=unit, category=current.category, valid_from=on)
