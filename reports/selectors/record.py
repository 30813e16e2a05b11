"""A person's training record: their courses, quiz attempts, completions (with the evidence), exemptions
and certificates, on one page and in its xlsx and PDF exports.

Who may read it is the org chart's scope (`orgchart.selectors.access_staff`): the person themself,
the heads of a unit they are in today, and the Office; anyone else gets 404. It lives in `reports`
because it reads every app below (courses, quizzes, certificates) and the exemptions kept here.
A fixed number of queries whatever the person's history (one per section).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from certificates.models import Certificate
from core.dates import format_date
from core.numbers import percent_with_sign
from courses.models import Completion, CompletionEvidence, CourseVersion, CourseVersionStatus
from courses.selectors.learning import EnrolmentRow, enrolment_list_for_staff
from orgchart.models import Membership, Staff
from orgchart.selectors import membership_current_among, membership_list_for_staff
from quizzes.models import Attempt
from reports.models import Exemption


@dataclass(frozen=True)
class CompletionLine:
    course_title: str
    completed_on: dt.date
    evidence: str
    evidence_label: str
    detail: str  # what proves it: the attempt and its score, the session, the external reference
    attempt_id: int | None


@dataclass(frozen=True)
class TrainingRecord:
    person: Staff
    current: Membership | None
    on_date: dt.date
    courses: list[EnrolmentRow]
    attempts: list[Attempt]
    completions: list[CompletionLine]
    exemptions: list[Exemption]
    certificates: list[Certificate]


def _score_text(score: Decimal | None) -> str:
    return "" if score is None else percent_with_sign(score)


def _evidence_detail(completion: Completion) -> str:
    if completion.evidence == CompletionEvidence.QUIZ and completion.attempt is not None:
        attempt = completion.attempt
        return f"#{attempt.number} · {_score_text(attempt.score_percent)}"
    if completion.evidence == CompletionEvidence.IN_PERSON and completion.attendance is not None:
        session = completion.attendance.session
        return f"{session.title} ({format_date(session.held_on)})"
    return completion.external_reference


def training_record_get(*, person: Staff, on_date: dt.date | None = None) -> TrainingRecord:
    """Everything the person did toward their training, newest first in each section. Six queries."""
    on_date = on_date or timezone.localdate()
    history = list(membership_list_for_staff(staff=person))
    attempts = list(
        Attempt.objects.filter(staff=person).select_related("version", "version__course").order_by("-started_at", "-pk")
    )
    published_title = CourseVersion.objects.filter(
        course_id=OuterRef("course_id"), status=CourseVersionStatus.PUBLISHED
    ).order_by("-number")
    completions = [
        CompletionLine(
            course_title=completion.course_title or completion.course.slug,
            completed_on=completion.completed_on,
            evidence=completion.evidence,
            evidence_label=str(CompletionEvidence(completion.evidence).label),
            detail=_evidence_detail(completion),
            attempt_id=completion.attempt_id,
        )
        for completion in Completion.objects.filter(staff=person)
        .annotate(course_title=Subquery(published_title.values("title")[:1]))
        .select_related("course", "attempt", "attendance__session")
        .order_by("-completed_on", "-pk")
    ]
    exemptions = list(
        Exemption.objects.filter(staff=person).select_related("assignment").order_by("-valid_from", "-pk")
    )
    certificates = list(Certificate.objects.filter(staff=person).order_by("-issued_on", "-pk"))
    return TrainingRecord(
        person=person,
        current=membership_current_among(memberships=history, on_date=on_date),
        on_date=on_date,
        courses=enrolment_list_for_staff(staff=person, on_date=on_date),
        attempts=attempts,
        completions=completions,
        exemptions=exemptions,
        certificates=certificates,
    )
