"""membership_list_in_unit_on: who was in unit X (with or without sub-units) on D, in one query."""

import datetime as dt

import pytest

from orgchart.models import Unit, UnitKind
from orgchart.selectors import membership_list_in_unit_on

from ..factories import MembershipFactory, StaffFactory, UnitFactory


def codes(unit, on, *, include_descendants=True) -> list[str]:
    return [
        membership.staff.code
        for membership in membership_list_in_unit_on(unit=unit, on_date=on, include_descendants=include_descendants)
    ]


def test_dates_are_inclusive_and_sub_units_optional(tree):
    vp, team, tgpl = tree["vp"], tree["vp_team"], tree["tgpl"]
    an = StaffFactory(code="AN", full_name="Nguyễn Văn An")
    binh = StaffFactory(code="BINH", full_name="Trần Thị Bình")
    MembershipFactory(staff=an, unit=vp, valid_from=dt.date(2026, 1, 1), valid_to=dt.date(2026, 3, 31))
    MembershipFactory(staff=an, unit=tgpl, valid_from=dt.date(2026, 4, 1))
    MembershipFactory(staff=binh, unit=team, valid_from=dt.date(2026, 2, 1))

    assert codes(vp, dt.date(2025, 12, 31)) == []
    assert codes(vp, dt.date(2026, 1, 1)) == ["AN"]
    assert codes(vp, dt.date(2026, 2, 1)) == ["AN", "BINH"]  # sorted by given name: An before Bình
    assert codes(vp, dt.date(2026, 2, 1), include_descendants=False) == ["AN"]
    assert codes(vp, dt.date(2026, 3, 31)) == ["AN", "BINH"]
    assert codes(vp, dt.date(2026, 4, 1)) == ["BINH"]
    assert codes(tgpl, dt.date(2026, 4, 1)) == ["AN"]
    assert codes(tree["root"], dt.date(2026, 4, 1)) == ["AN", "BINH"]
    assert codes(tree["root"], dt.date(2026, 4, 1), include_descendants=False) == []


def test_a_sibling_with_a_longer_path_is_not_a_descendant(tree):
    """Prefix matching must not leak across siblings whose paths share a prefix."""
    root = tree["root"]
    siblings = [UnitFactory(code=f"S{n}", parent=root) for n in range(12)]
    for unit in siblings:
        MembershipFactory(staff=StaffFactory(code=f"CB-{unit.code}"), unit=unit)
    for unit in siblings:
        unit.refresh_from_db()
        assert codes(unit, dt.date(2026, 1, 1)) == [f"CB-{unit.code}"]


def build_tree(*, levels: int, fan_out: int, staff_per_unit: int):
    root = UnitFactory(code="ROOT", kind=UnitKind.DEPARTMENT)
    frontier, units = [root], [root]
    for _level in range(levels - 1):
        next_frontier = []
        for parent in frontier:
            parent.refresh_from_db()
            for _ in range(fan_out):
                child = UnitFactory(parent=parent)
                next_frontier.append(child)
        units += next_frontier
        frontier = next_frontier
    for unit in units:
        for _ in range(staff_per_unit):
            MembershipFactory(unit=unit, valid_from=dt.date(2025, 1, 1))
    root.refresh_from_db()
    return root, units


@pytest.mark.parametrize(
    ("levels", "fan_out", "staff_per_unit"),
    [(2, 2, 2), (5, 3, 3)],
    ids=["3-units", "121-units-five-levels"],
)
def test_one_query_whatever_the_tree_size(db, django_assert_num_queries, levels, fan_out, staff_per_unit):
    root, units = build_tree(levels=levels, fan_out=fan_out, staff_per_unit=staff_per_unit)
    middle = units[1]
    middle.refresh_from_db()
    with django_assert_num_queries(1):
        everyone = [
            (m.staff.full_name, m.unit.code, m.position)
            for m in membership_list_in_unit_on(unit=root, on_date=dt.date(2026, 1, 1))
        ]
    assert len(everyone) == len(units) * staff_per_unit
    with django_assert_num_queries(1):
        branch = [m.unit.code for m in membership_list_in_unit_on(unit=middle, on_date=dt.date(2026, 1, 1))]
    assert len(branch) == (Unit.objects.get_descendant_count(middle) + 1) * staff_per_unit
    with django_assert_num_queries(1):
        own = list(membership_list_in_unit_on(unit=middle, on_date=dt.date(2026, 1, 1), include_descendants=False))
    assert len(own) == staff_per_unit
