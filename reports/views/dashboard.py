"""The coverage dashboard and its drill-down to the people not yet informed.

The Office sees the whole tree, a unit head their own subtree only (another unit, or a
user who heads nothing, gets 404 — nothing leaks). Views parse input, check access,
call selectors, render; the charts are server-rendered SVG (`core.charts`).
"""

from __future__ import annotations

from itertools import islice

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.roles import is_office
from core.charts import Bar, Series, bar_chart_svg, line_chart_svg
from core.dates import format_date, format_day_month
from core.numbers import percent_with_sign
from courses.models import Assignment
from courses.selectors.audience import audience_unit_rules
from orgchart.selectors import report_root_unit
from reports.selectors.coverage import CoverageReport, UnitCoverage, coverage_as_of, coverage_for_user
from reports.selectors.people import coverage_people_for_user
from reports.selectors.rules import CoverageStatus
from reports.selectors.snapshots import snapshot_get_for_date
from reports.selectors.trend import (
    assignment_choices,
    assignment_default,
    coverage_trend,
    dashboard_breadcrumbs,
    quick_dates,
    trend_dates,
)
from reports.views.common import (
    assignment_or_404,
    dashboard_as_of,
    dashboard_query,
    require_report_reader,
)

PEOPLE_PER_PAGE = 25


def _bar_text(unit: UnitCoverage) -> str:
    figures = unit.figures
    return f"{percent_with_sign(figures.percent)} ({figures.informed}/{figures.staff})"


def _root_and_children(report: CoverageReport) -> tuple[UnitCoverage | None, list[UnitCoverage]]:
    """The unit the page is about and the units one level below it (the roots themselves for a forest)."""
    if len(report.root_codes) == 1:
        root = report.unit(report.root_codes[0])
        return root, [unit for unit in report.units if unit.parent == root.code and unit.depth == root.depth + 1]
    return None, [unit for unit in report.units if unit.code in report.root_codes]


@login_required
@require_GET
def dashboard_index(request: HttpRequest) -> HttpResponse:
    """`/reports/`: the chosen (`?assignment=`) assignment's dashboard, else the one that matters now
    (`assignment_default`: open today and due soonest)."""
    require_report_reader(request)
    chosen = request.GET.get("assignment", "").strip()
    if chosen:
        assignment = assignment_or_404(chosen, user=request.user)
        params = request.GET.copy()
        params.pop("assignment", None)
        url = reverse("reports:dashboard", args=[assignment.slug])
        return redirect(f"{url}?{params.urlencode()}" if params else url)
    assignments = list(assignment_choices(user=request.user))
    default = assignment_default(assignments=assignments, today=timezone.localdate())
    if default is None:
        return render(request, "reports/dashboard.html", {"assignment": None, "assignments": []})
    return _dashboard(request, assignment_or_404(default.slug), assignments=assignments)


@login_required
@require_GET
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    require_report_reader(request)
    assignment = assignment_or_404(slug, user=request.user)
    return _dashboard(request, assignment, assignments=list(assignment_choices(user=request.user)))


def _dashboard(request: HttpRequest, assignment: Assignment, *, assignments: list[Assignment]) -> HttpResponse:
    as_of, date_error = dashboard_as_of(request)
    unit_code = request.GET.get("unit", "").strip() or None
    root_unit = report_root_unit(user=request.user, unit_code=unit_code)
    rules = audience_unit_rules(assignment_ids=[assignment.pk]).get(assignment.pk, [])
    report = coverage_as_of(assignment=assignment, as_of=as_of, root_unit=root_unit, rules=rules)
    root, children = _root_and_children(report)
    parents = {unit.parent for unit in report.units}

    # Units with no one in the audience on the date are left out (the JSON keeps them): nothing to show but "no one".
    bars = [unit for unit in ([root] if root is not None else []) + children if not unit.figures.is_empty]
    chart_bars = [
        Bar(
            label=(_("All: %(name)s") % {"name": unit.name}) if unit is root else unit.name,
            percent=unit.figures.percent,
            text=_bar_text(unit),
        )
        for unit in bars
        if unit.figures.percent is not None
    ]
    scope_name = root.name if root is not None else _("all units")
    bar_svg = bar_chart_svg(
        chart_id="coverage-bars",
        title=_("Percent informed by unit, %(date)s") % {"date": format_date(as_of)},
        description=_(
            "One bar per unit of %(scope)s: the share of the people to inform who were informed on %(date)s, "
            "against the 100%% target. Solid bars reached the target; hatched bars are below it. "
            "The same figures are in the table below."
        )
        % {"scope": scope_name, "date": format_date(as_of)},
        bars=chart_bars,
    )

    # The chosen date's figures are already computed; the other dates are one report each.
    points = coverage_trend(
        assignment=assignment,
        dates=trend_dates(assignment=assignment, as_of=as_of),
        root_unit=root_unit,
        rules=rules,
        chosen=as_of,
        chosen_figures=report.total,
    )
    trend_svg = line_chart_svg(
        chart_id="coverage-trend",
        title=_("Percent informed over the reporting dates"),
        description=_(
            "Percent informed in %(scope)s at each reporting deadline (15/6 and 15/12) and on the chosen date, "
            "against the 100%% target line. The same figures are in the table below."
        )
        % {"scope": scope_name},
        labels=[(format_day_month(p.on), str(p.on.year)) for p in points],
        series=[Series(name=_("Informed"), values=[p.figures.percent for p in points])],
    )

    current_unit_code = root.code if (root is not None and root_unit is not None) else None
    office = is_office(request.user)
    existing_snapshot = snapshot_get_for_date(assignment=assignment, as_of=as_of) if office else None
    rows = [
        {
            "unit": unit,
            "is_root": unit is root,
            "has_children": unit.code in parents and unit is not root,
            "query": dashboard_query(as_of=as_of, unit_code=unit.code),
        }
        for unit in bars
    ]
    context = {
        "assignment": assignment,
        "assignments": assignments,
        "as_of": as_of,
        "as_of_text": format_date(as_of),
        "date_error": date_error,
        "report": report,
        "root": root,
        "rows": rows,
        "unit_code": current_unit_code,
        "breadcrumbs": dashboard_breadcrumbs(user=request.user, unit=root_unit),
        "bar_svg": bar_svg,
        "trend_svg": trend_svg,
        "trend": points,
        "quick_dates": [
            {"day": day, "query": dashboard_query(as_of=day, unit_code=current_unit_code)}
            for day in quick_dates(assignment=assignment, today=timezone.localdate())
        ],
        "today_query": dashboard_query(as_of=timezone.localdate(), unit_code=current_unit_code),
        "page_query": dashboard_query(as_of=as_of, unit_code=current_unit_code),
        "is_office": office,
        "no_audience_text": report.no_audience_text,
        "completion_rule": report.rule.text,
        "can_freeze": office and as_of <= timezone.localdate(),
        "existing_snapshot": existing_snapshot,
    }
    return render(request, "reports/dashboard.html", context)


class _KnownLengthRows:
    """A page-able view of a streamed iterator whose length is already known (from the report's figures).

    Slicing skips the rows before the page and stops after it, so a page never loads
    the whole list into memory.
    """

    def __init__(self, *, count: int, rows_factory):
        self._count = count
        self._rows_factory = rows_factory

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: slice) -> list:
        rows = self._rows_factory()
        try:
            return list(islice(rows, index.start or 0, index.stop))
        finally:
            close = getattr(rows, "close", None)
            if close is not None:
                close()


@login_required
@require_GET
def dashboard_people(request: HttpRequest, slug: str) -> HttpResponse:
    """Drill-down: the people of a unit (and its sub-units) not yet informed on the date, with how far they got."""
    require_report_reader(request)
    assignment = assignment_or_404(slug, user=request.user)
    as_of, date_error = dashboard_as_of(request)
    unit_code = request.GET.get("unit", "").strip() or None
    report = coverage_for_user(user=request.user, assignment=assignment, as_of=as_of, unit_code=unit_code)
    root, _children = _root_and_children(report)
    rows = _KnownLengthRows(
        count=report.total.not_informed,
        rows_factory=lambda: coverage_people_for_user(
            user=request.user,
            assignment=assignment,
            as_of=as_of,
            unit_code=unit_code,
            status=CoverageStatus.NOT_INFORMED,
        ),
    )
    page = Paginator(rows, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    people = [{"person": person, "overdue": person.is_overdue_on(as_of)} for person in page.object_list]
    # The Office may grant an extra attempt to someone out of them (quizzes:grant), and come back here.
    can_grant = is_office(request.user)
    return render(
        request,
        "reports/people.html",
        {
            "assignment": assignment,
            "as_of": as_of,
            "date_error": date_error,
            "report": report,
            "root": root,
            "page": page,
            "people": people,
            "page_query": dashboard_query(as_of=as_of, unit_code=unit_code),
            "back_query": dashboard_query(as_of=as_of, unit_code=unit_code),
            "can_grant": can_grant,
            "here": request.get_full_path(),
        },
    )
