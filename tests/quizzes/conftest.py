"""Quiz fixtures: a published course version (`PublishedVersionFactory`), and an enrolment for the learner.

Options get large, distinctive primary keys (7 digits), so that a test can look for any of
them in a page's HTML without matching some unrelated number.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from courses.models import (
    Course,
    CourseVersion,
    CourseVersionStatus,
    Enrolment,
    LessonProgress,
)
from tests.factories import AssignmentFactory, EnrolmentFactory, PublishedVersionFactory, explanation_text

_option_ids = itertools.count(7_300_001)

__all__ = ["explanation_text"]


def make_version(
    *,
    questions: int = 5,
    per_attempt: int | None = None,
    pass_percent: int = 80,
    max_attempts: int = 3,
    time_limit_minutes: int = 20,
    lessons: int = 2,
    requires_all_lessons: bool = False,
    status: str = CourseVersionStatus.PUBLISHED,
    course: Course | None = None,
) -> CourseVersion:
    """A version (`PublishedVersionFactory`) whose questions cycle single / multiple / true-false.

    Explanations are unique strings (`explanation_text`). A retired version is one that
    was published and then replaced; here it is published, then marked retired.
    """
    version = PublishedVersionFactory(
        **({"course": course} if course else {}),
        lessons=lessons,
        questions=questions,
        questions_per_attempt=per_attempt or questions,
        pass_percent=pass_percent,
        max_attempts=max_attempts,
        time_limit_minutes=time_limit_minutes,
        requires_all_lessons=requires_all_lessons,
        publish=status != CourseVersionStatus.DRAFT,
        option_ids=_option_ids,
    )
    if status == CourseVersionStatus.RETIRED:
        version.status = CourseVersionStatus.RETIRED
        version.save(update_fields=["status"])
    return version


def enrol(*, staff, course: Course) -> Enrolment:
    assignment = AssignmentFactory(
        slug=f"giao-{course.slug}-{staff.pk}",
        title="",
        course=course,
        starts_on=dt.date(2025, 1, 1),
        due_on=dt.date(2030, 12, 31),
    )
    return EnrolmentFactory(assignment=assignment, staff=staff)


def read_all_lessons(*, staff, version: CourseVersion) -> None:
    for lesson in version.lessons.all():
        LessonProgress.objects.get_or_create(staff=staff, lesson=lesson)


def correct_option_ids(item) -> list[int]:
    return list(item.question.options.filter(is_correct=True).values_list("pk", flat=True))


def answer_all(attempt, *, right: int | None = None) -> None:
    """Answer every item: the first `right` correctly (all when None), the rest wrongly."""
    from quizzes.services import attempt_answer_save

    for index, item in enumerate(attempt.items.order_by("position").select_related("question")):
        correct = correct_option_ids(item)
        if right is None or index < right:
            chosen = correct
        else:
            wrong = [pk for pk in item.option_order if pk not in correct]
            chosen = wrong[:1]
        attempt_answer_save(attempt=attempt, item_id=item.pk, option_ids=chosen)


@pytest.fixture
def version(db):
    return make_version()


@pytest.fixture
def staff(learner):
    return learner.staff


@pytest.fixture
def enrolled(staff, version):
    return enrol(staff=staff, course=version.course)


@pytest.fixture
def learner_client(client, learner):
    client.force_login(learner)
    return client
