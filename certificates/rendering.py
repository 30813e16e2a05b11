"""A certificate's page: the context its template sees, the template rendered, the PDF.

Everything printed comes from the `Certificate` row (facts copied at issue) plus the
holder's date of birth, so rendering twice gives the same bytes (`core.pdf` fixes the
PDF dates to the issue date).

**Layers.** Each `{% block %}` at the top level of a template is a layer of the page, and the
rest of the template (the blocks left out) is the bottom layer. `core.pdf.layers_to_pdf` lays
each layer out on its own and reuses a layer it has laid out before (same HTML), so the frame,
titles and motto are laid out once per template and a run of certificates for one course and
day lays out little more than each holder's own lines. The split is used only when it is
proven to draw exactly what the template draws as one document (`layering_allowed`: the
bottom layer may not depend on the certificate, every block holds only absolutely positioned
boxes, and on two made-up certificates the drawn boxes, bookmarks and links are identical and
drawn in the same order); otherwise, or when a layer overflows its page, the certificate is
rendered as one document.
Either way the result is one PDF, and the same certificate always gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal

import segno
from django.conf import settings
from django.template import Context, Engine, Template
from django.template.base import NodeList, TextNode
from django.template.loader_tags import BlockNode
from django.urls import reverse

from core.dates import date_line, format_date
from core.pdf import html_to_pdf, layers_match, layers_to_pdf

from .models import Certificate, CertificateTemplate

# Office templates get the builtins plus {% static %}; no app template dirs, so no includes of other pages.
_ENGINE = Engine(builtins=["django.templatetags.static"], autoescape=True, debug=False)
_COMPILED: dict[tuple[int, str], Template] = {}
_LAYERS: dict[tuple[int, str], Layers | None] = {}
_ALLOWED: dict[tuple, bool] = {}
logger = logging.getLogger(__name__)


def format_percent(value: Decimal) -> str:
    """90.00 → "90%", 86.67 → "86,67%" (Vietnamese decimal comma)."""
    text = f"{Decimal(value).quantize(Decimal('0.01')):f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") + "%"


def verify_url(*, code: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("certificates:verify", kwargs={"code": code})


def qr_data_uri(*, url: str) -> str:
    """The verification QR as a PNG data URI (PNG so tests can decode the image embedded in the PDF)."""
    # A fixed mask and error level: segno's search over the eight masks was a third of the render time, and
    # any mask is a valid QR code. One pixel a module; the template scales it up without smoothing.
    return segno.make(url, error="m", micro=False, mask=0, boost_error=False).png_data_uri(scale=1, border=4)


def certificate_context(*, certificate: Certificate, register_details: dict[str, str]) -> dict:
    staff = certificate.staff
    return _context(
        register_details=register_details,
        holder={
            "name": certificate.holder_name,
            "date_of_birth": format_date(staff.date_of_birth) if staff.date_of_birth else "",
            "position": certificate.position,
            "unit": certificate.unit_name,
        },
        course_title=certificate.course_title,
        form=certificate.form,
        result=certificate.result,
        issued_on=certificate.issued_on,
        signer_title=certificate.signer_title,
        signer_name=certificate.signer_name,
        serial=certificate.serial,
        code=certificate.code,
    )


def _context(
    *,
    register_details: dict[str, str],
    holder: dict[str, str],
    course_title: str,
    form: str,
    result: str,
    issued_on: dt.date,
    signer_title: str,
    signer_name: str,
    serial: str,
    code: str,
) -> dict:
    url = verify_url(code=code)
    return {
        "agency": {"parent": register_details["parent_agency"], "name": register_details["agency"]},
        "certifier": register_details["certifier"],
        "holder": holder,
        "course_title": course_title,
        "form": form,
        "result": result,
        "place_date": date_line(place=register_details["place"], on_date=issued_on),
        "signer_title": signer_title,
        "signer_name": signer_name,
        "serial": serial,
        "code": code,
        "verify_url": url,
        "qr_data_uri": qr_data_uri(url=url),
    }


def _sample_contexts(*, register_details: dict[str, str]) -> list[dict]:
    """Two made-up certificates that differ in every field a certificate brings (for `layering_allowed`)."""
    full = _context(
        register_details=register_details,
        holder={
            "name": "Nguyễn Thị Hồng Nhung Thử Nghiệm Dài",
            "date_of_birth": "05/03/1988",
            "position": "Phó Trưởng phòng",
            "unit": "Trung tâm Trợ giúp pháp lý nhà nước tỉnh Đồng Nai, Chi nhánh số 3",
        },
        course_title="Quán triệt Nghị quyết 57-NQ/TW về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo "
        "và chuyển đổi số quốc gia (mẫu thử)",
        form="trực tuyến",
        result="86,67%",
        issued_on=dt.date(2026, 12, 31),
        signer_title="KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC",
        signer_name="Lê Văn Ký Thử",
        serial="9999/2026/MẪU-THỬ",
        code="SAMPLESAMPLESAMP",
    )
    empty = _context(
        register_details=register_details,
        holder={"name": "A", "date_of_birth": "", "position": "", "unit": ""},
        course_title="B",
        form="",
        result="",
        issued_on=dt.date(2025, 1, 1),
        signer_title="",
        signer_name="",
        serial="1",
        code="C",
    )
    return [full, empty]


def compile_template(template: CertificateTemplate) -> Template:
    """The compiled Django template for this template's HTML (cached by its text)."""
    key = (template.pk or 0, template.html)
    compiled = _COMPILED.get(key)
    if compiled is None:
        if len(_COMPILED) > 64:
            _COMPILED.clear()
        compiled = _COMPILED[key] = _ENGINE.from_string(template.html)
    return compiled


@dataclass(frozen=True)
class Layers:
    """A template split into its bottom layer (the blocks left out) and its top-level blocks."""

    base: Template
    blocks: tuple[Template, ...]

    def render(self, context: dict) -> list[str]:
        return [self.base.render(Context(context))] + [block.render(Context(context)) for block in self.blocks]


def template_layers(template: CertificateTemplate) -> Layers | None:
    """The template's layers, or None when it has no top-level `{% block %}` (cached like the compiled template)."""
    key = (template.pk or 0, template.html)
    if key not in _LAYERS:
        if len(_LAYERS) > 64:
            _LAYERS.clear()
        base = _ENGINE.from_string(template.html)  # a second copy: its blocks are taken out
        blocks = []
        for index, node in enumerate(base.nodelist):
            if isinstance(node, BlockNode):
                layer = _ENGINE.from_string("")
                layer.nodelist = node.nodelist
                blocks.append(layer)
                base.nodelist[index] = TextNode("")
        base.nodelist = NodeList(base.nodelist)
        _LAYERS[key] = Layers(base=base, blocks=tuple(blocks)) if blocks else None
    return _LAYERS[key]


def layering_allowed(*, template: CertificateTemplate, register_details: dict[str, str]) -> bool:
    """Whether this template's layers draw exactly what the template draws as one document (decided once per process).

    Decided on made-up certificates only, never on a real one, so the answer (and so the
    bytes of every certificate) does not depend on which certificate a process renders first.
    """
    layers = template_layers(template)
    if layers is None:
        return False
    key = (template.pk or 0, template.html, template.css, tuple(sorted(register_details.items())))
    if key not in _ALLOWED:
        if len(_ALLOWED) > 64:
            _ALLOWED.clear()
        samples = _sample_contexts(register_details=register_details)
        try:
            rendered = [layers.render(sample) for sample in samples]
            whole = [compile_template(template).render(Context(sample)) for sample in samples]
            allowed = len({layers_of_sample[0] for layers_of_sample in rendered}) == 1 and all(
                layers_match(layers=layers_of_sample, whole=body, css=template.css)
                for layers_of_sample, body in zip(rendered, whole, strict=True)
            )
        except Exception:  # the made-up certificates do not render: the real one will say why, as one document
            logger.info("Certificate template %r: layers not checked", key[0], exc_info=True)
            allowed = False
        if not allowed:
            logger.info("Certificate template %r is rendered as one document: its layers are not independent", key[0])
        _ALLOWED[key] = allowed
    return _ALLOWED[key]


def certificate_pdf_bytes(*, certificate: Certificate, template: CertificateTemplate, register_details: dict) -> bytes:
    context = certificate_context(certificate=certificate, register_details=register_details)
    title = f"Giấy chứng nhận {certificate.serial}"
    if layering_allowed(template=template, register_details=register_details):
        pdf = layers_to_pdf(
            layers=template_layers(template).render(context),
            css=template.css,
            document_date=certificate.issued_on,
            title=title,
        )
        if pdf is not None:  # None: a layer of this certificate overflows the page
            return pdf
    return html_to_pdf(
        body_html=compile_template(template).render(Context(context)),
        css=template.css,
        document_date=certificate.issued_on,
        title=title,
    )
