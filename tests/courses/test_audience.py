"""The audience of an assignment on a date: unit rules, categories, communications staff, named people."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.models import Assignment
from courses.selectors.audience import audience_memberships_on, audience_staff_ids_on
from orgchart.models import StaffCategory

from ..factories import (
    AssignmentFactory,
    AssignmentPersonFactory,
    AssignmentUnitFactory,
    MembershipFactory,
    StaffFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db

D = dt.date(2025, 9, 1)


def member(
    unit, code, *, category=StaffCategory.CIVIL_SERVANT, communications=False, since=dt.date(2025, 1, 1), until=None
):
    staff = StaffFactory(code=code, is_communications=communications)
    MembershipFactory(staff=staff, unit=unit, category=category, valid_from=since, valid_to=until)
    return staff


def rule(*, units=(), people=(), categories=(), communications_only=False) -> Assignment:
    assignment = AssignmentFactory(
        slug=f"a{Assignment.objects.count()}",
        course__slug="nq57",
        starts_on=D,
        due_on=D,
        categories=list(categories),
        communications_only=communications_only,
    )
    for unit, include_descendants in units:
        AssignmentUnitFactory(assignment=assignment, unit=unit, include_descendants=include_descendants)
    for staff in people:
        AssignmentPersonFactory(assignment=assignment, staff=staff)
    return assignment


def codes(assignment, on=D) -> list[str]:
    memberships = audience_memberships_on(assignment=assignment, on_date=on).select_related("staff")
    return sorted(m.staff.code for m in memberships)


def ids(assignment, on=D) -> list[int]:
    return sorted(audience_staff_ids_on(assignment=assignment, on_date=on))


@pytest.fixture
def people(tree):
    return {
        "vp": member(tree["vp"], "VP1", category=StaffCategory.LEADER),
        "team": member(tree["vp_team"], "TH1", communications=True),
        "tgpl": member(tree["tgpl"], "TG1", category=StaffCategory.PUBLIC_EMPLOYEE),
        "driver": member(tree["vp"], "VP2", category=StaffCategory.CONTRACT_WORKER),
    }


def test_a_unit_with_its_sub_units(tree, people):
    assignment = rule(units=[(tree["vp"], True)])
    assert codes(assignment) == ["TH1", "VP1", "VP2"]
    assert ids(assignment) == sorted(p.pk for p in (people["vp"], people["team"], people["driver"]))


def test_a_unit_without_its_sub_units(tree, people):
    assert codes(rule(units=[(tree["vp"], False)])) == ["VP1", "VP2"]


def test_the_root_with_descendants_is_everyone(tree, people):
    assert codes(rule(units=[(tree["root"], True)])) == ["TG1", "TH1", "VP1", "VP2"]


def test_categories_narrow_the_unit_rules(tree, people):
    assignment = rule(units=[(tree["root"], True)], categories=[StaffCategory.LEADER, StaffCategory.PUBLIC_EMPLOYEE])
    assert codes(assignment) == ["TG1", "VP1"]


def test_the_category_is_the_one_held_on_the_date(tree):
    staff = StaffFactory(code="P1")
    MembershipFactory(staff=staff, unit=tree["vp"], category=StaffCategory.CIVIL_SERVANT, valid_to=dt.date(2025, 8, 31))
    MembershipFactory(staff=staff, unit=tree["vp"], category=StaffCategory.LEADER, valid_from=dt.date(2025, 9, 1))
    leaders = rule(units=[(tree["vp"], True)], categories=[StaffCategory.LEADER])
    assert codes(leaders, on=dt.date(2025, 8, 31)) == []
    assert codes(leaders, on=dt.date(2025, 9, 1)) == ["P1"]


def test_communications_only(tree, people):
    assert codes(rule(units=[(tree["root"], True)], communications_only=True)) == ["TH1"]


def test_named_people_are_in_whatever_their_unit_or_category(tree, people):
    assignment = rule(units=[(tree["vp"], False)], categories=[StaffCategory.LEADER], people=[people["tgpl"]])
    assert codes(assignment) == ["TG1", "VP1"]
    assert codes(rule(people=[people["team"]])) == ["TH1"]


def test_a_person_matched_by_two_rules_is_counted_once(tree, people):
    assignment = rule(units=[(tree["vp"], True), (tree["vp_team"], False)], people=[people["team"], people["vp"]])
    assert codes(assignment) == ["TH1", "VP1", "VP2"]
    assert len(ids(assignment)) == 3
    assert audience_memberships_on(assignment=assignment, on_date=D).count() == 3


def test_a_person_matched_twice_is_counted_once(tree):
    # In a unit the rule covers and named in the rule as well. (Two memberships covering the same day, the old
    # way to match twice, cannot exist since issue 11: the exclusion constraint on PostgreSQL, the check on SQLite.)
    staff = member(tree["tgpl"], "KN1")
    assignment = rule(units=[(tree["vp"], True), (tree["tgpl"], True)], people=[staff])
    assert codes(assignment) == ["KN1"]
    assert ids(assignment) == [staff.pk]


def test_only_memberships_open_on_the_date(tree):
    member(tree["vp"], "OLD", until=dt.date(2025, 8, 31))
    member(tree["vp"], "NEW", since=dt.date(2025, 9, 2))
    member(tree["vp"], "LAST", until=D)
    named_leaver = member(tree["tgpl"], "GONE", until=dt.date(2025, 3, 1))
    assignment = rule(units=[(tree["vp"], True)], people=[named_leaver])
    assert codes(assignment) == ["LAST"]
    assert codes(assignment, on=dt.date(2025, 9, 2)) == ["NEW"]
    assert codes(assignment, on=dt.date(2025, 2, 1)) == ["GONE", "LAST", "OLD"]


def test_a_rule_with_no_units_and_no_people_is_empty(tree, people):
    assert codes(rule()) == []


def test_the_audience_is_two_queries_whatever_the_size(tree):
    def count_queries(assignment) -> int:
        with CaptureQueriesContext(connection) as captured:
            list(audience_memberships_on(assignment=assignment, on_date=D))
            list(audience_staff_ids_on(assignment=assignment, on_date=D))
        return len(captured.captured_queries)

    small = rule(units=[(tree["vp"], True)])
    for index in range(3):
        member(tree["vp"], f"S{index}")
    small_count = count_queries(small)
    teams = [UnitFactory(parent=tree["tgpl"]) for _ in range(5)]
    for index in range(60):
        member(teams[index % 5], f"L{index}")
    large = rule(units=[(unit, True) for unit in teams] + [(tree["root"], False)], people=[StaffFactory()])
    assert count_queries(large) == small_count == 4
    assert len(codes(large)) == 60
