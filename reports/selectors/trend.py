"""Reads for the dashboard: reporting dates, the trend over them, the breadcrumbs above the unit shown.

The Office reports twice a year, before 15/6 and 15/12 (DESIGN.md). The trend shows
coverage at each of those deadlines within the assignment's life up to the chosen date,
plus the chosen date itself, capped at `MAX_TREND_DATES` (the most recent ones). Each
date is one `coverage_as_of` with the audience rules fetched once: two queries per date,
whatever the data size.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import User
from courses.models import Assignment, AssignmentPerson, AssignmentUnit, Enrolment
from courses.selectors.audience import UnitRule
from orgchart.models import Unit
from orgchart.roles import scope_for
from orgchart.selectors import staff_visible_to
from reports.selectors.coverage import CoverageFigures, coverage_as_of

MAX_TREND_DATES = 8
# Kế hoạch 26/KH-STP: the Office reports before 15/6 and before 15/12 every year (month, day).
REPORTING_DEADLINES = ((6, 15), (12, 15))


def reporting_deadlines_between(*, start: dt.date, end: dt.date) -> list[dt.date]:
    """The 15/6 and 15/12 deadlines from `start` to `end` inclusive, in order."""
    return [
        day
        for year in range(start.year, end.year + 1)
        for month, day_of_month in REPORTING_DEADLINES
        if start <= (day := dt.date(year, month, day_of_month)) <= end
    ]


def trend_dates(*, assignment: Assignment, as_of: dt.date, limit: int = MAX_TREND_DATES) -> list[dt.date]:
    """The reporting deadlines since the assignment started up to `as_of`, then `as_of`; the last `limit` of them."""
    dates = reporting_deadlines_between(start=assignment.starts_on, end=as_of)
    if as_of not in dates:
        dates.append(as_of)
    return dates[-limit:]


def quick_dates(*, assignment: Assignment, today: dt.date, limit: int = 6) -> list[dt.date]:
    """Reporting deadlines to offer as quick links: those of the assignment's life up to this year's last one."""
    end = max(today, assignment.due_on)
    dates = reporting_deadlines_between(start=assignment.starts_on, end=dt.date(end.year, 12, 31))
    past_or_next = [day for day in dates if day <= dt.date(today.year, 12, 31)]
    return past_or_next[-limit:]


@dataclass(frozen=True)
class TrendPoint:
    on: dt.date
    figures: CoverageFigures
    is_chosen: bool


def coverage_trend(
    *,
    assignment: Assignment,
    dates: list[dt.date],
    root_unit: Unit | None,
    rules: list[UnitRule],
    chosen: dt.date,
    chosen_figures: CoverageFigures | None = None,
) -> list[TrendPoint]:
    """The scope's total on each date (two queries per date; none for `chosen` when its figures are given)."""
    return [
        TrendPoint(
            on=day,
            figures=chosen_figures
            if day == chosen and chosen_figures is not None
            else coverage_as_of(assignment=assignment, as_of=day, root_unit=root_unit, rules=rules).total,
            is_chosen=day == chosen,
        )
        for day in dates
    ]


def dashboard_breadcrumbs(*, user: User, unit: Unit | None) -> list[Unit]:
    """The unit's ancestors the user may open (a head stops at the unit they head), top first. One query."""
    if unit is None:
        return []
    prefixes = [unit.path[:end] for end in range(Unit.steplen, len(unit.path), Unit.steplen)]
    scope = scope_for(user=user)
    if not scope.everything:
        prefixes = [p for p in prefixes if any(p.startswith(root) for root in scope.unit_paths)]
    if not prefixes:
        return []
    return list(Unit.objects.filter(path__in=prefixes).order_by("path").only("code", "name", "path", "depth"))


def assignment_choices(*, user: User | None = None) -> QuerySet[Assignment]:
    """The assignments whose reports `user` may read: all for the Office (or without a user); for a unit
    head, those whose audience reaches their units or people, so that the titles of the others are not
    shown to them either (the Office's rule for whom an assignment concerns: its audience units and people)."""
    choices = Assignment.objects.order_by("-starts_on", "slug").only(
        "slug", "title", "starts_on", "due_on", "course_id"
    )
    scope = scope_for(user=user) if user is not None else None
    if scope is None or scope.everything:
        return choices
    # A unit of the audience inside the head's units, or above them with its sub-units; or a person they see.
    in_units = Q(pk__in=[])
    for path in scope.unit_paths:
        above = [path[:end] for end in range(Unit.steplen, len(path) + 1, Unit.steplen)]
        in_units |= Q(unit__path__startswith=path) | Q(unit__path__in=above, include_descendants=True)
    units = AssignmentUnit.objects.filter(in_units, assignment_id=OuterRef("pk"))
    visible = staff_visible_to(user=user)
    people = AssignmentPerson.objects.filter(assignment_id=OuterRef("pk"), staff__in=visible)
    enrolled = Enrolment.objects.filter(assignment_id=OuterRef("pk"), staff__in=visible)
    return choices.filter(Exists(units) | Exists(people) | Exists(enrolled))


def assignment_default(*, assignments: list[Assignment], today: dt.date) -> Assignment | None:
    """The assignment `/reports/` opens on: the one that matters now, not merely the newest.

    Among those open today (started, due date not passed), the one due soonest: the one the next
    report is about. Else the one that ended most recently; else (nothing started yet) the one
    starting first. `assignments` come from `assignment_choices` (no query here).
    """
    open_now = [a for a in assignments if a.starts_on <= today <= a.due_on]
    if open_now:
        return min(open_now, key=lambda a: (a.due_on, a.starts_on, a.slug))
    ended = [a for a in assignments if a.due_on < today]
    if ended:
        return max(ended, key=lambda a: (a.due_on, a.starts_on, a.slug))
    return min(assignments, key=lambda a: (a.starts_on, a.slug), default=None)
