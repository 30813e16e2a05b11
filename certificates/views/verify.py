"""Public verification of a certificate, and the PDF for its holder or the Office."""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from certificates import ratelimit, selectors, services
from core.files import stored_file_response

# Codes are base32 (A–Z, 2–7); anything else cannot exist and gets the same 404 as an unknown code.
_CODE = re.compile(r"^[A-Z2-7]{16,64}$")


def _code_or_404(code: str) -> str:
    code = code.strip().upper()
    if not _CODE.match(code):
        raise Http404
    return code


def _certificate_or_404(code: str):
    certificate = selectors.certificate_get_by_code(code=_code_or_404(code))
    if certificate is None:
        raise Http404
    return certificate


@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Anyone with the QR code: holder, unit, course, issue date, serial and status. Nothing else personal."""
    if not ratelimit.consume(request, action="verify"):
        response = render(
            request,
            "certificates/too_many_requests.html",
            {"message": _("Too many verification requests from your address. Please wait a minute and try again.")},
            status=429,
        )
        response["Retry-After"] = "60"
        return response
    certificate = _certificate_or_404(code)
    response = render(request, "certificates/verify.html", {"certificate": certificate})
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def download(request: HttpRequest, code: str) -> HttpResponse:
    """The stored PDF (the one download view for certificates): for its holder, the heads of the holder's
    units and the Office; anyone else gets 404."""
    certificate = selectors.access_certificate(user=request.user, code=_code_or_404(code))
    certificate = services.certificate_pdf_ensure(certificate=certificate)
    return stored_file_response(
        certificate.pdf, filename=services.serial_file_name(certificate.serial), content_type="application/pdf"
    )
