"""The people behind the coverage figures: everyone in the audience on D with their status, streamed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, IntegerField, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from courses.models import (
    Assignment,
    CompletionEvidence,
    CourseVersion,
    CourseVersionStatus,
    Enrolment,
    Lesson,
    LessonProgress,
)
from courses.rules import attempts_allowed, attempts_granted_subquery, enrolment_due_on_expression, is_locked_out
from courses.selectors.audience import UnitRule, audience_unit_rules
from orgchart.models import Unit
from orgchart.queries import unit_version_on_relation
from orgchart.selectors import report_root_unit
from quizzes.models import Attempt, AttemptStatus
from reports.selectors.rules import (
    CoverageStatus,
    audience_on,
    completions_by,
    coverage_status,
    coverage_status_q,
    exemptions_on,
)

LOCKED_OUT_LABEL = _("Out of attempts")


@dataclass(frozen=True)
class PersonCoverage:
    staff_id: int
    code: str
    full_name: str
    unit_code: str
    unit_name: str
    unit_path: str  # the dated path of the unit on D (`orgchart.models.UnitVersion.path`)
    category: str
    position: str
    status: CoverageStatus
    completed_on: dt.date | None
    evidence: str | None
    exemption_reason: str | None
    due_on: dt.date
    lessons_read: int
    lessons_total: int
    best_score: Decimal | None
    # Who approved the exemption (its `approver_name`), for the exempt only; frozen in snapshots.
    exemption_approver: str | None = None
    # Out of quiz attempts and not passed (`courses.rules.is_locked_out`), as of now: the Office may grant one.
    locked_out: bool = False

    @property
    def status_label(self) -> str:
        return CoverageStatus(self.status).label

    @property
    def attempts_label(self) -> str:
        """What the quiz says of the person, for the drill-down and the exports ("" when nothing to say)."""
        return str(LOCKED_OUT_LABEL) if self.locked_out and self.status == CoverageStatus.NOT_INFORMED else ""

    @property
    def evidence_label(self) -> str:
        return CompletionEvidence(self.evidence).label if self.evidence else ""

    def is_overdue_on(self, day: dt.date) -> bool:
        """Not informed and past the due date (for the drill-down's "overdue" mark)."""
        return self.status == CoverageStatus.NOT_INFORMED and self.due_on < day


def _end_of_day(day: dt.date) -> dt.datetime:
    """The first instant after `day` in the project's time zone (timestamps before it happened on or before D)."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def coverage_people(
    *,
    assignment: Assignment,
    as_of: dt.date,
    unit: Unit | None = None,
    status: CoverageStatus | str | None = None,
    rules: list[UnitRule] | None = None,
) -> Iterator[PersonCoverage]:
    """Everyone in the audience on `as_of` (in `unit`'s subtree when given), one row each, streamed.

    In tree order of their unit on D, then Vietnamese name order. With `status`, only the
    people with that status (e.g. the drill-down to those not yet informed). How far they
    got — lessons of the course's published version opened and the best quiz score — is
    counted up to the end of `as_of`. Three queries whatever the number of people
    (rules, lesson count, the rows — fetched in chunks).
    """
    if rules is None:
        rules = audience_unit_rules(assignment_ids=[assignment.pk]).get(assignment.pk, [])
    course_id = assignment.course_id
    until = _end_of_day(as_of)
    lessons_total = Lesson.objects.filter(
        version__course_id=course_id, version__status=CourseVersionStatus.PUBLISHED
    ).count()
    first_completion = (
        completions_by(assignment=assignment, as_of=as_of)
        .filter(staff_id=OuterRef("staff_id"))
        .order_by("completed_on", "pk")
    )
    exemption = (
        exemptions_on(assignment_id=assignment.pk, as_of=as_of)
        .filter(staff_id=OuterRef("staff_id"))
        .order_by("valid_from", "pk")
    )
    lessons_read = (
        LessonProgress.objects.filter(
            staff_id=OuterRef("staff_id"),
            lesson__version__course_id=course_id,
            lesson__version__status=CourseVersionStatus.PUBLISHED,
            first_opened_at__lt=until,
        )
        .order_by()
        .values("staff_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    best_score = (
        Attempt.objects.filter(
            staff_id=OuterRef("staff_id"), version__course_id=course_id, closed_at__lt=until, closed_at__isnull=False
        )
        .order_by()
        .values("staff_id")
        .annotate(best=Max("score_percent"))
        .values("best")
    )
    # The quiz as it stands now (whether the Office should grant an attempt): attempts used at the published
    # version against those allowed, an open one, a pass at any version.
    own_attempts = Attempt.objects.filter(staff_id=OuterRef("staff_id"), version__course_id=course_id)
    attempts_used = (
        own_attempts.filter(version__status=CourseVersionStatus.PUBLISHED)
        .order_by()
        .values("staff_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    max_attempts = CourseVersion.objects.filter(course_id=course_id, status=CourseVersionStatus.PUBLISHED).values(
        "max_attempts"
    )
    own_due_on = (
        Enrolment.objects.filter(staff_id=OuterRef("staff_id"), assignment_id=assignment.pk)
        .annotate(own=enrolment_due_on_expression())
        .values("own")
    )
    memberships = audience_on(assignment=assignment, as_of=as_of, rules=rules, root_unit=unit).annotate(
        unit_on=unit_version_on_relation(as_of),
        is_exempt=Exists(exemption),
        completed_on=Subquery(first_completion.values("completed_on")[:1]),
        evidence=Subquery(first_completion.values("evidence")[:1]),
        exemption_reason=Subquery(exemption.values("reason")[:1]),
        exemption_approver=Subquery(exemption.values("approver_name")[:1]),
        lessons_read=Coalesce(Subquery(lessons_read, output_field=IntegerField()), 0),
        best_score=Subquery(best_score),
        attempts_used=Coalesce(Subquery(attempts_used, output_field=IntegerField()), 0),
        max_attempts=Subquery(max_attempts[:1]),
        granted=attempts_granted_subquery(staff=OuterRef("staff_id"), course=course_id),
        attempt_open=Exists(own_attempts.filter(status=AttemptStatus.IN_PROGRESS)),
        passed_any=Exists(own_attempts.filter(passed=True)),
        own_due_on=Subquery(own_due_on[:1]),
    )
    if status:
        memberships = memberships.filter(coverage_status_q(status))
    rows = memberships.order_by("unit_on__path", "staff__sort_key", "staff__code").values_list(
        "staff_id",
        "staff__code",
        "staff__full_name",
        "unit__code",
        "unit_on__name",
        "unit_on__path",
        "category",
        "position",
        "is_exempt",
        "completed_on",
        "evidence",
        "exemption_reason",
        "lessons_read",
        "best_score",
        "exemption_approver",
        "attempts_used",
        "max_attempts",
        "granted",
        "attempt_open",
        "passed_any",
        "own_due_on",
    )
    for (
        staff_id,
        code,
        full_name,
        unit_code,
        unit_name,
        unit_path,
        category,
        position,
        is_exempt,
        completed_on,
        evidence,
        exemption_reason,
        read,
        best,
        exemption_approver,
        used,
        max_allowed,
        granted,
        attempt_open,
        passed_any,
        own_due_on,
    ) in rows.iterator(chunk_size=2000):
        person_status = coverage_status(is_exempt=is_exempt, completed_on=completed_on)
        yield PersonCoverage(
            staff_id=staff_id,
            code=code,
            full_name=full_name,
            unit_code=unit_code,
            unit_name=unit_name,
            unit_path=unit_path,
            category=category,
            position=position,
            status=person_status,
            completed_on=completed_on,
            evidence=evidence,
            exemption_reason=exemption_reason if is_exempt else None,
            due_on=own_due_on or assignment.due_on,
            lessons_read=min(read or 0, lessons_total),
            lessons_total=lessons_total,
            best_score=best,
            exemption_approver=exemption_approver if is_exempt else None,
            locked_out=max_allowed is not None
            and is_locked_out(
                passed=passed_any,
                in_progress=attempt_open,
                used=used,
                allowed=attempts_allowed(max_attempts=max_allowed, granted=granted),
            ),
        )


def coverage_people_for_user(
    *,
    user: User,
    assignment: Assignment,
    as_of: dt.date,
    unit_code: str | None = None,
    status: CoverageStatus | str | None = None,
) -> Iterator[PersonCoverage]:
    """`coverage_people` within what `user` may see (same rules and 404s as `coverage_for_user`).

    The scope is checked now, before the caller starts iterating, so a 404 is raised here.
    """
    root_unit = report_root_unit(user=user, unit_code=unit_code)
    return coverage_people(assignment=assignment, as_of=as_of, unit=root_unit, status=status)
