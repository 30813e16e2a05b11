"""PDF rendering shared by certificates and reports: WeasyPrint with the project's own fonts and nothing else.

Three things every PDF of the project needs:

- **Fonts shipped with the project** (`static/fonts/`, Tinos subset to Latin + Vietnamese,
  see `font_prepare`), declared by `FONT_FACES_CSS` under the family `LantoaSerif`, a
  name no system font has, so fontconfig can never substitute the machine's own fonts.
- **A URL fetcher that reads nothing but the project's static files** (`StaticOnlyURLFetcher`):
  templates edited by the Office may reference `{% static %}` files (or relative paths
  under `STATIC_URL`) and `data:` URIs; any other URL (http, file, another host) stops the
  rendering with `ForbiddenResource`.
- **Speed without changing the output**: `PdfRenderer` keeps one `FontConfiguration`, one
  fetcher and the parsed stylesheets for the life of the thread (a Celery worker process
  renders thousands of documents with them), and the fonts are prepared once, so
  WeasyPrint's per-document subsetting works on a 47 KB font instead of a 540 KB one.
- **Layers** (`layers_to_pdf`): a page made of independent layers (the first one the page
  itself, the others absolutely positioned boxes) is laid out layer by layer; a layer laid
  out once is reused for every later document with the same layer (cached by its HTML), and
  kept painted as PDF objects ready to copy (a form XObject with its own font subsets, streams
  compressed once). Only the last layer (a certificate holder's lines) is laid out, painted and
  subset for each document; the result is ONE page of ONE PDF. Whether a split really draws
  what the single document does is checked by `layers_match` (boxes, then the written PDF).
- WeasyPrint's per-document compilation of the selectors it queries ("style", "link", "title",
  "meta") is done once per process (`_HTML`).

Output is deterministic: callers pass the document's date, which becomes the PDF's
creation and modification dates (`<meta name="dcterms.created">`); no identifier or
current time is written.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import html
import io
import mimetypes
import os
import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterator, Sequence
from pathlib import Path
from urllib.parse import unquote, urlsplit

import cssselect2
import pydyf
import weasyprint.layout
from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import CSS, DEFAULT_OPTIONS, HTML
from weasyprint.document import Document, Page
from weasyprint.draw import draw_page, draw_stacking_context
from weasyprint.formatting_structure import boxes
from weasyprint.html import get_html_metadata
from weasyprint.layout.absolute import AbsolutePlaceholder
from weasyprint.pdf import generate_pdf
from weasyprint.pdf.metadata import DocumentMetadata
from weasyprint.stacking import StackingContext
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


def static_base_url() -> str:
    """The base URL documents are rendered against: relative and `{% static %}` URLs land on it."""
    return f"{STATIC_ORIGIN}{settings.STATIC_URL}"


def _font_faces_css() -> str:
    rules = []
    for (style, weight), path in FONT_FILES.items():
        rules.append(
            f"@font-face {{ font-family: '{FONT_FAMILY}'; src: url('{static_base_url()}{path}');"
            f" font-style: {style}; font-weight: {weight}; }}"
        )
    return "\n".join(rules)


class ForbiddenResource(FatalURLFetchingError):
    """A document asked for something other than the project's static files; rendering stops.

    WeasyPrint lets only this BaseException through its fetching code; `PdfRenderer.render`
    turns it into `PdfResourceRefused` for callers.
    """


class PdfResourceRefused(ValueError):
    """The document (an Office template, say) refers to a file or URL that is not one of the project's static files."""


class StaticOnlyURLFetcher(URLFetcher):
    """Serves the project's static files (through the staticfiles finders) and `data:` URIs; refuses the rest.

    File contents are kept in memory: fonts are read from disk once per process.
    """

    def __init__(self) -> None:
        super().__init__(timeout=1, allowed_protocols={"https", "data"})
        self._files: dict[str, bytes] = {}

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if url.startswith("data:"):
            # Decoded by urllib's DataHandler: nothing is read from disk or network.
            return super().fetch(url, headers)
        relative = self._static_path(url)
        if relative not in self._files:
            found = finders.find(relative)
            if not found:
                raise ForbiddenResource(f"No static file {relative!r}")
            self._files[relative] = Path(found).read_bytes()
        content_type = mimetypes.guess_type(relative)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=self._files[relative], headers={"Content-Type": content_type})

    @staticmethod
    def _static_path(url: str) -> str:
        base = static_base_url()
        if not url.startswith(base):
            raise ForbiddenResource(f"Only the project's static files may be used in a document, not {url!r}")
        path = unquote(urlsplit(url).path)[len(settings.STATIC_URL) :]
        parts = path.split("/")
        if not path or any(part in ("", ".", "..") or "\\" in part for part in parts):
            raise ForbiddenResource(f"Not a static file path: {url!r}")
        return path


@functools.lru_cache(maxsize=64)
def _compiled_selectors(text: str) -> tuple:
    return tuple(cssselect2.compile_selector_list(text))


class _HTML(HTML):
    """WeasyPrint's `HTML`, except that the selectors WeasyPrint queries every document with ("style",
    "link", "title", "meta") are compiled once per process rather than once per document (cssselect2
    compiles each with `eval`, about 0.1 ms a selector). The same elements are found."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        root = self.wrapper_element

        def query_all(*selectors):
            compiled = [
                each
                for selector in selectors
                for each in (_compiled_selectors(selector) if isinstance(selector, str) else (selector,))
            ]
            return cssselect2.ElementWrapper.query_all(root, *compiled)

        root.query_all = query_all


_make_margin_boxes = weasyprint.layout.make_margin_boxes


def _margin_boxes(context, page, state):
    """WeasyPrint's margin boxes (@top-left …), except for a layer above the page: only its root is painted."""
    if getattr(_local, "root_only", False):
        return ()
    return _make_margin_boxes(context, page, state)


weasyprint.layout.make_margin_boxes = _margin_boxes  # the name `layout_document` calls; nothing else changes


class PdfRenderer:
    """Turns HTML into PDF bytes, reusing the font configuration and parsed stylesheets between documents.

    Not thread-safe (WeasyPrint's font configuration is not): use `pdf_renderer()`, one per thread.
    """

    def __init__(self) -> None:
        self.font_config = FontConfiguration()
        self.url_fetcher = StaticOnlyURLFetcher()
        self._stylesheets: dict[str, CSS] = {}
        self.fonts = self.stylesheet(_font_faces_css())
        self._layers: OrderedDict[tuple[str, bool, str], _Layer | None] = OrderedDict()
        self.pid = os.getpid()
        self._metadata_fields: dict | None = None

    def stylesheet(self, css: str) -> CSS:
        """The parsed stylesheet for this CSS text, parsed once (keyed by its hash)."""
        key = hashlib.sha256(css.encode()).hexdigest()
        sheet = self._stylesheets.get(key)
        if sheet is None:
            if len(self._stylesheets) > 64:
                self._stylesheets.clear()
                self._stylesheets[hashlib.sha256(_font_faces_css().encode()).hexdigest()] = self.fonts
            sheet = CSS(
                string=css, base_url=static_base_url(), url_fetcher=self.url_fetcher, font_config=self.font_config
            )
            self._stylesheets[key] = sheet
        return sheet

    def _head(self, *, document_date: dt.date, title: str) -> str:
        stamp = f"{document_date.isoformat()}T00:00:00+07:00"
        return (
            f'<meta charset="utf-8"><title>{html.escape(title)}</title>'
            f'<meta name="dcterms.created" content="{stamp}">'
            f'<meta name="dcterms.modified" content="{stamp}">'
        )

    def _html(self, *, body_html: str, head: str = "") -> HTML:
        return _HTML(
            string=f"<!doctype html><html lang=vi><head>{head}</head><body>{body_html}</body></html>",
            base_url=static_base_url(),
            url_fetcher=self.url_fetcher,
        )

    def document(self, *, body_html: str, css: str = "", head: str = "") -> Document:
        """`body_html` laid out with `css` on top of the project fonts (not yet written)."""
        try:
            stylesheet = self.stylesheet(css)
            return self._html(body_html=body_html, head=head).render(
                stylesheets=[self.fonts, stylesheet], font_config=self.font_config
            )
        except ForbiddenResource as refused:
            raise PdfResourceRefused(str(refused)) from None

    def render(self, *, body_html: str, css: str = "", document_date: dt.date, title: str = "") -> bytes:
        """A PDF of `body_html` styled by `css` (on top of the project fonts), dated `document_date`.

        `body_html` may be a full document or a fragment; the head this adds carries the
        title and the dates, so the same input gives the same bytes on every machine.
        """
        document = self.document(
            body_html=body_html, css=css, head=self._head(document_date=document_date, title=title)
        )
        try:
            return document.write_pdf()
        except ForbiddenResource as refused:
            raise PdfResourceRefused(str(refused)) from None

    def _metadata(self, *, document_date: dt.date, title: str) -> DocumentMetadata:
        """What WeasyPrint reads from the head `render` writes (read once from such a head, then filled in)."""
        if self._metadata_fields is None:
            head = self._head(document_date=dt.date(2000, 1, 1), title="")
            probe = get_html_metadata(self._html(body_html="", head=head))
            self._metadata_fields = {
                key: value for key, value in probe.items() if key not in ("title", "created", "modified")
            }
        stamp = f"{document_date.isoformat()}T00:00:00+07:00"
        return DocumentMetadata(**self._metadata_fields, title=title, created=stamp, modified=stamp)

    def _layer(self, *, body_html: str, css: str, base: bool, keep: bool = True) -> _Layer | None:
        """A layer laid out (the page if `base`; otherwise only its root element is ever painted, so its
        page's margin boxes are not even made)."""
        key = (hashlib.sha256(css.encode()).hexdigest(), base, body_html)
        if key in self._layers:
            self._layers.move_to_end(key)
            return self._layers[key]
        _local.root_only = not base
        try:
            document = self.document(body_html=body_html, css=css)
        finally:
            _local.root_only = False
        layer = _Layer(document.pages[0]) if len(document.pages) == 1 else None
        if not keep:
            return layer
        self._layers[key] = layer
        if len(self._layers) > LAYER_CACHE_SIZE:
            self._layers.popitem(last=False)
        return layer

    def layer_page(self, *, body_html: str, css: str, base: bool = True) -> Page | None:
        """The laid-out page of one layer (None if it does not fit on one page), cached by its HTML and CSS."""
        layer = self._layer(body_html=body_html, css=css, base=base)
        return None if layer is None else layer.page

    def _form(self, layer: _Layer, *, whole_page: bool) -> _Form:
        """The layer painted once into PDF objects (a form XObject and all it uses), kept with the layer."""
        if layer.form is None:
            page = layer.page if whole_page else _RootOnlyPage(layer.page)
            document = Document([page], DocumentMetadata(), self.url_fetcher, self.font_config, {}, None)
            layer.form = _Form.from_pdf(generate_pdf(document, None, 1, **DEFAULT_OPTIONS))
        return layer.form

    def _layers_document(self, layers: Sequence[_Layer], metadata: DocumentMetadata) -> tuple[Document, list]:
        """The one-page document of `layers`: all but the last as ready-made forms, the last painted into the page."""
        forms = [self._form(layer, whole_page=index == 0) for index, layer in enumerate(layers[:-1])]
        page = _LayeredPage([layer.page for layer in layers], painted_from=len(forms))
        return Document([page], metadata, self.url_fetcher, self.font_config, {}, None), forms

    def layers_to_pdf(
        self, *, layers: Sequence[str], css: str = "", document_date: dt.date, title: str = ""
    ) -> bytes | None:
        """ONE one-page PDF painting `layers` (body fragments) one above the other, or None if one overflows a page.

        The first layer is the page (page box, margin boxes, everything); each later layer
        contributes its root element's content only. Layers already laid out (same HTML and
        CSS) are reused: only new layers cost a layout. All layers but the last are also kept
        painted, as PDF objects ready to copy (a form XObject each, with its own fonts), so that
        only the last layer, the one expected to change with every document, is painted and
        its fonts subset each time. Whether the layers lay out what the single document would
        is the caller's to establish (`layers_match`) before relying on it.
        """
        # The last layer is not kept: it is the one expected to be new every time (a holder's lines).
        last = len(layers) - 1
        found = [
            self._layer(body_html=layer, css=css, base=index == 0, keep=index < last)
            for index, layer in enumerate(layers)
        ]
        if not found or any(layer is None for layer in found):
            return None
        document, forms = self._layers_document(found, self._metadata(document_date=document_date, title=title))
        try:
            return document.write_pdf(finisher=functools.partial(_place_forms, forms))
        except ForbiddenResource as refused:
            raise PdfResourceRefused(str(refused)) from None

    def layers_match(self, *, layers: Sequence[str], whole: str, css: str = "") -> bool:
        """Whether painting `layers` as `layers_to_pdf` does draws exactly what `whole` draws as one document.

        Checked on the laid-out boxes: every layer after the first holds only absolutely
        positioned elements (so no layer can move another, whatever text it holds); and the
        drawn boxes (text runs with their font, colour and place; images; borders and
        backgrounds), the bookmarks, links and anchors of the single document are exactly
        those of the layers together, and the written pages draw them in the same order. Anything
        a repeated paint could alter (text-overflow ellipses) refuses the split.
        """
        whole_document = self.document(body_html=whole, css=css)
        pages = [self.layer_page(body_html=layer, css=css, base=index == 0) for index, layer in enumerate(layers)]
        if len(whole_document.pages) != 1 or not pages or any(page is None for page in pages):
            return False
        if not all(_only_positioned_children(page._page_box) for page in pages[1:]):
            return False
        expected = Counter(_drawn(whole_document.pages[0]._page_box))
        found = Counter(_drawn(pages[0]._page_box))
        for page in pages[1:]:
            found.update(_drawn(_root_box(page._page_box)))
        layered = _LayeredPage(pages)
        single = whole_document.pages[0]
        if not (
            expected == found
            and _marks(layered.bookmarks) == _marks(single.bookmarks)
            and [link[:3] for link in layered.links] == [link[:3] for link in single.links]
            and layered.anchors == single.anchors
            and not any(layered.forms.values())
            and not any(single.forms.values())
        ):
            return False
        # The same things drawn in the same order, by the PDF `layers_to_pdf` writes (a box of the page after
        # a block in the source would be painted after that block in one document, under it in layers).
        layered_pdf = self.layers_to_pdf(layers=layers, css=css, document_date=dt.date(2000, 1, 1))
        return layered_pdf is not None and _painted(layered_pdf) == _painted(whole_document.write_pdf())


LAYER_CACHE_SIZE = 128  # layers kept per thread: a template's page, its courses and results, its days


class _LayeredPage(Page):
    """One page painted from several laid-out pages: the first whole, the others' root element and its content."""

    def __init__(self, pages: Sequence[Page], painted_from: int = 0) -> None:
        # Not super().__init__: the anchors and links are the layers' own, gathered already.
        self._painted_from = painted_from  # the layers before it are placed as forms (`_place_forms`)
        base = pages[0]
        self.width, self.height, self.bleed = base.width, base.height, base.bleed
        self.bookmarks = [mark for page in pages for mark in page.bookmarks]
        self.links = [link for page in pages for link in page.links]
        self.anchors = {name: place for page in pages for name, place in page.anchors.items()}
        self.forms = {None: [form for page in pages for form in page.forms.get(None, [])]}
        self._page_box = base._page_box
        self._pages = list(pages)

    def paint(self, stream, scale=1):
        with stream.stacked():
            stream.transform(a=scale, d=scale)
            for index, page in enumerate(self._pages[self._painted_from :], start=self._painted_from):
                if index == 0:
                    draw_page(page._page_box, stream)
                else:
                    draw_stacking_context(stream, StackingContext.from_box(_root_box(page._page_box), page._page_box))


class _RootOnlyPage(Page):
    """A laid-out page painting its root element's content only (not the page's background, border or margins)."""

    def __init__(self, page: Page) -> None:
        self.width, self.height, self.bleed = page.width, page.height, page.bleed
        self.bookmarks, self.links, self.anchors, self.forms = [], [], {}, {None: []}
        self._page_box = page._page_box

    def paint(self, stream, scale=1):
        with stream.stacked():
            stream.transform(a=scale, d=scale)
            draw_stacking_context(stream, StackingContext.from_box(_root_box(self._page_box), self._page_box))


class _Layer:
    """A laid-out layer, and (once needed) its painting as PDF objects."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.form: _Form | None = None


_REFERENCE = re.compile(rb"(\d+) 0 R")


class _Form:
    """A painted page kept as PDF objects: its content as a form XObject, and every object its resources use.

    Objects are kept serialised (streams compressed once), with their references renumbered
    when they are placed in another PDF (`place`).
    """

    def __init__(self, objects: list[tuple[int, bytes, bytes]], form: int) -> None:
        self.objects = objects  # (number, dictionary part with references, stream part or b"")
        self.form = form

    @classmethod
    def from_pdf(cls, pdf: pydyf.PDF) -> _Form:
        by_number = {obj.number: obj for obj in pdf.objects}
        page = by_number[_number(pdf.pages["Kids"][0])]
        content = by_number[_number(page["Contents"])]
        resources = _number(page["Resources"])
        objects, pending, seen = [], [resources], {resources}
        while pending:
            number = pending.pop(0)
            head, tail = _split(by_number[number].data)
            objects.append((number, head, tail))
            for reference in _REFERENCE.findall(head):
                if int(reference) not in seen:
                    seen.add(int(reference))
                    pending.append(int(reference))
        head, tail = _split(content.data)
        form_head = (
            b"<</Type /XObject /Subtype /Form /BBox "
            + page["MediaBox"].data
            + b" /Resources "
            + str(resources).encode()
            + b" 0 R "
            + head[2:]
        )
        objects.append((content.number, form_head, tail))
        return cls(objects, content.number)

    def place(self, pdf: pydyf.PDF) -> bytes:
        """Copy the objects into `pdf`; returns the reference to the form XObject."""
        first = len(pdf.objects)
        numbers = {number: first + index for index, (number, _head, _tail) in enumerate(self.objects)}

        def renumber(match: re.Match) -> bytes:
            return b"%d 0 R" % numbers[int(match[1])]

        for _, head, tail in self.objects:
            pdf.add_object(_Raw(_REFERENCE.sub(renumber, head) + tail))
        return b"%d 0 R" % numbers[self.form]


class _Raw(pydyf.Object):
    """An object already serialised."""

    def __init__(self, data: bytes) -> None:
        super().__init__()
        self._data = data

    @property
    def data(self) -> bytes:
        return self._data

    @property
    def compressible(self) -> bool:
        return b"\nstream\n" not in self._data  # streams may not go into object streams


def _number(reference) -> int:
    """The object number of a reference (b"12 0 R"), or the number itself (pydyf lists pages by number)."""
    return reference if isinstance(reference, int) else int(bytes(reference).split()[0])


def _split(data: bytes) -> tuple[bytes, bytes]:
    """An object's dictionary (where references are) and its stream, if any (binary: never renumbered)."""
    index = data.find(b"\nstream\n")
    return (data, b"") if index < 0 else (data[:index], data[index:])


def _place_forms(forms: Sequence[_Form], document, pdf: pydyf.PDF) -> None:
    """WeasyPrint finisher: put the forms in the PDF and draw them first, before anything is painted on the page."""
    if not forms:
        return
    page = next(obj for obj in pdf.objects if isinstance(obj, pydyf.Dictionary) and obj.get("Type") == "/Page")
    by_number = {obj.number: obj for obj in pdf.objects}
    resources = by_number[_number(page["Resources"])]
    content = by_number[_number(page["Contents"])]
    names = []
    for index, form in enumerate(forms):
        name = f"lantoa{index}"
        resources["XObject"][name] = form.place(pdf)
        names.append(f"/{name} Do".encode())
    content.stream.insert(0, b"q " + b" ".join(names) + b" Q")  # in the page's own space: before any transform


def _root_box(page_box):
    return next(child for child in page_box.children if child.is_for_root_element)


def _boxes(box) -> Iterator:
    """The box and its descendants, absolutely positioned ones included (seen through their placeholders)."""
    if isinstance(box, AbsolutePlaceholder):
        box = box._box
    yield box
    for child in getattr(box, "children", ()):
        yield from _boxes(child)


def _only_positioned_children(page_box) -> bool:
    """Whether everything in the body is inside absolutely (or fixed) positioned elements."""
    root = _root_box(page_box)
    body = next((box for box in _boxes(root) if box.element_tag == "body"), None)
    if body is None:
        return False
    pending = list(body.children)
    while pending:
        box = pending.pop()
        if isinstance(box, AbsolutePlaceholder) or box.style["position"] in ("absolute", "fixed"):
            if box.style["position"] not in ("absolute", "fixed"):
                return False
            continue
        if isinstance(box, boxes.TextBox):
            if box.text.strip():
                return False
            continue
        if box.element is not body.element:  # an element of the layer that is not positioned
            return False
        pending.extend(getattr(box, "children", ()))  # anonymous boxes of the body: look inside
    return True


def _r(value) -> float:
    return round(float(value or 0), 3)


def _paint_style(style) -> tuple:
    return (
        str(style["color"]),
        style["opacity"],
        style["visibility"],
        str(style["transform"]),
        str(style["z_index"]),
        str(style["overflow"]),
        str(style["clip"]),
        str(style["mask_border_source"]),
    )


def _drawn(box) -> Iterator[tuple]:
    """What painting `box` draws, as comparable facts (no object identities)."""
    for item in _boxes(box):
        style = item.style
        if style["text_overflow"] == "ellipsis" or style["block_ellipsis"] != "none":
            yield ("unsafe", object())  # painting twice would add a second ellipsis: never matches
        geometry = (_r(item.position_x), _r(item.position_y))
        if isinstance(item, boxes.TextBox):
            if item.text.strip():
                font = (
                    tuple(style["font_family"]),
                    style["font_size"],
                    style["font_weight"],
                    style["font_style"],
                    style["font_stretch"],
                    str(style["font_variant_caps"]),
                    str(style["letter_spacing"]),
                    str(style["word_spacing"]),
                    str(style["text_decoration_line"]),
                    str(style["text_decoration_color"]),
                )
                yield (
                    "text",
                    item.text,
                    *geometry,
                    _r(item.width),
                    _r(item.height),
                    _r(item.baseline),
                    font,
                    _paint_style(style),
                )
            continue
        size = (_r(item.border_width()), _r(item.border_height())) if hasattr(item, "border_width") else ()
        if isinstance(item, boxes.ReplacedBox):
            yield (
                "image",
                getattr(item.replacement, "id", repr(type(item.replacement))),
                *geometry,
                *size,
                str(style["image_rendering"]),
                _paint_style(style),
            )
        if getattr(item, "background", None) is not None or getattr(item, "canvas_background", None) is not None:
            yield (
                "background",
                item.element_tag,
                *geometry,
                *size,
                str(style["background_color"]),
                str(style["background_image"]),
                _paint_style(style),
            )
        widths = tuple(_r(getattr(item, f"border_{side}_width", 0)) for side in ("top", "right", "bottom", "left"))
        if any(widths):
            yield (
                "border",
                item.element_tag,
                *geometry,
                *size,
                widths,
                tuple(
                    str(style[f"border_{side}_{what}"])
                    for side in ("top", "right", "bottom", "left")
                    for what in ("style", "color")
                ),
                _paint_style(style),
            )
        if style["outline_style"] != "none" and style["outline_width"]:
            yield (
                "outline",
                item.element_tag,
                *geometry,
                *size,
                str(style["outline_color"]),
                _r(style["outline_width"]),
                _paint_style(style),
            )


_PAINTING = {
    b"Tm",
    b"TJ",
    b"Tj",
    b"Do",
    b"re",
    b"m",
    b"l",
    b"c",
    b"v",
    b"y",
    b"h",
    b"f",
    b"f*",
    b"S",
    b"B",
    b"B*",
    b"n",
}


def _painted(pdf: bytes) -> list[tuple]:
    """The page's drawing operations in order (text placed and shown, images, paths), without state changes.

    Form XObjects are followed: a layer placed as a form counts as what it draws.
    """
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    page = reader.pages[0]
    operations: list[tuple] = []
    _paint_operations(page.get_contents(), page["/Resources"], reader, operations)
    return operations


def _paint_operations(content, resources, reader, operations: list[tuple]) -> None:
    from pypdf.generic import ContentStream

    for operands, operator in content.operations:
        if operator == b"Do":
            xobject = resources["/XObject"][operands[0]].get_object()
            if xobject.get("/Subtype") == "/Form":
                _paint_operations(
                    ContentStream(xobject, reader), xobject["/Resources"].get_object(), reader, operations
                )
                continue
        if operator in _PAINTING:
            operations.append((operator, _plain(operands)))


def _plain(operand):
    if isinstance(operand, list | tuple):
        return tuple(_plain(each) for each in operand)
    if hasattr(operand, "original_bytes"):  # a string pypdf decoded to text: compare the bytes (glyph ids)
        return operand.original_bytes.hex()
    if isinstance(operand, bytes):
        return operand.hex()
    return str(operand)


def _marks(bookmarks) -> list[tuple]:
    return [(level, label, tuple(_r(value) for value in place), state) for level, label, place, state in bookmarks]


_local = threading.local()


def pdf_renderer() -> PdfRenderer:
    """This thread's renderer, created on first use (and again in a forked child: Pango's state is per process)."""
    renderer = getattr(_local, "renderer", None)
    if renderer is None or renderer.pid != os.getpid():
        renderer = _local.renderer = PdfRenderer()
    return renderer


def html_to_pdf(*, body_html: str, css: str = "", document_date: dt.date, title: str = "") -> bytes:
    """Render with this thread's shared renderer (see `PdfRenderer.render`)."""
    return pdf_renderer().render(body_html=body_html, css=css, document_date=document_date, title=title)


def layers_to_pdf(*, layers: Sequence[str], css: str = "", document_date: dt.date, title: str = "") -> bytes | None:
    """This thread's `PdfRenderer.layers_to_pdf`."""
    return pdf_renderer().layers_to_pdf(layers=layers, css=css, document_date=document_date, title=title)


def layers_match(*, layers: Sequence[str], whole: str, css: str = "") -> bool:
    """This thread's `PdfRenderer.layers_match`."""
    return pdf_renderer().layers_match(layers=layers, whole=whole, css=css)


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
