"""Quiz pages: start, the attempt (htmx autosave and the plain form), result and review.

The answer key — which options are correct, their ids, the explanations — must not reach the
browser before the attempt is closed, in any page or partial.
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
import time_machine
from django.db import connection
from django.urls import reverse

from courses.models import Completion
from quizzes.models import Attempt, AttemptStatus, Option
from quizzes.services import attempt_start

from .conftest import enrol, explanation_text, make_version

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _attempt_url(name, attempt, *args):
    return reverse(f"quizzes:{name}", args=[attempt.pk, *args])


def _field(item):
    return f"item-{item.pk}"


def _choice_for(item, option_id):
    """The value the page posts for an option: its 1-based place in the shuffled order."""
    return str(item.option_order.index(option_id) + 1)


# --- pages --------------------------------------------------------------------------------------


def test_start_page_shows_the_rules_and_starts(learner_client, staff, version, enrolled):
    page = learner_client.get(reverse("quizzes:start", args=[version.pk]))
    assert page.status_code == 200
    assert f'action="{reverse("quizzes:begin", args=[version.pk])}"' in page.text

    started = learner_client.post(reverse("quizzes:begin", args=[version.pk]))

    attempt = Attempt.objects.get(staff=staff)
    assert started.status_code == 302 and started.url == _attempt_url("attempt", attempt)
    again = learner_client.post(reverse("quizzes:begin", args=[version.pk]))
    assert again.url == _attempt_url("attempt", attempt)  # resumed, not a second attempt
    assert Attempt.objects.count() == 1
    assert _attempt_url("attempt", attempt) in learner_client.get(reverse("quizzes:start", args=[version.pk])).text


def test_a_refused_start_says_why(learner_client, staff):
    version = make_version(max_attempts=1)
    enrol(staff=staff, course=version.course)
    attempt = attempt_start(staff=staff, version=version)
    learner_client.post(_attempt_url("attempt", attempt), {"action": "submit"})

    response = learner_client.post(reverse("quizzes:begin", args=[version.pk]), follow=True)

    assert response.status_code == 200
    assert Attempt.objects.count() == 1
    assert '<li class="message error">' in response.text


def test_the_attempt_page_is_accessible_markup(learner_client, staff, version, enrolled):
    attempt = attempt_start(staff=staff, version=version)
    page = learner_client.get(_attempt_url("attempt", attempt))
    text = page.text

    assert page.status_code == 200
    assert text.count("<fieldset") == 5 and text.count("<legend>") == 5
    for item in attempt.items.select_related("question"):
        assert item.question.text in text
        for number in range(1, len(item.option_order) + 1):
            assert f'<label for="item-{item.pk}-{number}">' in text
            assert f'id="item-{item.pk}-{number}" value="{number}"' in text
        assert f'hx-post="{_attempt_url("answer", attempt, item.pk)}"' in text
    assert 'aria-live="polite"' in text and "data-remaining-seconds=" in text
    assert "quizzes/attempt.js" in text


def test_autosave_with_htmx_returns_the_status_partial(learner_client, staff, version, enrolled):
    attempt = attempt_start(staff=staff, version=version)
    item = attempt.items.order_by("position").first()
    chosen = item.option_order[0]

    response = learner_client.post(_attempt_url("answer", attempt, item.pk), {_field(item): "1"}, **HTMX)

    assert response.status_code == 200
    assert "<html" not in response.text and "save-ok" in response.text
    item.refresh_from_db()
    assert item.selected_options == [chosen]
    page = learner_client.get(_attempt_url("attempt", attempt)).text
    assert f'id="item-{item.pk}-1" value="1" checked' in page


def test_autosave_refusal_is_shown_in_the_partial(learner_client, staff, version, enrolled):
    attempt = attempt_start(staff=staff, version=version)
    item = attempt.items.order_by("position").first()

    response = learner_client.post(_attempt_url("answer", attempt, item.pk), {_field(item): "99"}, **HTMX)

    assert response.status_code == 200 and "save-error" in response.text
    item.refresh_from_db()
    assert item.selected_options == []


def test_autosave_without_htmx_redirects_back(learner_client, staff, version, enrolled):
    attempt = attempt_start(staff=staff, version=version)
    item = attempt.items.order_by("position").first()
    response = learner_client.post(_attempt_url("answer", attempt, item.pk), {_field(item): "2"})
    assert response.status_code == 302 and response.url == _attempt_url("attempt", attempt)
    item.refresh_from_db()
    assert item.selected_options == [item.option_order[1]]


def test_autosave_after_the_time_limit_closes_the_attempt(learner_client, staff, version, enrolled):
    with time_machine.travel(dt.datetime(2026, 4, 1, 2, 0, tzinfo=dt.UTC), tick=False) as clock:
        attempt = attempt_start(staff=staff, version=version)
        item = attempt.items.order_by("position").first()
        clock.shift(dt.timedelta(minutes=30))
        response = learner_client.post(_attempt_url("answer", attempt, item.pk), {_field(item): "1"}, **HTMX)

    assert response.status_code == 204 and response["HX-Redirect"] == _attempt_url("result", attempt)
    attempt.refresh_from_db()
    item.refresh_from_db()
    assert attempt.status == AttemptStatus.EXPIRED and item.selected_options == []


def _all_correct_post(attempt, action):
    data = {"action": action}
    for item in attempt.items.select_related("question"):
        correct = list(item.question.options.filter(is_correct=True).values_list("pk", flat=True))
        data[_field(item)] = [_choice_for(item, option_id) for option_id in correct]
    return data


def test_the_plain_form_saves_and_submits(learner_client, staff, version, enrolled):
    attempt = attempt_start(staff=staff, version=version)

    saved = learner_client.post(_attempt_url("attempt", attempt), _all_correct_post(attempt, "save"))
    assert saved.status_code == 302 and saved.url == _attempt_url("attempt", attempt)
    assert attempt.items.filter(answered_at__isnull=False).count() == 5

    submitted = learner_client.post(_attempt_url("attempt", attempt), _all_correct_post(attempt, "submit"))
    assert submitted.url == _attempt_url("result", attempt)
    attempt.refresh_from_db()
    assert (attempt.status, attempt.correct_count, attempt.passed) == (AttemptStatus.SUBMITTED, 5, True)

    result = learner_client.get(_attempt_url("result", attempt))
    assert result.status_code == 200 and Completion.objects.filter(attempt=attempt).exists()
    assert "Đã hoàn thành khóa học (ghi nhận ngày" in result.text
    # A closed attempt's page sends the learner to the result.
    assert learner_client.get(_attempt_url("attempt", attempt)).url == _attempt_url("result", attempt)


def test_the_plain_form_reports_a_bad_answer_without_submitting(learner_client, staff, version, enrolled):
    attempt = attempt_start(staff=staff, version=version)
    item = attempt.items.order_by("position").first()
    response = learner_client.post(_attempt_url("attempt", attempt), {"action": "submit", _field(item): "x"})
    assert response.status_code == 400
    assert 'class="errorlist"' in response.text
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.IN_PROGRESS


@pytest.mark.parametrize("value", ["²", "٣", "１", "9" * 5000, str(2**64), "1\x00", " 2 3 "])
def test_a_hostile_answer_value_is_refused_not_a_server_error(learner_client, staff, version, enrolled, value):
    attempt = attempt_start(staff=staff, version=version)
    item = attempt.items.order_by("position").first()

    saved = learner_client.post(_attempt_url("answer", attempt, item.pk), {_field(item): value}, **HTMX)
    submitted = learner_client.post(_attempt_url("attempt", attempt), {"action": "submit", _field(item): value})

    if "\x00" in value:  # refused before the view (core.middleware): 400
        assert saved.status_code == 400
    else:
        assert saved.status_code == 200 and "save-error" in saved.text
    assert submitted.status_code == 400
    item.refresh_from_db()
    attempt.refresh_from_db()
    assert item.selected_options == [] and attempt.status == AttemptStatus.IN_PROGRESS


def test_result_and_review_after_closing(learner_client, staff, version, enrolled):
    attempt = attempt_start(staff=staff, version=version)
    learner_client.post(_attempt_url("attempt", attempt), {"action": "submit"})

    review = learner_client.get(_attempt_url("review", attempt))

    assert review.status_code == 200
    for item in attempt.items.select_related("question"):
        assert explanation_text(version.course.slug, item.question.position) in review.text
    assert learner_client.get(_attempt_url("result", attempt)).status_code == 200


def test_result_says_to_read_the_remaining_lessons(learner_client, staff):
    version = make_version(lessons=3, requires_all_lessons=True)
    enrol(staff=staff, course=version.course)
    attempt = attempt_start(staff=staff, version=version)
    learner_client.post(_attempt_url("attempt", attempt), _all_correct_post(attempt, "submit"))

    result = learner_client.get(_attempt_url("result", attempt))

    assert not Completion.objects.filter(attempt=attempt).exists()
    assert "Hãy học nốt 3 bài còn lại để hoàn thành khóa học." in result.text
    attempt.refresh_from_db()
    assert attempt.passed is True


def test_review_and_result_wait_for_the_attempt_to_close(learner_client, staff, version, enrolled):
    attempt = attempt_start(staff=staff, version=version)
    for name in ("review", "result"):
        response = learner_client.get(_attempt_url(name, attempt))
        assert response.status_code == 302 and response.url == _attempt_url("attempt", attempt)


# --- the answer key never leaves the server before closing ----------------------------------------


class _Inputs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.choice_inputs: list[dict] = []
        self.labels: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") in ("radio", "checkbox"):
            self.choice_inputs.append(attrs)
        if tag == "label":
            self.labels.append(attrs)


def _assert_no_key(body: str, *, version) -> None:
    option_ids = Option.objects.filter(question__version=version).values_list("pk", flat=True)
    for option_id in option_ids:  # 7-digit ids: any occurrence is a leak
        assert not re.search(rf"(?<!\d){option_id}(?!\d)", body), option_id
    for position in range(1, version.questions.count() + 1):
        assert explanation_text(version.course.slug, position) not in body
    assert "is_correct" not in body and "data-correct" not in body
    parser = _Inputs()
    parser.feed(body)
    for attrs in parser.choice_inputs:
        # Nothing but what every option has: the correct ones look exactly like the others.
        assert set(attrs) <= {"type", "name", "id", "value", "checked"}, attrs
    for attrs in parser.labels:
        if attrs.get("for", "").startswith("item-"):
            assert set(attrs) == {"for"}, attrs


def test_the_answer_key_is_absent_from_every_response_before_closing(learner_client, staff, version, enrolled):
    bodies = [learner_client.get(reverse("quizzes:start", args=[version.pk])).text]
    learner_client.post(reverse("quizzes:begin", args=[version.pk]))
    attempt = Attempt.objects.get(staff=staff)
    items = list(attempt.items.order_by("position").select_related("question"))
    bodies.append(learner_client.get(_attempt_url("attempt", attempt)).text)
    bodies.append(learner_client.get(reverse("quizzes:start", args=[version.pk])).text)
    for item in items:
        correct = item.question.options.filter(is_correct=True).values_list("pk", flat=True)
        data = {_field(item): [_choice_for(item, option_id) for option_id in correct]}
        bodies.append(learner_client.post(_attempt_url("answer", attempt, item.pk), data, **HTMX).text)
    bodies.append(
        learner_client.post(_attempt_url("answer", attempt, items[0].pk), {_field(items[0]): "9"}, **HTMX).text
    )
    bodies.append(learner_client.post(_attempt_url("answer", attempt, items[0].pk), {_field(items[0]): "1"}).text)
    bodies.append(learner_client.get(_attempt_url("attempt", attempt)).text)  # every answer checked now
    bodies.append(learner_client.post(_attempt_url("attempt", attempt), {"action": "save", _field(items[0]): "x"}).text)
    bodies.append(learner_client.get(_attempt_url("review", attempt), follow=True).text)
    bodies.append(learner_client.get(_attempt_url("result", attempt), follow=True).text)

    for body in bodies:
        _assert_no_key(body, version=version)

    # Once closed, the review shows the key (the same check fails, so it can fail).
    learner_client.post(_attempt_url("attempt", attempt), {"action": "submit"})
    review = learner_client.get(_attempt_url("review", attempt)).text
    with pytest.raises(AssertionError):
        _assert_no_key(review, version=version)


# --- query counts ---------------------------------------------------------------------------------


@pytest.mark.parametrize("questions", [5, 30])
def test_the_attempt_page_query_count_does_not_grow(learner_client, staff, questions, django_assert_num_queries):
    version = make_version(questions=questions)
    enrol(staff=staff, course=version.course)
    attempt = attempt_start(staff=staff, version=version)
    attempt.items.filter(position__lte=3).update(answered_at=attempt.started_at)
    url = _attempt_url("attempt", attempt)
    learner_client.get(url)  # warm the session

    # session, the user (with the navigation's unit-head flag), attempt, items with their questions and options.
    with django_assert_num_queries(4):
        page = learner_client.get(url)
    assert page.text.count("<fieldset") == questions


def test_the_learner_journeys_query_counts(learner_client, staff, version, enrolled, django_assert_num_queries):
    """Each page of the journey, signed in: the session, then the user with the navigation's unit-head flag and
    the linked person (accounts.backends), then the page's own queries; savepoints count. Starting an attempt
    locks the person's row where the database has row locks (PostgreSQL)."""
    slug = version.course.slug
    lock = 1 if connection.features.has_select_for_update else 0
    learner_client.get(reverse("courses:my_courses"))  # warm the session

    def page(count, method, url, data=None, **extra):
        with django_assert_num_queries(count):
            response = getattr(learner_client, method)(url, data, **extra)
        assert response.status_code in (200, 302)

    page(3, "get", reverse("courses:my_courses"))
    page(6, "get", reverse("courses:course", args=[slug]))
    page(7, "get", reverse("courses:lesson", args=[slug, 1]))  # the first reading: one INSERT in a savepoint
    page(4, "get", reverse("courses:lesson", args=[slug, 1]))  # read before
    page(5, "get", reverse("quizzes:start", args=[version.pk]))  # +1: the Office's grants (issue 13)
    page(10 + lock, "post", reverse("quizzes:begin", args=[version.pk]))
    attempt = Attempt.objects.get(staff=staff)
    item = attempt.items.order_by("position").first()
    page(4, "get", _attempt_url("attempt", attempt))
    page(7, "post", _attempt_url("answer", attempt, item.pk), {_field(item): "1"}, **HTMX)
    # "Submit…" saves what was posted and shows the summary; it submits only when confirmed there.
    page(4, "post", _attempt_url("attempt", attempt), {"action": "review", _field(item): "1"})
    page(4, "get", _attempt_url("submit", attempt))
    page(9, "post", _attempt_url("submit", attempt))
    # +1 each (issue 13): the Office's grants (attempts left), and the review's "nothing open" check.
    page(6, "get", _attempt_url("result", attempt))
    page(6, "get", _attempt_url("review", attempt))
