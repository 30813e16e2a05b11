"""Periodic learning tasks (scheduled in config/settings/components/celery.py).

Each takes a date (ISO string, today in the project's time zone by default), calls one
service and returns its counts. The reminder tasks are in notifications/tasks.py.
"""

import datetime as dt

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from courses.services.assignments import enrolment_sync

_RETRY = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 30,
    "max_retries": 3,
}


def _date(on_date: str | None) -> dt.date:
    return dt.date.fromisoformat(on_date) if on_date else timezone.localdate()


@shared_task(name="courses.tasks.enrolment_sync_all", **_RETRY)
def enrolment_sync_all(on_date: str | None = None) -> dict[str, int]:
    """Give every assignment to whoever is in its audience today.

    Roster imports already sync on their effective date; this catches what they cannot:
    imports dated in the future that become current, and units moved in the tree.
    """
    summary = enrolment_sync(on_date=_date(on_date))
    return {"enrolled": summary.enrolled, "left": summary.left, "returned": summary.returned}
