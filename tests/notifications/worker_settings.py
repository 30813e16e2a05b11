"""Settings for the real Celery worker started by test_worker.py: the test settings, emails written to files."""

import os

from config.settings.test import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["LANTOA_TEST_EMAIL_DIR"]
