"""Courses, assignments and enrolments for the learner-page and reminder tests.

Enrolments are written directly: these tests are about what a learner sees and who is
reminded, given enrolments; how enrolments come to exist is the assignment engine's
business (and its tests').
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from courses.models import Assignment, CompletionEvidence, CourseVersion, Enrolment
from courses.services.completions import completion_record
from orgchart.models import Staff
from quizzes.models import Attempt, AttemptStatus
from quizzes.services.course_import import course_import


def course_file(*, slug: str, title: str, lessons: int = 3) -> dict:
    return {
        "slug": slug,
        "title": title,
        "description": f"Mô tả khóa học {title}.",
        "estimated_minutes": 30,
        "lessons": [
            {
                "title": f"Bài {number}: Nội dung số {number}",
                "body_html": f"<p>Nội dung <strong>bài {number}</strong>.</p>",
            }
            for number in range(1, lessons + 1)
        ],
        "quiz": {
            "pass_percent": 80,
            "questions_per_attempt": 1,
            "max_attempts": 3,
            "time_limit_minutes": 10,
            "questions": [
                {
                    "text": "Nghị quyết 57-NQ/TW bàn về lĩnh vực nào?",
                    "kind": "single",
                    "options": [
                        {"text": "Khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số", "correct": True},
                        {"text": "Nông nghiệp", "correct": False},
                    ],
                }
            ],
        },
    }


def publish_course(
    *, slug: str = "nq57-test", title: str = "Quán triệt Nghị quyết 57", lessons: int = 3
) -> CourseVersion:
    course_import(data=course_file(slug=slug, title=title, lessons=lessons))
    return CourseVersion.objects.select_related("course").get(course__slug=slug, status="published")


def assign(
    *,
    version: CourseVersion,
    slug: str,
    due_on: dt.date,
    starts_on: dt.date = dt.date(2026, 1, 5),
    title: str = "",
) -> Assignment:
    return Assignment.objects.create(slug=slug, title=title, course=version.course, starts_on=starts_on, due_on=due_on)


def enrol(
    *,
    assignment: Assignment,
    staff: Staff,
    enrolled_on: dt.date | None = None,
    left_audience_on: dt.date | None = None,
) -> Enrolment:
    return Enrolment.objects.create(
        assignment=assignment,
        staff=staff,
        enrolled_on=enrolled_on or assignment.starts_on,
        left_audience_on=left_audience_on,
    )


def complete_externally(*, staff: Staff, version: CourseVersion, on: dt.date, reference: str = "QĐ-01/2026"):
    completion, _created = completion_record(
        staff=staff,
        course=version.course,
        completed_on=on,
        evidence=CompletionEvidence.EXTERNAL,
        version=version,
        external_reference=reference,
    )
    return completion


def passed_attempt(*, staff: Staff, version: CourseVersion) -> Attempt:
    now = timezone.now()
    return Attempt.objects.create(
        staff=staff,
        version=version,
        number=1,
        status=AttemptStatus.SUBMITTED,
        started_at=now,
        deadline_at=now,
        closed_at=now,
        correct_count=1,
        question_count=1,
        score_percent=100,
        passed=True,
    )
