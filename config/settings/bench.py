"""Production-like settings for the learner load benchmark (`benchmarks/load_learners.py`).

Production's settings with only what a loopback, plain-HTTP benchmark needs changed:
DEBUG off, no HTTPS redirect or secure-only cookies (there is no TLS on 127.0.0.1), a
real shared cache (Redis), PostgreSQL from DATABASE_URL with persistent connections, the
cached template loader, static files collected by `collectstatic` into a temporary
directory and served by whitenoise, and allauth's sign-in rate limit raised (see below).
The minimal one-row view the pages are compared with lives in `benchmarks.urls`.
"""

import copy
import os
import tempfile

# Production refuses to start without these; the benchmark runs on loopback only.
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lantoa_bench_load")

from .base import ACCOUNT_RATE_LIMITS as _BASE_RATE_LIMITS  # noqa: E402
from .base import DATABASES, env  # noqa: E402
from .base import TEMPLATES as _BASE_TEMPLATES  # noqa: E402
from .production import *  # noqa: E402,F403

DEBUG = False
ROOT_URLCONF = "benchmarks.urls"

# Plain HTTP on 127.0.0.1: no redirect to HTTPS, and cookies a client sends back over HTTP.
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

# PostgreSQL from DATABASE_URL, with base's options (server-side parameters, prepared statements).
# One connection per gunicorn worker, kept across requests (as production, made explicit).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

CACHES = {**CACHES, "default": env.cache("CACHE_URL", default="redis://127.0.0.1:6379/13")}  # noqa: F405

# Explicitly the cached loader (Django picks it anyway when DEBUG is off): templates are
# compiled once per worker.
TEMPLATES = copy.deepcopy(_BASE_TEMPLATES)
TEMPLATES[0]["APP_DIRS"] = False
TEMPLATES[0]["OPTIONS"]["loaders"] = [
    (
        "django.template.loaders.cached.Loader",
        ["django.template.loaders.filesystem.Loader", "django.template.loaders.app_directories.Loader"],
    )
]

# `collectstatic` writes here (the benchmark sets it to a fresh temporary directory);
# whitenoise serves the hashed, compressed files from it, as in production.
STATIC_ROOT = env.path("LANTOA_BENCH_STATIC_ROOT", default=os.path.join(tempfile.gettempdir(), "lantoa-bench-static"))

# Every simulated learner signs in from the same address, 127.0.0.1, within a few seconds.
# allauth's per-IP sign-in limit ("login": 30 a minute per IP by default) exists to slow
# one attacker down; here it would refuse the 31st learner, so the benchmark would measure
# error pages. Only the per-IP sign-in limits are raised; failed-login limits per account
# and the other limits stay as configured.
ACCOUNT_RATE_LIMITS = {**_BASE_RATE_LIMITS, "login": "100000/m/ip", "login_failed": "100000/m/ip,5/5m/key"}

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
