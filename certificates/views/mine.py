"""A learner's own certificates: serial, course, dates and the PDF (through `verify.download`, which checks the
holder and the Office and streams the stored file)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from certificates import selectors


@login_required
@require_GET
def my_certificates(request: HttpRequest) -> HttpResponse:
    certificates = selectors.certificate_list_for_user(user=request.user)
    return render(request, "certificates/mine.html", {"certificates": certificates})
