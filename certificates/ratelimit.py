"""A fixed-window request counter per client IP (core.http.client_ip: trusted proxies counted), in the cache
(shared by every process when the cache is)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from core.http import client_ip


def _limit() -> tuple[int, int]:
    """`LANTOA_VERIFY_RATE_LIMIT` as (requests, seconds); "30/60" by default."""
    text = getattr(settings, "LANTOA_VERIFY_RATE_LIMIT", "30/60")
    count, _slash, seconds = str(text).partition("/")
    return int(count), int(seconds or 60)


def consume(request: HttpRequest, *, action: str) -> bool:
    """Count one request; False once the client has used up its allowance for the current window."""
    allowed, window = _limit()
    bucket = int(time.time() // window)
    key = f"lantoa:rl:{action}:{client_ip(request)}:{bucket}"
    cache.add(key, 0, timeout=window + 1)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 1)
        used = 1
    return used <= allowed
