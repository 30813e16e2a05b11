"""Recording that a person read a lesson."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from courses.models import Lesson, LessonProgress
from courses.signals import lesson_first_opened
from orgchart.models import Staff


def lesson_open(*, staff: Staff, lesson: Lesson, check_completion: bool = True) -> tuple[LessonProgress, bool]:
    """Record the first opening of `lesson` by `staff`; returns (progress, created).

    Opening it again changes nothing: the first time is what counts, and a reload or a second tab
    never makes a second row. The insert comes first, with nothing read before it (the lesson page
    calls this when its own read found no reading): one statement, in a savepoint; when the unique
    pair refuses it (read meanwhile, in another request), the savepoint is rolled back and the row
    read instead. Someone who passed the quiz of a course that asks for every lesson to be opened
    completes it with the last lesson they open: `lesson_first_opened` is sent once the reading is
    recorded (quizzes receives it), unless the caller knows there is nothing to complete
    (`check_completion=False`: the lesson page read, in the same request, that the person has no
    passed attempt without a completion). A quiz graded at the same moment as that last opening,
    when neither transaction could see the other, leaves a passed attempt without a completion: the
    next lesson page sees it and sends the signal again.
    """
    try:
        with transaction.atomic():
            progress, created = LessonProgress.objects.create(staff=staff, lesson=lesson), True
    except IntegrityError:
        progress, created = LessonProgress.objects.get(staff=staff, lesson=lesson), False
    if check_completion:
        lesson_first_opened.send(sender=LessonProgress, staff=staff, version=lesson.version)
    return progress, created
