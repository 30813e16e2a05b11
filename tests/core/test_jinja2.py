"""The Jinja2 environment of the learner pages (config/jinja2.py) keeps the Django template language's promises."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.template import engines
from django.urls import set_script_prefix
from django.utils import translation
from django.utils.safestring import mark_safe

from tests.notifications.builders import assign, enrol, publish_course


def render(source: str, **context) -> str:
    return engines["jinja2"].from_string(source).render(context)


def test_output_is_escaped_and_django_safe_strings_are_kept():
    assert render("{{ x }}", x="<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert render("{{ x }}", x=mark_safe("<b>ours</b>")) == "<b>ours</b>"


def test_trans_blocks_escape_their_variables_and_use_djangos_catalogue():
    with translation.override("vi"):
        assert render("{{ _('My courses') }}") == "Khóa học của tôi"
        quiz = render("{% trans title=t %}Quiz: {{ title }}{% endtrans %}", t="<i>NQ 57</i>")
    assert "&lt;i&gt;NQ 57&lt;/i&gt;" in quiz and "<i>" not in quiz
    with translation.override("en"):
        plural = (
            "{% trans counter=n %}{{ counter }} attempt left.{% pluralize %}{{ counter }} attempts left.{% endtrans %}"
        )
        assert (render(plural, n=1), render(plural, n=3)) == ("1 attempt left.", "3 attempts left.")


def test_numbers_and_dates_are_localized_in_the_current_time_zone():
    closes = dt.datetime(2026, 3, 10, 7, 37, tzinfo=dt.UTC)  # 14:37 in Đồng Nai (UTC+7)
    with translation.override("vi"):
        assert render("{{ x }}", x=Decimal("12.5")) == "12,5"
        assert render("{{ d }}", d=dt.date(2026, 3, 10)) == "10/03/2026"
        assert render("{{ t|time('H:i') }} {{ t|date('d/m/Y') }}", t=closes) == "14:37 10/03/2026"
        assert render("{{ s|floatformat('-2') }}%", s=Decimal("66.67")) == "66,67%"
    assert render("{{ n }}", n=12345) == "12345"  # whole numbers as they are (no thousands separator)


def test_remembered_urls_follow_the_script_prefix():
    assert render("{{ url('courses:lesson', 'nq57', 2) }}") == "/courses/nq57/lessons/2/"
    set_script_prefix("/lantoa/")
    try:
        assert render("{{ url('courses:lesson', 'nq57', 2) }}") == "/lantoa/courses/nq57/lessons/2/"
    finally:
        set_script_prefix("/")
    assert render("{{ url('courses:lesson', 'nq57', 2) }}") == "/courses/nq57/lessons/2/"


def _header(html: str) -> str:
    header = html[html.index('<a class="skip-link"') : html.index("</header>")]
    header = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value=""', header)
    return re.sub(r'name="next" type="hidden" value="[^"]*"', 'name="next" type="hidden" value=""', header)


@pytest.mark.django_db
def test_django_and_jinja2_pages_share_one_header(client, learner):
    """A Django template page (404) and a Jinja2 page (my courses) show the same header to the same person."""
    version = publish_course(lessons=1)
    enrol(assignment=assign(version=version, slug="nq57-2026", due_on=dt.date(2026, 12, 31)), staff=learner.staff)
    client.force_login(learner)

    jinja_page = client.get("/courses/")
    django_page = client.get("/no-such-page/")

    assert (jinja_page.status_code, django_page.status_code) == (200, 404)
    jinja_header, django_header = _header(jinja_page.content.decode()), _header(django_page.content.decode())
    # Only the current section differs: "My courses" on its own page, none on the error page.
    assert 'aria-current="page"' in jinja_header and "aria-current" not in django_header
    assert jinja_header.replace(' aria-current="page"', "") == django_header
    assert "/accounts/logout/" in django_header and "/courses/" in django_header


@pytest.mark.django_db
def test_a_jinja2_page_masks_its_csrf_token_once(client, learner):
    """Every form of a page carries the same masked token: it is worked out once (core.context_processors)."""
    client.force_login(learner)
    page = client.get("/courses/").content.decode()
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert len(tokens) == 2 and len(set(tokens)) == 1  # the language switch and the sign-out form
