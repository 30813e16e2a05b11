"""accounts.backends: the signed-in user, the navigation's unit-head flag and the linked person in one query."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.backends import AuthenticationBackend, ModelBackend
from accounts.models import User
from accounts.selectors import user_get_for_request
from orgchart.context_processors import roles
from orgchart.models import Staff
from orgchart.roles import scope_for, user_heads_active_unit
from tests.factories import UserFactory


@pytest.mark.parametrize("who", ["learner", "unit_head", "office_admin", "superuser"])
def test_the_flag_is_the_scopes(who, request, django_assert_num_queries):
    user = request.getfixturevalue(who)
    with django_assert_num_queries(1):
        read = user_get_for_request(user_id=user.pk)
    assert read == user
    scope = scope_for(user=User.objects.get(pk=user.pk))
    # The Office sees everything and is never counted as a unit head, whatever it heads.
    assert read.heads_active_unit == (who == "unit_head") == scope.is_unit_head
    assert user_heads_active_unit(user=User.objects.get(pk=user.pk)) == read.heads_active_unit  # asked alone


def test_heading_an_inactive_unit_is_not_heading(unit_head, tree):
    assert user_get_for_request(user_id=unit_head.pk).heads_active_unit is True
    tree["vp"].is_active = False
    tree["vp"].save(update_fields=["is_active"])
    assert user_get_for_request(user_id=unit_head.pk).heads_active_unit is False
    assert user_heads_active_unit(user=User.objects.get(pk=unit_head.pk)) is False


def test_unknown_and_inactive_accounts_are_nobody(db):
    assert user_get_for_request(user_id=987654) is None
    inactive = UserFactory(is_active=False)
    for backend in (ModelBackend(), AuthenticationBackend()):
        assert backend.get_user(987654) is None
        assert backend.get_user(inactive.pk) is None


@pytest.mark.parametrize("backend", [ModelBackend, AuthenticationBackend])
def test_both_backends_read_the_user_in_one_query(backend, learner, django_assert_num_queries):
    with django_assert_num_queries(1):
        user = backend().get_user(learner.pk)
        assert user.pk == learner.pk and user.heads_active_unit is False
        assert user.staff.user_id == learner.pk


def test_the_linked_person_comes_with_the_user(learner, office_admin, django_assert_num_queries):
    person = Staff.objects.get(user=learner)
    read = user_get_for_request(user_id=learner.pk)
    nobody = user_get_for_request(user_id=office_admin.pk)  # no roster entry
    with django_assert_num_queries(0):
        assert read.staff.pk == person.pk and read.staff.full_name == person.full_name
        with pytest.raises(ObjectDoesNotExist):
            nobody.staff  # noqa: B018


def test_a_signed_in_page_asks_no_second_query_for_the_navigation(client, unit_head):
    client.force_login(unit_head, backend="accounts.backends.ModelBackend")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/courses/")
    assert response.status_code == 200
    assert 'href="/people/"' in response.content.decode()
    heads = [query["sql"] for query in queries.captured_queries if "orgchart_unit_heads" in query["sql"]]
    assert len(heads) == 1 and "accounts_user" in heads[0]
    assert client.session[SESSION_KEY] == str(unit_head.pk)


def test_the_flag_read_with_the_user_feeds_the_navigation(unit_head, rf, django_assert_num_queries):
    request = rf.get("/")
    request.user = user_get_for_request(user_id=unit_head.pk)
    with django_assert_num_queries(0):
        assert roles(request)["roles"].is_unit_head is True
