"""The stack test's settings: production's, served over plain HTTP on loopback.

Everything else is production: DEBUG off, PostgreSQL with persistent, health-checked
connections, Redis for the cache, the cached_db sessions and the Celery broker, static files
collected and served by whitenoise. Changed for the test only: no HTTPS (no redirect, cookies
sent over HTTP), emails written to a folder the test reads, and the stalled bulk job check of
beat run every few seconds instead of every five minutes, so a job that lost its tasks with
Redis is picked up within the test's patience.
"""

import os

from config.settings.production import *  # noqa: F403
from config.settings.production import CELERY_BEAT_SCHEDULE as _BEAT_SCHEDULE
from config.settings.production import env

SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

STATIC_ROOT = env.path("LANTOA_STATIC_ROOT")
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["LANTOA_EMAIL_DIR"]

CELERY_BEAT_SCHEDULE = {
    **_BEAT_SCHEDULE,
    "resume-stalled-bulk-certificate-jobs": {
        "task": "certificates.tasks.bulk_jobs_resume",
        "schedule": 3.0,
        "kwargs": {"stalled_seconds": 8},
    },
}
