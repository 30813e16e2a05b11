"""Certificate PDFs: WeasyPrint's default path against ours, on the same certificates, in one run.

- **Default path**: for each certificate, the page (default template, Django-rendered from
  the same context) with a `<style>` holding the `@font-face` rules and the template CSS,
  then `HTML(string=…, base_url=…).write_pdf()`: WeasyPrint parses the CSS, registers the
  fonts with fontconfig and subsets them again for every document. Measured twice: with the
  fonts as distributed (Tinos 1.33 from fonts-croscore, ~540 KB a face) when they are on the
  machine, and with the fonts the project ships (prepared once for Vietnamese).
- **Ours, one document**: the same page through `core.pdf.html_to_pdf` (one `FontConfiguration`,
  fetcher and parsed stylesheets per thread, the prepared fonts), the layers not used.
- **Ours**: `certificates.rendering.certificate_pdf_bytes`, what issuing runs: the same, plus
  the template's layers (see NOTES below and `core.pdf.layers_to_pdf`).

All paths render the same certificates interleaved (each certificate by every path in turn,
the order reversed every other certificate), after one warm-up render each. No database: the
certificates are unsaved model instances. Prints wall seconds per certificate (mean and
median), the median CPU seconds of the process, the ratios, and PDF sizes; the last render of
ours is checked byte-identical to a second render. `--results` also writes the table to
benchmarks/results.md.

    .venv/bin/python benchmarks/certificates_render.py [--count 200] [--results]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

import _common

REPO = Path(__file__).resolve().parents[1]
ORIGINAL_FONTS = Path("/usr/share/fonts/truetype/croscore")
FIRST_NAMES = ["Nguyễn Thị Hồng", "Trần Văn", "Lê Minh", "Phạm Thị Bích", "Hoàng Đức", "Võ Thị Ngọc", "Đặng Quốc"]
GIVEN_NAMES = ["Nhung", "Đạt", "Thủy", "Hương", "Khải", "Ánh", "Dũng", "Yến", "Lộc", "Trường"]
UNITS = [
    "Văn phòng Sở",
    "Phòng Phổ biến, giáo dục pháp luật",
    "Trung tâm Trợ giúp pháp lý nhà nước tỉnh Đồng Nai",
    "Phòng Công chứng số 1",
]


def _setup() -> None:
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()


def _certificates(count: int) -> list:
    from certificates.models import Certificate
    from certificates.services import certificate_code_new, serial_format
    from orgchart.models import Staff

    certificates = []
    for number in range(1, count + 1):
        name = f"{FIRST_NAMES[number % len(FIRST_NAMES)]} {GIVEN_NAMES[number % len(GIVEN_NAMES)]}"
        staff = Staff(full_name=name, code=f"CB{number:05d}", date_of_birth=dt.date(1980 + number % 20, 3, 5))
        certificates.append(
            Certificate(
                staff=staff,
                year=2026,
                number=number,
                serial=serial_format(number=number, year=2026, suffix="GCN-STP"),
                code=certificate_code_new(),
                issued_on=dt.date(2026, 6, 5),
                holder_name=name,
                unit_name=UNITS[number % len(UNITS)],
                position="Chuyên viên",
                course_title="Quán triệt Nghị quyết 57-NQ/TW về đột phá phát triển khoa học, công nghệ, "
                "đổi mới sáng tạo và chuyển đổi số quốc gia",
                completed_on=dt.date(2026, 6, 1),
                form="trực tuyến",
                result=f"{Decimal(80 + number % 21)}%",
                signer_name="Phạm Thị Bích Thủy",
                signer_title="GIÁM ĐỐC",
            )
        )
    return certificates


def _default_renderer(template, details, *, font_dir: Path):
    """WeasyPrint as documented: one self-contained HTML string per certificate, `write_pdf()`."""
    from django.template import Context
    from weasyprint import HTML

    from certificates.rendering import certificate_context, compile_template
    from core.pdf import FONT_FAMILY, FONT_FILES

    faces = "\n".join(
        f"@font-face {{ font-family: '{FONT_FAMILY}'; src: url('{Path(path).name}'); "
        f"font-style: {style}; font-weight: {weight}; }}"
        for (style, weight), path in FONT_FILES.items()
    )

    def render(certificate) -> bytes:
        body = compile_template(template).render(
            Context(certificate_context(certificate=certificate, register_details=details))
        )
        stamp = f"{certificate.issued_on.isoformat()}T00:00:00+07:00"
        page = (
            f'<!doctype html><html lang=vi><head><meta charset="utf-8">'
            f'<meta name="dcterms.created" content="{stamp}"><meta name="dcterms.modified" content="{stamp}">'
            f"<style>{faces}\n{template.css}</style></head><body>{body}</body></html>"
        )
        return HTML(string=page, base_url=font_dir.as_uri() + "/").write_pdf()

    return render


def _one_document_renderer(template, details):
    """Ours without the layers: the whole page as one document, through the same shared renderer."""
    from django.template import Context

    from certificates.rendering import certificate_context, compile_template
    from core.pdf import html_to_pdf

    def render(certificate) -> bytes:
        body = compile_template(template).render(
            Context(certificate_context(certificate=certificate, register_details=details))
        )
        return html_to_pdf(
            body_html=body,
            css=template.css,
            document_date=certificate.issued_on,
            title=f"Giấy chứng nhận {certificate.serial}",
        )

    return render


def _our_renderer(template, details):
    from certificates.rendering import certificate_pdf_bytes

    def render(certificate) -> bytes:
        return certificate_pdf_bytes(certificate=certificate, template=template, register_details=details)

    return render


def measure(count: int = 200) -> list[tuple[str, float, float, float, list[int]]]:
    """Each certificate rendered by every path in turn (interleaved, so a busy machine slows all paths alike).

    Returns (label, total seconds ÷ count, median seconds, median CPU seconds of the process, sizes) per
    path, ours last. CPU time is what a busy machine disturbs least (it leaves out time spent waiting
    for a core), so its ratio is the steadier one.
    """
    _setup()
    from certificates.defaults import REGISTER_DEFAULTS, default_template_css, default_template_html
    from certificates.models import CertificateTemplate

    template = CertificateTemplate(name="default", html=default_template_html(), css=default_template_css())
    details = {key: REGISTER_DEFAULTS[key] for key in ("parent_agency", "agency", "certifier", "place")}
    certificates = _certificates(count)
    paths = []
    if (ORIGINAL_FONTS / "Tinos-Regular.ttf").exists():
        paths.append(
            (
                "WeasyPrint default path, Tinos as distributed (~540 KB a face)",
                _default_renderer(template, details, font_dir=ORIGINAL_FONTS),
            )
        )
    paths.append(
        (
            "WeasyPrint default path, the shipped fonts",
            _default_renderer(template, details, font_dir=REPO / "static" / "fonts"),
        )
    )
    paths.append(
        ("Lan Tỏa, one document (shared renderer, layers not used)", _one_document_renderer(template, details))
    )
    paths.append(("Lan Tỏa (`certificate_pdf_bytes`, layers)", _our_renderer(template, details)))

    for _label, render in paths:  # warm-up outside the timings: imports, fontconfig's first scan
        render(certificates[0])
    timings: dict[str, list[float]] = {label: [] for label, _render in paths}
    cpu: dict[str, list[float]] = {label: [] for label, _render in paths}
    sizes: dict[str, list[int]] = {label: [] for label, _render in paths}
    last: dict[str, bytes] = {}
    for index, certificate in enumerate(certificates):
        order = paths if index % 2 == 0 else list(reversed(paths))
        for label, render in order:
            start, start_cpu = time.perf_counter(), time.process_time()
            pdf = render(certificate)
            timings[label].append(time.perf_counter() - start)
            cpu[label].append(time.process_time() - start_cpu)
            sizes[label].append(len(pdf))
            last[label] = pdf
    ours_label, ours = paths[-1]
    assert ours(certificates[-1]) == last[ours_label], "two renders of the same certificate differ"
    return [
        (
            label,
            sum(timings[label]) / count,
            statistics.median(timings[label]),
            statistics.median(cpu[label]),
            sizes[label],
        )
        for label, _r in paths
    ]


def table(rows: list[tuple[str, float, float, float, list[int]]], count: int) -> str:
    ours_mean, ours_median, ours_cpu = rows[-1][1], rows[-1][2], rows[-1][3]
    lines = [
        f"{count} certificates (A4 landscape, one page, QR code, 3 font faces), each rendered by every path in "
        "turn in one process.",
        "",
        "| path | s / certificate (mean) | median | CPU s (median) | certificates / s | ratio of means "
        "(path ÷ ours) | ratio of medians | ratio of CPU medians | PDF size median (KB) | max (KB) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, mean, median, cpu, sizes in rows:
        lines.append(
            f"| {label} | {mean:.4f} | {median:.4f} | {cpu:.4f} | {1 / mean:.1f} | {mean / ours_mean:.2f}× "
            f"| {median / ours_median:.2f}× | {cpu / ours_cpu:.2f}× | {statistics.median(sizes) / 1024:.1f} "
            f"| {max(sizes) / 1024:.1f} |"
        )
    return "\n".join(lines)


NOTES = """**How ours is fast.** Per thread: one font configuration, URL fetcher and parsed stylesheets; fonts
prepared once (Tinos subset to Latin + Vietnamese, no hinting: `core.pdf.font_prepare`). Per template: the page
is split into layers, each top-level `{% block %}` of the template one layer and the rest of the page another
(`certificates.rendering.template_layers`). Each layer is laid out on its own and cached by its HTML; layers
before the last are also kept painted as PDF objects ready to copy (a form XObject with its own font subsets,
streams compressed once), so for each certificate WeasyPrint lays out, paints and subsets only the last layer, the
holder's lines and QR code (`core.pdf.layers_to_pdf`), then writes ONE one-page PDF. The split is used only when it
draws exactly what the template draws as one document, checked once per template and process on two made-up
certificates (same drawn boxes, bookmarks and links, the same drawing operations in the same order in the written
PDF: `core.pdf.layers_match`); otherwise the certificate is rendered as one document. Also: WeasyPrint's per-document
compilation of four selectors is done once per process, and layers above the page are laid out without page margin
boxes (never painted). Two renders of one certificate are byte-identical, in one process, after other certificates
were cached, in a fresh renderer and in a forked child (tests in `tests/certificates/test_rendering_layers.py`).

**Reading the table.** The default path is `HTML(string=…).write_pdf()` on the same HTML with the `@font-face`
rules pointing at the fonts as distributed (first row) or as shipped (second row): that is the issue's baseline. The
third row is ours without the layers (the whole page as one document through the shared renderer). PDFs are larger
with layers (each ready-painted layer carries its own font subsets) and far below the 150 KB limit. The mean of
ours includes the first render of each new "course" layer: the benchmark's results run over 21 values (80–100 %),
and each new value lays out and paints that layer once. CPU time (`time.process_time`) is the steadier ratio on a
shared machine; on this 2-core machine other engineers' test runs made the load vary between 1 and 6, and ratios
drop under load (interleaving keeps both paths equally disturbed, but not equally: the default path is mostly C in
fontconfig and HarfBuzz, ours mostly Python).

**Before** (commit 8389f85, one document per certificate, lighter template with floats; same benchmark, 200
certificates, three rounds at load about 2, interleaved with the rounds of the table above): median s/certificate,
default path (distributed fonts) 0.0453–0.0486, ours 0.0266–0.0274; ratio of medians 1.70–1.77×, of means
1.41–1.76×. Steps measured on
this branch (median CPU per certificate in steady state, one process): one document 22.7 ms → layers painted
into one page 12.8 ms → earlier layers as ready-made forms 11.3 ms → no margin boxes for upper layers 10.6 ms
(A/B in one process: −0.8 ms)."""


def _write_results(text: str) -> None:
    start, end = "<!-- certificates_render:start -->", "<!-- certificates_render:end -->"
    machine = (
        f"Machine: {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %z}; nproc {os.cpu_count()}; "
        f"load average at the end {os.getloadavg()[0]:.1f}; "
        f"Python {platform.python_version()}; WeasyPrint {__import__('weasyprint').__version__}."
    )
    section = (
        f"{start}\n## Certificate PDFs (`benchmarks/certificates_render.py`)\n\n{machine}\n\n{text}\n\n{NOTES}\n{end}"
    )
    _common.results_write(section, start=start, end=end)


def run(count: int = 200, results: bool = False) -> str:
    text = table(measure(count), count)
    if results:
        _write_results(text)
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--results", action="store_true", help="also write the table to benchmarks/results.md")
    options = parser.parse_args()
    print(run(options.count, options.results))


if __name__ == "__main__":
    main()
