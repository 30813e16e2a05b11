"""Snapshots: the Office freezes a date's report, lists the frozen ones, and compares one with the live report."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.roles import require_office
from core.dates import format_date, parse_date_input
from reports.selectors.snapshots import (
    access_snapshot,
    snapshot_compare_live,
    snapshot_get_for_date,
    snapshot_publication,
    snapshot_report,
    snapshot_rule,
    snapshot_verify,
)
from reports.selectors.snapshots import snapshot_list as snapshot_list_select
from reports.services.snapshots import snapshot_create
from reports.views.common import assignment_or_404, dashboard_query

SNAPSHOTS_PER_PAGE = 25
CHANGES_SHOWN = 200


@login_required
@require_http_methods(["GET", "POST"])
def snapshot_freeze(request: HttpRequest, slug: str) -> HttpResponse:
    """The Office freezes the report of a date (`snapshot_create`); a date has one snapshot.

    GET is the confirmation step (what freezing does, for which date); POST freezes.
    """
    require_office(request.user)
    assignment = assignment_or_404(slug)
    data = request.POST if request.method == "POST" else request.GET
    as_of = parse_date_input(data.get("as_of", ""))
    if as_of is None:
        messages.error(request, _("Choose the date to freeze, as dd/mm/yyyy."))
        return redirect("reports:dashboard", slug=assignment.slug)
    if request.method == "GET":
        existing = snapshot_get_for_date(assignment=assignment, as_of=as_of)
        if existing is not None:
            messages.info(
                request, _("The report of %(date)s was already frozen; here it is.") % {"date": format_date(as_of)}
            )
            return redirect("reports:snapshot_detail", pk=existing.pk)
        dashboard_url = f"{reverse('reports:dashboard', args=[assignment.slug])}?{dashboard_query(as_of=as_of)}"
        return render(
            request,
            "components/confirm.html",
            {
                "title": _("Freeze the report of %(date)s?") % {"date": format_date(as_of)},
                "lead": assignment.title or assignment.slug,
                "facts": [(_("Assignment"), assignment.title or assignment.slug), (_("As of"), format_date(as_of))],
                "consequences": [
                    _(
                        "The figures of %(date)s, unit by unit, and the people behind them are stored "
                        "with their SHA-256, as they are now."
                    )
                    % {"date": format_date(as_of)},
                    _(
                        "A date has one frozen report: it is never recomputed, even after the roster "
                        "or the completions change; later changes show in its comparison with the live figures."
                    ),
                    _("Snapshots cannot be deleted: the semiannual report and the public indicators rely on them."),
                ],
                "action_url": reverse("reports:snapshot_freeze", args=[assignment.slug]),
                "hidden": {"as_of": format_date(as_of)},
                "button": _("Yes, freeze the report"),
                "danger": False,
                "cancel_url": dashboard_url,
            },
        )
    try:
        snapshot, created = snapshot_create(assignment=assignment, as_of=as_of, created_by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(f"{reverse('reports:dashboard', args=[assignment.slug])}?{dashboard_query(as_of=as_of)}")
    if created:
        messages.success(request, _("The report of %(date)s is frozen.") % {"date": format_date(as_of)})
    else:
        messages.info(
            request,
            _("The report of %(date)s was already frozen; here it is.") % {"date": format_date(as_of)},
        )
    return redirect("reports:snapshot_detail", pk=snapshot.pk)


@login_required
@require_GET
def snapshot_list(request: HttpRequest) -> HttpResponse:
    require_office(request.user)
    page = Paginator(snapshot_list_select(), SNAPSHOTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "reports/snapshot_list.html", {"page": page})


@login_required
@require_GET
def snapshot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The stored figures, their SHA-256 and its check, and what the live report for the date says now."""
    require_office(request.user)
    snapshot = access_snapshot(snapshot_id=pk)
    stored = snapshot_report(snapshot=snapshot)
    rule = snapshot_rule(snapshot=snapshot)
    comparison = snapshot_compare_live(snapshot=snapshot)
    return render(
        request,
        "reports/snapshot_detail.html",
        {
            "snapshot": snapshot,
            "stored": stored,
            # Which completions counted, as frozen (none for a snapshot made before rules were stored).
            "rule_text": rule.text if rule is not None else "",
            "verified": snapshot_verify(snapshot=snapshot),
            "comparison": comparison,
            "people_changes": comparison.people[:CHANGES_SHOWN],
            "more_changes": max(len(comparison.people) - CHANGES_SHOWN, 0),
            "publication": snapshot_publication(snapshot=snapshot),
            "dashboard_query": dashboard_query(as_of=snapshot.as_of),
        },
    )
