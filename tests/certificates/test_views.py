"""The public verification page and the PDF download."""

import re

import pytest
from django.core.cache import cache

from certificates import services

pytestmark = pytest.mark.django_db


def _without_csrf(response) -> str:
    """The page without its masked CSRF token and the language switch's return path (both differ per request)."""
    return re.sub(r'name="(csrfmiddlewaretoken|next)"( type="hidden")? value="[^"]*"', "", response.content.decode())


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def certificate(completion):
    return services.certificate_issue_for_completion(completion_id=completion.pk)


def test_verify_shows_the_listed_fields_and_valid(client, certificate):
    response = client.get(f"/verify/{certificate.code}/")
    page = response.content.decode()

    assert response.status_code == 200
    for shown in ("Nguyễn Thị Hồng Nhung", "Tổ Tổng hợp", certificate.course_title, certificate.serial):
        assert shown in page
    assert certificate.issued_on.strftime("%d/%m/%Y") in page
    assert "This certificate is valid." in page or "còn hiệu lực" in page.lower()
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_verify_accepts_a_lowercase_code(client, certificate):
    assert client.get(f"/verify/{certificate.code.lower()}/").status_code == 200


def test_verify_shows_nothing_else_personal(client, certificate, holder):
    page = client.get(f"/verify/{certificate.code}/").content.decode()

    for hidden in (
        "05/03/1988",
        "1988",
        holder.email,
        "hong.nhung",
        holder.code,
        "Chuyên viên chính",  # position is not on the list
        "90%",  # nor the result
    ):
        assert hidden not in page, hidden


def test_revoked_certificate_says_so_and_why(client, certificate, office_admin):
    services.certificate_revoke(certificate=certificate, reason="Cấp nhầm khóa học", revoked_by=office_admin)

    response = client.get(f"/verify/{certificate.code}/")
    page = response.content.decode()

    assert response.status_code == 200
    assert "Cấp nhầm khóa học" in page
    assert "This certificate is valid." not in page


@pytest.mark.parametrize("code", ["AAAAAAAAAAAAAAAA", "ZZZZ2222ZZZZ2222", "abc", "0001-2026-GCN-STP", "%27%20OR%201=1"])
def test_unknown_and_malformed_codes_get_the_same_404(client, certificate, code):
    response = client.get(f"/verify/{code}/")
    reference = client.get("/verify/AAAAAAAAAAAAAAAA/")

    assert response.status_code == 404
    assert _without_csrf(response) == _without_csrf(reference)


def test_verify_is_rate_limited_per_ip(client, certificate, settings):
    settings.LANTOA_VERIFY_RATE_LIMIT = "5/60"
    statuses = [client.get(f"/verify/{certificate.code}/").status_code for _ in range(5)]
    limited = client.get("/verify/AAAAAAAAAAAAAAAA/")  # unknown codes count too: no enumeration
    other_ip = client.get(f"/verify/{certificate.code}/", REMOTE_ADDR="10.0.0.9")

    assert statuses == [200] * 5
    assert limited.status_code == 429
    assert limited["Retry-After"] == "60"
    assert certificate.holder_name not in limited.content.decode()
    assert other_ip.status_code == 200


def test_verify_limit_counts_each_client_behind_the_proxy(client, certificate, settings):
    settings.LANTOA_VERIFY_RATE_LIMIT = "3/60"
    settings.LANTOA_TRUSTED_PROXY_COUNT = 1
    url = f"/verify/{certificate.code}/"
    first = [client.get(url, HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7").status_code for _ in range(4)]
    other = client.get(url, HTTP_X_FORWARDED_FOR="203.0.113.8")
    forged = client.get(url, HTTP_X_FORWARDED_FOR="203.0.113.9, 203.0.113.7")  # same client, new left entry

    assert first == [200, 200, 200, 429]
    assert other.status_code == 200
    assert forged.status_code == 429


def test_verify_limit_ignores_the_forwarded_header_without_a_trusted_proxy(client, certificate, settings):
    settings.LANTOA_VERIFY_RATE_LIMIT = "2/60"
    settings.LANTOA_TRUSTED_PROXY_COUNT = 0
    statuses = [
        client.get(f"/verify/{certificate.code}/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(3)
    ]
    assert statuses == [200, 200, 429]


def test_holder_and_office_download_the_stored_pdf(client, certificate, holder, office_admin):
    from tests.factories import UserFactory

    holder.user = UserFactory(email=holder.email)
    holder.save()
    with certificate.pdf.open("rb") as stored:
        expected = stored.read()

    client.force_login(holder.user)
    response = client.get(f"/certificates/{certificate.code}/pdf/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == expected
    assert "0001-2026-GCN-STP.pdf" in response["Content-Disposition"]

    client.force_login(office_admin)
    assert client.get(f"/certificates/{certificate.code}/pdf/").status_code == 200


def test_the_holders_unit_head_downloads_the_pdf(client, certificate, unit_head):
    client.force_login(unit_head)  # heads Văn phòng, whose Tổ Tổng hợp the holder belongs to
    response = client.get(f"/certificates/{certificate.code}/pdf/")

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_anyone_else_gets_404_for_the_pdf(client, certificate, learner, other_unit_head):
    for user in (learner, other_unit_head):
        client.force_login(user)
        assert client.get(f"/certificates/{certificate.code}/pdf/").status_code == 404


def test_the_stored_name_carries_a_random_part(certificate):
    folder, name = certificate.pdf.name.rsplit("/", 1)

    assert name == "0001-2026-GCN-STP.pdf"
    assert folder.startswith("certificates/2026/") and len(folder.split("/")[-1]) >= 22


def test_anonymous_download_goes_to_sign_in(client, certificate):
    response = client.get(f"/certificates/{certificate.code}/pdf/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
