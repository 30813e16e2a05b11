"""PDF rendering through WeasyPrint's public API, with the project's own fonts and nothing else.

What every PDF of the project (certificates, the semiannual report) needs:

- **Fonts shipped with the project** (`static/fonts/`, Tinos subset to Latin + Vietnamese,
  see `font_prepare`), declared by `font_faces_css()` under the family `LantoaSerif`, a name
  no system font has, so fontconfig can never substitute the machine's own fonts. WeasyPrint
  embeds only the glyphs a document uses (`full_fonts=False`) and no hinting
  (`hinting=False`), its defaults; a 47 KB prepared face makes that subsetting cheap.
- **A URL fetcher that reads nothing but the project's static files** (`StaticOnlyURLFetcher`,
  a `weasyprint.urls.URLFetcher` as WeasyPrint's "URL Fetchers" documentation describes):
  templates edited by the Office may reference `{% static %}` files (or relative paths under
  `STATIC_URL`) and `data:` URIs; any other URL (http, file, another host) stops the rendering
  (`FatalURLFetchingError`, the one error WeasyPrint lets through), and callers get
  `PdfResourceRefused`.
- **One renderer per thread** (`pdf_renderer`): a `FontConfiguration` with the fonts
  registered, the fetcher and the parsed stylesheets are kept for the life of the thread (a
  Celery worker renders thousands of documents with them) instead of being rebuilt for each
  document; WeasyPrint's `FontConfiguration` is not thread-safe, and Pango's state does not
  survive a fork, hence one per thread and process.
- **The same bytes for the same input**: callers pass the document's date, which becomes the
  PDF's creation and modification dates (`<meta name="dcterms.created">`); WeasyPrint writes no
  file identifier (`pdf_identifier` unset) and no current time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import mimetypes
import os
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

# A host that can never resolve (RFC 2606): relative URLs in templates are joined to it,
# and the fetcher answers for it from the static files without any network access.
STATIC_ORIGIN = "https://static.lantoa.invalid"
FONT_FAMILY = "LantoaSerif"
FONT_FILES = {
    ("normal", 400): "fonts/Tinos-Regular.ttf",
    ("normal", 700): "fonts/Tinos-Bold.ttf",
    ("italic", 400): "fonts/Tinos-Italic.ttf",
    ("italic", 700): "fonts/Tinos-BoldItalic.ttf",
}
# Basic Latin, Latin-1, Latin Extended-A, Vietnamese (ơ ư and the precomposed tones),
# combining marks, spacing modifiers, general punctuation, the đồng and euro signs, arrows.
VIETNAMESE_UNICODES: tuple[tuple[int, int], ...] = (
    (0x0020, 0x007E),
    (0x00A0, 0x017F),
    (0x01A0, 0x01A1),
    (0x01AF, 0x01B0),
    (0x02BB, 0x02DD),
    (0x0300, 0x0323),
    (0x1EA0, 0x1EF9),
    (0x2000, 0x206F),
    (0x20AB, 0x20AC),
    (0x2122, 0x2122),
    (0x2190, 0x2193),
    (0x2212, 0x2212),
)
STYLESHEETS_KEPT = 64  # parsed stylesheets per thread: a few templates' CSS, the report's


def static_base_url() -> str:
    """The base URL documents are rendered against: relative and `{% static %}` URLs land on it."""
    return f"{STATIC_ORIGIN}{settings.STATIC_URL}"


def font_faces_css(base_url: str | None = None) -> str:
    """The `@font-face` rules of the shipped fonts, their files relative to `base_url` (the static files by default)."""
    base_url = static_base_url() if base_url is None else base_url
    return "\n".join(
        f"@font-face {{ font-family: '{FONT_FAMILY}'; src: url('{base_url}{path}');"
        f" font-style: {style}; font-weight: {weight}; }}"
        for (style, weight), path in FONT_FILES.items()
    )


class ForbiddenResource(FatalURLFetchingError):
    """A document asked for something other than the project's static files; rendering stops.

    WeasyPrint catches every other error of a fetcher (and renders without the resource);
    `PdfRenderer.render` turns this one into `PdfResourceRefused` for callers.
    """


class PdfResourceRefused(ValueError):
    """The document (an Office template, say) refers to a file or URL that is not one of the project's static files."""


class StaticOnlyURLFetcher(URLFetcher):
    """Serves the project's static files (through the staticfiles finders) and `data:` URIs; refuses the rest.

    File contents are kept in memory: fonts are read from disk once per process.
    """

    def __init__(self) -> None:
        super().__init__(timeout=1, allowed_protocols={"https", "data"})
        self.files: dict[str, bytes] = {}

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if url.startswith("data:"):
            # Decoded by urllib's DataHandler: nothing is read from disk or network.
            return super().fetch(url, headers)
        relative = self.static_path(url)
        if relative not in self.files:
            found = finders.find(relative)
            if not found:
                raise ForbiddenResource(f"No static file {relative!r}")
            self.files[relative] = Path(found).read_bytes()
        content_type = mimetypes.guess_type(relative)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=self.files[relative], headers={"Content-Type": content_type})

    @staticmethod
    def static_path(url: str) -> str:
        """The static file's path under STATIC_URL that `url` names; anything else is refused."""
        base = static_base_url()
        if not url.startswith(base):
            raise ForbiddenResource(f"Only the project's static files may be used in a document, not {url!r}")
        path = unquote(urlsplit(url).path)[len(settings.STATIC_URL) :]
        parts = path.split("/")
        if not path or any(part in ("", ".", "..") or "\\" in part for part in parts):
            raise ForbiddenResource(f"Not a static file path: {url!r}")
        return path


class PdfRenderer:
    """Turns HTML into PDF bytes, keeping the font configuration, fetcher and parsed stylesheets between documents.

    Not thread-safe (WeasyPrint's font configuration is not): use `pdf_renderer()`, one per thread.
    """

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.font_config = FontConfiguration()
        self.url_fetcher = StaticOnlyURLFetcher()
        self.stylesheets: dict[str, CSS] = {}
        self.fonts = self._parse(font_faces_css())

    def _parse(self, css: str) -> CSS:
        return CSS(string=css, base_url=static_base_url(), url_fetcher=self.url_fetcher, font_config=self.font_config)

    def stylesheet(self, css: str) -> CSS:
        """The parsed stylesheet for this CSS text, parsed once (keyed by its hash)."""
        key = hashlib.sha256(css.encode()).hexdigest()
        sheet = self.stylesheets.get(key)
        if sheet is None:
            if len(self.stylesheets) >= STYLESHEETS_KEPT:
                self.stylesheets.clear()
            sheet = self.stylesheets[key] = self._parse(css)
        return sheet

    def render(self, *, body_html: str, css: str = "", document_date: dt.date, title: str = "") -> bytes:
        """A PDF of `body_html` styled by `css` (on top of the project fonts), dated `document_date`.

        `body_html` may be a full document or a fragment; the head this adds carries the
        title and the dates, so the same input gives the same bytes on every machine.
        """
        stamp = f"{document_date.isoformat()}T00:00:00+07:00"
        page = (
            f'<!doctype html><html lang=vi><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f'<meta name="dcterms.created" content="{stamp}"><meta name="dcterms.modified" content="{stamp}">'
            f"</head><body>{body_html}</body></html>"
        )
        try:
            document = HTML(string=page, base_url=static_base_url(), url_fetcher=self.url_fetcher)
            return document.write_pdf(stylesheets=[self.fonts, self.stylesheet(css)], font_config=self.font_config)
        except ForbiddenResource as refused:
            raise PdfResourceRefused(str(refused)) from None


_local = threading.local()


def pdf_renderer() -> PdfRenderer:
    """This thread's renderer, created on first use (and again in a forked child: Pango's state is per process)."""
    renderer = getattr(_local, "renderer", None)
    if renderer is None or renderer.pid != os.getpid():
        renderer = _local.renderer = PdfRenderer()
    return renderer


def html_to_pdf(*, body_html: str, css: str = "", document_date: dt.date, title: str = "") -> bytes:
    """Render with this thread's renderer (see `PdfRenderer.render`)."""
    return pdf_renderer().render(body_html=body_html, css=css, document_date=document_date, title=title)


def font_prepare(*, source: Path, target: Path) -> int:
    """Subset a TrueType font to `VIETNAMESE_UNICODES`, without hinting; returns the new size in bytes.

    Run once when fonts change (they are committed under static/fonts/):
        .venv/bin/python -c "from core.pdf import font_prepare_all; font_prepare_all()"
    Layout features (kerning, mark positioning) are kept for shaping; WeasyPrint drops them
    from the copy it embeds.
    """
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.hinting = False
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.glyph_names = False
    options.drop_tables += ["DSIG"]
    font = TTFont(source, recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[code for start, end in VIETNAMESE_UNICODES for code in range(start, end + 1)])
    subsetter.subset(font)
    font.save(target)
    return target.stat().st_size


def font_prepare_all(source_dir: Path = Path("/usr/share/fonts/truetype/croscore")) -> None:
    target_dir = Path(__file__).resolve().parents[1] / "static"
    for path in FONT_FILES.values():
        name = Path(path).name
        print(name, font_prepare(source=source_dir / name, target=target_dir / path))
