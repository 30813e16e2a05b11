"""Opening a lesson again: nothing to write, unless a quiz completion is still pending."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import Completion, CompletionEvidence, LessonProgress
from courses.services.completions import completion_record
from tests.notifications.builders import assign, enrol, passed_attempt, publish_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(db):
    version = publish_course(lessons=2)
    version.__class__.objects.filter(pk=version.pk).update(requires_all_lessons=True)
    version.refresh_from_db()
    return version


@pytest.fixture
def enrolled(learner, version):
    enrol(assignment=assign(version=version, slug="nq57-2026", due_on=dt.date(2030, 3, 31)), staff=learner.staff)
    return learner


def _open(client, position: int) -> list[str]:
    """Open a lesson page; the SQL it ran."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("courses:lesson", args=["nq57-test", position]))
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def _writes(queries: list[str]) -> list[str]:
    return [sql for sql in queries if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "SAVEPOINT", "BEGIN"))]


def test_a_lesson_read_before_writes_nothing(client, enrolled, version):
    client.force_login(enrolled)
    first = _open(client, 1)
    again = _open(client, 1)

    assert _writes(first)  # the first opening records the reading
    assert not _writes(again)
    assert len(again) < len(first)
    assert LessonProgress.objects.count() == 1


def test_a_quiz_completion_missed_by_a_race_is_recorded_at_the_next_opening(client, enrolled, version):
    """The quiz was graded while the last lesson was being opened, and neither transaction saw the other:
    every lesson is read and the quiz passed, but no completion. The next opening of any lesson records it."""
    staff = enrolled.staff
    passed_attempt(staff=staff, version=version)
    for lesson in version.lessons.all():
        LessonProgress.objects.create(staff=staff, lesson=lesson)  # as the racing openings left them
    assert not Completion.objects.exists()

    client.force_login(enrolled)
    _open(client, 1)

    completion = Completion.objects.get()
    assert (completion.staff, completion.evidence) == (staff, CompletionEvidence.QUIZ)


def test_once_the_quiz_completion_is_recorded_a_reading_writes_nothing(client, enrolled, version):
    staff = enrolled.staff
    attempt = passed_attempt(staff=staff, version=version)
    for lesson in version.lessons.all():
        LessonProgress.objects.create(staff=staff, lesson=lesson)
    completion_record(
        staff=staff,
        course=version.course,
        version=version,
        completed_on=dt.date(2026, 3, 10),
        evidence=CompletionEvidence.QUIZ,
        attempt=attempt,
    )

    client.force_login(enrolled)
    assert not _writes(_open(client, 2))
    assert Completion.objects.count() == 1


def test_a_pending_completion_waits_for_the_unread_lesson(client, enrolled, version):
    client.force_login(enrolled)
    passed_attempt(staff=enrolled.staff, version=version)
    _open(client, 1)
    _open(client, 1)
    assert not Completion.objects.exists()

    _open(client, 2)
    assert Completion.objects.get().evidence == CompletionEvidence.QUIZ
