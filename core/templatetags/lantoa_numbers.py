"""`{{ value|percent }}`: a percent as every page prints it, "83,33%" (`core.numbers.percent_text`)."""

from django import template

from core.numbers import percent_with_sign

register = template.Library()


@register.filter
def percent(value) -> str:
    """96.32 → "96,32%"; None or "" → "—" (nobody to count)."""
    if value is None or value == "":
        return "—"
    return percent_with_sign(value)
