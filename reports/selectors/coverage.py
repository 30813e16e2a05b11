"""Coverage as of a date (DESIGN.md rule 4), per unit and in total, and the people behind the figures.

For an assignment and a date D: the people in its audience on D (each once, in the unit
they were in on D — `courses.selectors.audience`), minus those with an exemption covering
D, and of those the ones with a completion that counts toward the assignment on D (dated
from its completions-from date to D; an external one only once accepted). A unit's figures
include its sub-units; `percent` is None where no one is left to count.

`coverage_as_of` is three queries whatever the size of the roster or the tree: the
audience rules, ONE aggregate over the audience's memberships on D grouped by unit (with
conditional counts: exempt and informed are EXISTS on the exemptions and on the
completions' (staff, course) index), and the tree as it stood on D (`unit_tree_on`: the
unit versions open on D, with their names, parents and dated paths). The roll-up up the
tree is done in Python over at most one row per unit, by the dated paths' prefixes, so a
report as of D names and rolls units up as the tree stood on D, whatever happened since.

The scope of a report is the subtree of the assignment's audience unit; when it has
several (or named people elsewhere), the scope's root is their lowest common ancestor.
A unit head's report is restricted to the unit they head (`coverage_for_user`). Who is in
the audience, exempt and informed on D is decided in `reports.selectors.rules`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from django.db import models
from django.db.models import Count

from accounts.models import User
from courses.models import Assignment
from courses.selectors.audience import UnitRule, audience_unit_rules
from orgchart.models import UNIT_KEY_WIDTH, Unit
from orgchart.selectors import report_root_unit, unit_tree_on
from reports.selectors.rules import (
    CompletionRule,
    audience_on,
    completed_by_q,
    completion_rule,
    coverage_percent,
    exempt_on_q,
    no_audience_text,
)

# Paths here are the dated ones (`orgchart.models.UnitVersion.path`), one step per ancestor.
STEPLEN = UNIT_KEY_WIDTH


@dataclass
class CoverageFigures:
    """`staff` is the denominator: people in the audience on D minus the exempt."""

    staff: int = 0
    informed: int = 0
    exempt: int = 0

    @property
    def percent(self) -> float | None:
        """None when nobody is left to count: no one in the audience is not 100%."""
        return coverage_percent(informed=self.informed, staff=self.staff)

    @property
    def is_empty(self) -> bool:
        """No one in the audience at all (not even exempt people): printed reports leave such a unit out."""
        return self.staff == 0 and self.exempt == 0

    @property
    def not_informed(self) -> int:
        return self.staff - self.informed

    def add(self, other: CoverageFigures) -> None:
        self.staff += other.staff
        self.informed += other.informed
        self.exempt += other.exempt

    def as_dict(self) -> dict[str, object]:
        return {"staff": self.staff, "informed": self.informed, "exempt": self.exempt, "percent": self.percent}


@dataclass
class UnitCoverage:
    """A unit's figures, its sub-units included. `parent` is the parent's code (None at the top of the tree)."""

    unit_id: int
    code: str
    name: str
    parent: str | None
    path: str
    depth: int
    figures: CoverageFigures = field(default_factory=CoverageFigures)
    # The people counted in this unit itself, without its sub-units (for drill-down).
    own: CoverageFigures = field(default_factory=CoverageFigures)

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "name": self.name, "parent": self.parent, **self.figures.as_dict()}


@dataclass
class CoverageReport:
    assignment: Assignment
    as_of: dt.date
    total: CoverageFigures
    units: list[UnitCoverage]
    # The root(s) of the scope, in tree order (one, unless the audience spans several trees).
    root_codes: list[str]

    @cached_property
    def rule(self) -> CompletionRule:
        """Which completions count (printed on every report); one query, only when a report prints it."""
        return completion_rule(assignment=self.assignment)

    @property
    def printed_units(self) -> list[UnitCoverage]:
        """The units a printed report lists: those with someone in the audience (the JSON keeps them all)."""
        return [unit for unit in self.units if not unit.figures.is_empty]

    @property
    def no_audience_text(self) -> str:
        return no_audience_text(as_of=self.as_of)

    def as_dict(self) -> dict[str, object]:
        """The coverage JSON contract (DESIGN.md), keys in the contract's order."""
        return {
            "assignment": self.assignment.slug,
            "as_of": self.as_of.isoformat(),
            "total": self.total.as_dict(),
            "units": [unit.as_dict() for unit in self.units],
        }

    def unit(self, code: str) -> UnitCoverage:
        for unit in self.units:
            if unit.code == code:
                return unit
        raise KeyError(code)


def _common_prefix(paths: list[str]) -> str:
    """The path of the lowest common ancestor of these paths ("" when they lie in different trees)."""
    if not paths:
        return ""
    shortest = min(paths, key=len)
    length = 0
    for end in range(STEPLEN, len(shortest) + 1, STEPLEN):
        if all(path[:end] == shortest[:end] for path in paths):
            length = end
        else:
            break
    return shortest[:length]


def _scope_roots(*, rule_paths: list[str], row_paths: list[str]) -> list[str]:
    paths = rule_paths + row_paths
    common = _common_prefix(paths)
    if common:
        return [common]
    return sorted({path[:STEPLEN] for path in paths})


def coverage_as_of(
    *,
    assignment: Assignment,
    as_of: dt.date,
    root_unit: Unit | None = None,
    rules: list[UnitRule] | None = None,
) -> CoverageReport:
    """Coverage of `assignment` on `as_of`, per unit of the scope (tree order) and in total.

    The scope is `root_unit`'s subtree when given (a unit head's report), otherwise the
    subtree of the lowest common ancestor of the audience's units. Three queries (two
    when `rules` is passed), whatever the data size.
    """
    if rules is None:
        rules = audience_unit_rules(assignment_ids=[assignment.pk]).get(assignment.pk, [])
    exempt = exempt_on_q(assignment_id=assignment.pk, as_of=as_of)
    completed = completed_by_q(assignment=assignment, as_of=as_of)
    rows = list(
        audience_on(assignment=assignment, as_of=as_of, rules=rules, root_unit=root_unit)
        .order_by()
        .values("unit_id")
        .annotate(
            people=Count("pk"),
            exempt=Count("pk", filter=exempt),
            informed=Count("pk", filter=completed & ~exempt),
        )
    )
    # The tree as it stood on D: names, parents and paths of that day (one query).
    tree = unit_tree_on(on_date=as_of)
    if root_unit is not None:
        roots = [tree[root_unit.pk].path] if root_unit.pk in tree else []
    else:
        roots = _scope_roots(
            rule_paths=[tree[rule.unit_id].path for rule in rules if rule.unit_id in tree],
            row_paths=[tree[row["unit_id"]].path for row in rows if row["unit_id"] in tree],
        )

    units_by_path: dict[str, UnitCoverage] = {}
    for unit in tree.values():
        if any(unit.path.startswith(root) for root in roots):
            units_by_path[unit.path] = UnitCoverage(
                unit_id=unit.unit_id,
                code=unit.code,
                name=unit.name,
                parent=unit.parent,
                path=unit.path,
                depth=unit.depth,
            )

    for row in rows:
        people, exempt_count, informed = row["people"], row["exempt"], row["informed"]
        figures = CoverageFigures(staff=people - exempt_count, informed=informed, exempt=exempt_count)
        unit_on = tree.get(row["unit_id"])
        if unit_on is None:  # a record in a unit closed on D: the imports refuse to write one
            continue
        path = unit_on.path
        own = units_by_path.get(path)
        if own is not None:
            own.own.add(figures)
        for end in range(STEPLEN, len(path) + 1, STEPLEN):
            ancestor = units_by_path.get(path[:end])
            if ancestor is not None:
                ancestor.figures.add(figures)

    total = CoverageFigures()
    for root in roots:
        if root in units_by_path:
            total.add(units_by_path[root].figures)
    return CoverageReport(
        assignment=assignment,
        as_of=as_of,
        total=total,
        units=list(units_by_path.values()),
        root_codes=[units_by_path[root].code for root in roots if root in units_by_path],
    )


def coverage_for_user(
    *, user: User, assignment: Assignment, as_of: dt.date, unit_code: str | None = None
) -> CoverageReport:
    """The report a signed-in user may see: the Office the whole scope (or `unit_code`'s subtree),
    a unit head their own subtree only. A unit outside the user's scope, or a user who heads
    nothing, gets 404 (never 403: nothing leaks)."""
    root_unit = report_root_unit(user=user, unit_code=unit_code)
    return coverage_as_of(assignment=assignment, as_of=as_of, root_unit=root_unit)


def assignment_get(*, slug: str) -> Assignment:
    """The assignment by its code (case-insensitive, as they are stored in lower case); raises DoesNotExist."""
    return Assignment.objects.select_related("course").get(slug=slug.strip().lower())


def assignment_list_for_reports() -> models.QuerySet[Assignment]:
    return Assignment.objects.select_related("course").order_by("-starts_on", "slug")
