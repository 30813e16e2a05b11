"""A past report never changes: the same data reorganised three times between four reporting dates.

The story (every change made by a dated import, as the Office would):
- 01/01/2025: STP with VP, PB (and its team PB-A), TG (and its team TG-1); seven people;
  A1 and B2 do communications work.
- 01/04/2025 (change 1): TG-1 moves from TG to PB; PB is renamed; B1 moves to VP; A2
  takes up communications work.
- 01/07/2025 (change 2): PB-A is merged into PB (B2 moves to PB, PB-A closes on 30/06); a
  new unit PCDS opens and A1 moves to it.
- 01/10/2025 (change 3): TG closes (C1 moves to VP first); PCDS moves under VP and is renamed;
  A2 gives up communications work.
Reporting dates R1..R4 fall between the changes. After each change, every report dated
before it gives the same JSON as before the change; every report dated after it shows it.
"""

import datetime as dt

import pytest

from core.importing import ImportRefused
from orgchart.models import Membership, Staff, Unit, UnitVersion
from orgchart.services.roster import roster_import
from orgchart.services.units import units_import
from reports.selectors.coverage import coverage_as_of
from reports.selectors.people import coverage_people
from tests.factories import AssignmentFactory, CompletionFactory, CourseFactory
from tests.orgchart.files import person, unit_row

pytestmark = pytest.mark.django_db

START = dt.date(2025, 1, 1)
CHANGE_1, CHANGE_2, CHANGE_3 = dt.date(2025, 4, 1), dt.date(2025, 7, 1), dt.date(2025, 10, 1)
R1, R2, R3, R4 = dt.date(2025, 3, 31), dt.date(2025, 6, 30), dt.date(2025, 9, 30), dt.date(2025, 12, 31)
DATES = (R1, R2, R3, R4)

STP = unit_row("STP", "Sở Tư pháp", None, "Sở")
VP = unit_row("VP", "Văn phòng Sở", "STP")
PB = unit_row("PB", "Phòng Phổ biến, giáo dục pháp luật", "STP")
PB_RENAMED = unit_row("PB", "Phòng Phổ biến và Theo dõi thi hành pháp luật", "STP")
PB_A = unit_row("PB-A", "Tổ Phổ biến", "PB", "Tổ")
TG = unit_row("TG", "Trung tâm Trợ giúp pháp lý", "STP", "Đơn vị sự nghiệp")
TG_1 = unit_row("TG-1", "Tổ Trợ giúp số 1", "TG", "Tổ")
TG_1_MOVED = unit_row("TG-1", "Tổ Trợ giúp số 1", "PB", "Tổ")
PCDS = unit_row("PCDS", "Phòng Chuyển đổi số", "STP")
PCDS_MOVED = unit_row("PCDS", "Tổ Chuyển đổi số", "VP", "Tổ")


def roster(**units_by_code) -> list[dict]:
    """The seven people; `units_by_code` gives (unit, communications) for those who changed."""
    base = {
        "A1": ("VP", "Có"),
        "A2": ("VP", "Không"),
        "B1": ("PB", "Không"),
        "B2": ("PB-A", "Có"),
        "B3": ("PB", "Không"),
        "C1": ("TG", "Không"),
        "C2": ("TG-1", "Không"),
    }
    base.update(units_by_code)
    return [
        person(code, f"Người {code}", unit, communications=communications)
        for code, (unit, communications) in base.items()
    ]


def reports(assignments) -> dict[tuple[str, dt.date], dict]:
    return {
        (assignment.slug, day): coverage_as_of(assignment=assignment, as_of=day).as_dict()
        for assignment in assignments
        for day in DATES
    }


def unit_of(report: dict, code: str) -> dict | None:
    return next((unit for unit in report["units"] if unit["code"] == code), None)


def assert_unchanged_before(change: dt.date, before: dict, after: dict) -> None:
    for (slug, day), report in before.items():
        if day < change:
            assert after[(slug, day)] == report, (slug, day)


def test_reports_before_each_change_stay_the_same_and_after_it_show_it(django_assert_num_queries):
    units_import(rows=[STP, VP, PB, PB_A, TG, TG_1], effective_date=START)
    roster_import(rows=roster(), effective_date=START)
    course = CourseFactory()
    root = Unit.objects.get(code="STP")
    everyone = AssignmentFactory(slug="toan-so", course=course, units=[root])
    communications = AssignmentFactory(slug="truyen-thong", course=course, communications_only=True, units=[root])
    for code in ("A1", "B2", "C2"):
        CompletionFactory(staff=Staff.objects.get(code=code), course=course, completed_on=dt.date(2025, 1, 10))
    assignments = [everyone, communications]

    initial = reports(assignments)
    r1 = initial[("toan-so", R1)]
    assert r1["total"] == {"staff": 7, "informed": 3, "exempt": 0, "percent": 42.86}
    assert unit_of(r1, "TG-1")["parent"] == "TG"
    assert unit_of(r1, "PB")["name"] == "Phòng Phổ biến, giáo dục pháp luật"
    assert initial[("truyen-thong", R1)]["total"]["staff"] == 2  # A1, B2

    # --- change 1: a team moves, a division is renamed, a person moves, a role changes ----------
    units_import(rows=[STP, VP, PB_RENAMED, PB_A, TG, TG_1_MOVED], effective_date=CHANGE_1)
    roster_import(rows=roster(B1=("VP", "Không"), A2=("VP", "Có")), effective_date=CHANGE_1)
    after_1 = reports(assignments)
    assert_unchanged_before(CHANGE_1, initial, after_1)
    r2 = after_1[("toan-so", R2)]
    assert unit_of(r2, "TG-1")["parent"] == "PB"
    assert unit_of(r2, "PB")["name"] == "Phòng Phổ biến và Theo dõi thi hành pháp luật"
    # PB: B3 + PB-A (B2 ✓) + TG-1 (C2 ✓); TG: C1 alone; VP: A1 ✓, A2, B1.
    assert (unit_of(r2, "PB")["staff"], unit_of(r2, "PB")["informed"]) == (3, 2)
    assert (unit_of(r2, "TG")["staff"], unit_of(r2, "TG")["informed"]) == (1, 0)
    assert (unit_of(r2, "VP")["staff"], unit_of(r2, "VP")["informed"]) == (3, 1)
    assert after_1[("truyen-thong", R2)]["total"]["staff"] == 3  # A2 joined A1 and B2
    # The people list names units as they stood on each date.
    on_r1 = {row.code: row.unit_name for row in coverage_people(assignment=everyone, as_of=R1)}
    on_r2 = {row.code: row.unit_name for row in coverage_people(assignment=everyone, as_of=R2)}
    assert on_r1["B3"] == "Phòng Phổ biến, giáo dục pháp luật"
    assert on_r2["B3"] == "Phòng Phổ biến và Theo dõi thi hành pháp luật"

    # --- change 2: a merge and a new unit -----------------------------------------------------
    # Closing PB-A while B2 is still in it on 01/07 is refused, naming B2.
    with pytest.raises(ImportRefused) as refused:
        units_import(rows=[STP, VP, PB_RENAMED, TG, TG_1_MOVED, PCDS], effective_date=CHANGE_2)
    assert "PB-A" in str(refused.value) and "B2 (Người B2)" in str(refused.value)
    assert reports(assignments) == after_1  # nothing written
    units_import(rows=[STP, VP, PB_RENAMED, PB_A, TG, TG_1_MOVED, PCDS], effective_date=CHANGE_2)
    roster_import(
        rows=roster(B1=("VP", "Không"), A2=("VP", "Có"), B2=("PB", "Có"), A1=("PCDS", "Có")), effective_date=CHANGE_2
    )
    summary = units_import(rows=[STP, VP, PB_RENAMED, TG, TG_1_MOVED, PCDS], effective_date=CHANGE_2)
    assert (summary.closed, summary.created) == (1, 0)
    after_2 = reports(assignments)
    assert_unchanged_before(CHANGE_2, after_1, after_2)
    r3 = after_2[("toan-so", R3)]
    assert unit_of(r3, "PB-A") is None
    assert unit_of(r2 := after_2[("toan-so", R2)], "PB-A") is not None and unit_of(r2, "PCDS") is None
    assert unit_of(r3, "PCDS") == {
        "code": "PCDS",
        "name": "Phòng Chuyển đổi số",
        "parent": "STP",
        "staff": 1,
        "informed": 1,
        "exempt": 0,
        "percent": 100.0,
    }
    assert (unit_of(r3, "PB")["staff"], unit_of(r3, "PB")["informed"]) == (3, 2)  # B3, B2 ✓, TG-1 (C2 ✓)

    # --- change 3: a unit closes, a unit moves and is renamed, a role ends --------------------
    roster_import(
        rows=roster(B1=("VP", "Không"), A2=("VP", "Không"), B2=("PB", "Có"), A1=("PCDS", "Có"), C1=("VP", "Không")),
        effective_date=CHANGE_3,
    )
    units_import(rows=[STP, VP, PB_RENAMED, TG_1_MOVED, PCDS_MOVED], effective_date=CHANGE_3)
    after_3 = reports(assignments)
    assert_unchanged_before(CHANGE_3, after_2, after_3)
    r4 = after_3[("toan-so", R4)]
    assert unit_of(r4, "TG") is None
    assert unit_of(r4, "PCDS")["parent"] == "VP" and unit_of(r4, "PCDS")["name"] == "Tổ Chuyển đổi số"
    # VP: A2, B1, C1 + PCDS (A1 ✓)
    assert (unit_of(r4, "VP")["staff"], unit_of(r4, "VP")["informed"]) == (4, 1)
    assert [unit["code"] for unit in r4["units"]] == ["STP", "VP", "PCDS", "PB", "TG-1"]  # tree order on R4
    assert after_3[("truyen-thong", R4)]["total"]["staff"] == 2  # A1, B2: A2 gave it up
    assert after_3[("truyen-thong", R3)]["total"]["staff"] == 3
    # The whole history is kept: nothing deleted, periods end-dated.
    assert Membership.objects.filter(staff__code="A2").count() == 3
    assert UnitVersion.objects.get(unit__code="TG", valid_to__isnull=False).valid_to == dt.date(2025, 9, 30)
    assert (
        r4["total"] == after_3[("toan-so", R3)]["total"] == {"staff": 7, "informed": 3, "exempt": 0, "percent": 42.86}
    )


def test_import_dated_before_the_latest_change_is_refused():
    units_import(rows=[STP, VP], effective_date=CHANGE_2)
    with pytest.raises(ImportRefused) as refused:
        units_import(rows=[STP, VP, PB], effective_date=CHANGE_1)
    assert "hãy nhập các danh sách đơn vị theo thứ tự thời gian" in str(refused.value)


def test_without_an_effective_date_new_units_have_no_opening_date():
    units_import(rows=[STP, VP])
    # A roster dated long before still finds VP open.
    roster_import(rows=[person("A1", "Người A1", "VP")], effective_date=dt.date(2020, 1, 1))
    assert UnitVersion.objects.get(unit__code="VP").valid_from is None


def test_a_heads_report_as_of_a_date_covers_their_unit_as_it_stood_then():
    """Report contents follow the tree on D (README, "Two trees, two questions"): TG's report for R1 still has TG-1."""
    units_import(rows=[STP, VP, PB, PB_A, TG, TG_1], effective_date=START)
    roster_import(rows=roster(), effective_date=START)
    course = CourseFactory()
    everyone = AssignmentFactory(course=course, units=[Unit.objects.get(code="STP")])
    units_import(rows=[STP, VP, PB_RENAMED, PB_A, TG, TG_1_MOVED], effective_date=CHANGE_1)
    tg = Unit.objects.get(code="TG")

    on_r1 = coverage_as_of(assignment=everyone, as_of=R1, root_unit=tg).as_dict()
    on_r2 = coverage_as_of(assignment=everyone, as_of=R2, root_unit=tg).as_dict()

    assert [unit["code"] for unit in on_r1["units"]] == ["TG", "TG-1"]
    assert on_r1["total"]["staff"] == 2  # C1 and C2
    assert [unit["code"] for unit in on_r2["units"]] == ["TG"]
    assert on_r2["total"]["staff"] == 1
    people_r1 = {row.code for row in coverage_people(assignment=everyone, as_of=R1, unit=tg)}
    assert people_r1 == {"C1", "C2"}
