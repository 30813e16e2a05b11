"""The public verification page's allowance per client address (`LANTOA_VERIFY_RATE_LIMIT`, "count/seconds").

The address is core.http.client_ip (trusted proxies counted); the counter is core.ratelimit's.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from core.http import client_ip
from core.ratelimit import window_consume


def consume(request: HttpRequest, *, action: str) -> bool:
    """Count one request; False once the client has used up its allowance for the current window."""
    rate = getattr(settings, "LANTOA_VERIFY_RATE_LIMIT", "30/60")
    return window_consume(key=f"{action}:{client_ip(request)}", rate=rate)
