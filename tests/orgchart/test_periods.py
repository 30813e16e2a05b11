"""No overlapping periods: PostgreSQL's exclusion constraints, and the same check in the writers (both databases)."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction

from core.importing import ImportRefused
from orgchart.models import Membership, UnitVersion
from orgchart.periods import OverlapRefused, overlaps_in, periods_check_no_overlap
from orgchart.services.roster import roster_import
from tests.factories import MembershipFactory, StaffFactory, UnitFactory

from .files import person

pytestmark = pytest.mark.django_db

no_overlap_migration = importlib.import_module("orgchart.migrations.0004_no_overlapping_periods")


def _two_overlapping(staff, unit):
    MembershipFactory(staff=staff, unit=unit, valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2025, 6, 30))
    MembershipFactory(staff=staff, unit=unit, valid_from=dt.date(2025, 6, 30), valid_to=None)


@pytest.fixture
def sqlite_only():
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL refuses the overlapping row itself (test_postgres_refuses_…)")


def test_check_names_the_person_and_both_periods(sqlite_only):
    unit = UnitFactory(code="VP")
    staff = StaffFactory(code="CB001")
    _two_overlapping(staff, unit)
    MembershipFactory(valid_from=dt.date(2025, 1, 1))  # someone else, no overlap
    with pytest.raises(OverlapRefused) as refused:
        periods_check_no_overlap(
            Membership, owner_field="staff", owner_label="staff__code", owner_ids=[staff.pk], what="Quá trình công tác"
        )
    assert (
        str(refused.value)
        == "Quá trình công tác trùng thời gian hiệu lực: CB001: 01/01/2025–30/06/2025 và 30/06/2025–…."
    )


def test_periods_that_touch_without_sharing_a_day_pass(db):
    unit = UnitFactory(code="VP")
    staff = StaffFactory(code="CB001")
    MembershipFactory(staff=staff, unit=unit, valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2025, 6, 29))
    MembershipFactory(staff=staff, unit=unit, valid_from=dt.date(2025, 6, 30))
    periods_check_no_overlap(
        Membership, owner_field="staff", owner_label="staff__code", owner_ids=[staff.pk], what="Quá trình công tác"
    )
    assert overlaps_in(Membership, owner_field="staff", owner_label="staff__code") == []


def test_roster_import_refuses_and_writes_nothing_when_it_would_leave_an_overlap(sqlite_only):
    unit = UnitFactory(code="VP")
    staff = StaffFactory(code="CB001", full_name="Người Một")
    # A record written outside the import (e.g. by hand in the database) that the import would overlap.
    MembershipFactory(staff=staff, unit=unit, valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2025, 3, 31))
    MembershipFactory(staff=staff, unit=unit, valid_from=dt.date(2025, 3, 1), valid_to=None)
    before = list(Membership.objects.values_list("pk", "valid_from", "valid_to"))
    with pytest.raises(ImportRefused) as refused:
        roster_import(
            rows=[person("CB001", "Người Một", "VP", category="Viên chức")], effective_date=dt.date(2025, 5, 1)
        )
    assert "trùng thời gian hiệu lực: CB001" in str(refused.value)
    assert list(Membership.objects.values_list("pk", "valid_from", "valid_to")) == before


def test_migration_lists_overlaps_in_existing_data(sqlite_only):
    unit = UnitFactory(code="VP")
    _two_overlapping(StaffFactory(code="CB001"), unit)
    _two_overlapping(StaffFactory(code="CB002"), unit)
    with pytest.raises(RuntimeError) as stopped:
        no_overlap_migration.refuse_existing_overlaps(apps, None)
    assert str(stopped.value).splitlines()[1:] == [
        "thành viên CB001: 01/01/2025–30/06/2025 và 30/06/2025–…",
        "thành viên CB002: 01/01/2025–30/06/2025 và 30/06/2025–…",
    ]


def test_migration_passes_clean_data(db):
    _unit = UnitFactory(code="VP")
    MembershipFactory(valid_from=dt.date(2025, 1, 1))
    no_overlap_migration.refuse_existing_overlaps(apps, None)


@pytest.mark.postgres
def test_postgres_refuses_overlapping_memberships():
    if connection.vendor != "postgresql":
        pytest.skip("the exclusion constraint is PostgreSQL's")
    unit = UnitFactory(code="VP")
    staff = StaffFactory(code="CB001")
    MembershipFactory(staff=staff, unit=unit, valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2025, 6, 30))
    with pytest.raises(IntegrityError, match="membership_no_overlap"), transaction.atomic():
        MembershipFactory(staff=staff, unit=unit, valid_from=dt.date(2025, 6, 30), valid_to=dt.date(2025, 7, 31))
    # The day after is fine, and so is another person on the same days.
    MembershipFactory(staff=staff, unit=unit, valid_from=dt.date(2025, 7, 1))
    MembershipFactory(unit=unit, valid_from=dt.date(2025, 1, 1))


@pytest.mark.postgres
def test_postgres_refuses_overlapping_unit_versions():
    if connection.vendor != "postgresql":
        pytest.skip("the exclusion constraint is PostgreSQL's")
    unit = UnitFactory(code="VP")  # one version, open at both ends
    with pytest.raises(IntegrityError, match="unitversion_no_overlap"), transaction.atomic():
        UnitVersion.objects.create(
            unit=unit, valid_from=dt.date(2026, 1, 1), name="Khác", kind=unit.kind, path="x", depth=1
        )
