"""Certificate PDFs: render time per PDF on WeasyPrint's default path, on this tree, and on another tree, in one run.

1. **WeasyPrint's default path**: the default template rendered by Django from the same
   context, in a page whose `<style>` holds the `@font-face` rules of the shipped fonts (as
   `file://` URLs) and the template's CSS, then `HTML(string=…, base_url=…).write_pdf()` with
   WeasyPrint's default options: no shared font configuration, fetcher or parsed stylesheets.
2. **This tree**: `certificates.rendering.certificate_pdf_bytes`, what issuing runs.
3. **Another tree** (`--tree PATH`, e.g. a checkout from before a change): the same function
   of that checkout (its working directory and `sys.path` its own).

Each path runs in its own process (Django set up with the test settings: one certificate,
an unsaved model instance with the same holder data for every path, so no database and no
Redis), driven over a pipe: `--warmup` renders each, then `--count` renders each in batches
of `--batch` taking turns (the order rotating), so a busy machine slows every path alike.
Prints the median wall and CPU seconds per PDF, each as a ratio to the default path, and
checks that every render of this tree gave the same bytes. `--results` also writes the
table to benchmarks/results.md.

    .venv/bin/python benchmarks/certificates_render.py [--count 50] [--tree ../before] [--results]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import _common

REPO = Path(__file__).resolve().parents[1]
HERE = str(Path(__file__).resolve().parent)
DEFAULT_PATH = "WeasyPrint's default path (`HTML(string=…).write_pdf()`)"
THIS_TREE = "Lan Tỏa, this tree (`certificate_pdf_bytes`)"


def _setup(tree: Path) -> None:
    """Django set up from `tree` alone (its `config`, its apps), with the test settings: no Redis, no database use."""
    sys.path[:] = [str(tree)] + [entry for entry in sys.path if entry not in (HERE, str(tree))]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()


def _certificate_and_template():
    """The certificate every path renders (same holder data), the default template and the register's details."""
    from certificates.defaults import REGISTER_DEFAULTS, default_template_css, default_template_html
    from certificates.models import Certificate, CertificateTemplate
    from orgchart.models import Staff

    name = "Nguyễn Thị Hồng Nhung"
    certificate = Certificate(
        staff=Staff(full_name=name, code="CB00001", date_of_birth=dt.date(1988, 3, 5)),
        year=2026,
        number=1,
        serial="0001/2026/GCN-STP",
        code="ABCDEFGHIJKLMNOP",
        issued_on=dt.date(2026, 6, 5),
        holder_name=name,
        unit_name="Trung tâm Trợ giúp pháp lý nhà nước tỉnh Đồng Nai",
        position="Chuyên viên chính",
        course_title="Quán triệt Nghị quyết 57-NQ/TW về đột phá phát triển khoa học, công nghệ, "
        "đổi mới sáng tạo và chuyển đổi số quốc gia",
        completed_on=dt.date(2026, 6, 1),
        form="trực tuyến",
        result="90%",
        signer_name="Phạm Thị Bích Thủy",
        signer_title="GIÁM ĐỐC",
    )
    template = CertificateTemplate(name="default", html=default_template_html(), css=default_template_css())
    details = {key: REGISTER_DEFAULTS[key] for key in ("parent_agency", "agency", "certifier", "place")}
    return certificate, template, details


def _tree_renderer() -> Callable[[], bytes]:
    from certificates.rendering import certificate_pdf_bytes

    certificate, template, details = _certificate_and_template()
    return lambda: certificate_pdf_bytes(certificate=certificate, template=template, register_details=details)


def _default_renderer() -> Callable[[], bytes]:
    """WeasyPrint as documented: one self-contained HTML string per certificate, `write_pdf()` with its defaults."""
    from django.template import Context
    from weasyprint import HTML

    from certificates.rendering import certificate_context, compile_template
    from core.pdf import font_faces_css

    certificate, template, details = _certificate_and_template()
    faces = font_faces_css(base_url=(REPO / "static").as_uri() + "/")

    def render() -> bytes:
        body = compile_template(template).render(
            Context(certificate_context(certificate=certificate, register_details=details))
        )
        stamp = f"{certificate.issued_on.isoformat()}T00:00:00+07:00"
        page = (
            f'<!doctype html><html lang=vi><head><meta charset="utf-8"><title>Giấy chứng nhận {certificate.serial}'
            f'</title><meta name="dcterms.created" content="{stamp}"><meta name="dcterms.modified" content="{stamp}">'
            f"<style>{faces}\n{template.css}</style></head><body>{body}</body></html>"
        )
        return HTML(string=page, base_url=(REPO / "static").as_uri() + "/").write_pdf()

    return render


def _timed(render: Callable[[], bytes], times: int) -> dict:
    """`times` renders: the wall and CPU seconds of each, the size of the last PDF, the SHA-256 of each distinct PDF."""
    wall, cpu, digests, size = [], [], set(), 0
    for _ in range(times):
        start, start_cpu = time.perf_counter(), time.process_time()
        pdf = render()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        size = len(pdf)
        digests.add(hashlib.sha256(pdf).hexdigest())
    return {"wall": wall, "cpu": cpu, "size": size, "digests": sorted(digests)}


class _Path:
    """One path in its own process (`--worker`): a line "N" in, the timings of N renders out as a JSON line.

    Own processes, because the default path leaves state behind in the process that runs it
    (a font configuration per document, registered with fontconfig and Pango): in a shared
    process, the next path's renders take a fifth longer.
    """

    def __init__(self, label: str, kind: str, tree: Path) -> None:
        self.label = label
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--worker", kind, "--tree", str(tree)],
            cwd=tree,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={key: value for key, value in os.environ.items() if key != "PYTHONPATH"},
        )

    def __call__(self, times: int) -> dict:
        self.process.stdin.write(f"{times}\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"{self.label}: the renderer exited with {self.process.wait()}")
        return json.loads(line)

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=60)


def _worker(kind: str, tree: Path) -> None:
    _setup(tree)
    render = _default_renderer() if kind == "default" else _tree_renderer()
    for line in sys.stdin:
        print(json.dumps(_timed(render, int(line))), flush=True)


def measure(*, count: int = 50, warmup: int = 5, batch: int = 5, tree: Path | None = None) -> list[tuple[str, dict]]:
    """Per path, the timings of `count` renders after `warmup`, in batches taking turns; the default path first."""
    paths = [_Path(DEFAULT_PATH, "default", REPO), _Path(THIS_TREE, "tree", REPO)]
    if tree is not None:
        paths.append(_Path(f"Before: `{tree}` (`certificate_pdf_bytes` of that tree)", "tree", tree))
    try:
        for path in paths:
            path(warmup)
        found = {path.label: {"wall": [], "cpu": [], "size": 0, "digests": set()} for path in paths}
        for index in range(-(-count // batch)):
            shift = index % len(paths)
            for path in paths[shift:] + paths[:shift]:
                timings = path(min(batch, count - index * batch))
                found[path.label]["wall"] += timings["wall"]
                found[path.label]["cpu"] += timings["cpu"]
                found[path.label]["size"] = timings["size"]
                found[path.label]["digests"].update(timings["digests"])
    finally:
        for path in paths:
            path.close()
    assert len(found[THIS_TREE]["digests"]) == 1, "renders of the same certificate differ"
    return [(path.label, found[path.label]) for path in paths]


def table(rows: list[tuple[str, dict]], count: int) -> str:
    default_wall = statistics.median(rows[0][1]["wall"])
    default_cpu = statistics.median(rows[0][1]["cpu"])
    lines = [
        f"One certificate (A4 landscape, one page, QR code, 3 font faces, the same holder data), rendered {count} "
        "times by each path after a warm-up, in batches taking turns; medians per PDF.",
        "",
        "| path | s / PDF (median) | CPU s / PDF (median) | PDFs / s | time ÷ default path | CPU ÷ default path "
        "| PDF size (KB) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, found in rows:
        wall, cpu = statistics.median(found["wall"]), statistics.median(found["cpu"])
        lines.append(
            f"| {label} | {wall:.4f} | {cpu:.4f} | {1 / wall:.1f} | {wall / default_wall:.2f}× "
            f"| {cpu / default_cpu:.2f}× | {found['size'] / 1024:.1f} |"
        )
    return "\n".join(lines)


NOTES = """**The paths.** The default path is `HTML(string=…, base_url=…).write_pdf()` with WeasyPrint's default options
on the same page (the default template rendered by Django from the same context, the `@font-face` rules of the shipped
fonts and the template's CSS in a `<style>`): WeasyPrint builds a font configuration, registers the fonts with
fontconfig, parses the CSS and fetches the fonts again for every document. This tree renders the same page through
WeasyPrint's public API with one `FontConfiguration`, static-only URL fetcher and parsed stylesheets kept per thread
(`core.pdf`). Both use the fonts the project ships (Tinos subset to Latin + Vietnamese once, `core.pdf.font_prepare`),
so WeasyPrint's per-document subsetting works on a 47 KB face. The "before" row is the code before issue 10
(`certificates.rendering.certificate_pdf_bytes` of that checkout, run in its own process): layered rendering, each
top-level block laid out alone and cached, the layers before the last painted once as PDF form XObjects and copied into
each PDF, through WeasyPrint internals (a monkeypatched `make_margin_boxes`, `_page_box`, objects renumbered by regex).
Its PDFs are larger (each ready-painted layer carries its own font subsets). Ratios are time ÷ the default path's, so
below 1× is faster. CPU time (`time.process_time`, each process its own) is the steadier figure on a shared machine."""


def _write_results(text: str) -> None:
    start, end = "<!-- certificates_render:start -->", "<!-- certificates_render:end -->"
    machine = (
        f"Machine: {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %z}; nproc {_common.nproc_text()}; "
        f"load average at the end {os.getloadavg()[0]:.1f}; "
        f"Python {platform.python_version()}; WeasyPrint {__import__('weasyprint').__version__}."
    )
    section = (
        f"{start}\n## Certificate PDFs (`benchmarks/certificates_render.py`)\n\n{machine}\n\n{text}\n\n{NOTES}\n{end}"
    )
    _common.results_write(section, start=start, end=end)


def run(count: int = 50, results: bool = False, tree: Path | None = None, warmup: int = 5, batch: int = 5) -> str:
    text = table(measure(count=count, warmup=warmup, batch=batch, tree=tree), count)
    if results:
        _write_results(text)
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=50, help="timed renders per path (default 50)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed renders per path first (default 5)")
    parser.add_argument("--batch", type=int, default=5, help="renders per path per turn (default 5)")
    parser.add_argument("--tree", type=Path, help="another checkout (e.g. before a change) to measure in the same run")
    parser.add_argument("--results", action="store_true", help="also write the table to benchmarks/results.md")
    parser.add_argument("--worker", choices=["default", "tree"], help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.worker:
        _worker(options.worker, options.tree.resolve())
        return
    tree = options.tree.resolve() if options.tree else None
    print(run(options.count, options.results, tree, options.warmup, options.batch))


if __name__ == "__main__":
    main()
