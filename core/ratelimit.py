"""A fixed-window counter in the cache (shared by every process when the cache is: Redis in production).

One home for counting requests: the public /verify/ page per client address (certificates.ratelimit)
and the API per token (reports.api). allauth counts logins itself (with the same client address,
core.http.client_ip).
"""

from __future__ import annotations

import time

from django.core.cache import cache


def rate_parse(text: str, *, default: str = "30/60") -> tuple[int, int]:
    """ "count/seconds" → (count, seconds); a malformed setting falls back to `default`."""
    count, _slash, seconds = str(text).partition("/")
    try:
        return int(count), int(seconds or 60)
    except ValueError:
        return rate_parse(default)


def window_consume(*, key: str, rate: str) -> bool:
    """Count one use of `key`; False once it has used up `rate` ("count/seconds") in the current window."""
    allowed, window = rate_parse(rate)
    bucket = int(time.time() // window)
    cache_key = f"lantoa:rl:{key}:{bucket}"
    cache.add(cache_key, 0, timeout=window + 1)
    try:
        used = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window + 1)
        used = 1
    return used <= allowed
