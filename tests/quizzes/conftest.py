"""Quiz fixtures: a published course version built row by row, and an enrolment for the learner.

Options get large, distinctive primary keys (7 digits), so that a test can look for any of
them in a page's HTML without matching some unrelated number.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from courses.models import (
    Assignment,
    Course,
    CourseVersion,
    CourseVersionStatus,
    Enrolment,
    Lesson,
    LessonProgress,
)
from quizzes.models import Option, Question, QuestionKind

_option_ids = itertools.count(7_300_001)
_slugs = itertools.count(1)


def explanation_text(course_slug: str, position: int) -> str:
    return f"Giải-thích-bí-mật {course_slug} câu {position}"


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
    """A version whose questions cycle single / multiple / true-false; explanations are unique strings."""
    course = course or Course.objects.create(slug=f"khoa-hoc-{next(_slugs)}")
    number = (course.versions.count() or 0) + 1
    version = CourseVersion.objects.create(
        course=course,
        number=number,
        title=f"Khóa học {course.slug}",
        estimated_minutes=30,
        status=status,
        published_at=timezone.now() if status != CourseVersionStatus.DRAFT else None,
        pass_percent=pass_percent,
        questions_per_attempt=per_attempt or questions,
        max_attempts=max_attempts,
        time_limit_minutes=time_limit_minutes,
        requires_all_lessons=requires_all_lessons,
    )
    for position in range(1, lessons + 1):
        Lesson.objects.create(version=version, position=position, title=f"Bài {position}", body_html="<p>Nội dung</p>")
    kinds = [QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE]
    for position in range(1, questions + 1):
        kind = kinds[(position - 1) % 3]
        question = Question.objects.create(
            version=version,
            position=position,
            text=f"Câu hỏi số {position} của {course.slug}?",
            kind=kind,
            explanation=explanation_text(course.slug, position),
        )
        if kind == QuestionKind.TRUE_FALSE:
            specs = [("Đúng", True), ("Sai", False)]
        elif kind == QuestionKind.MULTIPLE:
            specs = [
                ("Phương án một", True),
                ("Phương án hai", False),
                ("Phương án ba", True),
                ("Phương án bốn", False),
            ]
        else:
            specs = [("Phương án một", True), ("Phương án hai", False), ("Phương án ba", False)]
        for option_position, (text, correct) in enumerate(specs, start=1):
            Option.objects.create(
                pk=next(_option_ids), question=question, position=option_position, text=text, is_correct=correct
            )
    return version


def enrol(*, staff, course: Course) -> Enrolment:
    assignment = Assignment.objects.create(
        slug=f"giao-{course.slug}-{staff.pk}",
        course=course,
        starts_on=dt.date(2025, 1, 1),
        due_on=dt.date(2030, 12, 31),
    )
    return Enrolment.objects.create(assignment=assignment, staff=staff, enrolled_on=dt.date(2025, 1, 1))


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
