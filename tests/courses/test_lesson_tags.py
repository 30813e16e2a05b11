"""scrollable_tables: each lesson table in a focusable, labelled scrolling region; nothing else changes."""

from django.utils import translation

from courses.sanitize import sanitize_html
from courses.templatetags.lesson_tags import scrollable_tables

BODY = (
    "<p>Mở đầu</p><table><tr><td>a</td><td><table><tr><td>lồng</td></tr></table></td></tr></table>"
    "<p>Giữa</p><table><thead><tr><th>Mốc</th></tr></thead></table>"
)


def test_every_table_gets_its_own_labelled_focusable_region():
    with translation.override("en"):
        html = scrollable_tables(sanitize_html(BODY))
    assert html.count('<div class="table-scroll" role="region" tabindex="0"') == 3
    assert 'aria-label="Table 1"><table>' in html and 'aria-label="Table 3"><table>' in html
    assert html.count("</table></div>") == 3
    # Nothing but the wrappers added: removing them gives the sanitised body back.
    stripped = html
    for number in (1, 2, 3):
        stripped = stripped.replace(
            f'<div class="table-scroll" role="region" tabindex="0" aria-label="Table {number}">', ""
        )
    assert stripped.replace("</table></div>", "</table>") == sanitize_html(BODY)


def test_the_label_is_in_the_page_language():
    with translation.override("vi"):
        assert 'aria-label="Bảng 1"' in scrollable_tables("<table><tr><td>x</td></tr></table>")


def test_a_body_without_tables_is_unchanged():
    assert scrollable_tables("<p>Không có bảng</p>") == "<p>Không có bảng</p>"
