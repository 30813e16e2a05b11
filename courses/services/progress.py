"""Recording that a person read a lesson."""

from __future__ import annotations

from django.db import transaction

from courses.models import Lesson, LessonProgress
from orgchart.models import Staff
from quizzes.services import completion_check_after_lessons


def lesson_open(*, staff: Staff, lesson: Lesson) -> tuple[LessonProgress, bool]:
    """Record the first opening of `lesson` by `staff`; returns (progress, created).

    Opening it again changes nothing: the first time is what counts, and a reload or a
    second tab never makes a second row (the unique constraint settles a race). Someone
    who passed the quiz of a course that asks for every lesson to be opened completes it
    with the last lesson they open. The check runs on every opening, not only the first:
    it is one query when there is nothing to do, and it also catches a quiz graded at the
    same moment as that last opening, when neither transaction could see the other.
    """
    with transaction.atomic():
        progress, created = LessonProgress.objects.get_or_create(staff=staff, lesson=lesson)
        completion_check_after_lessons(staff=staff, version=lesson.version)
    return progress, created
