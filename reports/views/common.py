"""What the coverage report pages share: who may read them, the assignment and the date from the request."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import format_date, parse_date_input
from courses.models import Assignment
from orgchart.roles import scope_for
from reports.selectors.coverage import assignment_get
from reports.selectors.trend import assignment_choices


def require_report_reader(request: HttpRequest) -> None:
    scope = scope_for(user=request.user)
    if not scope.sees_others:
        raise Http404


def assignment_or_404(slug: str, *, user=None) -> Assignment:
    """The assignment; with `user`, only one whose reports they may read (`assignment_choices`), else 404."""
    try:
        assignment = assignment_get(slug=slug)
    except Assignment.DoesNotExist as exc:
        raise Http404 from exc
    if user is not None and not assignment_choices(user=user).filter(pk=assignment.pk).exists():
        raise Http404
    return assignment


def dashboard_as_of(request: HttpRequest) -> tuple[dt.date, str | None]:
    """The chosen date (today when empty) and, for a date that cannot be read, the message to show."""
    today = timezone.localdate()
    raw = request.GET.get("as_of", "").strip()
    if not raw:
        return today, None
    parsed = parse_date_input(raw)
    if parsed is None:
        return today, _("“%(value)s” is not a date; write it as dd/mm/yyyy. Showing today instead.") % {"value": raw}
    return parsed, None


def dashboard_query(*, as_of: dt.date, unit_code: str | None = None) -> str:
    params = QueryDict(mutable=True)
    params["as_of"] = format_date(as_of)
    if unit_code:
        params["unit"] = unit_code
    return params.urlencode()
