"""Two submits of the same attempt at the same moment, on PostgreSQL: graded exactly once.

Real threads, each with its own database connection. The grading is slowed down so that the
second submit certainly arrives while the first holds the row lock; without the lock both
would find the attempt in progress and grade it.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection
from django.utils import timezone

from courses.models import Completion
from quizzes.models import Attempt, AttemptStatus
from quizzes.services import attempt_start, attempt_submit
from quizzes.services import attempts as attempts_module

from .conftest import answer_all, enrol

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _run_in_threads(target, count):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def worker():
        try:
            barrier.wait(timeout=10)
            results.append(target())
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results, errors


def test_a_double_submit_is_graded_once(staff, version, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    enrol(staff=staff, course=version.course)
    attempt = attempt_start(staff=staff, version=version)
    answer_all(attempt)

    gradings = []
    real_close = attempts_module._close

    def slow_close(attempt, *, now):
        gradings.append(attempt.pk)
        time.sleep(0.3)
        real_close(attempt, now=now)

    monkeypatch.setattr(attempts_module, "_close", slow_close)

    results, errors = _run_in_threads(lambda: attempt_submit(attempt_id=attempt.pk, staff=staff), 2)

    assert errors == []
    assert gradings == [attempt.pk]
    assert len({(result.status, result.closed_at, result.correct_count) for result in results}) == 1
    stored = Attempt.objects.get(pk=attempt.pk)
    assert (stored.status, stored.correct_count, stored.passed) == (AttemptStatus.SUBMITTED, 5, True)
    assert Completion.objects.filter(staff=staff).count() == 1


def test_a_submit_racing_the_periodic_close_is_graded_once(staff, version, monkeypatch, settings):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    from quizzes.services import attempt_close_expired

    settings.LANTOA_QUIZ_GRACE_SECONDS = 0
    attempt = attempt_start(staff=staff, version=version)
    answer_all(attempt)
    Attempt.objects.filter(pk=attempt.pk).update(deadline_at=timezone.now())  # time is up, answers were in time

    gradings = []
    real_close = attempts_module._close

    def slow_close(attempt, *, now):
        gradings.append(attempt.pk)
        time.sleep(0.3)
        real_close(attempt, now=now)

    monkeypatch.setattr(attempts_module, "_close", slow_close)
    calls = iter(
        [
            lambda: attempt_submit(attempt_id=attempt.pk, staff=staff),
            lambda: attempt_close_expired(attempt_id=attempt.pk),
        ]
    )
    lock = threading.Lock()

    def next_call():
        with lock:
            call = next(calls)
        return call()

    results, errors = _run_in_threads(next_call, 2)

    assert errors == []
    assert gradings == [attempt.pk]
    assert Attempt.objects.get(pk=attempt.pk).status == AttemptStatus.EXPIRED
    assert Completion.objects.filter(staff=staff).count() == 1
