"""The Office's bulk issue pages: start a job, watch its progress (htmx polling), download the ZIP.

Office only: anyone else signed in gets 404 (the pages do not exist for them), anonymous
visitors the sign-in page.
"""

from __future__ import annotations

import contextlib
from functools import wraps

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import is_office
from certificates.selectors import bulk as bulk_selectors
from certificates.selectors.register import completion_list_awaiting_certificate
from certificates.services import bulk as bulk_services
from core.files import stored_file_response


def office_only(view):
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_office(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


class BulkStartForm(forms.Form):
    assignment = forms.TypedChoiceField(label=_("Assignment"), coerce=int)
    unit = forms.TypedChoiceField(
        label=_("Unit (optional)"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Only people who were in this unit or its sub-units when they completed."),
    )

    def __init__(self, *args, assignment_choices, unit_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignment"].choices = [("", "—"), *assignment_choices]
        self.fields["unit"].choices = [("", _("Every unit")), *unit_choices]


def _confirm_bulk(request: HttpRequest, *, assignment, unit) -> HttpResponse:
    """The second step: how many certificates will enter the register, before any is issued."""
    count = len(completion_list_awaiting_certificate(assignment=assignment, unit=unit))
    unit_text = f"{unit.code} — {unit.name}" if unit is not None else _("Every unit")
    return render(
        request,
        "components/confirm.html",
        {
            "title": ngettext("Issue %(count)s certificate?", "Issue %(count)s certificates?", count)
            % {"count": count},
            "lead": assignment.title or assignment.slug,
            "facts": [(_("Assignment"), assignment.slug), (_("Unit"), unit_text), (_("Certificates to issue"), count)],
            "consequences": [
                _(
                    "%(count)s people who completed the course and hold no certificate yet are entered in the "
                    "register, each with the next serial number of the year."
                )
                % {"count": count},
                _("A certificate in the register is never deleted: a wrong one can only be revoked, with a reason."),
                _("The PDFs are rendered on the background workers; the ZIP can be downloaded when they are ready."),
            ],
            "action_url": reverse("certificates:bulk_start"),
            "hidden": {"assignment": assignment.pk, "unit": unit.pk if unit is not None else "", "confirmed": "1"},
            "button": _("Yes, issue the certificates"),
            "danger": False,
            "cancel_url": reverse("certificates:bulk_start"),
        },
    )


def _job_or_404(job_id: int):
    job = bulk_selectors.bulk_job_get(job_id=job_id)
    if job is None:
        raise Http404
    return job


@office_only
@require_http_methods(["GET", "POST"])
def bulk_start(request: HttpRequest) -> HttpResponse:
    form = BulkStartForm(
        request.POST or None,
        assignment_choices=bulk_selectors.bulk_assignment_choices(),
        unit_choices=bulk_selectors.bulk_unit_choices(),
    )
    if request.method == "POST" and form.is_valid():
        assignment, unit = bulk_selectors.bulk_job_target(
            assignment_id=form.cleaned_data["assignment"], unit_id=form.cleaned_data["unit"]
        )
        if request.POST.get("confirmed") != "1":
            return _confirm_bulk(request, assignment=assignment, unit=unit)
        try:
            job = bulk_services.bulk_job_start(assignment=assignment, unit=unit, started_by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            return redirect("certificates:bulk_job", job_id=job.pk)
    return render(
        request, "certificates/bulk_start.html", {"form": form, "jobs": bulk_selectors.bulk_job_list_recent()}
    )


@office_only
@require_GET
def bulk_job(request: HttpRequest, job_id: int) -> HttpResponse:
    """The job page; an htmx poll gets only the progress partial (the same one the page includes)."""
    job = _job_or_404(job_id)
    context = {"job": job, "progress": bulk_selectors.bulk_job_progress(job_id=job.pk)}
    if request.headers.get("HX-Request"):
        return render(request, "certificates/_bulk_progress.html", context)
    return render(request, "certificates/bulk_job.html", context)


@office_only
@require_POST
def bulk_job_retry(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job_or_404(job_id)
    with contextlib.suppress(ValidationError):  # not failed (any more): the page shows where it stands
        bulk_services.bulk_job_retry(job=job)
    return redirect("certificates:bulk_job", job_id=job.pk)


@office_only
@require_GET
def bulk_job_download(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job_or_404(job_id)
    if not job.zip_file:
        raise Http404
    return stored_file_response(
        job.zip_file, filename=bulk_services.bulk_job_zip_name(job=job), content_type="application/zip"
    )
