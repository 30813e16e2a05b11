"""Who reaches which quiz URL. Another person's attempt is "not found" on every URL, for everyone."""

from __future__ import annotations

import pytest
from django.urls import reverse

from quizzes.models import AttemptStatus
from quizzes.services import attempt_start

from .conftest import enrol, make_version

pytestmark = pytest.mark.django_db

# (url name, method, needs an item id)
ATTEMPT_URLS = [
    ("attempt", "get", False),
    ("attempt", "post", False),
    ("answer", "post", True),
    ("result", "get", False),
    ("review", "get", False),
]


@pytest.fixture
def someone_elses_attempt(other_unit_head, version):
    """An in-progress attempt by the TGPL head, with the first question answered."""
    staff = other_unit_head.staff
    enrol(staff=staff, course=version.course)
    attempt = attempt_start(staff=staff, version=version)
    return attempt


def _request(client, name, method, with_item, attempt):
    item = attempt.items.order_by("position").first()
    args = [attempt.pk, item.pk] if with_item else [attempt.pk]
    url = reverse(f"quizzes:{name}", args=args)
    data = {"action": "submit", f"item-{item.pk}": "1"} if method == "post" else None
    return getattr(client, method)(url, data) if data else client.get(url)


@pytest.mark.parametrize(("name", "method", "with_item"), ATTEMPT_URLS)
@pytest.mark.parametrize("role", ["learner", "unit_head", "office_admin"])
def test_another_persons_attempt_is_not_found(client, request, role, name, method, with_item, someone_elses_attempt):
    client.force_login(request.getfixturevalue(role))

    response = _request(client, name, method, with_item, someone_elses_attempt)

    assert response.status_code == 404
    someone_elses_attempt.refresh_from_db()
    assert someone_elses_attempt.status == AttemptStatus.IN_PROGRESS
    assert not someone_elses_attempt.items.filter(answered_at__isnull=False).exists()


@pytest.mark.parametrize(("name", "method", "with_item"), ATTEMPT_URLS)
def test_anonymous_is_sent_to_sign_in(client, name, method, with_item, someone_elses_attempt):
    response = _request(client, name, method, with_item, someone_elses_attempt)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize(("name", "method", "with_item"), ATTEMPT_URLS)
def test_the_owner_reaches_every_url(client, other_unit_head, name, method, with_item, someone_elses_attempt):
    client.force_login(other_unit_head)
    response = _request(client, name, method, with_item, someone_elses_attempt)
    assert response.status_code in (200, 302)


@pytest.mark.parametrize(
    ("role", "enrolled", "expected"),
    [
        ("learner", True, 200),
        ("learner", False, 404),  # not in any assignment of the course
        ("unit_head", False, 404),
        ("office_admin", False, 404),  # the Office has no roster entry here: an attempt belongs to a person
    ],
)
def test_start_page_needs_an_enrolment(client, request, version, role, enrolled, expected):
    user = request.getfixturevalue(role)
    if enrolled:
        enrol(staff=user.staff, course=version.course)
    client.force_login(user)
    assert client.get(reverse("quizzes:start", args=[version.pk])).status_code == expected
    started = client.post(reverse("quizzes:begin", args=[version.pk]))
    assert started.status_code == (302 if expected == 200 else 404)


def test_the_office_may_try_any_course_as_a_person_on_the_roster(client, office_admin, version):
    from tests.factories import StaffFactory

    StaffFactory(user=office_admin)
    client.force_login(office_admin)
    assert client.get(reverse("quizzes:start", args=[version.pk])).status_code == 200


def test_a_draft_has_no_quiz_page(client, learner):
    draft = make_version(status="draft")
    enrol(staff=learner.staff, course=draft.course)
    client.force_login(learner)
    assert client.get(reverse("quizzes:start", args=[draft.pk])).status_code == 404


def test_anonymous_start_page_is_sent_to_sign_in(client, version):
    response = client.get(reverse("quizzes:start", args=[version.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
