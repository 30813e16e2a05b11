"""A person's training record (`reports.selectors.record`): the page, its xlsx and its PDF.

The person themself, their unit heads and the Office may read it; anyone else gets 404.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from orgchart.selectors import access_staff
from reports.exports import training_record_pdf_response, training_record_xlsx_response
from reports.selectors.record import training_record_get


@login_required
@require_GET
def training_record(request: HttpRequest, staff_id: int) -> HttpResponse:
    person = access_staff(user=request.user, staff_id=staff_id)
    record = training_record_get(person=person)
    return render(request, "reports/training_record.html", {"record": record, "person": person})


@login_required
@require_GET
def training_record_export(request: HttpRequest, staff_id: int, export_format: str) -> HttpResponse:
    if export_format not in ("xlsx", "pdf"):
        raise Http404
    person = access_staff(user=request.user, staff_id=staff_id)
    record = training_record_get(person=person)
    if export_format == "pdf":
        return training_record_pdf_response(record=record)
    return training_record_xlsx_response(record=record)
