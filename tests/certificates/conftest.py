"""Certificate fixtures: a course with a published version, people who completed it, media in a temp dir."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.utils import timezone

from courses.models import CompletionEvidence
from courses.services.completions import completion_record
from tests.factories import (
    AssignmentFactory,
    AttemptFactory,
    AttendanceFactory,
    EnrolmentFactory,
    InPersonSessionFactory,
    MembershipFactory,
    PublishedVersionFactory,
    StaffFactory,
)

COURSE_TITLE = "Quán triệt Nghị quyết 57-NQ/TW về đột phá phát triển khoa học, công nghệ"
_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "https://lantoa.example.gov.vn"
    return settings.MEDIA_ROOT


@pytest.fixture
def version(db):
    return PublishedVersionFactory(
        course__slug="nq57", title=COURSE_TITLE, estimated_minutes=60, lessons=1, questions=1
    )


@pytest.fixture
def course(version):
    return version.course


def person(unit, *, name=None, position="Chuyên viên", date_of_birth=None, valid_from=dt.date(2025, 1, 1), **kwargs):
    staff = StaffFactory(full_name=name or f"Nguyễn Văn Thử {next(_numbers)}", date_of_birth=date_of_birth, **kwargs)
    MembershipFactory(staff=staff, unit=unit, position=position, valid_from=valid_from)
    return staff


def quiz_completion(*, staff, version, on_date=dt.date(2026, 6, 5), score=Decimal("90.00")):
    started = timezone.make_aware(dt.datetime.combine(on_date, dt.time(9)))
    attempt = AttemptFactory(
        staff=staff,
        version=version,
        number=1,
        passing=True,
        started_at=started,
        deadline_at=started + dt.timedelta(minutes=20),
        correct_count=9,
        question_count=10,
        score_percent=score,
    )
    completion, _created = completion_record(
        staff=staff,
        course=version.course,
        completed_on=on_date,
        evidence=CompletionEvidence.QUIZ,
        version=version,
        attempt=attempt,
    )
    return completion


def in_person_completion(*, staff, course, on_date=dt.date(2026, 6, 1)):
    session = InPersonSessionFactory(course=course, held_on=on_date, title="Hội nghị quán triệt")
    attendance = AttendanceFactory(session=session, staff=staff, present=True)
    completion, _created = completion_record(
        staff=staff, course=course, completed_on=on_date, evidence=CompletionEvidence.IN_PERSON, attendance=attendance
    )
    return completion


def assignment_for(*, course, unit, slug="nq57-2025", staff=()):
    assignment = AssignmentFactory(
        slug=slug, course=course, starts_on=dt.date(2025, 7, 1), due_on=dt.date(2026, 12, 31), units=[unit]
    )
    for member in staff:
        EnrolmentFactory(assignment=assignment, staff=member, enrolled_on=dt.date(2025, 7, 1))
    return assignment


@pytest.fixture
def holder(tree):
    return person(
        tree["vp_team"],
        name="Nguyễn Thị Hồng Nhung",
        position="Chuyên viên chính",
        date_of_birth=dt.date(1988, 3, 5),
        email="hong.nhung@stp.dongnai.gov.vn",
        code="CB-BIMAT-777",
    )


@pytest.fixture
def completion(holder, version):
    return quiz_completion(staff=holder, version=version)
