"""The Office's publication page: prepare a snapshot's figures for the public indicators, publish, unpublish."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import require_office
from core.dates import format_date
from publication.selectors import access_publication, publication_list_all, snapshot_list_unpublished
from publication.services import publication_create, publication_publish, publication_unpublish
from reports.selectors.snapshots import access_snapshot


@login_required
def publication_list(request: HttpRequest) -> HttpResponse:
    require_office(request.user)
    if request.method == "POST":
        snapshot = access_snapshot(snapshot_id=request.POST.get("snapshot") or 0)
        try:
            publication = publication_create(snapshot=snapshot, by=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("The figures of %(date)s are ready; publish them to show them on the public page.")
                % {"date": format_date(publication.as_of)},
            )
        return redirect("publication:list")
    return render(
        request,
        "publication/publications.html",
        {
            "publications": list(publication_list_all()),
            "snapshots": list(snapshot_list_unpublished()),
        },
    )


@login_required
@require_POST
def publication_change(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    require_office(request.user)
    publication = access_publication(publication_id=pk)
    if action == "publish":
        publication_publish(publication=publication, by=request.user)
        messages.success(request, _("Published."))
    elif action == "unpublish":
        publication_unpublish(publication=publication, by=request.user)
        messages.success(request, _("Removed from the public page."))
    else:
        raise Http404
    return redirect("publication:list")
