"""accounts.backends: the signed-in user and the navigation's unit-head flag read in one statement."""

import datetime as dt

import pytest
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.backends import AuthenticationBackend, ModelBackend
from accounts.models import User
from accounts.selectors import user_get_for_request
from orgchart.context_processors import roles
from orgchart.roles import scope_for
from tests.factories import UserFactory


def _fields(user: User) -> dict:
    return {field.attname: getattr(user, field.attname) for field in User._meta.concrete_fields}


@pytest.mark.parametrize("who", ["learner", "unit_head", "office_admin", "superuser"])
def test_the_user_is_the_orms_and_the_flag_is_the_scopes(who, request, django_assert_num_queries):
    user = request.getfixturevalue(who)
    User.objects.filter(pk=user.pk).update(last_login=timezone.now() - dt.timedelta(days=1, microseconds=7))
    with django_assert_num_queries(1):
        read = user_get_for_request(user_id=user.pk)
    orm = User.objects.get(pk=user.pk)
    assert _fields(read) == _fields(orm)
    assert isinstance(read.last_login, dt.datetime) and isinstance(read.date_joined, dt.datetime)
    assert read._state.adding is False and read._state.db == "default"
    scope = scope_for(user=User.objects.get(pk=user.pk))
    # The Office sees everything and is never counted as a unit head, whatever it heads.
    assert read.heads_active_unit == (who == "unit_head")
    assert scope.is_unit_head == (who == "unit_head")


def test_heading_an_inactive_unit_is_not_heading(unit_head, tree):
    assert user_get_for_request(user_id=unit_head.pk).heads_active_unit is True
    tree["vp"].is_active = False
    tree["vp"].save(update_fields=["is_active"])
    assert user_get_for_request(user_id=unit_head.pk).heads_active_unit is False


def test_unknown_and_inactive_accounts_are_nobody(db):
    assert user_get_for_request(user_id=987654) is None
    inactive = UserFactory(is_active=False)
    for backend in (ModelBackend(), AuthenticationBackend()):
        assert backend.get_user(987654) is None
        assert backend.get_user(inactive.pk) is None


@pytest.mark.parametrize("backend", [ModelBackend, AuthenticationBackend])
def test_both_backends_read_the_user_in_one_statement(backend, learner, django_assert_num_queries):
    with django_assert_num_queries(1):
        user = backend().get_user(learner.pk)
    assert user.pk == learner.pk and user.heads_active_unit is False


def test_a_signed_in_page_asks_no_second_query_for_the_navigation(client, unit_head):
    client.force_login(unit_head, backend="accounts.backends.ModelBackend")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/courses/")
    assert response.status_code == 200
    assert 'href="/people/"' in response.content.decode() or "/reports/" in response.content.decode()
    heads = [query["sql"] for query in queries.captured_queries if "orgchart_unit_heads" in query["sql"]]
    assert len(heads) == 1 and "accounts_user" in heads[0]
    assert client.session[SESSION_KEY] == str(unit_head.pk)


def test_the_flag_read_with_the_user_feeds_the_navigation(unit_head, rf, django_assert_num_queries):
    request = rf.get("/")
    request.user = user_get_for_request(user_id=unit_head.pk)
    with django_assert_num_queries(0):
        assert roles(request)["roles"].is_unit_head is True


def test_the_linked_roster_entry_comes_with_the_user(learner, office_admin, django_assert_num_queries):
    from courses.selectors_learning import staff_id_for_user
    from orgchart.models import Staff

    read = user_get_for_request(user_id=learner.pk)
    assert read.linked_staff_id == Staff.objects.get(user=learner).pk
    with django_assert_num_queries(0):
        assert staff_id_for_user(user=read) == read.linked_staff_id
    assert user_get_for_request(user_id=office_admin.pk).linked_staff_id is None  # no roster entry
    # A user read some other way still gets the answer, with its own query.
    orm_user = User.objects.get(pk=learner.pk)
    with django_assert_num_queries(1):
        assert staff_id_for_user(user=orm_user) == read.linked_staff_id
