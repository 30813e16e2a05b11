"""Reads for nominations: scoped lists and the progress toward 2030.

Progress as of a date D, per unit (rolled up the tree) and in total: communications
staff on the roster on D (each once, in the unit they were in on D), how many of them
had a nomination standing on D (nominated, approved, attending or completed — not
declined or withdrawn by then) and how many had completed their training by D, against
a linear trajectory from the plan year 2025 to 100 % trained by the end of 2030. Two
queries whatever the size of the roster (the aggregate and the units), plus one per
year-end for the trajectory (at most six).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User
from core.numbers import percent
from orgchart.models import UNIT_KEY_WIDTH, Membership, Staff, Unit
from orgchart.queries import active_on_q, within_units_on_q, within_units_q
from orgchart.roles import scope_for
from orgchart.selectors import report_root_unit, staff_visible_to, unit_tree_on

from .models import ACTIVE_STATUSES, Nomination, NominationEvent, TrainingProgramme

STEPLEN = UNIT_KEY_WIDTH  # the dated paths' step (`orgchart.models.UnitVersion.path`)
PLAN_YEAR = 2025
TARGET_YEAR = 2030


def share_percent(*, part: int, whole: int) -> float:
    """part / whole × 100, half-up to 2 places; 0.0 when there is nobody (no one trained out of no one)."""
    value = percent(part=part, whole=whole)
    return 0.0 if value is None else value


def gap_points(*, actual: float, expected: float) -> float:
    """Trained share minus the share expected, in percentage points to 2 places (negative: behind the line)."""
    return round(actual - expected, 2)


def trajectory_expected_percent(*, year: int) -> float:
    """The share expected trained by 31/12 of `year` on the line from the plan to 100 % in 2030.

    The plan's six years 2025–2030 each add one sixth: 16.67 % by the end of 2025,
    33.33 % by 2026, … 100 % by 2030 (0 before the plan, 100 after 2030).
    """
    if year < PLAN_YEAR:
        return 0.0
    if year >= TARGET_YEAR:
        return 100.0
    return share_percent(part=year - PLAN_YEAR + 1, whole=TARGET_YEAR - PLAN_YEAR + 1)


# --- scoped lists -------------------------------------------------------------------------------------------


def nomination_list_for_user(
    *, user: User, status: str | None = None, programme_id: int | None = None
) -> QuerySet[Nomination]:
    """Nominations the user may see: all for the Office, those of the people in a head's units."""
    nominations = Nomination.objects.select_related("staff", "programme", "nominated_by")
    scope = scope_for(user=user)
    if not scope.everything:
        if not scope.is_unit_head:
            return nominations.none()
        nominations = nominations.filter(staff__in=staff_visible_to(user=user))
    if status:
        nominations = nominations.filter(status=status)
    if programme_id:
        nominations = nominations.filter(programme_id=programme_id)
    return nominations.order_by("-nominated_on", "-pk")


def access_nomination(*, user: User, nomination_id: int) -> Nomination:
    """The nomination with its history, if the user may see it; otherwise 404."""
    events = NominationEvent.objects.select_related("by").order_by("recorded_at", "pk")
    try:
        return (
            nomination_list_for_user(user=user)
            .prefetch_related(Prefetch("events", queryset=events))
            .get(pk=nomination_id)
        )
    except Nomination.DoesNotExist as exc:
        raise Http404 from exc


def programme_list_open(*, on_date: dt.date) -> QuerySet[TrainingProgramme]:
    """Programmes one can still be nominated to (not over by `on_date`)."""
    return TrainingProgramme.objects.filter(ends_on__gte=on_date).order_by("starts_on", "title")


def access_programme(*, programme_id: int) -> TrainingProgramme:
    """Any programme (programmes are not scoped to units); 404 when unknown."""
    return get_object_or_404(TrainingProgramme, pk=programme_id)


def programme_list() -> QuerySet[TrainingProgramme]:
    return TrainingProgramme.objects.order_by("-starts_on", "title")


def communications_memberships_for_user(*, user: User, on_date: dt.date) -> QuerySet[Membership]:
    """The communications staff a user may nominate: their membership open on `on_date`, in name order.

    The Office sees every unit; a head the units they head; anyone else nobody. Each row
    carries the person's nominations (newest first) in one extra query per page.
    """
    scope = scope_for(user=user)
    memberships = Membership.objects.filter(active_on_q(on_date), is_communications=True)
    if not scope.everything:
        memberships = memberships.filter(within_units_q(list(scope.unit_paths)))
    nominations = Nomination.objects.select_related("programme").order_by("-nominated_on", "-pk")
    return (
        memberships.select_related("staff", "unit")
        .prefetch_related(Prefetch("staff__nominations", queryset=nominations))
        .order_by("staff__sort_key", "staff__code")
    )


def programmes_open_to(*, staff: Staff, programmes: list[TrainingProgramme]) -> list[TrainingProgramme]:
    """The open `programmes` the person can still be nominated to: not those where a nomination of theirs is
    active or completed (`nomination_create` refuses those). Reads the prefetched `staff.nominations`."""
    taken = {n.programme_id for n in staff.nominations.all() if n.status in ACTIVE_STATUSES}
    return [programme for programme in programmes if programme.pk not in taken]


# --- progress toward 2030 ------------------------------------------------------------------------------------


@dataclass
class ProgressFigures:
    communications_staff: int = 0
    nominated: int = 0
    trained: int = 0

    def add(self, other: ProgressFigures) -> None:
        self.communications_staff += other.communications_staff
        self.nominated += other.nominated
        self.trained += other.trained

    @property
    def trained_percent(self) -> float:
        return share_percent(part=self.trained, whole=self.communications_staff)

    @property
    def nominated_percent(self) -> float:
        return share_percent(part=self.nominated, whole=self.communications_staff)


@dataclass
class UnitProgress:
    unit_id: int
    code: str
    name: str
    parent: str | None
    path: str
    depth: int
    figures: ProgressFigures = field(default_factory=ProgressFigures)


@dataclass
class TrajectoryPoint:
    year: int
    expected_percent: float
    # None for a year-end still to come.
    actual_percent: float | None
    trained: int | None = None
    communications_staff: int | None = None


@dataclass
class NominationProgress:
    as_of: dt.date
    total: ProgressFigures
    units: list[UnitProgress]
    root: UnitProgress | None
    expected_percent: float
    trajectory: list[TrajectoryPoint]

    @property
    def gap_points(self) -> float:
        """Trained share minus the share expected by the end of this year (negative: behind the line)."""
        return gap_points(actual=self.total.trained_percent, expected=self.expected_percent)

    @property
    def needed_this_year(self) -> int:
        """How many more people must complete training by 31/12 to be on the line (0 when on or ahead)."""
        expected = Decimal(self.expected_percent) * self.total.communications_staff / 100
        needed = int(expected.to_integral_value(rounding="ROUND_CEILING")) - self.total.trained
        return max(needed, 0)

    def children(self) -> list[UnitProgress]:
        """The units one level below the root (the whole top level for the Office's whole tree)."""
        if self.root is None:
            top = min((unit.depth for unit in self.units), default=1)
            return [unit for unit in self.units if unit.depth == top]
        return [unit for unit in self.units if unit.depth == self.root.depth + 1]


def _standing_on(on_date: dt.date) -> Q:
    """Nominations standing on the date: made by then, not declined or withdrawn by then."""
    return Q(nominated_on__lte=on_date) & (Q(closed_on__isnull=True) | Q(closed_on__gt=on_date))


def _figures_by_unit(*, on_date: dt.date, root_unit: Unit | None) -> list[dict[str, object]]:
    """Per unit: the communications staff on D (their role on D), nominated and trained by D."""
    nominated = Nomination.objects.filter(_standing_on(on_date)).values("staff_id")
    trained = Nomination.objects.filter(completed_on__lte=on_date).values("staff_id")
    memberships = Membership.objects.filter(active_on_q(on_date), is_communications=True)
    if root_unit is not None:
        memberships = memberships.filter(within_units_on_q([root_unit.pk], on_date=on_date))
    return list(
        memberships.order_by()
        .values("unit_id")
        .annotate(
            people=Count("pk"),
            nominated=Count("pk", filter=Q(staff_id__in=nominated)),
            trained=Count("pk", filter=Q(staff_id__in=trained)),
        )
    )


def progress_root_unit(*, user: User, unit_code: str | None = None) -> Unit | None:
    """Where a user's progress page starts: the same rule as the coverage dashboard (404 outside their scope)."""
    return report_root_unit(user=user, unit_code=unit_code)


def _row_figures(row: dict[str, object]) -> ProgressFigures:
    return ProgressFigures(communications_staff=row["people"], nominated=row["nominated"], trained=row["trained"])


def _total(rows: list[dict[str, object]]) -> ProgressFigures:
    total = ProgressFigures()
    for row in rows:
        total.add(_row_figures(row))
    return total


def nomination_progress(*, as_of: dt.date, root_unit: Unit | None = None) -> NominationProgress:
    """Progress as of `as_of` in `root_unit`'s subtree (the whole tree when None), with the trajectory."""
    rows = _figures_by_unit(on_date=as_of, root_unit=root_unit)
    # The tree as it stood on the date: its names, parents and dated paths (one query).
    tree = unit_tree_on(on_date=as_of)
    root_path = ""
    if root_unit is not None:
        root_path = tree[root_unit.pk].path if root_unit.pk in tree else "-"
    units_by_path: dict[str, UnitProgress] = {}
    for unit in tree.values():
        if unit.path.startswith(root_path):
            units_by_path[unit.path] = UnitProgress(
                unit_id=unit.unit_id,
                code=unit.code,
                name=unit.name,
                parent=None if unit.path == root_path else unit.parent,
                path=unit.path,
                depth=unit.depth,
            )
    for row in rows:
        figures = _row_figures(row)
        unit_on = tree.get(row["unit_id"])
        if unit_on is None:
            continue
        path = unit_on.path
        for end in range(STEPLEN, len(path) + 1, STEPLEN):
            ancestor = units_by_path.get(path[:end])
            if ancestor is not None:
                ancestor.figures.add(figures)
    total = _total(rows)
    if root_unit is not None:
        root = units_by_path.get(root_path)
    else:
        tops = [unit for unit in units_by_path.values() if unit.depth == 1]
        root = tops[0] if len(tops) == 1 else None
    return NominationProgress(
        as_of=as_of,
        total=total,
        units=list(units_by_path.values()),
        root=root,
        expected_percent=trajectory_expected_percent(year=as_of.year),
        trajectory=_trajectory(as_of=as_of, root_unit=root_unit, current=total),
    )


def _trajectory(*, as_of: dt.date, root_unit: Unit | None, current: ProgressFigures) -> list[TrajectoryPoint]:
    """Each year of the plan: the line, and the share actually trained on 31/12 (on `as_of` for its own year)."""
    points = []
    for year in range(PLAN_YEAR, TARGET_YEAR + 1):
        year_end = dt.date(year, 12, 31)
        if year_end < as_of:
            totals = _total(_figures_by_unit(on_date=year_end, root_unit=root_unit))
        elif year == as_of.year:
            totals = current
        else:
            points.append(
                TrajectoryPoint(year=year, expected_percent=trajectory_expected_percent(year=year), actual_percent=None)
            )
            continue
        points.append(
            TrajectoryPoint(
                year=year,
                expected_percent=trajectory_expected_percent(year=year),
                actual_percent=totals.trained_percent,
                trained=totals.trained,
                communications_staff=totals.communications_staff,
            )
        )
    return points


def department_nomination_figures(*, as_of: dt.date) -> ProgressFigures:
    """The whole department's figures on `as_of` (for published indicators): one query."""
    return _total(_figures_by_unit(on_date=as_of, root_unit=None))
