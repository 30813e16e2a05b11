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


@pytest.mark.django_db
def test_an_expired_form_gets_the_sites_own_page_in_vietnamese(learner):
    """A form sent from a page kept open past its CSRF token: what happened and what to do, not Django's English."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    response = client.post("/accounts/logout/")
    body = response.content.decode()
    assert response.status_code == 403
    assert "Biểu mẫu đã hết hạn" in body and "tải lại trang" in body and "Chưa có gì được lưu" in body
    assert "lantoa.css" in body and "CSRF verification failed" not in body and "Forbidden" not in body


@pytest.mark.django_db
def test_an_expired_form_in_english_after_the_switch(learner):
    from django.test import Client

    client = Client(enforce_csrf_checks=True, headers={"accept-language": "en"})
    client.cookies["django_language"] = "en"
    response = client.post("/accounts/login/", {"login": "x@y.vn", "password": "x"})
    assert response.status_code == 403
    assert "The form has expired" in response.content.decode()


def test_djangos_form_messages_missing_from_its_catalogue_are_vietnamese():
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_slug
    from django.utils import translation

    with translation.override("vi"):
        with pytest.raises(ValidationError) as refused:
            validate_slug("nq 57")
        assert refused.value.messages == [
            "Vui lòng nhập mã hợp lệ, chỉ gồm chữ cái không dấu, chữ số, dấu gạch dưới hoặc dấu gạch ngang."
        ]
