"""The User admin (email accounts) and the invite action wired into the Staff admin."""

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_user_changelist_shows_email_accounts_and_roles(client, office_admin, learner):
    client.force_login(office_admin)
    response = client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert learner.email in html and office_admin.email in html
    assert "column-is_office_admin" in html and "column-has_two_factor" in html
    assert "username" not in html


def test_user_change_form_has_no_username_or_names(client, office_admin, learner):
    client.force_login(office_admin)
    response = client.get(reverse("admin:accounts_user_change", args=[learner.pk]))
    assert response.status_code == 200
    fields = response.context["adminform"].form.fields
    assert "email" in fields and "is_office_admin" in fields
    assert not {"username", "first_name", "last_name"} & set(fields)


def test_superuser_adds_an_account_by_email(client, superuser):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "Moi@STP.dongnai.gov.vn",
            "display_name": "Người Mới",
            "usable_password": "false",
            "password1": "",
            "password2": "",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    user = User.objects.get(email="moi@stp.dongnai.gov.vn")
    assert not user.has_usable_password()


def test_office_cannot_grant_superuser(client, office_admin, learner):
    client.force_login(office_admin)
    url = reverse("admin:accounts_user_change", args=[learner.pk])
    form = client.get(url).context["adminform"].form
    assert "is_superuser" not in form.fields and "is_office_admin" in form.fields
    response = client.post(
        url,
        {
            "email": learner.email,
            "display_name": "Trần Thị Học",
            "is_active": "on",
            "is_office_admin": "on",
            "is_superuser": "on",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "01/01/2026",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.is_office_admin and not learner.is_superuser


def test_office_cannot_change_a_superusers_account(client, office_admin, superuser):
    client.force_login(office_admin)
    response = client.post(
        # Django's UserAdmin names this URL "auth_user_password_change" whatever the model.
        reverse("admin:auth_user_password_change", args=[superuser.pk]),
        {"password1": "chiem-quyen-2026-x", "password2": "chiem-quyen-2026-x"},
    )
    assert response.status_code == 403
    superuser.refresh_from_db()
    assert not superuser.check_password("chiem-quyen-2026-x")


def _invite_through_staff_admin(client, staff_ids):
    return client.post(
        reverse("admin:orgchart_staff_changelist"),
        {"action": "invite_selected_staff", "_selected_action": [str(pk) for pk in staff_ids]},
    )


def test_invite_action_in_the_staff_admin(client, office_admin, django_capture_on_commit_callbacks):
    invited = StaffFactory(code="CB-A", email="a@stp.dongnai.gov.vn")
    no_email = StaffFactory(code="CB-B", email="")
    client.force_login(office_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite_through_staff_admin(client, [invited.pk, no_email.pk])
    assert response.status_code == 302
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("1" in m and "CB-B" in m for m in messages), messages
    invited.refresh_from_db()
    assert invited.user is not None
    assert [m.to for m in mail.outbox] == [["a@stp.dongnai.gov.vn"]]
    assert "testserver" in mail.outbox[0].body, "the link points to the site the Office is using"


def test_invite_action_refuses_a_batch_with_a_problem(client, office_admin, django_capture_on_commit_callbacks):
    good = StaffFactory(code="CB-A", email="a@stp.dongnai.gov.vn")
    UserFactory(email="b@stp.dongnai.gov.vn")
    taken = StaffFactory(code="CB-B", email="b@stp.dongnai.gov.vn")
    client.force_login(office_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite_through_staff_admin(client, [good.pk, taken.pk])
    messages = [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]
    assert all(level == "error" for level, _text in messages)
    assert any("CB-B" in text for _level, text in messages)
    good.refresh_from_db()
    assert good.user is None
    assert mail.outbox == []
