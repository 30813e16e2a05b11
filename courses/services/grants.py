"""Extra quiz attempts granted by the Office (`AttemptGrant`): a person out of attempts gets another chance.

A grant is a record (who, which course, how many, why, by whom, when); it is never edited or deleted. The
attempts a person may use are counted by `courses.rules.attempts_allowed`.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from core.text import normalize_text
from courses.models import AttemptGrant, Course, CourseVersion
from orgchart.models import Staff

MAX_EXTRA_ATTEMPTS = 10


def attempt_grant_problems(*, staff: Staff, course: Course, extra_attempts: int, reason: str) -> list[str]:
    """Every reason the grant cannot be made (Vietnamese); empty when it can."""
    problems = []
    if not normalize_text(reason or ""):
        problems.append("Hãy ghi lý do cấp thêm lượt làm bài.")
    if not isinstance(extra_attempts, int) or not 1 <= extra_attempts <= MAX_EXTRA_ATTEMPTS:
        problems.append(f"Số lượt cấp thêm phải từ 1 đến {MAX_EXTRA_ATTEMPTS}.")
    if CourseVersion.objects.filter(course=course, attempts__staff=staff, attempts__passed=True).exists():
        problems.append(f"{staff.full_name} đã đạt bài kiểm tra của khóa học này, không cần cấp thêm lượt.")
    return problems


def attempt_grant(
    *, staff: Staff, course: Course, reason: str, granted_by: User | None, extra_attempts: int = 1
) -> AttemptGrant:
    """Record the grant; raises `ValidationError` listing every problem, and then nothing is written."""
    problems = attempt_grant_problems(staff=staff, course=course, extra_attempts=extra_attempts, reason=reason)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        return AttemptGrant.objects.create(
            staff=staff,
            course=course,
            extra_attempts=extra_attempts,
            reason=normalize_text(reason),
            granted_by=granted_by,
        )
