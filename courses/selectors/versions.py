"""Reads about courses and their versions."""

from __future__ import annotations

import hashlib
import json

from django.db.models import Max, Prefetch

from courses.models import Course, CourseVersion, CourseVersionStatus, Lesson


def course_version_get_current(*, course: Course) -> CourseVersion | None:
    """The published version of `course` (what new learners take), or None before the first publish."""
    return CourseVersion.objects.filter(course=course, status=CourseVersionStatus.PUBLISHED).first()


def course_version_get_draft(*, course: Course) -> CourseVersion | None:
    return CourseVersion.objects.filter(course=course, status=CourseVersionStatus.DRAFT).first()


def course_version_next_number(*, course: Course) -> int:
    return (CourseVersion.objects.filter(course=course).aggregate(top=Max("number"))["top"] or 0) + 1


def course_version_with_content(*, version_id: int) -> CourseVersion:
    """A version with its lessons, questions and options fetched in four queries.

    The quiz's questions and options come through the version's relations, in their models' default
    order (by position): courses does not import the quiz app above it.
    """
    return CourseVersion.objects.prefetch_related(
        Prefetch("lessons", queryset=Lesson.objects.order_by("position")), "questions__options"
    ).get(pk=version_id)


def course_version_content_hash(*, version: CourseVersion) -> str:
    """SHA-256 of everything a learner sees or is graded on; equal hashes = same course.

    The number, status and dates are left out: two versions with the same content
    hash are the same course as far as a learner is concerned.
    """
    version = course_version_with_content(version_id=version.pk)
    content = {
        "title": version.title,
        "description": version.description,
        "estimated_minutes": version.estimated_minutes,
        "requires_all_lessons": version.requires_all_lessons,
        "quiz": [version.pass_percent, version.questions_per_attempt, version.max_attempts, version.time_limit_minutes],
        "lessons": [
            [
                lesson.title,
                lesson.body_html,
                lesson.estimated_minutes,
                lesson.attachment.name or "",
                lesson.video_file.name or "",
                lesson.video_url,
            ]
            for lesson in version.lessons.all()
        ],
        "questions": [
            [
                question.text,
                question.kind,
                question.explanation,
                [[option.text, option.is_correct] for option in question.options.all()],
            ]
            for question in version.questions.all()
        ],
    }
    encoded = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(encoded).hexdigest()
