"""Signing in by email, wrong passwords, rate limits, password reset, where users land."""

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

from .conftest import PASSWORD, link_in_last_email, set_password_through_link, sign_in

pytestmark = pytest.mark.django_db


def test_login_page_uses_the_site_layout_and_offers_no_signup(client):
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="skip-link"' in html, "rendered inside templates/base.html"
    assert '<label for="id_login">' in html and '<label for="id_password">' in html
    assert 'aria-describedby="id_password_helptext"' in html
    assert reverse("account_reset_password") in html
    assert reverse("account_signup") not in html


def test_login_by_email_lands_on_home(client, learner):
    response = sign_in(client, email=learner.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_login_email_is_case_insensitive(client, learner):
    response = sign_in(client, email=learner.email.upper())
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == learner.pk


def test_login_follows_a_safe_next_and_ignores_another_site(client, learner):
    assert sign_in(client, email=learner.email, next_url="/people/")["Location"] == "/people/"
    client.logout()
    assert sign_in(client, email=learner.email, next_url="https://evil.example/")["Location"] == reverse("home")


def test_wrong_password_is_refused_with_a_message(client, learner):
    response = sign_in(client, email=learner.email, password="not-the-password")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert response.context["form"].non_field_errors()
    assert 'role="alert"' in response.content.decode()


def test_unknown_email_gets_the_same_message_as_a_wrong_password(client, learner):
    wrong_password = sign_in(client, email=learner.email, password="not-the-password")
    unknown = sign_in(client, email="nobody@stp.dongnai.gov.vn", password="not-the-password")
    assert unknown.context["form"].non_field_errors() == wrong_password.context["form"].non_field_errors()


def test_repeated_failures_are_rate_limited_even_with_the_right_password(client, learner):
    for _attempt in range(5):
        assert sign_in(client, email=learner.email, password="wrong-password").status_code == 200
    response = sign_in(client, email=learner.email)
    assert "_auth_user_id" not in client.session
    errors = " ".join(response.context["form"].non_field_errors())
    assert "Too many failed login attempts" in errors or "Quá nhiều" in errors


def test_rate_limit_is_per_account(client, learner):
    other = UserFactory()
    for _attempt in range(5):
        sign_in(client, email=learner.email, password="wrong-password")
    assert sign_in(client, email=other.email)["Location"] == reverse("home")


def test_password_reset_email_link_sets_a_new_password(client, learner):
    response = client.post(reverse("account_reset_password"), {"email": learner.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [learner.email]
    assert mail.outbox[0].subject.startswith("[Lan Tỏa] ")

    response = set_password_through_link(client, link=link_in_last_email(), password="mot-mat-khau-moi-2026")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_from_key_done")

    assert sign_in(client, email=learner.email, password=PASSWORD).status_code == 200, "old password no longer works"
    assert sign_in(client, email=learner.email, password="mot-mat-khau-moi-2026")["Location"] == reverse("home")


def test_password_reset_link_works_only_once(client, learner):
    client.post(reverse("account_reset_password"), {"email": learner.email})
    link = link_in_last_email()
    set_password_through_link(client, link=link, password="mot-mat-khau-moi-2026")
    response = client.get(link)
    assert response.status_code == 200
    assert response.context["token_fail"]


def test_password_reset_for_an_unknown_address_sends_nothing_and_reveals_nothing(client, learner):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@stp.dongnai.gov.vn"})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    assert mail.outbox == []


def test_signup_is_closed(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "new@stp.dongnai.gov.vn", "password1": "mot-mat-khau-2026", "password2": "mot-mat-khau-2026"},
    )
    assert response.status_code == 200
    assert "account/signup_closed.html" in [t.name for t in response.templates]
    from accounts.models import User

    assert not User.objects.filter(email="new@stp.dongnai.gov.vn").exists()


def test_rate_limit_settings_are_allauth_actions_with_valid_rates(settings):
    """A misspelt action name would silently configure nothing (allauth ignores unknown keys)."""
    from allauth.account import app_settings
    from allauth.core.internal.ratelimit import parse_rate

    configured = dict(settings.ACCOUNT_RATE_LIMITS)
    settings.ACCOUNT_RATE_LIMITS = {}
    known_actions = set(app_settings.RATE_LIMITS)
    assert set(configured) <= known_actions
    for rates in configured.values():
        for rate in rates.split(","):
            assert parse_rate(rate).amount > 0


def _fail_ten_logins(client, *, forwarded_for: str) -> None:
    for _attempt in range(10):  # "login_failed": 10 a minute per IP; a new address each time, so no key limit
        sign_in(client, email=UserFactory().email, password="wrong-password", HTTP_X_FORWARDED_FOR=forwarded_for)


def test_behind_the_proxy_each_client_has_its_own_failed_login_allowance(client, learner, settings):
    settings.LANTOA_TRUSTED_PROXY_COUNT = settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    # Everyone reaches Django from nginx (REMOTE_ADDR 127.0.0.1); nginx appends the client's address.
    _fail_ten_logins(client, forwarded_for="198.51.100.1, 203.0.113.7")  # the first entry is forged

    limited = sign_in(client, email=learner.email, HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.7")
    assert "_auth_user_id" not in client.session
    assert "Quá nhiều lần đăng nhập sai" in " ".join(limited.context["form"].non_field_errors())
    other_client = sign_in(client, email=learner.email, HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert other_client["Location"] == reverse("home")


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(client, learner, settings):
    settings.LANTOA_TRUSTED_PROXY_COUNT = settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    _fail_ten_logins(client, forwarded_for="203.0.113.7")

    # A forged header does not buy a fresh allowance: the address is REMOTE_ADDR.
    response = sign_in(client, email=learner.email, HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert "_auth_user_id" not in client.session
    assert "Quá nhiều lần đăng nhập sai" in " ".join(response.context["form"].non_field_errors())
