"""Nomination pages: a head's communications staff, the nominations list and detail, progress toward 2030.

Heads see the people of the units they head, the Office everyone; anyone else — or
anything outside the scope — is "not found". Every change goes through one service in
`nominations.services`; its refusals are shown as they are.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import is_office
from core.charts import Series, line_chart_svg
from core.dates import format_date, format_day_month, parse_date_input
from core.files import stored_file_response
from orgchart.roles import scope_for
from orgchart.selectors import access_staff

from . import selectors, services
from .exports import progress_xlsx_response
from .models import Nomination, NominationStatus

PER_PAGE = 25


def _require_nominator(request: HttpRequest) -> None:
    scope = scope_for(user=request.user)
    if not scope.sees_others:
        raise Http404


def _date_from(raw: str) -> tuple[dt.date | None, str | None]:
    """A typed date (empty → None, meaning today) and the message for one that cannot be read."""
    if not (raw or "").strip():
        return None, None
    parsed = parse_date_input(raw)
    if parsed is None:
        return None, _("“%(value)s” is not a date; write it as dd/mm/yyyy.") % {"value": raw.strip()}
    return parsed, None


def _refused(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
@require_GET
def staff_list(request: HttpRequest) -> HttpResponse:
    """The communications staff of the user's units, their nominations and a "nominate" form each."""
    _require_nominator(request)
    today = timezone.localdate()
    memberships = selectors.communications_memberships_for_user(user=request.user, on_date=today)
    page = Paginator(memberships, PER_PAGE).get_page(request.GET.get("page"))
    programmes = list(selectors.programme_list_open(on_date=today))
    # "Đề cử" only toward the programmes the person is not already nominated to.
    rows = [
        {"membership": m, "programmes": selectors.programmes_open_to(staff=m.staff, programmes=programmes)}
        for m in page.object_list
    ]
    return render(
        request,
        "nominations/staff_list.html",
        {
            "page": page,
            "rows": rows,
            "programmes": programmes,
            "is_office": is_office(request.user),
        },
    )


@login_required
@require_POST
def nominate(request: HttpRequest) -> HttpResponse:
    _require_nominator(request)
    try:
        staff_id = int(request.POST.get("staff", ""))
        programme_id = int(request.POST.get("programme", ""))
    except ValueError as exc:
        raise Http404 from exc
    staff = access_staff(user=request.user, staff_id=staff_id)
    programme = selectors.access_programme(programme_id=programme_id)
    try:
        nomination = services.nomination_create(
            staff=staff, programme=programme, by=request.user, note=request.POST.get("note", "")
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            _("%(person)s is nominated to “%(programme)s”; the Office will approve it.")
            % {"person": staff.full_name, "programme": programme.title},
        )
        return redirect("nominations:detail", pk=nomination.pk)
    return redirect("nominations:staff")


@login_required
@require_GET
def nomination_list(request: HttpRequest) -> HttpResponse:
    _require_nominator(request)
    status = request.GET.get("status", "")
    if status not in NominationStatus.values:
        status = ""
    nominations = selectors.nomination_list_for_user(user=request.user, status=status or None)
    page = Paginator(nominations, PER_PAGE).get_page(request.GET.get("page"))
    params = QueryDict(mutable=True)
    if status:
        params["status"] = status
    return render(
        request,
        "nominations/nomination_list.html",
        {
            "page": page,
            "status": status,
            "statuses": NominationStatus.choices,
            "page_query": params.urlencode(),
            "is_office": is_office(request.user),
        },
    )


def _actions_for(*, nomination: Nomination, office: bool) -> list[str]:
    """The steps this user may take from the nomination's status (the services check again)."""
    by_status = {
        NominationStatus.NOMINATED: ["approve", "decline", "withdraw"],
        NominationStatus.APPROVED: ["start", "decline", "withdraw"],
        NominationStatus.ATTENDING: ["complete", "withdraw"],
    }
    office_only = {"approve", "decline"}
    return [action for action in by_status.get(nomination.status, []) if office or action not in office_only]


@login_required
@require_GET
def nomination_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_nominator(request)
    nomination = selectors.access_nomination(user=request.user, nomination_id=pk)
    office = is_office(request.user)
    return render(
        request,
        "nominations/nomination_detail.html",
        {
            "nomination": nomination,
            "events": list(nomination.events.all()),
            "actions": _actions_for(nomination=nomination, office=office),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def nomination_change(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _require_nominator(request)
    nomination = selectors.access_nomination(user=request.user, nomination_id=pk)
    on, date_error = _date_from(request.POST.get("on", ""))
    if date_error:
        messages.error(request, date_error)
        return redirect("nominations:detail", pk=nomination.pk)
    text = request.POST.get("reason", "")
    user = request.user
    steps = {
        "approve": lambda: services.nomination_approve(nomination=nomination, by=user, on=on, note=text),
        "decline": lambda: services.nomination_decline(nomination=nomination, by=user, reason=text, on=on),
        "start": lambda: services.nomination_start(nomination=nomination, by=user, on=on),
        "complete": lambda: services.nomination_complete(
            nomination=nomination, by=user, on=on, certificate=request.FILES.get("certificate")
        ),
        "withdraw": lambda: services.nomination_withdraw(nomination=nomination, by=user, reason=text, on=on),
    }
    if action not in steps:
        raise Http404
    try:
        changed = steps[action]()
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The nomination is now %(status)s.") % {"status": changed.get_status_display()})
    return redirect("nominations:detail", pk=nomination.pk)


@login_required
@require_GET
def nomination_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    _require_nominator(request)
    nomination = selectors.access_nomination(user=request.user, nomination_id=pk)
    if not nomination.certificate:
        raise Http404
    return stored_file_response(
        nomination.certificate, filename=f"chung-nhan-dao-tao-{nomination.pk}.pdf", content_type="application/pdf"
    )


def _progress_input(request: HttpRequest) -> tuple[dt.date, str | None, selectors.NominationProgress, str | None]:
    _require_nominator(request)
    today = timezone.localdate()
    as_of, date_error = _date_from(request.GET.get("as_of", ""))
    as_of = as_of or today
    unit_code = request.GET.get("unit", "").strip() or None
    root_unit = selectors.progress_root_unit(user=request.user, unit_code=unit_code)
    progress = selectors.nomination_progress(as_of=as_of, root_unit=root_unit)
    return as_of, date_error, progress, (root_unit.code if root_unit is not None else None)


@login_required
@require_GET
def progress(request: HttpRequest) -> HttpResponse:
    """Per unit and in total: communications staff, nominated, trained, against the line to 100 % in 2030."""
    as_of, date_error, figures, unit_code = _progress_input(request)
    trajectory = figures.trajectory
    chart = line_chart_svg(
        chart_id="nomination-trajectory",
        title=_("Communications staff trained, against the line to 100% by 2030"),
        description=_(
            "For each year from %(start)s to %(end)s: the share expected trained by 31 December on a straight "
            "line to 100%% in %(end)s (dashed, squares), and the share actually trained (solid, circles; on "
            "%(date)s for this year). The same figures are in the table below."
        )
        % {"start": selectors.PLAN_YEAR, "end": selectors.TARGET_YEAR, "date": format_date(as_of)},
        labels=[
            (str(point.year), format_day_month(as_of) if point.year == as_of.year else "31/12") for point in trajectory
        ],
        series=[
            Series(name=_("Trained"), values=[point.actual_percent for point in trajectory]),
            Series(
                name=_("Expected"),
                values=[point.expected_percent for point in trajectory],
                dashed=True,
                marker="square",
            ),
        ],
    )
    params = QueryDict(mutable=True)
    params["as_of"] = format_date(as_of)
    if unit_code:
        params["unit"] = unit_code
    children = figures.children()
    parents = {unit.parent for unit in figures.units}
    return render(
        request,
        "nominations/progress.html",
        {
            "as_of": as_of,
            "as_of_text": format_date(as_of),
            "date_error": date_error,
            "progress": figures,
            "rows": [
                {"unit": unit, "has_children": unit.code in parents, "expected": figures.expected_percent}
                for unit in children
            ],
            "chart": chart,
            "unit_code": unit_code,
            "export_query": params.urlencode(),
            "plan_year": selectors.PLAN_YEAR,
            "target_year": selectors.TARGET_YEAR,
        },
    )


@login_required
@require_GET
def progress_export(request: HttpRequest) -> FileResponse:
    _as_of, _error, figures, unit_code = _progress_input(request)
    return progress_xlsx_response(progress=figures, root_code=unit_code)
