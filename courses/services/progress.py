"""Recording that a person read a lesson."""

from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone

from core.rawsql import prep_value
from courses.models import Lesson, LessonProgress
from orgchart.models import Staff
from quizzes.services import completion_check_after_lessons


def lesson_open(*, staff: Staff, lesson: Lesson, check_completion: bool = True) -> tuple[LessonProgress, bool]:
    """Record the first opening of `lesson` by `staff`; returns (progress, created).

    Opening it again changes nothing: the first time is what counts, and a reload or a
    second tab never makes a second row (one `INSERT … ON CONFLICT DO NOTHING` on the unique
    pair settles a race). Someone who passed the quiz of a course that asks for every lesson to
    be opened completes it with the last lesson they open: the check runs after the reading is
    recorded, unless the caller knows there is nothing to complete (`check_completion=False`:
    the lesson page read, in the same request, that the person has no passed attempt without a
    completion). A quiz graded at the same moment as that last opening, when neither transaction
    could see the other, leaves a passed attempt without a completion: the next lesson page sees
    it and runs the check.
    """
    now = timezone.now()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO courses_lessonprogress (staff_id, lesson_id, first_opened_at) VALUES (%s, %s, %s) "
                "ON CONFLICT (staff_id, lesson_id) DO NOTHING RETURNING id",
                [
                    staff.pk,
                    lesson.pk,
                    prep_value(LessonProgress, "first_opened_at", now),
                ],
            )
            row = cursor.fetchone()
        if row is not None:
            progress, created = LessonProgress(id=row[0], staff=staff, lesson=lesson, first_opened_at=now), True
        else:
            progress, created = LessonProgress.objects.get(staff=staff, lesson=lesson), False
        if check_completion:
            completion_check_after_lessons(staff=staff, version=lesson.version)
    return progress, created
