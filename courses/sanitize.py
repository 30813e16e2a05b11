"""What authors hand in: lesson HTML is sanitised, uploaded files are checked by content.

Lesson bodies come from course files and from the admin, and are shown to every
learner, so they go through an allow-list (nh3) before they are stored: text structure,
links to http/https/mailto (opened with rel="noopener"), images, tables — no scripts,
no event handlers, no inline styles, nothing else.
"""

from __future__ import annotations

import nh3
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

ALLOWED_TAGS = frozenset(
    {
        "p",
        "h2",
        "h3",
        "h4",
        "ul",
        "ol",
        "li",
        "strong",
        "em",
        "a",
        "blockquote",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "br",
        "img",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href"}, "img": {"src", "alt"}}
# Removed together with everything inside them, not just unwrapped.
_DROPPED_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "template", "noscript", "svg"})
_LINK_PREFIXES = ("http://", "https://", "mailto:")
_IMAGE_PREFIXES = ("http://", "https://", "/")

ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
VIDEO_MAX_BYTES = 500 * 1024 * 1024
VIDEO_EXTENSIONS = ["mp4", "webm"]
_PDF_MAGIC = b"%PDF-"
_WEBM_MAGIC = b"\x1a\x45\xdf\xa3"


def _filter_attribute(element: str, attribute: str, value: str) -> str | None:
    # nh3's url_schemes lets relative URLs through; links must be absolute http(s)/mailto,
    # images absolute http(s) or a path on this site ("/media/…"), never "//host".
    if element == "a" and attribute == "href":
        return value if value.strip().lower().startswith(_LINK_PREFIXES) else None
    if element == "img" and attribute == "src":
        src = value.strip()
        if src.startswith("//"):
            return None
        return value if src.lower().startswith(_IMAGE_PREFIXES) else None
    return value


def sanitize_html(html: str) -> str:
    """The allow-listed subset of `html`; everything else is removed."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(_DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_filter_attribute,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener",
        strip_comments=True,
    ).strip()


def _head(file, length: int) -> bytes:
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(length)
    file.seek(position)
    return head if isinstance(head, bytes) else head.encode()


def validate_pdf_content(file) -> None:
    """A real PDF (starts with %PDF-) of at most ATTACHMENT_MAX_BYTES, whatever its name says."""
    if file.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("The attachment is %(size)s; the limit is %(limit)s."),
            code="file_too_large",
            params={"size": filesizeformat(file.size), "limit": filesizeformat(ATTACHMENT_MAX_BYTES)},
        )
    if _head(file, len(_PDF_MAGIC)) != _PDF_MAGIC:
        raise ValidationError(_("The attachment is not a PDF file."), code="not_pdf")


def validate_video_content(file) -> None:
    """An MP4 (an "ftyp" box first) or WebM (EBML header) video of at most VIDEO_MAX_BYTES."""
    if file.size > VIDEO_MAX_BYTES:
        raise ValidationError(
            _("The video is %(size)s; the limit is %(limit)s."),
            code="file_too_large",
            params={"size": filesizeformat(file.size), "limit": filesizeformat(VIDEO_MAX_BYTES)},
        )
    head = _head(file, 12)
    if not (head[4:8] == b"ftyp" or head.startswith(_WEBM_MAGIC)):
        raise ValidationError(_("The video must be an MP4 or WebM file."), code="not_video")
