"""The Office's publication page: prepare a snapshot's figures for the public indicators, publish, unpublish."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.roles import require_office
from core.dates import format_date
from core.numbers import percent_with_sign
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
@require_http_methods(["GET", "POST"])
def publication_change(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """POST publishes or unpublishes; GET on "publish" is the confirmation step (the figures go public)."""
    require_office(request.user)
    publication = access_publication(publication_id=pk)
    if action not in ("publish", "unpublish"):
        raise Http404
    if request.method == "GET":
        if action != "publish" or publication.is_published:
            return redirect("publication:list")
        return render(
            request,
            "components/confirm.html",
            {
                "title": _("Publish the figures of %(date)s?") % {"date": format_date(publication.as_of)},
                "lead": publication.title,
                "facts": [
                    (_("Percent informed"), percent_with_sign(publication.percent_informed)),
                    (_("Trained"), publication.trained),
                    (_("Nominated"), publication.nominated),
                ],
                "consequences": [
                    _(
                        "These headline figures appear on the public indicators page and in its CSV and JSON, "
                        "for anyone, without signing in."
                    ),
                    _("No name or personal data is published."),
                    _("They can be taken off the page later, but whoever downloaded them keeps them."),
                ],
                "action_url": reverse("publication:change", args=[publication.pk, "publish"]),
                "hidden": {},
                "button": _("Yes, publish"),
                "danger": False,
                "cancel_url": reverse("publication:list"),
            },
        )
    if action == "publish":
        publication_publish(publication=publication, by=request.user)
        messages.success(
            request,
            _("Published: the figures of %(date)s are on the public page.") % {"date": format_date(publication.as_of)},
        )
    else:
        publication_unpublish(publication=publication, by=request.user)
        messages.success(request, _("Removed from the public page."))
    return redirect("publication:list")
