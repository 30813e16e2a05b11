"""The periodic task closes attempts abandoned past their time; running it twice grades nothing twice."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from courses.models import Completion
from quizzes import tasks
from quizzes.models import Attempt, AttemptStatus
from quizzes.services import attempt_start
from tests.factories import StaffFactory

from .conftest import answer_all

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 5, 4, 1, 0, tzinfo=dt.UTC)


def test_an_abandoned_attempt_is_closed_by_the_periodic_task_once(staff, version):
    with time_machine.travel(START, tick=False) as clock:
        attempt = attempt_start(staff=staff, version=version)
        answer_all(attempt)  # then the learner never comes back
        clock.shift(dt.timedelta(minutes=21))

        assert tasks.attempt_close_expired_all.delay().get() == 1
        attempt.refresh_from_db()
        first = (attempt.status, attempt.closed_at, attempt.correct_count, attempt.passed)

        clock.shift(dt.timedelta(minutes=5))
        assert tasks.attempt_close_expired_all.delay().get() == 0
        attempt.refresh_from_db()

    assert first == (AttemptStatus.EXPIRED, attempt.deadline_at, 5, True)
    assert (attempt.status, attempt.closed_at, attempt.correct_count, attempt.passed) == first
    assert Completion.objects.filter(attempt=attempt).count() == 1


def test_the_periodic_task_leaves_running_attempts_and_the_grace_alone(staff, version, settings):
    settings.LANTOA_QUIZ_GRACE_SECONDS = 30
    with time_machine.travel(START, tick=False) as clock:
        running = attempt_start(staff=staff, version=version)
        clock.shift(dt.timedelta(minutes=10))
        later = attempt_start(staff=StaffFactory(), version=version)
        clock.shift(dt.timedelta(minutes=10, seconds=29))  # first: 29 s into its grace

        assert tasks.attempt_close_expired_all() == 0
        clock.shift(dt.timedelta(seconds=2))
        assert tasks.attempt_close_expired_all() == 1

    statuses = dict(Attempt.objects.values_list("pk", "status"))
    assert statuses == {running.pk: AttemptStatus.EXPIRED, later.pk: AttemptStatus.IN_PROGRESS}


def test_the_single_attempt_task_is_safe_twice(staff, version):
    with time_machine.travel(START, tick=False) as clock:
        attempt = attempt_start(staff=staff, version=version)
        assert tasks.attempt_close_expired.delay(attempt.pk).get() == AttemptStatus.IN_PROGRESS
        clock.shift(dt.timedelta(hours=1))
        assert tasks.attempt_close_expired.delay(attempt.pk).get() == AttemptStatus.EXPIRED
        assert tasks.attempt_close_expired.delay(attempt.pk).get() == AttemptStatus.EXPIRED


def test_finding_expired_attempts_is_one_query(staff, version, django_assert_num_queries):
    from quizzes.selectors import attempt_ids_past_grace

    with django_assert_num_queries(1):
        attempt_ids_past_grace()
