"""The attempt page's inner loop: a question's choices, rendered in one call.

An attempt page shows ten or more questions of four or so choices each; as template markup, each
choice was a dozen variable and tag nodes, which made the choices most of the page's rendering
time (benchmarks/page_cpu.py). The markup is the same as it was in `quizzes/_question.html`.
"""

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from quizzes.selectors import ItemView

register = template.Library()

_CHOICE = (
    '<li>\n  <input type="{type}" name="{name}" id="{id}" value="{number}"{checked}>\n'
    '  <label for="{id}"><span class="choice-letter" aria-hidden="true">{letter}.</span> {text}</label>\n</li>'
)


@register.simple_tag
def quiz_choices(item: ItemView) -> SafeString:
    """The `<li>` of each choice of `item` (a `selectors.ItemView`: no answer key), inputs and labels.

    Only the option's text comes from authors, and it is escaped (as `{{ }}` would); the rest is ours:
    the input type and name, ids and numbers made from integers, a letter. Escaped with the standard
    library's `html.escape`, which is what Django's `escape` calls, without its lazy-string wrapper:
    hundreds of calls per page.
    """
    kind, name = item.input_type, item.field_name
    html = "\n".join(
        _CHOICE.format(
            type=kind,
            name=name,
            id=choice.input_id,
            number=choice.number,
            checked=" checked" if choice.selected else "",
            letter=choice.letter,
            text=escape(choice.text),
        )
        for choice in item.choices
    )
    return mark_safe(html)  # noqa: S308 - the only outside text is escaped above
