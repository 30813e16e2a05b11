"""The stored PDF: its text, its QR code (decoded by zbar), its fonts, its size, and that it never changes."""

import datetime as dt
import io
import os
import shutil
import subprocess
import threading

import pytest
from PIL import Image
from pypdf import PdfReader

from certificates import rendering, services
from certificates.models import CertificateTemplate, CourseCertificateSetting
from certificates.selectors import certificate_template_default, register_details_get
from core.pdf import PdfResourceRefused, html_to_pdf, pdf_renderer

from .conftest import COURSE_TITLE, person, quiz_completion

try:
    from pyzbar.pyzbar import decode
except (ImportError, OSError):
    # pyzbar, or the libzbar0 it loads with ctypes, is missing (ImportError) or broken (OSError):
    # only the QR decoding tests are skipped, collection goes on.
    decode = None

pytestmark = pytest.mark.django_db
needs_zbar = pytest.mark.skipif(decode is None, reason="pyzbar and libzbar0 (the QR decoder) not installed")


@pytest.fixture
def certificate(completion):
    return services.certificate_issue_for_completion(completion_id=completion.pk)


def _stored(certificate) -> bytes:
    with certificate.pdf.open("rb") as pdf:
        return pdf.read()


def _text(pdf: bytes) -> str:
    return " ".join((page.extract_text() or "") for page in PdfReader(io.BytesIO(pdf)).pages)


def test_pdf_text_has_the_holder_with_diacritics_the_serial_and_the_course(certificate):
    pdf = _stored(certificate)
    text = " ".join(_text(pdf).split())
    reader = PdfReader(io.BytesIO(pdf))

    assert len(reader.pages) == 1
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (842, 595)  # A4 landscape, in points
    for expected in (
        "Nguyễn Thị Hồng Nhung",
        "0001/2026/GCN-STP",
        COURSE_TITLE,
        "GIẤY CHỨNG NHẬN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "GIÁM ĐỐC SỞ TƯ PHÁP TỈNH ĐỒNG NAI chứng nhận:",
        "Ngày sinh: 05/03/1988",
        "Chuyên viên chính, Tổ Tổng hợp",
        "Hình thức: trực tuyến",
        "Kết quả: 90%",
        f"Đồng Nai, ngày {certificate.issued_on:%d} tháng",
        "Phạm Thị Bích Thủy",
        f"Số hiệu: {certificate.code}",
        "Số vào sổ cấp: 0001/2026/GCN-STP",
    ):
        assert expected in text, expected
    assert certificate.pdf_sha256 and len(pdf) < 150_000


def _resources(resources) -> list:
    """These resources and those of every form XObject they use."""
    found = [resources]
    for xobject in resources.get("/XObject", {}).values():
        xobject = xobject.get_object()
        if xobject["/Subtype"] == "/Form":
            found += _resources(xobject["/Resources"].get_object())
    return found


def test_only_the_shipped_fonts_are_embedded(certificate):
    reader = PdfReader(io.BytesIO(_stored(certificate)))
    names = []
    for resources in _resources(reader.pages[0]["/Resources"]):
        for font in resources.get("/Font", {}).values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            assert descriptor["/FontFile2"].get_object().get_data()  # embedded, not referenced
            names.append(str(font["/BaseFont"]))
    assert reader.pages[0]["/Resources"]["/Font"]  # the page's own text (the holder) too
    assert names and all("LantoaSerif" in name for name in names), names


def _qr_from_embedded_image(pdf: bytes) -> list[str]:
    images = PdfReader(io.BytesIO(pdf)).pages[0].images
    decoded = []
    for image in images:
        picture = Image.open(io.BytesIO(image.data)).convert("L")
        big = picture.resize((picture.width * 4, picture.height * 4), Image.NEAREST)
        decoded += [symbol.data.decode() for symbol in decode(big)]
    return decoded


@needs_zbar
def test_qr_decodes_to_the_verify_url_which_shows_the_holder(certificate, client):
    url = f"https://lantoa.example.gov.vn/verify/{certificate.code}/"

    assert _qr_from_embedded_image(_stored(certificate)) == [url]
    response = client.get(url.removeprefix("https://lantoa.example.gov.vn"))
    assert response.status_code == 200
    assert "Nguyễn Thị Hồng Nhung" in response.content.decode()


@needs_zbar
@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) not installed")
def test_qr_decodes_from_the_printed_page(certificate, tmp_path):
    """The whole page rasterised as a printer would see it, then zbar on the picture."""
    pdf_path = tmp_path / "gcn.pdf"
    pdf_path.write_bytes(_stored(certificate))
    subprocess.run(["pdftoppm", "-r", "300", "-png", "-singlefile", pdf_path, tmp_path / "page"], check=True)
    symbols = decode(Image.open(tmp_path / "page.png"))
    assert [symbol.data.decode() for symbol in symbols] == [f"https://lantoa.example.gov.vn/verify/{certificate.code}/"]


def test_two_renders_are_byte_identical(certificate):
    assert services.certificate_pdf_render(certificate=certificate) == services.certificate_pdf_render(
        certificate=certificate
    )
    assert services.certificate_pdf_render(certificate=certificate) == _stored(certificate)


def test_bytes_do_not_depend_on_what_was_rendered_before(tree, version, certificate):
    other = services.certificate_issue_for_completion(
        completion_id=quiz_completion(staff=person(tree["vp"], name="Trần Văn Đạt"), version=version).pk
    )
    first = services.certificate_pdf_render(certificate=certificate)
    services.certificate_pdf_render(certificate=other)
    again = services.certificate_pdf_render(certificate=certificate)

    assert first == again
    assert "Trần Văn Đạt" not in _text(first)


def _render_in_another_thread(certificate, template, details) -> tuple[bytes, bool]:
    """What a fresh thread (its own renderer, nothing kept from this one) renders."""
    found = {}

    def render():
        found["renderer_is_new"] = pdf_renderer() is not parent_renderer
        found["pdf"] = rendering.certificate_pdf_bytes(
            certificate=certificate, template=template, register_details=details
        )

    parent_renderer = pdf_renderer()
    thread = threading.Thread(target=render)
    thread.start()
    thread.join()
    return found["pdf"], found["renderer_is_new"]


def test_a_fresh_renderer_in_another_thread_renders_the_same_bytes(certificate):
    template, details = certificate_template_default(), register_details_get()
    certificate.staff  # noqa: B018 - loaded here: the thread needs no database
    here = rendering.certificate_pdf_bytes(certificate=certificate, template=template, register_details=details)

    there, renderer_is_new = _render_in_another_thread(certificate, template, details)

    assert renderer_is_new
    assert there == here == _stored(certificate)


def test_a_forked_worker_renders_the_same_bytes(certificate):
    """Celery prefork and gunicorn fork after the parent may have rendered: the child makes its own renderer."""
    template, details = certificate_template_default(), register_details_get()
    certificate.staff  # noqa: B018 - loaded before the fork, so the child needs no database
    parent = rendering.certificate_pdf_bytes(certificate=certificate, template=template, register_details=details)
    parent_renderer = pdf_renderer()
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        try:
            renderer_is_new = pdf_renderer() is not parent_renderer
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


def test_template_edit_after_issue_leaves_the_stored_pdf_unchanged(certificate, course):
    before = _stored(certificate)
    template = certificate_template_default()
    template.html = template.html.replace("GIẤY CHỨNG NHẬN", "CHỨNG NHẬN ĐÃ SỬA")
    template.css += "\nh1 { color: #000; }"
    template.save()

    certificate.refresh_from_db()
    assert _stored(certificate) == before
    assert "CHỨNG NHẬN ĐÃ SỬA" in _text(services.certificate_pdf_render(certificate=certificate))
    assert "CHỨNG NHẬN ĐÃ SỬA" not in _text(before)


def test_a_course_template_is_used_for_that_course(holder, version, completion):
    template = CertificateTemplate.objects.create(
        name="Mẫu riêng", html="<p>Chứng nhận riêng {{ holder.name }} — {{ serial }}</p>", css="p { font-weight: bold }"
    )
    CourseCertificateSetting.objects.create(course=version.course, template=template)

    certificate = services.certificate_issue_for_completion(completion_id=completion.pk)

    assert "Chứng nhận riêng Nguyễn Thị Hồng Nhung — 0001/2026/GCN-STP" in _text(_stored(certificate))
    assert certificate.template == template


@pytest.mark.parametrize(
    "reference",
    [
        '<img src="http://127.0.0.1:9/x.png">',
        '<img src="file:///etc/passwd">',
        '<img src="/static/../../config/settings/base.py">',
        '<img src="/media/certificates/2026/0001-2026-GCN-STP.pdf">',
        '<img src="https://static.lantoa.invalid/static/nope.png">',
        '<link rel="stylesheet" href="https://example.com/x.css">',
    ],
)
def test_the_url_fetcher_refuses_anything_but_static_files(reference):
    with pytest.raises(PdfResourceRefused):
        html_to_pdf(body_html=f"<p>x</p>{reference}", document_date=dt.date(2026, 6, 5))


def test_the_url_fetcher_serves_static_files_and_data_uris():
    pdf = html_to_pdf(
        body_html='<p>Ảnh</p><img src="/static/fonts/OFL.txt" alt="">'
        '<img src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7">',
        css='@import url("/static/css/lantoa.css");',
        document_date=dt.date(2026, 6, 5),
    )
    assert pdf.startswith(b"%PDF")
