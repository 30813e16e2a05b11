"""The invitation's link opens a page titled for choosing one's first password, and ends with a way to sign in
(issue 13); a plain password reset keeps "Change Password"."""

import re

import pytest
from django.urls import reverse

from orgchart.services.accounts import account_invite
from tests.factories import StaffFactory

from .conftest import link_in_last_email

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, flags=re.S).group(1).strip()


def test_the_invitation_page_is_for_a_first_password_and_ends_with_sign_in(client, django_capture_on_commit_callbacks):
    staff = StaffFactory(code="CB-MOI", full_name="Nguyễn Thị Mới", email="moi@stp.dongnai.gov.vn")
    with django_capture_on_commit_callbacks(execute=True):
        account_invite(staff=staff)
    form_url = client.get(link_in_last_email())["Location"]

    html = client.get(form_url).content.decode()
    assert "Choose your password for your first sign-in" in _title(html)
    assert "Change Password" not in html
    assert "moi@stp.dongnai.gov.vn" in html

    response = client.post(form_url, {"password1": "mat-khau-dau-tien-2026", "password2": "mat-khau-dau-tien-2026"})
    done = client.get(response["Location"]).content.decode()
    assert "Your password is saved" in _title(done)
    assert f'href="{reverse("account_login")}"' in done


def test_a_password_reset_keeps_its_title(client, learner):
    client.post(reverse("account_reset_password"), {"email": learner.email})
    form_url = client.get(link_in_last_email())["Location"]
    html = client.get(form_url).content.decode()
    assert "Change Password" in _title(html)  # the learner has a password: a reset, not a first sign-in
    assert "first sign-in" not in html
