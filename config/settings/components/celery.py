"""Celery: eager on the embedded default, a real broker when CELERY_BROKER_URL is set."""

import environ
from celery.schedules import crontab

env = environ.Env()

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# Periodic tasks. django-celery-beat's DatabaseScheduler copies these into its tables,
# where the Office can change the times from the admin.
CELERY_BEAT_SCHEDULE = {
    "close-abandoned-quiz-attempts": {
        "task": "quizzes.tasks.attempt_close_expired_all",
        "schedule": 60.0,
    },
    "sync-enrolments": {
        "task": "courses.tasks.enrolment_sync_all",
        "schedule": crontab(hour=6, minute=30),
    },
    # A bulk certificate job whose worker died and was never restarted is picked up again.
    "resume-stalled-bulk-certificate-jobs": {
        "task": "certificates.tasks.bulk_jobs_resume",
        "schedule": 300.0,
        "kwargs": {"stalled_seconds": 600},
    },
    "send-due-reminders": {
        "task": "courses.tasks.reminders_send_due",
        "schedule": crontab(hour=7, minute=0),
    },
    "send-weekly-head-digests": {
        "task": "courses.tasks.digests_send_weekly",
        "schedule": crontab(day_of_week="mon", hour=7, minute=30),
    },
}
