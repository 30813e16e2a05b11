"""quiz_choices: a question's choices as the attempt page shows them, the option texts escaped."""

import datetime as dt

from django.template import Context, Template

from quizzes.selectors import ChoiceView, ItemView


def _item(kind="single", texts=("Đúng", "Sai"), selected=(2,)):
    choices = [
        ChoiceView(number=n, letter="AB"[n - 1], text=text, selected=n in selected, input_id=f"item-7-{n}")
        for n, text in enumerate(texts, start=1)
    ]
    return ItemView(item_id=7, position=1, text="?", kind=kind, choices=choices, answered_at=dt.datetime(2026, 1, 1))


def _render(item) -> str:
    return Template("{% load quiz_tags %}{% quiz_choices item %}").render(Context({"item": item}))


def test_radio_choices_with_the_saved_answer_checked():
    html = _render(_item())
    assert html == (
        '<li>\n  <input type="radio" name="item-7" id="item-7-1" value="1">\n'
        '  <label for="item-7-1"><span class="choice-letter" aria-hidden="true">A.</span> Đúng</label>\n</li>\n'
        '<li>\n  <input type="radio" name="item-7" id="item-7-2" value="2" checked>\n'
        '  <label for="item-7-2"><span class="choice-letter" aria-hidden="true">B.</span> Sai</label>\n</li>'
    )


def test_multiple_choice_is_checkboxes():
    html = _render(_item(kind="multiple", selected=(1, 2)))
    assert html.count('type="checkbox"') == 2 and html.count(" checked>") == 2


def test_option_texts_are_escaped_like_template_variables():
    hostile = "<script>alert('x')</script> & \"q\""
    html = _render(_item(texts=(hostile, "Sai"), selected=()))
    assert "<script>" not in html
    expected = Template("{{ text }}").render(Context({"text": hostile}))
    assert f"</span> {expected}</label>" in html
    assert " checked" not in html


def test_no_choices_renders_nothing():
    assert _render(_item(texts=())) == ""
