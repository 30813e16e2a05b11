"""Recording that a person completed a course (rule 3: completion belongs to the person)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from accounts.models import User
from courses.models import Attendance, Completion, CompletionEvidence, Course, CourseVersion
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
) -> tuple[Completion, bool]:
    """Record a completion with its evidence; returns (completion, created).

    Safe to call twice for the same evidence: the same attempt or attendance never makes
    a second row. Runs inside the caller's transaction (grading and attendance imports
    record the completion in the same transaction as their evidence).
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
            },
        )
    if created:
        # Certificates issues the certificate after commit, if the course says so (certificates.receivers).
        completion_recorded.send(sender=Completion, completion=completion)
    return completion, created
