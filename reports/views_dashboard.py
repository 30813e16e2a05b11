"""The coverage dashboard, its drill-down, snapshots and the Office's publication page.

The Office sees the whole tree, a unit head their own subtree only (another unit, or a
user who heads nothing, gets 404 — nothing leaks). Views parse input, check access,
call selectors and services, render; the charts are server-rendered SVG (`reports.charts`).
"""

from __future__ import annotations

import datetime as dt
from itertools import islice

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from courses.models import Assignment
from courses.selectors_audience import audience_unit_rules
from orgchart.roles import scope_for
from reports import selectors, selectors_publication, selectors_trend
from reports.charts import Bar, Series, bar_chart_svg, line_chart_svg
from reports.selectors import CoverageReport, CoverageStatus, UnitCoverage
from reports.services import snapshot_create
from reports.services_publication import publication_create, publication_publish, publication_unpublish

PEOPLE_PER_PAGE = 25
SNAPSHOTS_PER_PAGE = 25
CHANGES_SHOWN = 200


# --- helpers -----------------------------------------------------------------------------------------------


def _require_office(request: HttpRequest) -> None:
    if not scope_for(user=request.user).everything:
        raise Http404


def _require_report_reader(request: HttpRequest) -> None:
    scope = scope_for(user=request.user)
    if not (scope.everything or scope.is_unit_head):
        raise Http404


def _assignment_or_404(slug: str) -> Assignment:
    try:
        return selectors.assignment_get(slug=slug)
    except Assignment.DoesNotExist as exc:
        raise Http404 from exc


def _as_of(request: HttpRequest) -> tuple[dt.date, str | None]:
    """The chosen date (today when empty) and, for a date that cannot be read, the message to show."""
    today = timezone.localdate()
    raw = request.GET.get("as_of", "").strip()
    if not raw:
        return today, None
    parsed = selectors_trend.parse_date_input(raw)
    if parsed is None:
        return today, _("“%(value)s” is not a date; write it as dd/mm/yyyy. Showing today instead.") % {"value": raw}
    return parsed, None


def _query(*, as_of: dt.date, unit_code: str | None = None) -> str:
    params = QueryDict(mutable=True)
    params["as_of"] = as_of.strftime("%d/%m/%Y")
    if unit_code:
        params["unit"] = unit_code
    return params.urlencode()


def _bar_text(unit: UnitCoverage) -> str:
    figures = unit.figures
    return f"{number_format(figures.percent, 2)} % ({figures.informed}/{figures.staff})"


def _root_and_children(report: CoverageReport) -> tuple[UnitCoverage | None, list[UnitCoverage]]:
    """The unit the page is about and the units one level below it (the roots themselves for a forest)."""
    if len(report.root_codes) == 1:
        root = report.unit(report.root_codes[0])
        return root, [unit for unit in report.units if unit.parent == root.code and unit.depth == root.depth + 1]
    return None, [unit for unit in report.units if unit.code in report.root_codes]


# --- dashboard ------------------------------------------------------------------------------------------------


@login_required
@require_GET
def dashboard_index(request: HttpRequest) -> HttpResponse:
    """`/reports/`: the chosen (`?assignment=`) or the most recent assignment's dashboard."""
    _require_report_reader(request)
    chosen = request.GET.get("assignment", "").strip()
    if chosen:
        assignment = _assignment_or_404(chosen)
        params = request.GET.copy()
        params.pop("assignment", None)
        url = reverse("reports:dashboard", args=[assignment.slug])
        return redirect(f"{url}?{params.urlencode()}" if params else url)
    today = timezone.localdate()
    assignments = list(selectors_trend.assignment_choices())
    started = [a for a in assignments if a.starts_on <= today]
    if not (started or assignments):
        return render(request, "reports/dashboard.html", {"assignment": None, "assignments": []})
    default = (started or assignments)[0]
    return _dashboard(request, _assignment_or_404(default.slug), assignments=assignments)


@login_required
@require_GET
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    _require_report_reader(request)
    assignment = _assignment_or_404(slug)
    return _dashboard(request, assignment, assignments=list(selectors_trend.assignment_choices()))


def _dashboard(request: HttpRequest, assignment: Assignment, *, assignments: list[Assignment]) -> HttpResponse:
    as_of, date_error = _as_of(request)
    unit_code = request.GET.get("unit", "").strip() or None
    root_unit = selectors_trend.dashboard_root_unit(user=request.user, unit_code=unit_code)
    rules = audience_unit_rules(assignment_ids=[assignment.pk]).get(assignment.pk, [])
    report = selectors.coverage_as_of(assignment=assignment, as_of=as_of, root_unit=root_unit, rules=rules)
    root, children = _root_and_children(report)
    parents = {unit.parent for unit in report.units}

    bars = ([root] if root is not None else []) + children
    chart_bars = [
        Bar(
            label=(_("All: %(name)s") % {"name": unit.name}) if unit is root else unit.name,
            percent=unit.figures.percent,
            text=_bar_text(unit),
        )
        for unit in bars
    ]
    scope_name = root.name if root is not None else _("all units")
    bar_svg = bar_chart_svg(
        chart_id="coverage-bars",
        title=_("Percent informed by unit, %(date)s") % {"date": as_of.strftime("%d/%m/%Y")},
        description=_(
            "One bar per unit of %(scope)s: the share of the people to inform who were informed on %(date)s, "
            "against the 100%% target. Solid bars reached the target; hatched bars are below it. "
            "The same figures are in the table below."
        )
        % {"scope": scope_name, "date": as_of.strftime("%d/%m/%Y")},
        bars=chart_bars,
    )

    # The chosen date's figures are already computed; the other dates are one report each.
    points = selectors_trend.coverage_trend(
        assignment=assignment,
        dates=selectors_trend.trend_dates(assignment=assignment, as_of=as_of),
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
        labels=[(p.on.strftime("%d/%m"), p.on.strftime("%Y")) for p in points],
        series=[Series(name=_("Informed"), values=[p.figures.percent for p in points])],
    )

    current_unit_code = root.code if (root is not None and root_unit is not None) else None
    is_office = scope_for(user=request.user).everything
    existing_snapshot = selectors.snapshot_get_for_date(assignment=assignment, as_of=as_of) if is_office else None
    rows = [
        {
            "unit": unit,
            "is_root": unit is root,
            "has_children": unit.code in parents and unit is not root,
            "query": _query(as_of=as_of, unit_code=unit.code),
        }
        for unit in bars
    ]
    context = {
        "assignment": assignment,
        "assignments": assignments,
        "as_of": as_of,
        "as_of_text": as_of.strftime("%d/%m/%Y"),
        "date_error": date_error,
        "report": report,
        "root": root,
        "rows": rows,
        "unit_code": current_unit_code,
        "breadcrumbs": selectors_trend.dashboard_breadcrumbs(user=request.user, unit=root_unit),
        "bar_svg": bar_svg,
        "trend_svg": trend_svg,
        "trend": points,
        "quick_dates": [
            {"day": day, "query": _query(as_of=day, unit_code=current_unit_code)}
            for day in selectors_trend.quick_dates(assignment=assignment, today=timezone.localdate())
        ],
        "today_query": _query(as_of=timezone.localdate(), unit_code=current_unit_code),
        "page_query": _query(as_of=as_of, unit_code=current_unit_code),
        "is_office": is_office,
        "can_freeze": is_office and as_of <= timezone.localdate(),
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
    _require_report_reader(request)
    assignment = _assignment_or_404(slug)
    as_of, date_error = _as_of(request)
    unit_code = request.GET.get("unit", "").strip() or None
    report = selectors.coverage_for_user(user=request.user, assignment=assignment, as_of=as_of, unit_code=unit_code)
    root, _children = _root_and_children(report)
    rows = _KnownLengthRows(
        count=report.total.not_informed,
        rows_factory=lambda: selectors.coverage_people_for_user(
            user=request.user,
            assignment=assignment,
            as_of=as_of,
            unit_code=unit_code,
            status=CoverageStatus.NOT_INFORMED,
        ),
    )
    page = Paginator(rows, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    people = [{"person": person, "overdue": person.is_overdue_on(as_of)} for person in page.object_list]
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
            "page_query": _query(as_of=as_of, unit_code=unit_code),
            "back_query": _query(as_of=as_of, unit_code=unit_code),
        },
    )


# --- snapshots ----------------------------------------------------------------------------------------------


@login_required
@require_POST
def snapshot_freeze(request: HttpRequest, slug: str) -> HttpResponse:
    """The Office freezes the report of a date (`snapshot_create`); a date has one snapshot."""
    _require_office(request)
    assignment = _assignment_or_404(slug)
    as_of = selectors_trend.parse_date_input(request.POST.get("as_of", ""))
    if as_of is None:
        messages.error(request, _("Choose the date to freeze, as dd/mm/yyyy."))
        return redirect("reports:dashboard", slug=assignment.slug)
    try:
        snapshot, created = snapshot_create(assignment=assignment, as_of=as_of, created_by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(f"{reverse('reports:dashboard', args=[assignment.slug])}?{_query(as_of=as_of)}")
    if created:
        messages.success(request, _("The report of %(date)s is frozen.") % {"date": as_of.strftime("%d/%m/%Y")})
    else:
        messages.info(
            request, _("The report of %(date)s was already frozen; here it is.") % {"date": as_of.strftime("%d/%m/%Y")}
        )
    return redirect("reports:snapshot_detail", pk=snapshot.pk)


@login_required
@require_GET
def snapshot_list(request: HttpRequest) -> HttpResponse:
    _require_office(request)
    page = Paginator(selectors.snapshot_list(), SNAPSHOTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "reports/snapshot_list.html", {"page": page})


@login_required
@require_GET
def snapshot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The stored figures, their SHA-256 and its check, and what the live report for the date says now."""
    _require_office(request)
    snapshot = selectors.access_snapshot(snapshot_id=pk)
    stored = selectors.snapshot_report(snapshot=snapshot)
    comparison = selectors.snapshot_compare_live(snapshot=snapshot)
    return render(
        request,
        "reports/snapshot_detail.html",
        {
            "snapshot": snapshot,
            "stored": stored,
            "verified": selectors.snapshot_verify(snapshot=snapshot),
            "comparison": comparison,
            "people_changes": comparison.people[:CHANGES_SHOWN],
            "more_changes": max(len(comparison.people) - CHANGES_SHOWN, 0),
            "publication": selectors_publication.publication_for_snapshot(snapshot=snapshot),
            "dashboard_query": _query(as_of=snapshot.as_of),
        },
    )


# --- publications (the Office chooses what the public indicators show) ------------------------------------


@login_required
def publication_list(request: HttpRequest) -> HttpResponse:
    _require_office(request)
    if request.method == "POST":
        snapshot = selectors.access_snapshot(snapshot_id=request.POST.get("snapshot") or 0)
        try:
            publication = publication_create(snapshot=snapshot, by=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("The figures of %(date)s are ready; publish them to show them on the public page.")
                % {"date": publication.as_of.strftime("%d/%m/%Y")},
            )
        return redirect("reports:publications")
    return render(
        request,
        "reports/publications.html",
        {
            "publications": list(selectors_publication.publication_list_all()),
            "snapshots": list(selectors_publication.snapshot_list_unpublished()),
        },
    )


@login_required
@require_POST
def publication_change(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _require_office(request)
    publication = selectors_publication.access_publication(publication_id=pk)
    if action == "publish":
        publication_publish(publication=publication, by=request.user)
        messages.success(request, _("Published."))
    elif action == "unpublish":
        publication_unpublish(publication=publication, by=request.user)
        messages.success(request, _("Removed from the public page."))
    else:
        raise Http404
    return redirect("reports:publications")
