"""Exemptions: the service (happy path, every refusal, nothing written) and the Office's admin."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from orgchart.models import Staff
from reports.models import Exemption
from reports.selectors.coverage import coverage_as_of
from reports.selectors.people import coverage_people
from reports.selectors.rules import CoverageStatus
from reports.services.exemptions import exemption_create

from ..factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _kwargs(scenario, **overrides):
    values = {
        "staff": Staff.objects.get(code="C2"),
        "assignment": scenario.assignment,
        "valid_from": dt.date(2025, 9, 1),
        "valid_to": dt.date(2025, 9, 30),
        "reason": "  Cử đi học dài hạn  ",
        "approver_name": "Nguyễn Văn Giám, Giám đốc Sở",
    }
    values.update(overrides)
    return values


def test_exemption_takes_the_person_out_of_the_denominator_inside_its_dates(scenario):
    exemption = exemption_create(**_kwargs(scenario), recorded_by=scenario.office)
    assert exemption.reason == "Cử đi học dài hạn"  # normalised
    assert exemption.recorded_by == scenario.office
    # 01/09/2025 before: STP 6 staff, 4 informed (test_scenario D5); C2 exempt now → 5, 4, 1 → 80.0.
    inside = coverage_as_of(assignment=scenario.assignment, as_of=dt.date(2025, 9, 1))
    assert inside.total.as_dict() == {"staff": 5, "informed": 4, "exempt": 1, "percent": 80.0}
    assert inside.unit("PB").figures.as_dict() == {"staff": 2, "informed": 2, "exempt": 1, "percent": 100.0}
    listed = {p.code: p for p in coverage_people(assignment=scenario.assignment, as_of=dt.date(2025, 9, 1))}
    assert listed["C2"].status == CoverageStatus.EXEMPT
    assert listed["C2"].exemption_reason == "Cử đi học dài hạn"
    # The last day counts; the day after does not.
    assert coverage_as_of(assignment=scenario.assignment, as_of=dt.date(2025, 9, 30)).total.exempt == 1
    after = coverage_as_of(assignment=scenario.assignment, as_of=dt.date(2025, 10, 1))
    assert after.total.as_dict() == {"staff": 6, "informed": 4, "exempt": 0, "percent": 66.67}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"valid_to": dt.date(2025, 8, 31)}, "valid_to"),
        ({"reason": "   "}, "reason"),
        ({"approver_name": ""}, "approver_name"),
        ({"approver_name": "x" * 151}, "approver_name"),
        ({"reason": "NghØ phÐp dµi ngµy"}, "reason"),  # TCVN3
        # C1 already has 15/05–31/08/2025.
        ({"staff": "C1", "valid_from": dt.date(2025, 8, 1)}, "valid_from"),
        ({"staff": "NEVER"}, "staff"),
    ],
)
def test_each_refusal_writes_nothing(scenario, overrides, field):
    if overrides.get("staff") == "C1":
        overrides["staff"] = Staff.objects.get(code="C1")
    elif overrides.get("staff") == "NEVER":
        overrides["staff"] = StaffFactory(code="NGOAI-DS")  # on file but never in any unit
    before = list(Exemption.objects.values_list("pk", flat=True))
    with pytest.raises(ValidationError) as caught:
        exemption_create(**_kwargs(scenario, **overrides))
    assert field in caught.value.message_dict
    assert list(Exemption.objects.values_list("pk", flat=True)) == before


def test_every_problem_is_reported_at_once(scenario):
    with pytest.raises(ValidationError) as caught:
        exemption_create(**_kwargs(scenario, valid_to=dt.date(2025, 1, 1), reason="", approver_name=""))
    assert set(caught.value.message_dict) == {"valid_to", "reason", "approver_name"}


def test_someone_who_left_can_still_be_exempted_for_when_they_were_there(scenario):
    """B2 left on 30/04/2025 but was in the audience before (enrolled): an exemption for March is fine."""
    exemption_create(**_kwargs(scenario, staff=Staff.objects.get(code="B2"), valid_from=dt.date(2025, 3, 1)))
    march = coverage_as_of(assignment=scenario.assignment, as_of=dt.date(2025, 3, 15))
    # D2 was 6 staff / 4 informed; B2 (informed) exempt → 5 staff, 3 informed, 1 exempt → 60.0.
    assert march.total.as_dict() == {"staff": 5, "informed": 3, "exempt": 1, "percent": 60.0}


# --- admin --------------------------------------------------------------------------------------------------


def _post(client, scenario, **overrides):
    data = {
        "staff": Staff.objects.get(code="C2").pk,
        "assignment": scenario.assignment.pk,
        "valid_from": "2025-09-01",
        "valid_to": "2025-09-30",
        "reason": "Cử đi học dài hạn",
        "approver_name": "Nguyễn Văn Giám, Giám đốc Sở",
        "approver": "",
    }
    data.update(overrides)
    return client.post(reverse("admin:reports_exemption_add"), data)


def test_office_records_an_exemption_in_the_admin(client, scenario):
    from ..factories import give_totp

    give_totp(scenario.office)
    client.force_login(scenario.office)
    response = _post(client, scenario)
    assert response.status_code == 302, response.content.decode()[:2000]
    exemption = Exemption.objects.get(staff__code="C2")
    assert exemption.recorded_by == scenario.office


def test_admin_refuses_a_bad_exemption_and_writes_nothing(client, scenario):
    from ..factories import give_totp

    give_totp(scenario.office)
    client.force_login(scenario.office)
    count = Exemption.objects.count()
    response = _post(client, scenario, valid_to="2025-08-01", reason="", approver_name="")
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"valid_to", "reason", "approver_name"}
    assert Exemption.objects.count() == count


@pytest.mark.parametrize("page", ["reports_exemption_changelist", "reports_apitoken_changelist"])
def test_unit_heads_do_not_get_into_the_admin(client, unit_head, page):
    unit_head.is_staff = True
    unit_head.save()
    client.force_login(unit_head)
    response = client.get(reverse(f"admin:{page}"))
    assert response.status_code == 404


def test_office_changes_an_exemption_with_the_same_checks(client, scenario):
    from ..factories import give_totp

    give_totp(scenario.office)
    client.force_login(scenario.office)
    exemption = Exemption.objects.get(staff__code="C1")
    url = reverse("admin:reports_exemption_change", args=[exemption.pk])
    data = {
        "staff": exemption.staff_id,
        "assignment": exemption.assignment_id,
        "valid_from": "2025-05-15",
        "valid_to": "2025-09-15",
        "reason": "  Nghỉ thai sản (gia hạn)  ",
        "approver_name": "Nguyễn Văn Giám, Giám đốc Sở",
        "approver": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    exemption.refresh_from_db()
    assert (exemption.valid_to, exemption.reason) == (dt.date(2025, 9, 15), "Nghỉ thai sản (gia hạn)")
    refused = client.post(url, {**data, "valid_to": "2025-05-01"})
    assert refused.status_code == 200
    exemption.refresh_from_db()
    assert exemption.valid_to == dt.date(2025, 9, 15)
