"""allauth's pages render inside the site's layout (templates/allauth overrides), with labelled fields."""

import re

import pytest
from django.urls import reverse

from .conftest import sign_in

pytestmark = pytest.mark.django_db

LABELLED_INPUT = re.compile(r'<input type="(?:email|password|text)"[^>]*id="(?P<id>[^"]+)"')


def assert_themed(response):
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="skip-link"' in html and 'id="main"' in html, "inside templates/base.html"
    assert "<strong>Menu:</strong>" not in html, "not allauth's bare layout"
    for match in LABELLED_INPUT.finditer(html):
        assert f'for="{match["id"]}"' in html, f"input {match['id']} has a label"
    return html


@pytest.mark.parametrize(
    "name",
    ["account_login", "account_reset_password", "account_reset_password_done", "account_reset_password_from_key_done"],
)
def test_anonymous_pages(client, name):
    assert_themed(client.get(reverse(name)))


@pytest.mark.parametrize(
    "name",
    ["account_email", "account_change_password", "mfa_index", "account_logout", "account_reauthenticate"],
)
def test_signed_in_pages(client, learner, name):
    sign_in(client, email=learner.email)
    html = assert_themed(client.get(reverse(name)))
    if name in ("account_email", "account_change_password", "mfa_index"):
        assert 'aria-label="Account settings"' in html or "account-nav" in html
        assert 'aria-current="page"' in html


def test_office_two_factor_overview(client, office_admin):
    client.force_login(office_admin)
    html = assert_themed(client.get(reverse("mfa_index")))
    assert reverse("mfa_deactivate_totp") in html


def test_sign_out_is_a_post_and_lands_on_the_login_page(client, learner):
    sign_in(client, email=learner.email)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.get(response["Location"], follow=True).redirect_chain[-1][0].startswith(reverse("account_login"))
