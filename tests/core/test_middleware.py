"""Hostile input refused before a view can turn it into a server error (core.middleware)."""

import pytest

pytestmark = pytest.mark.django_db

BEYOND_64_BITS = str(2**64)


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("get", "/people/", {"q": "Th\x00úy"}),
        ("get", "/people/", {"q\x00": "a"}),
        ("post", "/accounts/email/", {"email": "a\x00@b.vn", "action_add": ""}),
        ("get", "/verify/AB\x00CD/", {}),
    ],
)
def test_a_nul_character_is_a_bad_request(client, office_admin, method, url, data):
    client.force_login(office_admin)
    assert getattr(client, method)(url, data).status_code == 400


@pytest.mark.parametrize(
    "url",
    [
        f"/people/{BEYOND_64_BITS}/",
        f"/quiz/attempt/{BEYOND_64_BITS}/",
        f"/reports/semiannual/{'9' * 5000}/",
        f"/admin/accounts/user/{BEYOND_64_BITS}/change/",
        f"/admin/orgchart/staff/{'9' * 5000}/change/",
    ],
)
def test_an_id_beyond_64_bits_is_not_found(client, office_admin, url):
    client.force_login(office_admin)
    assert client.get(url).status_code == 404


def test_the_largest_64_bit_id_is_an_ordinary_unknown_id(client, office_admin):
    client.force_login(office_admin)
    assert client.get(f"/people/{2**63 - 1}/").status_code == 404
