"""The client's address behind trusted proxies (core.http.client_ip)."""

import pytest
from django.test import RequestFactory

from core.http import client_ip


@pytest.mark.parametrize(
    ("count", "forwarded", "remote", "expected"),
    [
        (0, "203.0.113.7", "127.0.0.1", "127.0.0.1"),  # nothing trusted: the header is ignored
        (1, "203.0.113.7", "127.0.0.1", "203.0.113.7"),
        (1, "198.51.100.1, 203.0.113.7", "127.0.0.1", "203.0.113.7"),  # the forged left entry is ignored
        (2, "198.51.100.1, 203.0.113.7, 10.0.0.2", "127.0.0.1", "203.0.113.7"),  # two proxies of ours
        (2, "203.0.113.7", "127.0.0.1", "127.0.0.1"),  # fewer entries than proxies: not through them
        (1, "", "127.0.0.1", "127.0.0.1"),
        (1, "not-an-address", "127.0.0.1", "127.0.0.1"),
        (1, "[2001:db8::1]:443", "127.0.0.1", "2001:db8::1"),
        (1, "203.0.113.7:51000", "127.0.0.1", "203.0.113.7"),
        (0, "", "", "unknown"),
    ],
)
def test_client_ip(settings, count, forwarded, remote, expected):
    settings.LANTOA_TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=remote)
    assert client_ip(request) == expected
