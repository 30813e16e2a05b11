"""The coverage exports (JSON, xlsx). They go through the same scoping as the dashboard: the Office sees
every unit, a unit head their own subtree only; anything else is "not found"."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from core.dates import iso_date_or_today
from reports.exports import coverage_xlsx_response
from reports.selectors.coverage import coverage_for_user
from reports.selectors.people import coverage_people_for_user
from reports.views.common import assignment_or_404


def _as_of(request: HttpRequest) -> dt.date:
    try:
        return iso_date_or_today(request.GET.get("as_of", "").strip())
    except ValueError as exc:
        raise Http404 from exc


@login_required
@require_GET
def coverage_export(request: HttpRequest, slug: str, export_format: str) -> HttpResponse:
    """`?as_of=YYYY-MM-DD` (today by default) and `?unit=CODE` (a unit within the user's scope)."""
    if export_format not in ("json", "xlsx"):
        raise Http404
    assignment = assignment_or_404(slug, user=request.user)
    as_of = _as_of(request)
    unit_code = request.GET.get("unit", "").strip() or None
    report = coverage_for_user(user=request.user, assignment=assignment, as_of=as_of, unit_code=unit_code)
    if export_format == "json":
        return JsonResponse(report.as_dict(), json_dumps_params={"ensure_ascii": False})
    people = coverage_people_for_user(user=request.user, assignment=assignment, as_of=as_of, unit_code=unit_code)
    return coverage_xlsx_response(report=report, people=people)
