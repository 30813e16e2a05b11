"""Recording that a person read a lesson."""

from __future__ import annotations

from django.db import transaction

from courses.models import Lesson, LessonProgress
from orgchart.models import Staff


def lesson_open(*, staff: Staff, lesson: Lesson) -> tuple[LessonProgress, bool]:
    """Record the first opening of `lesson` by `staff`; returns (progress, created).

    Opening it again changes nothing: the first time is what counts, and a reload or a
    second tab never makes a second row (the unique constraint settles a race).
    """
    with transaction.atomic():
        progress, created = LessonProgress.objects.get_or_create(staff=staff, lesson=lesson)
    return progress, created
