"""Site-wide pages: the favicon, the friendly 404 and 500 pages."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import override_settings


@pytest.mark.django_db
def test_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.ico") and response["Location"].startswith("/static/")
    assert 'rel="icon"' in client.get("/accounts/login/").content.decode()


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_not_found_is_the_friendly_page(client):
    response = client.get("/khong-co-trang-nay/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "lantoa.css" in body and "Technical" not in body and "URLconf" not in body


def test_server_error_page_is_styled_and_needs_no_context():
    body = render_to_string("500.html")
    assert "lantoa.css" in body and "favicon.ico" in body and "Lỗi hệ thống" in body
