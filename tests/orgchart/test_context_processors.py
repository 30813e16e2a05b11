"""The navigation's role flags give `scope_for`'s answers, and cost no query unless read."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.middleware.csrf import _unmask_cipher_token
from django.test import RequestFactory
from django.urls import resolve

from orgchart.context_processors import roles
from orgchart.roles import scope_for
from tests.factories import UserFactory


def _roles(user):
    request = RequestFactory().get("/")
    request.user = user
    return roles(request)["roles"]


def _fresh(user):
    """The same account without the scope `scope_for` cached on the object."""
    return type(user).objects.get(pk=user.pk)


@pytest.mark.parametrize("who", ["learner", "unit_head", "office_admin", "superuser"])
def test_roles_agree_with_the_scope(who, request, db, django_assert_num_queries):
    user = request.getfixturevalue(who)
    flags = _roles(_fresh(user))
    with django_assert_num_queries(0 if who in ("office_admin", "superuser") else 1):
        is_office, is_unit_head = flags.is_office, flags.is_unit_head
        assert flags.is_unit_head == is_unit_head  # read again: no second query
    scope = scope_for(user=_fresh(user))
    assert (is_office, is_unit_head) == (scope.everything, scope.is_unit_head)


def test_heading_an_inactive_unit_is_not_heading(unit_head, tree):
    tree["vp"].is_active = False
    tree["vp"].save(update_fields=["is_active"])
    assert _roles(_fresh(unit_head)).is_unit_head is False
    assert scope_for(user=_fresh(unit_head)).is_unit_head is False


def test_an_account_without_a_person_heads_nothing(db):
    assert _roles(UserFactory()).is_unit_head is False


def test_the_scope_already_worked_out_is_used(unit_head, django_assert_num_queries):
    user = _fresh(unit_head)
    scope_for(user=user)
    with django_assert_num_queries(0):
        assert _roles(user).is_unit_head is True


def test_no_query_until_a_template_reads_the_flags(learner, django_assert_num_queries):
    user = _fresh(learner)
    with django_assert_num_queries(0):
        _roles(user)


def test_no_roles_for_a_visitor():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert roles(request) == {"nav_section": ""}


@pytest.mark.parametrize(
    ("path", "section"),
    [("/courses/", "my_courses"), ("/reports/", "reports"), ("/nominations/", "nominations"), ("/people/", "")],
)
def test_the_current_section(path, section, learner):
    request = RequestFactory().get(path)
    request.user = learner
    request.resolver_match = resolve(path)
    assert roles(request)["nav_section"] == section


def _nav(client) -> str:
    page = client.get("/courses/").content.decode()
    return page[page.index('<nav aria-label="') : page.index("</nav>")]


def test_the_navigation_follows_each_users_roles_and_language(client, unit_head, learner):
    """The navigation follows each person's role flags, section and language: never one person's menu for another."""
    client.force_login(unit_head)
    head_nav = _nav(client)
    assert 'href="/people/"' in head_nav and 'aria-current="page"' in head_nav
    client.force_login(learner)
    learner_nav = _nav(client)
    assert 'href="/people/"' not in learner_nav and "/reports/" not in learner_nav
    assert "Khóa học của tôi" in learner_nav
    client.cookies["django_language"] = "en"
    english = _nav(client)
    assert "My courses" in english and "Khóa học của tôi" not in english
    # The sign-out form carries this session's CSRF token.
    assert english.count('name="csrfmiddlewaretoken"') == 1
    token = english.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    assert _unmask_cipher_token(token) == client.cookies["csrftoken"].value
    client.logout()
    visitor = client.get("/").content.decode()
    assert "/accounts/logout/" not in visitor
