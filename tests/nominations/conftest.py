import datetime as dt

import pytest
import time_machine
from django.utils import translation

from orgchart.models import StaffCategory

from ..factories import MembershipFactory, StaffFactory, TrainingProgrammeFactory


def communications_person(unit, *, code, name=None, communications=True, valid_from=dt.date(2025, 1, 1), valid_to=None):
    staff = StaffFactory(code=code, full_name=name or f"Cán bộ {code}", is_communications=communications)
    MembershipFactory(
        staff=staff, unit=unit, category=StaffCategory.CIVIL_SERVANT, valid_from=valid_from, valid_to=valid_to
    )
    return staff


@pytest.fixture
def programme(db):
    return TrainingProgrammeFactory(
        title="Kỹ năng truyền thông số",
        provider="Học viện Báo chí và Tuyên truyền",
        starts_on=dt.date(2026, 3, 1),
        ends_on=dt.date(2026, 12, 31),
    )


@pytest.fixture
def comms_vp(tree):
    return communications_person(tree["vp_team"], code="TT-VP", name="Ngô Thị Truyền")


@pytest.fixture
def comms_tgpl(tree):
    return communications_person(tree["tgpl"], code="TT-TG", name="Đinh Văn Thông")


@pytest.fixture
def not_comms_vp(tree):
    return communications_person(tree["vp"], code="KT-VP", name="Lý Văn Khác", communications=False)


@pytest.fixture(autouse=True)
def english(client, settings):
    """These tests read the English source messages (the default language is Vietnamese)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def today():
    """A fixed today (20/05/2026), so programmes and dates in the tests never expire."""
    with time_machine.travel(dt.datetime(2026, 5, 20, 10, 0), tick=False):
        yield
