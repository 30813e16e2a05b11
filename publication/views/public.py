"""The public indicators page and its CSV/JSON: the rows the Office published, aggregates only.

No sign-in, no personal data: each row is a reporting date's frozen department figures
(`reports.models.Publication`). Nothing here reads the live roster.
"""

from __future__ import annotations

import csv
import io

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from core.spreadsheets import escape_row
from publication.selectors import PUBLIC_FIELDS, publication_list_public, publication_public_row

_PUBLISHER = "Sở Tư pháp tỉnh Đồng Nai"


@require_GET
@cache_control(public=True, max_age=300)
def indicators_page(request: HttpRequest) -> HttpResponse:
    return render(request, "publication/indicators.html", {"publications": list(publication_list_public())})


@require_GET
@cache_control(public=True, max_age=300)
def indicators_csv(request: HttpRequest) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(PUBLIC_FIELDS)
    for publication in publication_list_public():
        row = publication_public_row(publication)
        writer.writerow(escape_row(row[key] for key in PUBLIC_FIELDS))
    # A byte-order mark so spreadsheet programs read the Vietnamese titles as UTF-8.
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="chi-so-lan-toa.csv"'
    return response


@require_GET
@cache_control(public=True, max_age=300)
def indicators_json(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {
            "publisher": _PUBLISHER,
            "indicators": [publication_public_row(publication) for publication in publication_list_public()],
        },
        json_dumps_params={"ensure_ascii": False},
    )
