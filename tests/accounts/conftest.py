import re
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

PASSWORD = "mat-khau-demo-2026"


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate limits and used TOTP codes live in the (real, local-memory) cache.
    cache.clear()
    yield
    cache.clear()


def totp_code(secret: str) -> str:
    """The code an authenticator app shows right now for `secret`."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def sign_in(client, *, email: str, password: str = PASSWORD, next_url: str | None = None, **headers):
    data = {"login": email, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("account_login"), data, **headers)


def link_in_last_email() -> str:
    match = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(0)


def set_password_through_link(client, *, link: str, password: str):
    """Follow an emailed set-password link the way a browser does and choose a password."""
    response = client.get(link)
    assert response.status_code == 302, "the key URL redirects to the key-less form"
    form_url = response["Location"]
    assert form_url.endswith("-set-password/")
    response = client.get(form_url)
    assert response.status_code == 200
    return client.post(form_url, {"password1": password, "password2": password})
