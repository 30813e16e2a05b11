"""Periodic reminder tasks (scheduled in config/settings/components/celery.py).

Each takes a date (ISO string, today in the project's time zone by default), calls one
service and returns its counts. Running one twice sends nothing twice: the services claim
every event before sending it. The task names are kept from when they lived in
`courses.tasks`: the beat schedule (and any message already queued) uses them.
"""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from core.dates import iso_date_or_today
from notifications.services import reminders

_RETRY = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 30,
    "max_retries": 3,
}


@shared_task(name="courses.tasks.reminders_send_due", **_RETRY)
def reminders_send_due(on_date: str | None = None) -> dict[str, int]:
    return reminders.reminders_send_due(on_date=iso_date_or_today(on_date)).as_dict()


@shared_task(name="courses.tasks.digests_send_weekly", **_RETRY)
def digests_send_weekly(on_date: str | None = None) -> dict[str, int]:
    return reminders.digests_send_weekly(on_date=iso_date_or_today(on_date)).as_dict()
