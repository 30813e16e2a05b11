"""The client's address, the one rule for every rate limit (allauth's and ours) and log line.

Behind reverse proxies REMOTE_ADDR is the nearest proxy's address: every client would share one
allowance. `LANTOA_TRUSTED_PROXY_COUNT` says how many proxies in front of Django are ours (nginx on
the same machine: 1). Each appends the address it saw to X-Forwarded-For, so the client is the entry
that many places from the right; anything further left was written by the client and is not trusted.
0 (the default, nothing in front): REMOTE_ADDR, and X-Forwarded-For is ignored.

gunicorn does not rewrite REMOTE_ADDR from X-Forwarded-For (its `--forwarded-allow-ips` is about
the scheme and `X-Forwarded-*` secure headers), so the count is needed whenever a proxy is in front.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def trusted_proxy_count() -> int:
    return max(int(getattr(settings, "LANTOA_TRUSTED_PROXY_COUNT", 0) or 0), 0)


def _valid_ip(text: str) -> str | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "203.0.113.7:51000"
        text = text.partition(":")[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The client's address: X-Forwarded-For read `LANTOA_TRUSTED_PROXY_COUNT` entries from the right, else REMOTE_ADDR.

    A request with fewer forwarded entries than trusted proxies did not come through them (or the
    count is wrong): REMOTE_ADDR is used, never an error page.
    """
    count = trusted_proxy_count()
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count and forwarded:
        entries = forwarded.split(",")
        if len(entries) >= count:
            address = _valid_ip(entries[-count])
            if address:
                return address
    return _valid_ip(request.META.get("REMOTE_ADDR", "")) or "unknown"
