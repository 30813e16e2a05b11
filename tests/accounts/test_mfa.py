"""Two-factor login (TOTP) is required for the Office and superusers, including in the admin."""

from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.urls import reverse

from tests.factories import UserFactory, give_totp

from .conftest import PASSWORD, sign_in, totp_code

pytestmark = pytest.mark.django_db

ACTIVATE = reverse("mfa_activate_totp")
AUTHENTICATE = reverse("mfa_authenticate")


def reauthenticate(client):
    """allauth asks for the password again before any change to the second factor."""
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302


@pytest.fixture
def office_without_totp(db):
    return UserFactory(email="moi.vao@stp.dongnai.gov.vn", is_office_admin=True, is_staff=True)


@pytest.fixture
def superuser_without_totp(db):
    return UserFactory(email="root@stp.dongnai.gov.vn", is_superuser=True, is_staff=True)


@pytest.mark.parametrize("who", ["office_without_totp", "superuser_without_totp"])
@pytest.mark.parametrize("url", ["/", "/admin/", "/admin/accounts/user/", "/people/?q=th%C3%BAy&page=2"])
def test_user_who_must_use_totp_is_sent_to_activation(client, request, who, url):
    client.force_login(request.getfixturevalue(who))
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(ACTIVATE + "?next=")
    assert parse_qs(urlsplit(response["Location"]).query)["next"] == [url], "the whole page, query string included"


def test_learner_is_not_asked_for_totp(client, learner):
    client.force_login(learner)
    assert client.get("/").status_code == 200


def test_activation_page_itself_is_reachable_without_a_loop(client, office_without_totp):
    sign_in(client, email=office_without_totp.email)
    response = client.get(ACTIVATE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert client.get(response["Location"]).status_code == 200, "the password prompt is reachable too"
    reauthenticate(client)
    response = client.get(ACTIVATE)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="skip-link"' in html, "themed with the site layout"
    assert 'class="totp-qr"' in html


def test_office_user_activates_totp_then_reaches_the_site(client, office_without_totp):
    assert sign_in(client, email=office_without_totp.email)["Location"] == reverse("home")
    assert client.get("/")["Location"].startswith(ACTIVATE)

    reauthenticate(client)
    client.get(ACTIVATE)
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post(ACTIVATE, {"code": "000000" if totp_code(secret) != "000000" else "111111"})
    assert response.status_code == 200, "a wrong code is refused"
    assert not Authenticator.objects.filter(user=office_without_totp).exists()

    response = client.post(ACTIVATE, {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=office_without_totp, type=Authenticator.Type.TOTP).exists()
    assert client.get("/").status_code == 200
    assert client.get("/admin/").status_code == 200


def test_anonymous_admin_goes_to_the_allauth_login_never_the_admin_form(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
    assert "next=/admin/" in response.redirect_chain[-1][0]
    assert "account/login.html" in [t.name for t in response.templates]
    assert "admin/login.html" not in [t.name for t in response.templates]


def test_admin_login_url_hands_over_to_allauth(client):
    response = client.get("/admin/login/?next=/admin/accounts/user/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
    assert "admin/login.html" not in [t.name for t in response.templates]


def test_office_user_with_totp_signs_in_with_password_and_code_and_reaches_admin(client, office_admin):
    secret = Authenticator.objects.get(user=office_admin, type=Authenticator.Type.TOTP).data["secret"]
    response = client.get("/admin/", follow=True)
    login_url = response.redirect_chain[-1][0]

    response = client.post(
        login_url, {"login": office_admin.email, "password": "mat-khau-demo-2026", "next": "/admin/"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(AUTHENTICATE), "the password alone does not sign in"
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302

    response = client.get(AUTHENTICATE)
    assert response.status_code == 200
    assert 'autocomplete="one-time-code"' in response.content.decode()

    response = client.post(AUTHENTICATE, {"code": totp_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert int(client.session["_auth_user_id"]) == office_admin.pk
    assert client.get("/admin/").status_code == 200


def test_wrong_totp_code_does_not_sign_in(client, office_admin):
    secret = Authenticator.objects.get(user=office_admin, type=Authenticator.Type.TOTP).data["secret"]
    sign_in(client, email=office_admin.email)
    wrong = "123456" if totp_code(secret) != "123456" else "654321"
    response = client.post(AUTHENTICATE, {"code": wrong})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_a_totp_code_cannot_be_used_twice(client, office_admin):
    secret = Authenticator.objects.get(user=office_admin, type=Authenticator.Type.TOTP).data["secret"]
    code = totp_code(secret)
    sign_in(client, email=office_admin.email)
    assert client.post(AUTHENTICATE, {"code": code}).status_code == 302
    client.logout()
    sign_in(client, email=office_admin.email)
    assert client.post(AUTHENTICATE, {"code": code}).status_code == 200
    assert "_auth_user_id" not in client.session


def _sign_in_with_totp(client, user, secret):
    sign_in(client, email=user.email)
    assert client.post(AUTHENTICATE, {"code": totp_code(secret)}).status_code == 302


def test_office_user_cannot_deactivate_their_totp(client, office_without_totp):
    secret = give_totp(office_without_totp)
    _sign_in_with_totp(client, office_without_totp, secret)
    reauthenticate(client)
    deactivate = reverse("mfa_deactivate_totp")

    response = client.get(deactivate)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert 'role="alert"' in response.content.decode(), "the refusal is shown, not just recorded"

    response = client.post(deactivate)
    assert response.status_code == 200
    assert Authenticator.objects.filter(user=office_without_totp, type=Authenticator.Type.TOTP).exists()
    assert client.get("/").status_code == 200
    assert client.get(reverse("mfa_index")).status_code == 200


def test_learner_may_deactivate_an_optional_totp(client, learner):
    secret = give_totp(learner)
    _sign_in_with_totp(client, learner, secret)
    reauthenticate(client)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=learner).exists()
    assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    "url", ["/admin/", "/admin/login/", "/admin/accounts/user/", "/admin/accounts/user/1/change/", "/admin/nowhere/"]
)
def test_the_admin_does_not_exist_for_signed_in_people_outside_the_office(client, learner, unit_head, url):
    for user in (learner, unit_head):
        client.force_login(user)
        assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        reverse("account_email"),
        reverse("account_change_password"),
        reverse("mfa_index"),
        reverse("mfa_generate_recovery_codes"),
        reverse("mfa_view_recovery_codes"),
    ],
)
def test_forced_setup_allows_only_the_setup_itself(client, office_without_totp, url):
    sign_in(client, email=office_without_totp.email)
    assert client.get(url)["Location"].startswith(ACTIVATE)
    response = client.post(reverse("account_email"), {"action_add": "", "email": "khac@example.com"})
    assert response["Location"].startswith(ACTIVATE)
    assert not office_without_totp.emailaddress_set.filter(email="khac@example.com").exists()
