"""Courses, assignments and enrolments for the learner-page and reminder tests (through `tests.factories`).

Enrolments are written directly: these tests are about what a learner sees and who is
reminded, given enrolments; how enrolments come to exist is the assignment engine's
business (and its tests').
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from courses.models import Assignment, CompletionEvidence, CompletionReview, CourseVersion, Enrolment
from courses.services.completions import completion_record
from orgchart.models import Staff
from quizzes.models import Attempt
from tests.factories import AssignmentFactory, AttemptFactory, EnrolmentFactory, PublishedVersionFactory


def publish_course(
    *, slug: str = "nq57-test", title: str = "Quán triệt Nghị quyết 57", lessons: int = 3
) -> CourseVersion:
    """A published version of 30 minutes: `lessons` lessons sharing them, one question drawn per attempt."""
    return PublishedVersionFactory(
        course__slug=slug,
        title=title,
        description=f"Mô tả khóa học {title}.",
        estimated_minutes=30,
        lessons=[
            {
                "title": f"Bài {number}: Nội dung số {number}",
                "body_html": f"<p>Nội dung <strong>bài {number}</strong>.</p>",
                "estimated_minutes": round(30 / lessons),
            }
            for number in range(1, lessons + 1)
        ],
        questions=[
            {
                "text": "Nghị quyết 57-NQ/TW bàn về lĩnh vực nào?",
                "options": [("Khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số", True), ("Nông nghiệp", False)],
            }
        ],
        time_limit_minutes=10,
    )


def assign(
    *,
    version: CourseVersion,
    slug: str,
    due_on: dt.date,
    starts_on: dt.date = dt.date(2026, 1, 5),
    title: str = "",
) -> Assignment:
    return AssignmentFactory(slug=slug, title=title, course=version.course, starts_on=starts_on, due_on=due_on)


def enrol(
    *,
    assignment: Assignment,
    staff: Staff,
    enrolled_on: dt.date | None = None,
    left_audience_on: dt.date | None = None,
) -> Enrolment:
    return EnrolmentFactory(
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
        review=CompletionReview.ACCEPTED,
        version=version,
        external_reference=reference,
    )
    return completion


def passed_attempt(*, staff: Staff, version: CourseVersion) -> Attempt:
    now = timezone.now()
    return AttemptFactory(
        staff=staff,
        version=version,
        number=1,
        passing=True,
        started_at=now,
        deadline_at=now,
        closed_at=now,
        correct_count=1,
        question_count=1,
        score_percent=100,
    )
