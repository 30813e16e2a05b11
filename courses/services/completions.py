"""Recording that a person completed a course (rule 3: completion belongs to the person), and the Office's
decision on an external one (issue 11: only accepted external completions count)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.text import normalize_text
from courses.models import Attendance, Completion, CompletionEvidence, CompletionReview, Course, CourseVersion
from courses.signals import completion_recorded
from orgchart.models import Staff


def completion_record(
    *,
    staff: Staff,
    course: Course,
    completed_on: dt.date,
    evidence: CompletionEvidence,
    version: CourseVersion | None = None,
    attempt=None,
    attendance: Attendance | None = None,
    external_reference: str = "",
    recorded_by: User | None = None,
    review: CompletionReview | None = None,
    review_reason: str = "",
) -> tuple[Completion, bool]:
    """Record a completion with its evidence; returns (completion, created).

    Safe to call twice for the same evidence: the same attempt or attendance never makes
    a second row. Runs inside the caller's transaction (grading and attendance imports
    record the completion in the same transaction as their evidence). An external
    completion awaits the Office's decision unless `review` gives it (decided by
    `recorded_by`, now, for `review_reason`); it counts, and is announced to the apps
    above (`completion_recorded`), only once accepted.
    """
    lookup: dict[str, object]
    if evidence == CompletionEvidence.QUIZ:
        if attempt is None:
            raise ValueError("A quiz completion needs its attempt.")
        lookup = {"staff": staff, "course": course, "evidence": evidence}
    elif evidence == CompletionEvidence.IN_PERSON:
        if attendance is None:
            raise ValueError("An in-person completion needs its attendance.")
        lookup = {"attendance": attendance}
    else:
        if not external_reference:
            raise ValueError("An external completion needs a reference.")
        lookup = {"staff": staff, "course": course, "evidence": evidence, "external_reference": external_reference}
    decision: dict[str, object] = {}
    if evidence == CompletionEvidence.EXTERNAL:
        review = review or CompletionReview.PENDING
        decision = {"review": review}
        if review != CompletionReview.PENDING:
            decision |= {"reviewed_by": recorded_by, "reviewed_at": timezone.now(), "review_reason": review_reason}
    with transaction.atomic():
        completion, created = Completion.objects.get_or_create(
            **lookup,
            defaults={
                "staff": staff,
                "course": course,
                "evidence": evidence,
                "completed_on": completed_on,
                "version": version,
                "attempt": attempt,
                "attendance": attendance,
                "external_reference": external_reference,
                "recorded_by": recorded_by,
                **decision,
            },
        )
    if created and completion.review == CompletionReview.ACCEPTED:
        # Certificates issues the certificate after commit, if the course says so (certificates.receivers).
        completion_recorded.send(sender=Completion, completion=completion)
    return completion, created


def completion_review_problems(*, completion: Completion, review: CompletionReview | str, reason: str) -> list[str]:
    """Why the decision cannot be recorded (Vietnamese; empty when it can)."""
    problems = []
    if completion.evidence != CompletionEvidence.EXTERNAL:
        problems.append("Chỉ hoàn thành bên ngoài mới cần Văn phòng Sở chấp nhận hoặc từ chối.")
    if review not in (CompletionReview.ACCEPTED, CompletionReview.REJECTED):
        problems.append("Hãy chọn Chấp nhận hoặc Từ chối.")
    if not normalize_text(reason):
        problems.append("Hãy ghi lý do của quyết định (căn cứ chấp nhận hoặc lý do từ chối).")
    return problems


def completion_review(
    *, completion: Completion, review: CompletionReview | str, reason: str, by: User | None
) -> Completion:
    """The Office accepts or rejects an external completion: who (`by`), when (now) and why (`reason`).

    Only an accepted one counts toward coverage. A decision may be changed later (the
    audit trail keeps the earlier one). Accepting announces the completion to the apps
    above (`completion_recorded`: a certificate may follow); rejecting an accepted one
    does not revoke a certificate already issued — the Office does that in the register.
    Raises `ValidationError` (Vietnamese) and writes nothing when the decision is incomplete.
    """
    problems = completion_review_problems(completion=completion, review=review, reason=reason)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        locked = Completion.objects.select_for_update().get(pk=completion.pk)
        was_accepted = locked.review == CompletionReview.ACCEPTED
        locked.review = review
        locked.review_reason = normalize_text(reason)
        locked.reviewed_by = by
        locked.reviewed_at = timezone.now()
        locked.save(update_fields=["review", "review_reason", "reviewed_by", "reviewed_at"])
        if locked.review == CompletionReview.ACCEPTED and not was_accepted:
            completion_recorded.send(sender=Completion, completion=locked)
    return locked
