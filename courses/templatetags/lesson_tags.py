"""Lesson bodies on a phone: every table in its own focusable, labelled scrolling region."""

import re

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()

# Lesson HTML is stored sanitised (courses.sanitize: an allow-list that keeps no attribute on tables), so
# its tables are exactly "<table>" … "</table>", balanced: wrapping each pair keeps the markup well formed.
_TABLE_OPEN = re.compile(r"<table>")
_TABLE_CLOSE = re.compile(r"</table>")


@register.filter
def scrollable_tables(body_html: str) -> SafeString:
    """`body_html` (sanitised lesson HTML) with each table inside a horizontally scrolling region.

    A table wider than the screen scrolls inside its box instead of widening the page; the box is a
    labelled region in the tab order, so a keyboard can reach and scroll it and a screen reader
    announces it ("Table 1", …).
    """
    number = 0

    def open_region(_match: re.Match) -> str:
        nonlocal number
        number += 1
        label = gettext("Table %(number)s") % {"number": number}
        return f'<div class="table-scroll" role="region" tabindex="0" aria-label="{label}"><table>'

    wrapped = _TABLE_CLOSE.sub("</table></div>", _TABLE_OPEN.sub(open_region, str(body_html)))
    return mark_safe(wrapped)  # noqa: S308 - sanitised lesson HTML; only our own wrapper is added
