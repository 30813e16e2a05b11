"""coverage_as_of / coverage_people: rounding, scope, query counts; coverage_for_user: a unit head's subtree only."""

import datetime as dt

import pytest
from django.http import Http404

from courses.models import Assignment, CompletionEvidence, CompletionReview, Course
from courses.services.completions import completion_record
from orgchart.models import Unit, UnitKind
from reports.selectors.coverage import coverage_as_of, coverage_for_user
from reports.selectors.people import coverage_people, coverage_people_for_user
from reports.selectors.rules import coverage_percent as percent

from ..factories import (
    AssignmentFactory,
    AssignmentPersonFactory,
    AssignmentUnitFactory,
    CourseFactory,
    ExemptionFactory,
    MembershipFactory,
    StaffFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 6, 15)


@pytest.mark.parametrize(
    ("informed", "staff", "expected"),
    [
        (2, 3, 66.67),
        (1, 6, 16.67),
        (5, 6, 83.33),
        (1, 8, 12.5),
        (1, 800, 0.13),  # exactly 0.125: half-up, not banker's rounding
        (131, 136, 96.32),  # the contract's example
        (136, 136, 100.0),
        (0, 0, None),  # no one to count is not 100% (issue 11)
    ],
)
def test_percent_rounds_half_up_to_two_places(informed, staff, expected):
    assert percent(informed=informed, staff=staff) == expected


def _assignment(*units, people=(), slug="bc-thu", descendants=True) -> Assignment:
    assignment = AssignmentFactory(
        slug=slug,
        course=CourseFactory(slug="khoa-bc"),
        starts_on=dt.date(2026, 1, 1),
        due_on=dt.date(2026, 6, 30),
        units=units,
        units__include_descendants=descendants,
    )
    for person in people:
        AssignmentPersonFactory(assignment=assignment, staff=person)
    return assignment


def _complete(staff, course, on):
    completion_record(
        staff=staff,
        course=course,
        completed_on=on,
        evidence=CompletionEvidence.EXTERNAL,
        review=CompletionReview.ACCEPTED,
        external_reference="GCN-1",
    )


def test_scope_is_the_lowest_common_ancestor_of_the_audience_units(tree):
    assignment = _assignment(tree["vp_team"], tree["tgpl"])
    report = coverage_as_of(assignment=assignment, as_of=ON)
    assert [(u.code, u.parent) for u in report.units] == [
        ("STP", None),
        ("VP", "STP"),
        ("VP-TH", "VP"),
        ("TGPL", "STP"),
    ]
    assert report.root_codes == ["STP"]


def test_scope_of_one_unit_is_its_subtree_with_its_real_parent(tree):
    report = coverage_as_of(assignment=_assignment(tree["vp"]), as_of=ON)
    assert [(u.code, u.parent) for u in report.units] == [("VP", "STP"), ("VP-TH", "VP")]
    # No one in the audience: percent is null, not 100 (issue 11; this test asserted 100.0 before).
    assert report.as_dict()["total"] == {"staff": 0, "informed": 0, "exempt": 0, "percent": None}


def test_named_people_elsewhere_widen_the_scope(tree):
    outsider = StaffFactory(code="NGOAI")
    MembershipFactory(staff=outsider, unit=tree["tgpl"], valid_from=dt.date(2026, 1, 1))
    insider = StaffFactory(code="TRONG")
    MembershipFactory(staff=insider, unit=tree["vp_team"], valid_from=dt.date(2026, 1, 1))
    assignment = _assignment(tree["vp"], people=[outsider])
    report = coverage_as_of(assignment=assignment, as_of=ON)
    assert report.root_codes == ["STP"]
    assert report.unit("TGPL").figures.staff == 1
    assert report.unit("VP").figures.staff == 1
    assert report.total.staff == 2


def test_only_the_unit_itself_without_descendants(tree):
    here = StaffFactory()
    MembershipFactory(staff=here, unit=tree["vp"], valid_from=dt.date(2026, 1, 1))
    below = StaffFactory()
    MembershipFactory(staff=below, unit=tree["vp_team"], valid_from=dt.date(2026, 1, 1))
    report = coverage_as_of(assignment=_assignment(tree["vp"], descendants=False), as_of=ON)
    assert report.unit("VP").figures.staff == 1
    assert report.unit("VP-TH").figures.staff == 0


def _grow(root: Unit, *, units: int, people_per_unit: int, course: Course) -> None:
    """`units` more units under `root` (three levels), people in each, some informed, some exempt."""
    parents = [root]
    created = []
    for index in range(units):
        parent = parents[index % len(parents)]
        unit = UnitFactory(parent=parent, kind=UnitKind.TEAM)
        parent.refresh_from_db()
        created.append(unit)
        if unit.depth < 4:
            parents.append(unit)
    for unit in created:
        for number in range(people_per_unit):
            staff = StaffFactory()
            MembershipFactory(staff=staff, unit=unit, valid_from=dt.date(2026, 1, 1))
            if number % 2 == 0:
                _complete(staff, course, dt.date(2026, 3, 1))
            if number % 5 == 4:
                assignment = Assignment.objects.get(slug="bc-thu")
                ExemptionFactory(
                    staff=staff,
                    assignment=assignment,
                    valid_from=dt.date(2026, 6, 1),
                    valid_to=dt.date(2026, 6, 30),
                    reason="Nghỉ phép dài ngày",
                    approver_name="Giám đốc Sở",
                )


@pytest.mark.parametrize(("units", "people_per_unit"), [(1, 1), (25, 6)])
def test_query_count_does_not_grow_with_the_data(django_assert_num_queries, units, people_per_unit):
    root = UnitFactory(code="ROOT", kind=UnitKind.DEPARTMENT)
    assignment = _assignment(root)
    _grow(root, units=units, people_per_unit=people_per_unit, course=assignment.course)
    # The rules, the one aggregate, the units of the scope.
    with django_assert_num_queries(3):
        report = coverage_as_of(assignment=assignment, as_of=ON)
    assert len(report.units) == units + 1
    assert report.total.staff + report.total.exempt == units * people_per_unit
    # The rules, the lesson count, the rows (fetched in chunks from one query).
    with django_assert_num_queries(3):
        rows = list(coverage_people(assignment=assignment, as_of=ON))
    assert len(rows) == units * people_per_unit


def test_roll_up_matches_the_people(django_assert_num_queries):
    root = UnitFactory(code="ROOT", kind=UnitKind.DEPARTMENT)
    assignment = _assignment(root)
    _grow(root, units=12, people_per_unit=5, course=assignment.course)
    report = coverage_as_of(assignment=assignment, as_of=ON)
    people = list(coverage_people(assignment=assignment, as_of=ON))
    for unit in report.units:
        inside = [p for p in people if p.unit_path.startswith(unit.path)]
        exempt = sum(p.status == "exempt" for p in inside)
        informed = sum(p.status == "informed" for p in inside)
        assert (unit.figures.staff, unit.figures.informed, unit.figures.exempt) == (
            len(inside) - exempt,
            informed,
            exempt,
        )


# --- scoping ------------------------------------------------------------------------------------------------


@pytest.fixture
def department_assignment(tree, learner, unit_head, other_unit_head):
    """Audience: the whole department; on ON three people — learner (VP-TH), unit head (VP), other head (TGPL)."""
    return _assignment(tree["root"])


def test_office_sees_the_whole_scope(office_admin, department_assignment):
    report = coverage_for_user(user=office_admin, assignment=department_assignment, as_of=ON)
    assert [u.code for u in report.units] == ["STP", "VP", "VP-TH", "TGPL"]
    assert report.total.staff == 3
    narrowed = coverage_for_user(user=office_admin, assignment=department_assignment, as_of=ON, unit_code="TGPL")
    assert [u.code for u in narrowed.units] == ["TGPL"]


def test_unit_head_sees_only_their_subtree(unit_head, department_assignment):
    report = coverage_for_user(user=unit_head, assignment=department_assignment, as_of=ON)
    assert [u.code for u in report.units] == ["VP", "VP-TH"]
    assert report.total.staff == 2
    team = coverage_for_user(user=unit_head, assignment=department_assignment, as_of=ON, unit_code="VP-TH")
    assert [u.code for u in team.units] == ["VP-TH"]
    people = coverage_people_for_user(user=unit_head, assignment=department_assignment, as_of=ON)
    assert sorted(p.code for p in people) == ["CB-HV", "CB-VP"]


@pytest.mark.parametrize("unit_code", ["TGPL", "STP", "KHONG-CO"])
def test_unit_head_gets_404_outside_their_subtree(unit_head, department_assignment, unit_code):
    with pytest.raises(Http404):
        coverage_for_user(user=unit_head, assignment=department_assignment, as_of=ON, unit_code=unit_code)
    with pytest.raises(Http404):
        coverage_people_for_user(user=unit_head, assignment=department_assignment, as_of=ON, unit_code=unit_code)


def test_other_head_sees_their_own_unit(other_unit_head, department_assignment):
    report = coverage_for_user(user=other_unit_head, assignment=department_assignment, as_of=ON)
    assert [u.code for u in report.units] == ["TGPL"]
    with pytest.raises(Http404):
        coverage_for_user(user=other_unit_head, assignment=department_assignment, as_of=ON, unit_code="VP")


def test_a_learner_who_heads_nothing_gets_404(learner, department_assignment):
    with pytest.raises(Http404):
        coverage_for_user(user=learner, assignment=department_assignment, as_of=ON)
    with pytest.raises(Http404):
        coverage_people_for_user(user=learner, assignment=department_assignment, as_of=ON)


def test_a_person_matched_by_several_rules_counts_once(tree):
    """In VP's subtree by a unit rule, in VP-TH by another, and named too: one person, once, in VP-TH."""
    person = StaffFactory(code="NHIEU-LUAT")
    MembershipFactory(staff=person, unit=tree["vp_team"], valid_from=dt.date(2026, 1, 1))
    assignment = _assignment(tree["vp"], people=[person])
    AssignmentUnitFactory(assignment=assignment, unit=tree["vp_team"])
    report = coverage_as_of(assignment=assignment, as_of=ON)
    assert (report.unit("VP-TH").figures.staff, report.unit("VP").figures.staff, report.total.staff) == (1, 1, 1)
    assert [p.code for p in coverage_people(assignment=assignment, as_of=ON)] == ["NHIEU-LUAT"]


def test_a_move_on_d_counts_in_the_new_unit_only(tree):
    """The roster import ends the old membership the day before the move: on the move's day, the new unit."""
    person = StaffFactory(code="CHUYEN")
    MembershipFactory(staff=person, unit=tree["vp"], valid_from=dt.date(2026, 1, 1), valid_to=dt.date(2026, 6, 14))
    MembershipFactory(staff=person, unit=tree["tgpl"], valid_from=dt.date(2026, 6, 15))
    assignment = _assignment(tree["root"])
    on_move = coverage_as_of(assignment=assignment, as_of=ON)
    assert (on_move.unit("VP").figures.staff, on_move.unit("TGPL").figures.staff) == (0, 1)
    day_before = coverage_as_of(assignment=assignment, as_of=ON - dt.timedelta(days=1))
    assert (day_before.unit("VP").figures.staff, day_before.unit("TGPL").figures.staff) == (1, 0)
