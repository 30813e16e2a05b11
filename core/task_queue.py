"""Sending a Celery task by its name, so that the services a task module calls never import that module back.

A task module imports the services it calls (a task takes ids, fetches, calls one service);
a service that enqueues a task names it instead of importing it. The task is looked up in
the app's registry (the app imports its tasks module in `AppConfig.ready()`), so
`CELERY_TASK_ALWAYS_EAGER` and the task's own options (time limits, retries) apply as with
`task.delay()`; a process where the task is not registered hands it to the broker by name.
"""

from __future__ import annotations

from celery import current_app
from django.db import transaction


def task_send(name: str, *args) -> None:
    """Enqueue the task registered as `name` now (from a task or a command: no transaction to wait for)."""
    current_app.signature(name, args=args).delay()


def task_send_on_commit(name: str, *args) -> None:
    """Enqueue the task registered as `name` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: task_send(name, *args))
