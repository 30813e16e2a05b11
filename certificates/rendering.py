"""A certificate's page: the context its template sees, the template rendered, the PDF.

Everything printed comes from the `Certificate` row (facts copied at issue) plus the
holder's date of birth, so rendering twice gives the same bytes (`core.pdf` fixes the
PDF dates to the issue date). The page is one WeasyPrint document, rendered by this
thread's renderer (`core.pdf.html_to_pdf`: the shipped fonts, static files only).
"""

from __future__ import annotations

from decimal import Decimal

import segno
from django.conf import settings
from django.template import Context, Engine, Template
from django.urls import reverse

from core.dates import date_line, format_date
from core.numbers import percent_with_sign
from core.pdf import html_to_pdf

from .models import Certificate, CertificateTemplate

# Office templates get the builtins plus {% static %}; no app template dirs, so no includes of other pages.
_ENGINE = Engine(builtins=["django.templatetags.static"], autoescape=True, debug=False)
_COMPILED: dict[tuple[int, str], Template] = {}
COMPILED_KEPT = 64


def format_percent(value: Decimal) -> str:
    """90.00 → "90%", 86.67 → "86,67%" (Vietnamese decimal comma)."""
    return percent_with_sign(value)


def verify_url(*, code: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("certificates:verify", kwargs={"code": code})


def qr_data_uri(*, url: str) -> str:
    """The verification QR as a PNG data URI (PNG so tests can decode the image embedded in the PDF)."""
    # A fixed mask and error level: segno's search over the eight masks was a third of the render time, and
    # any mask is a valid QR code. One pixel a module; the template scales it up without smoothing.
    return segno.make(url, error="m", micro=False, mask=0, boost_error=False).png_data_uri(scale=1, border=4)


def certificate_context(*, certificate: Certificate, register_details: dict[str, str]) -> dict:
    """What the template sees: the register's details, and the certificate's facts as issued."""
    staff = certificate.staff
    url = verify_url(code=certificate.code)
    return {
        "agency": {"parent": register_details["parent_agency"], "name": register_details["agency"]},
        "certifier": register_details["certifier"],
        "holder": {
            "name": certificate.holder_name,
            "date_of_birth": format_date(staff.date_of_birth) if staff.date_of_birth else "",
            "position": certificate.position,
            "unit": certificate.unit_name,
        },
        "course_title": certificate.course_title,
        "form": certificate.form,
        "result": certificate.result,
        "place_date": date_line(place=register_details["place"], on_date=certificate.issued_on),
        "signer_title": certificate.signer_title,
        "signer_name": certificate.signer_name,
        "serial": certificate.serial,
        "code": certificate.code,
        "verify_url": url,
        "qr_data_uri": qr_data_uri(url=url),
    }


def compile_template(template: CertificateTemplate) -> Template:
    """The compiled Django template for this template's HTML (cached by its text)."""
    key = (template.pk or 0, template.html)
    compiled = _COMPILED.get(key)
    if compiled is None:
        if len(_COMPILED) >= COMPILED_KEPT:
            _COMPILED.clear()
        compiled = _COMPILED[key] = _ENGINE.from_string(template.html)
    return compiled


def certificate_pdf_bytes(*, certificate: Certificate, template: CertificateTemplate, register_details: dict) -> bytes:
    """The certificate's one-page PDF as `template` renders it (no database access)."""
    context = certificate_context(certificate=certificate, register_details=register_details)
    return html_to_pdf(
        body_html=compile_template(template).render(Context(context)),
        css=template.css,
        document_date=certificate.issued_on,
        title=f"Giấy chứng nhận {certificate.serial}",
    )
