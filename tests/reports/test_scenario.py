"""The scenario the issue requires: coverage at five dates, computed by hand (see conftest.py for the story).

Rules applied by hand (DESIGN.md rule 4): the audience on D is who had a membership open on
D in STP's subtree; each person counts once, in the unit they were in on D, and rolls up to
VP/STP; `staff` = audience − exempt on D; `informed` = the non-exempt with a completion dated
on or before D (any evidence); percent = informed / staff × 100, 2 places (null when staff = 0: no one is not 100%).
"""

import datetime as dt

import pytest

from reports.selectors.coverage import coverage_as_of
from reports.selectors.people import coverage_people
from reports.selectors.rules import CoverageStatus

pytestmark = pytest.mark.django_db

# (unit) -> (staff, informed, exempt, percent)
EXPECTED = {
    # D1, 01/02/2025: R1 roster; nobody has completed yet (A1's quiz is 10/02).
    #   VP-TH: A3                         → 1 staff, 0 informed
    #   VP:    A1, A2 + VP-TH (A3)        → 3, 0
    #   PB:    B1, B2, B3                 → 3, 0
    #   STP:   6, 0
    dt.date(2025, 2, 1): {
        "STP": (6, 0, 0, 0.0),
        "VP": (3, 0, 0, 0.0),
        "VP-TH": (1, 0, 0, 0.0),
        "PB": (3, 0, 0, 0.0),
    },
    # D2, 15/03/2025 (the session's own day counts: "on or before D"):
    #   B3 left on 28/02, A3 moved to PB on 01/03, C1 joined VP-TH on 01/03.
    #   Completions by then: A1 quiz 10/02; A2, B1, B2 session 15/03 (C1 absent).
    #   VP-TH: C1                         → 1, 0      → 0.0
    #   VP:    A1 ✓, A2 ✓ + C1            → 3, 2      → 66.67
    #   PB:    A3 (quiz only 15/04), B1 ✓, B2 ✓ → 3, 2 → 66.67
    #   STP:   6, 4 → 66.67
    dt.date(2025, 3, 15): {
        "STP": (6, 4, 0, 66.67),
        "VP": (3, 2, 0, 66.67),
        "VP-TH": (1, 0, 0, 0.0),
        "PB": (3, 2, 0, 66.67),
    },
    # D3, 15/05/2025 (first day of C1's exemption — inclusive):
    #   A1 moved to VP-TH and B3 came back to VP on 01/05, B2 left on 30/04.
    #   Completions: A1, A2, A3 (quiz 15/04), B1; B3's session is only on 10/06; C1 failed the quiz.
    #   VP-TH: A1 ✓, C1 (exempt)          → staff 1, informed 1, exempt 1 → 100.0
    #   VP:    A2 ✓, B3 + VP-TH           → staff 3, informed 2, exempt 1 → 66.67
    #   PB:    A3 ✓, B1 ✓                 → 2, 2 → 100.0
    #   STP:   audience 6, exempt 1       → staff 5, informed 4 → 80.0
    dt.date(2025, 5, 15): {
        "STP": (5, 4, 1, 80.0),
        "VP": (3, 2, 1, 66.67),
        "VP-TH": (1, 1, 1, 100.0),
        "PB": (2, 2, 0, 100.0),
    },
    # D4, 15/06/2025: same people as D3 (A2 leaves only on 30/06); B3 attended on 10/06.
    #   VP-TH: A1 ✓, C1 (exempt)          → 1, 1, 1 → 100.0
    #   VP:    A2 ✓, B3 ✓ + VP-TH         → 3, 3, 1 → 100.0
    #   PB:    A3 ✓, B1 ✓                 → 2, 2   → 100.0
    #   STP:   5, 5, 1 → 100.0
    dt.date(2025, 6, 15): {
        "STP": (5, 5, 1, 100.0),
        "VP": (3, 3, 1, 100.0),
        "VP-TH": (1, 1, 1, 100.0),
        "PB": (2, 2, 0, 100.0),
    },
    # D5, 01/09/2025: A2 left on 30/06, C2 joined PB on 01/07, C1's exemption ended on 31/08.
    #   VP-TH: A1 ✓, C1                   → 2, 1 → 50.0
    #   VP:    B3 ✓ + VP-TH               → 3, 2 → 66.67
    #   PB:    A3 ✓, B1 ✓, C2             → 3, 2 → 66.67
    #   STP:   6, 4 → 66.67
    dt.date(2025, 9, 1): {
        "STP": (6, 4, 0, 66.67),
        "VP": (3, 2, 0, 66.67),
        "VP-TH": (2, 1, 0, 50.0),
        "PB": (3, 2, 0, 66.67),
    },
}

# Who is where and with what status at each date (the people behind the figures).
EXPECTED_PEOPLE = {
    dt.date(2025, 2, 1): {
        "A1": ("VP", "not_informed"),
        "A2": ("VP", "not_informed"),
        "A3": ("VP-TH", "not_informed"),
        "B1": ("PB", "not_informed"),
        "B2": ("PB", "not_informed"),
        "B3": ("PB", "not_informed"),
    },
    dt.date(2025, 3, 15): {
        "A1": ("VP", "informed"),
        "A2": ("VP", "informed"),
        "A3": ("PB", "not_informed"),
        "B1": ("PB", "informed"),
        "B2": ("PB", "informed"),
        "C1": ("VP-TH", "not_informed"),
    },
    dt.date(2025, 5, 15): {
        "A1": ("VP-TH", "informed"),
        "A2": ("VP", "informed"),
        "A3": ("PB", "informed"),
        "B1": ("PB", "informed"),
        "B3": ("VP", "not_informed"),
        "C1": ("VP-TH", "exempt"),
    },
    dt.date(2025, 6, 15): {
        "A1": ("VP-TH", "informed"),
        "A2": ("VP", "informed"),
        "A3": ("PB", "informed"),
        "B1": ("PB", "informed"),
        "B3": ("VP", "informed"),
        "C1": ("VP-TH", "exempt"),
    },
    dt.date(2025, 9, 1): {
        "A1": ("VP-TH", "informed"),
        "A3": ("PB", "informed"),
        "B1": ("PB", "informed"),
        "B3": ("VP", "informed"),
        "C1": ("VP-TH", "not_informed"),
        "C2": ("PB", "not_informed"),
    },
}


@pytest.mark.parametrize("as_of", list(EXPECTED))
def test_coverage_at_five_dates(scenario, as_of):
    report = coverage_as_of(assignment=scenario.assignment, as_of=as_of)
    got = {
        unit.code: (unit.figures.staff, unit.figures.informed, unit.figures.exempt, unit.figures.percent)
        for unit in report.units
    }
    assert got == EXPECTED[as_of]
    # Tree order (materialized path): the scope's root first.
    assert [unit.code for unit in report.units][0] == "STP"
    assert report.total.as_dict() == dict(
        zip(("staff", "informed", "exempt", "percent"), EXPECTED[as_of]["STP"], strict=True)
    )


@pytest.mark.parametrize("as_of", list(EXPECTED_PEOPLE))
def test_people_behind_the_figures_at_five_dates(scenario, as_of):
    people = list(coverage_people(assignment=scenario.assignment, as_of=as_of))
    got = {p.code: (p.unit_code, str(p.status)) for p in people}
    assert got == EXPECTED_PEOPLE[as_of]
    assert len(people) == len(got)  # each person once


def test_contract_json_shape_and_tree_order(scenario):
    report = coverage_as_of(assignment=scenario.assignment, as_of=dt.date(2025, 3, 15)).as_dict()
    assert list(report) == ["assignment", "as_of", "total", "units"]
    assert report["assignment"] == "nq57-2025"
    assert report["as_of"] == "2025-03-15"
    assert report["total"] == {"staff": 6, "informed": 4, "exempt": 0, "percent": 66.67}
    # units_import created VP, VP-TH, PB in that order: paths 0001 0001 / 0001 0001 0001 / 0001 0002.
    assert [(u["code"], u["parent"]) for u in report["units"]] == [
        ("STP", None),
        ("VP", "STP"),
        ("VP-TH", "VP"),
        ("PB", "STP"),
    ]
    assert list(report["units"][1]) == ["code", "name", "parent", "staff", "informed", "exempt", "percent"]
    assert report["units"][1]["name"] == "Văn phòng Sở"


def test_drill_down_details(scenario):
    """C1 on 15/03: not informed, nothing read, no attempt yet; on 15/05: exempt with the reason, best score 50."""
    march = {p.code: p for p in coverage_people(assignment=scenario.assignment, as_of=dt.date(2025, 3, 15))}
    c1 = march["C1"]
    assert (c1.status, c1.lessons_read, c1.lessons_total, c1.best_score) == (CoverageStatus.NOT_INFORMED, 0, 2, None)
    assert c1.due_on == dt.date(2025, 6, 30)
    assert march["A2"].evidence == "in_person" and march["A2"].completed_on == dt.date(2025, 3, 15)
    assert march["A1"].evidence == "quiz" and march["A1"].completed_on == dt.date(2025, 2, 10)
    assert march["A1"].best_score == 100

    may = {p.code: p for p in coverage_people(assignment=scenario.assignment, as_of=dt.date(2025, 5, 15))}
    assert may["C1"].status == CoverageStatus.EXEMPT
    assert may["C1"].exemption_reason == "Nghỉ thai sản"
    assert float(may["C1"].best_score) == 50.0

    # A1 has two completions (quiz 10/02, session 10/06): the earliest on or before D is shown.
    june = {p.code: p for p in coverage_people(assignment=scenario.assignment, as_of=dt.date(2025, 6, 15))}
    assert (june["A1"].completed_on, june["A1"].evidence) == (dt.date(2025, 2, 10), "quiz")

    not_yet = list(
        coverage_people(assignment=scenario.assignment, as_of=dt.date(2025, 9, 1), status=CoverageStatus.NOT_INFORMED)
    )
    assert [p.code for p in not_yet] == ["C1", "C2"]  # tree order: VP-TH (under VP) before PB
    in_pb = list(coverage_people(assignment=scenario.assignment, as_of=dt.date(2025, 9, 1), unit=scenario.units["PB"]))
    assert sorted(p.code for p in in_pb) == ["A3", "B1", "C2"]


def test_report_from_a_subtree(scenario):
    report = coverage_as_of(assignment=scenario.assignment, as_of=dt.date(2025, 9, 1), root_unit=scenario.units["VP"])
    data = report.as_dict()
    assert data["total"] == {"staff": 3, "informed": 2, "exempt": 0, "percent": 66.67}
    # VP's parent is named even though STP is outside this report's scope: VP is not the top of the tree.
    assert [(u["code"], u["parent"]) for u in data["units"]] == [("VP", "STP"), ("VP-TH", "VP")]
