"""Settings for the real Celery workers started by test_bulk_worker.py: the test settings on a queue of the test's own.

The media directory and the site URL come from the environment (LANTOA_MEDIA_ROOT, LANTOA_SITE_URL),
so the workers write the PDFs where the test reads them.
"""

import os

from config.settings.test import *  # noqa: F403

CELERY_TASK_DEFAULT_QUEUE = os.environ["LANTOA_TEST_QUEUE"]
