"""Layered rendering: a template's blocks laid out on their own and reused, painted into one PDF page.

What must hold: the split is used only when it draws what the single document draws; a
certificate's bytes never depend on what was rendered (and cached) before, nor on the process;
anything the split cannot reproduce falls back to the single document.
"""

import datetime as dt
import io
import os
from collections import Counter

import pytest
from django.template import Context
from pypdf import PdfReader

from certificates import rendering, services
from certificates.models import CertificateTemplate
from certificates.selectors import certificate_template_default, register_settings_get
from core import pdf as core_pdf
from core.pdf import html_to_pdf, layers_match, layers_to_pdf

from .conftest import COURSE_TITLE, person, quiz_completion

pytestmark = pytest.mark.django_db

DETAILS_FIELDS = ("parent_agency", "agency", "certifier", "place", "serial_suffix")


def _details() -> dict:
    register = register_settings_get()
    return {field: getattr(register, field) for field in DETAILS_FIELDS}


def _single_document(certificate, template) -> bytes:
    """The certificate rendered as ONE WeasyPrint document (what the split must be equivalent to)."""
    context = rendering.certificate_context(certificate=certificate, register_details=_details())
    return html_to_pdf(
        body_html=rendering.compile_template(template).render(Context(context)),
        css=template.css,
        document_date=certificate.issued_on,
        title=f"Giấy chứng nhận {certificate.serial}",
    )


def _words(pdf: bytes) -> Counter:
    return Counter(" ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages).split())


def _fresh_renderer(monkeypatch):
    """Forget every per-thread and per-process cache, as a new worker process would start."""
    monkeypatch.setattr(core_pdf._local, "renderer", None, raising=False)
    rendering._ALLOWED.clear()
    rendering._LAYERS.clear()
    rendering._COMPILED.clear()


@pytest.fixture
def certificate(completion):
    return services.certificate_issue_for_completion(completion_id=completion.pk)


def test_the_default_template_is_split_into_layers_that_match_the_single_document(certificate):
    template = certificate_template_default()
    layers = rendering.template_layers(template)
    context = rendering.certificate_context(certificate=certificate, register_details=_details())

    assert rendering.layering_allowed(template=template, register_details=_details())
    assert len(layers.blocks) == 3  # holder, course, signature
    # Checked on the real certificate too, not only on the made-up samples the decision uses.
    assert layers_match(
        layers=layers.render(context),
        whole=rendering.compile_template(template).render(Context(context)),
        css=template.css,
    )
    layered = rendering.certificate_pdf_bytes(certificate=certificate, template=template, register_details=_details())
    assert layered == layers_to_pdf(
        layers=layers.render(context),
        css=template.css,
        document_date=certificate.issued_on,
        title=f"Giấy chứng nhận {certificate.serial}",
    )
    assert layered != _single_document(certificate, template)  # another path to the same page...
    assert _words(layered) == _words(_single_document(certificate, template))  # ...with the same text
    page = PdfReader(io.BytesIO(layered)).pages[0]
    forms = [xobject.get_object() for xobject in page["/Resources"]["/XObject"].values()]
    forms = [xobject for xobject in forms if xobject["/Subtype"] == "/Form"]
    assert len(forms) == 3  # the page, course and signature layers, ready-painted; the holder painted into the page
    faces = {
        str(font.get_object()["/BaseFont"]).split("+")[1]
        for resources in [page["/Resources"], *(form["/Resources"] for form in forms)]
        for font in resources["/Font"].values()
    }
    assert faces == {"LantoaSerif", "LantoaSerif-Bold", "LantoaSerif-Italic"}
    assert len(layered) < 150_000


def test_bytes_do_not_depend_on_what_was_rendered_before(tree, version, certificate, monkeypatch):
    template = certificate_template_default()
    other = services.certificate_issue_for_completion(
        completion_id=quiz_completion(staff=person(tree["vp"], name="Trần Văn Đạt"), version=version).pk
    )
    first = services.certificate_pdf_render(certificate=certificate)
    services.certificate_pdf_render(certificate=other)  # shares the frame, course and signature layers
    again = services.certificate_pdf_render(certificate=certificate)
    _fresh_renderer(monkeypatch)
    fresh = services.certificate_pdf_render(certificate=certificate)  # nothing cached: every layer laid out anew

    assert first == again == fresh
    assert "Trần Văn Đạt" not in " ".join(_words(first))
    assert rendering.layering_allowed(template=template, register_details=_details())


def test_a_forked_worker_renders_the_same_bytes(certificate):
    """Celery prefork and gunicorn fork after the parent may have rendered: the child makes its own renderer."""
    template = certificate_template_default()
    details = _details()
    certificate.staff  # noqa: B018 - loaded before the fork, so the child needs no database
    parent = rendering.certificate_pdf_bytes(certificate=certificate, template=template, register_details=details)
    parent_renderer = core_pdf.pdf_renderer()
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        try:
            renderer_is_new = core_pdf.pdf_renderer() is not parent_renderer
            pdf = rendering.certificate_pdf_bytes(certificate=certificate, template=template, register_details=details)
            os.write(write, (b"1" if renderer_is_new else b"0") + pdf)
        finally:
            os._exit(0)
    os.close(write)
    chunks = []
    while chunk := os.read(read, 65536):
        chunks.append(chunk)
    os.close(read)
    os.waitpid(child, 0)
    answer = b"".join(chunks)

    assert answer[:1] == b"1"
    assert answer[1:] == parent


@pytest.mark.parametrize(
    ("html", "css"),
    [
        # The block is in the flow, after the rest: alone, it would start at the top of the page.
        ("<p>Chứng nhận</p>{% block holder %}<p>{{ holder.name }}</p>{% endblock %}", ""),
        # The page outside the blocks depends on the certificate.
        (
            "<p>{{ holder.name }}</p>{% block serial %}<p class=s>{{ serial }}</p>{% endblock %}",
            ".s { position: absolute; top: 50mm }",
        ),
        # A border of the root element would be painted again by every layer.
        (
            "<p>Chứng nhận</p>{% block holder %}<p class=s>{{ holder.name }}</p>{% endblock %}",
            "html { border: 2pt solid #8a1c1c } .s { position: absolute; top: 50mm }",
        ),
        # The block's box is positioned inside a positioned element of the page: alone it would sit elsewhere.
        (
            '<div style="position: relative; top: 30mm">{% block holder %}'
            "<p class=s>{{ holder.name }}</p>{% endblock %}</div>",
            ".s { position: absolute; top: 5mm }",
        ),
        # A positioned box of the page after the block: one document paints it over the block, layers under it.
        (
            "{% block holder %}<p class=s>{{ holder.name }}</p>{% endblock %}<p class=t>Chứng nhận</p>",
            ".s, .t { position: absolute; top: 50mm }",
        ),
        # An ellipsis is added when painting: painting a cached layer twice would add it twice.
        (
            "<p>Chứng nhận</p>{% block holder %}<p class=s>{{ holder.name }} {{ course_title }}</p>{% endblock %}",
            ".s { position: absolute; top: 50mm; width: 30mm; white-space: nowrap; overflow: hidden;"
            " text-overflow: ellipsis }",
        ),
    ],
)
def test_templates_whose_layers_are_not_independent_are_rendered_as_one_document(certificate, html, css):
    template = CertificateTemplate.objects.create(name="Mẫu thử lớp", html=html, css=css)

    assert rendering.template_layers(template) is not None
    assert not rendering.layering_allowed(template=template, register_details=_details())
    pdf = rendering.certificate_pdf_bytes(certificate=certificate, template=template, register_details=_details())
    assert pdf == _single_document(certificate, template)
    assert "Nguyễn" in " ".join(_words(pdf))


def test_a_page_background_is_painted_once_and_the_layers_still_match(certificate):
    template = CertificateTemplate.objects.create(
        name="Mẫu nền",
        html="<p>Chứng nhận</p>{% block holder %}<p class=s>{{ holder.name }}</p>{% endblock %}",
        css="body { background: #f5f0e1 } .s { position: absolute; top: 50mm }",  # the canvas, painted by the page
    )
    assert rendering.layering_allowed(template=template, register_details=_details())
    pdf = rendering.certificate_pdf_bytes(certificate=certificate, template=template, register_details=_details())
    assert _words(pdf) == _words(_single_document(certificate, template))


GIF = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"


def test_images_borders_and_colours_in_ready_painted_layers(certificate):
    """Layers copied as forms keep what they use (images, fonts, colours); the QR stays in the page."""
    template = CertificateTemplate.objects.create(
        name="Mẫu có ảnh",
        html=f'<img class=logo src="{GIF}" alt=""><p class=t>Chứng nhận</p>'
        '{% block course %}<p class=c><img class=mark src="' + GIF + '" alt="">{{ course_title }}</p>{% endblock %}'
        '{% block holder %}<p class=s>{{ holder.name }}<img class=qr src="{{ qr_data_uri }}" alt=""></p>{% endblock %}',
        css=".logo { width: 20mm; height: 20mm } .t { color: #8a1c1c; border: 1pt solid #8a1c1c }"
        " .c, .s { position: absolute } .c { top: 40mm; opacity: 1 } .s { top: 80mm } .mark { width: 5mm }"
        " .qr { width: 26mm; image-rendering: pixelated }",
    )
    assert rendering.layering_allowed(template=template, register_details=_details())

    pdf = rendering.certificate_pdf_bytes(certificate=certificate, template=template, register_details=_details())
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    xobjects = {name: xobject.get_object() for name, xobject in page["/Resources"]["/XObject"].items()}
    forms = [xobject for xobject in xobjects.values() if xobject["/Subtype"] == "/Form"]
    assert len(forms) == 2  # the page's layer and the course's
    assert all(form["/Resources"]["/XObject"] for form in forms)  # each with its own image
    assert _words(pdf) == _words(_single_document(certificate, template))
    assert len([x for x in xobjects.values() if x["/Subtype"] == "/Image"]) == 1  # the QR, painted with the holder


def test_page_margin_boxes_are_drawn_once(certificate):
    """A footer in the page's margin is painted after the page's content in one document, so after the
    blocks too: layers (the page first) would change that order, and the template is rendered as one document."""
    template = CertificateTemplate.objects.create(
        name="Mẫu chân trang",
        html="<p>Chứng nhận</p>{% block holder %}<p class=s>{{ holder.name }}</p>{% endblock %}",
        css='@page { @bottom-center { content: "Chân trang " counter(page) } } .s { position: absolute; top: 50mm }',
    )
    assert not rendering.layering_allowed(template=template, register_details=_details())
    pdf = rendering.certificate_pdf_bytes(certificate=certificate, template=template, register_details=_details())
    assert _words(pdf)["trang"] == 1
    assert pdf == _single_document(certificate, template)


def test_a_template_without_blocks_is_rendered_as_one_document(certificate):
    template = CertificateTemplate.objects.create(name="Mẫu một lớp", html="<p>{{ holder.name }} — {{ serial }}</p>")

    assert rendering.template_layers(template) is None
    pdf = rendering.certificate_pdf_bytes(certificate=certificate, template=template, register_details=_details())
    assert pdf == _single_document(certificate, template)


def test_a_layer_document_of_more_than_one_page_is_refused():
    long_flow = "".join(f"<p>Dòng {number}</p>" for number in range(80))

    assert layers_to_pdf(layers=["<p>Trang</p>", long_flow], document_date=dt.date(2026, 6, 5)) is None
    assert not layers_match(layers=["<p>Trang</p>", long_flow], whole="<p>Trang</p>" + long_flow)


def test_a_holder_layer_running_off_the_page_is_drawn_as_the_single_document_draws_it(certificate):
    """Absolutely positioned boxes are not paginated, alone or in the whole page: both draw the same lines."""
    template = CertificateTemplate.objects.create(
        name="Mẫu tràn",
        html="<p>Chứng nhận</p>{% block holder %}<div class=s>{{ holder.name }} {{ holder.unit }}</div>{% endblock %}",
        css=".s { position: absolute; top: 20mm; width: 20mm }",
    )
    certificate.unit_name = " ".join(["Phòng"] * 400)
    context = rendering.certificate_context(certificate=certificate, register_details=_details())

    assert rendering.layering_allowed(template=template, register_details=_details())
    assert layers_match(
        layers=rendering.template_layers(template).render(context),
        whole=rendering.compile_template(template).render(Context(context)),
        css=template.css,
    )
    pdf = rendering.certificate_pdf_bytes(certificate=certificate, template=template, register_details=_details())
    assert _words(pdf) == _words(_single_document(certificate, template))


def test_the_stored_pdf_of_the_default_template_has_every_field(certificate):
    with certificate.pdf.open("rb") as stored:
        text = " ".join(_words(stored.read()).elements())
    for expected in ("Nguyễn", "Nhung", "0001/2026/GCN-STP", certificate.code, "GIẤY", "Kết", "90%"):
        assert expected in text
    assert COURSE_TITLE.split()[0] in text
