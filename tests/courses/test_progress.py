"""Reading a lesson: recorded the first time, never twice."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.models import Completion, LessonProgress
from courses.services.progress import lesson_open
from tests.factories import StaffFactory
from tests.notifications.builders import passed_attempt, publish_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(db):
    return publish_course(lessons=2)


def test_first_opening_is_recorded_with_its_time(version):
    staff = StaffFactory()
    lesson = version.lessons.get(position=1)
    moment = dt.datetime(2026, 3, 10, 8, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    with time_machine.travel(moment, tick=False):
        progress, created = lesson_open(staff=staff, lesson=lesson)

    assert created
    assert (progress.staff, progress.lesson, progress.first_opened_at) == (staff, lesson, moment)


def test_opening_again_changes_nothing(version):
    staff = StaffFactory()
    lesson = version.lessons.get(position=1)
    with time_machine.travel(dt.datetime(2026, 3, 10, 8, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=False):
        first, _ = lesson_open(staff=staff, lesson=lesson)
    with time_machine.travel(dt.datetime(2026, 3, 11, 8, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=False):
        again, created = lesson_open(staff=staff, lesson=lesson)

    assert not created
    assert again.pk == first.pk and again.first_opened_at == first.first_opened_at
    assert LessonProgress.objects.count() == 1


def test_each_person_and_each_lesson_has_its_own_record(version):
    first_person, second_person = StaffFactory(), StaffFactory()
    for lesson in version.lessons.all():
        lesson_open(staff=first_person, lesson=lesson)
    lesson_open(staff=second_person, lesson=version.lessons.get(position=2))

    assert LessonProgress.objects.filter(staff=first_person).count() == 2
    assert list(LessonProgress.objects.filter(staff=second_person).values_list("lesson__position", flat=True)) == [2]


def test_the_last_lesson_opened_completes_a_course_whose_quiz_was_passed_first(version):
    """A course that asks for every lesson: passing the quiz first, the completion comes with the last lesson."""
    version.__class__.objects.filter(pk=version.pk).update(requires_all_lessons=True)
    version.refresh_from_db()
    staff = StaffFactory()
    passed_attempt(staff=staff, version=version)
    first, last = version.lessons.order_by("position")

    lesson_open(staff=staff, lesson=first)
    assert not Completion.objects.exists()

    with time_machine.travel(dt.datetime(2026, 3, 12, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=False):
        lesson_open(staff=staff, lesson=last)
        lesson_open(staff=staff, lesson=last)

    completion = Completion.objects.get()
    assert (completion.staff, completion.course, completion.evidence) == (staff, version.course, "quiz")
    assert completion.completed_on == dt.date(2026, 3, 12)


def test_reading_without_a_passed_quiz_completes_nothing(version):
    staff = StaffFactory()
    for lesson in version.lessons.all():
        lesson_open(staff=staff, lesson=lesson)
    assert not Completion.objects.exists()


def test_a_first_opening_is_one_statement_when_there_is_nothing_to_complete(version):
    """The lesson page knows when the person has no passed quiz waiting for its lessons: then the reading is
    one `INSERT` (no read first, no read back; its savepoint settles a conflict), and a second opening
    inserts nothing."""
    staff = StaffFactory()
    lesson = version.lessons.get(position=1)

    with CaptureQueriesContext(connection) as captured:
        progress, created = lesson_open(staff=staff, lesson=lesson, check_completion=False)

    statements = [query["sql"] for query in captured.captured_queries if "SAVEPOINT" not in query["sql"]]
    assert len(statements) == 1 and statements[0].startswith("INSERT")
    assert created and LessonProgress.objects.get() == progress
    again, created_again = lesson_open(staff=staff, lesson=lesson, check_completion=False)
    assert not created_again and again.pk == progress.pk and LessonProgress.objects.count() == 1
