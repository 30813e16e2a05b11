"""Periodic learning tasks (scheduled in config/settings/components/celery.py).

Each takes a date (ISO string, today in the project's time zone by default), calls one
service and returns its counts. The reminder tasks are in notifications/tasks.py.
"""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from core.dates import iso_date_or_today
from courses.services.assignments import enrolment_sync

_RETRY = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 30,
    "max_retries": 3,
}


@shared_task(name="courses.tasks.enrolment_sync_all", **_RETRY)
def enrolment_sync_all(on_date: str | None = None) -> dict[str, int]:
    """Give every assignment to whoever is in its audience today.

    Roster imports already sync on their effective date; this catches what they cannot:
    imports dated in the future that become current, and units moved in the tree.
    """
    summary = enrolment_sync(on_date=iso_date_or_today(on_date))
    return {"enrolled": summary.enrolled, "left": summary.left, "returned": summary.returned}
