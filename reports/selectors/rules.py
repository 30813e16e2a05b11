"""The coverage rule (DESIGN.md rule 4), in one place.

For an assignment and a date D, a person is **in the audience** through their membership
open on D (the assignment's audience rules, `courses.selectors.audience`), **exempt** when
an exemption from the assignment covers D, and **informed** when not exempt and they have
a completion that counts toward the assignment (`courses.selectors.completions`: of any
published version of its course, dated from its `completions_from` and on or before D,
an external one only once accepted) — the rule every report prints (`completion_rule`).
`percent` is None when nobody is left to count (no one is not 100%). The
figures (`coverage.py`), the people list (`people.py`), snapshots and the live comparison
(`snapshots.py`) all take the rule from here: as querysets for SQL, and as the same
predicates in Python for rows already fetched.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, gettext_lazy

from core.dates import format_date
from core.numbers import percent
from courses.models import Assignment, Completion, CourseVersion, CourseVersionStatus
from courses.selectors.audience import UnitRule, audience_filter
from courses.selectors.completions import completions_counting
from orgchart.models import Membership, Unit
from orgchart.queries import within_units_on_q
from reports.models import Exemption


class CoverageStatus(models.TextChoices):
    INFORMED = "informed", gettext_lazy("Informed")
    NOT_INFORMED = "not_informed", gettext_lazy("Not informed")
    EXEMPT = "exempt", gettext_lazy("Exempt")


def coverage_percent(*, informed: int, staff: int) -> float | None:
    """informed / staff × 100 rounded half-up to 2 places; None when nobody is due (the contract: not 100%)."""
    return percent(part=informed, whole=staff)


def no_audience_text(*, as_of: dt.date) -> str:
    """What a report says instead of a percent when no one is in the audience on `as_of`."""
    return gettext("No one in the audience on %(date)s") % {"date": format_date(as_of)}


@dataclass(frozen=True)
class CompletionRule:
    """Which completions count toward an assignment, as reports print it and snapshots store it."""

    course: str
    course_title: str
    completions_from: dt.date
    # The numbers of the course's versions published so far (current and retired): any of them counts.
    versions: tuple[int, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "course": self.course,
            "course_title": self.course_title,
            "completions_from": self.completions_from.isoformat(),
            "versions": list(self.versions),
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> CompletionRule:
        """The rule a snapshot stored (`as_dict`)."""
        return cls(
            course=str(data["course"]),
            course_title=str(data["course_title"]),
            completions_from=dt.date.fromisoformat(str(data["completions_from"])),
            versions=tuple(int(number) for number in data["versions"]),
        )

    @property
    def text(self) -> str:
        versions = ", ".join(str(number) for number in self.versions) or "—"
        return gettext(
            "Completions count from %(date)s, of any published version of the course “%(course)s” "
            "(versions %(versions)s): a passed quiz, an in-person briefing, or an external completion "
            "accepted by the Office."
        ) % {"date": format_date(self.completions_from), "course": self.course_title, "versions": versions}


def completion_rule(*, assignment: Assignment) -> CompletionRule:
    """The assignment's completion rule (one query: the course's published versions)."""
    versions = list(
        CourseVersion.objects.filter(
            course_id=assignment.course_id,
            status__in=[CourseVersionStatus.PUBLISHED, CourseVersionStatus.RETIRED],
        )
        .order_by("number")
        .values_list("number", "title", "status")
    )
    current = [title for _number, title, status in versions if status == CourseVersionStatus.PUBLISHED]
    course_slug = assignment.course.slug
    return CompletionRule(
        course=course_slug,
        course_title=(current or [title for _number, title, _status in versions] or [course_slug])[-1],
        completions_from=assignment.completions_from,
        versions=tuple(number for number, _title, _status in versions),
    )


def audience_on(
    *, assignment: Assignment, as_of: dt.date, rules: list[UnitRule], root_unit: Unit | None = None
) -> models.QuerySet[Membership]:
    """The audience's memberships open on `as_of` (in `root_unit`'s subtree on `as_of` when given): one row per person.

    A person's memberships never overlap (PostgreSQL's exclusion constraint, and the roster
    import's own check on SQLite, `orgchart.periods`), and every rule
    of the audience is matched through that same row, so no de-duplication is needed —
    `audience_memberships_on` de-duplicates with a GROUP BY over the whole audience,
    which costs more than the report itself at province scale.
    """
    memberships = Membership.objects.filter(audience_filter(assignment=assignment, rules=rules, on_date=as_of))
    if root_unit is not None:
        memberships = memberships.filter(within_units_on_q([root_unit.pk], on_date=as_of))
    return memberships


def exemptions_on(*, assignment_id: int, as_of: dt.date) -> models.QuerySet[Exemption]:
    """The exemptions from the assignment that cover `as_of` (both ends inclusive)."""
    return Exemption.objects.filter(assignment_id=assignment_id, valid_from__lte=as_of, valid_to__gte=as_of)


def exemption_covers(exemption: Exemption, day: dt.date) -> bool:
    """`exemptions_on` for an exemption already fetched."""
    return exemption.valid_from <= day <= exemption.valid_to


def completions_by(*, assignment: Assignment, as_of: dt.date) -> models.QuerySet[Completion]:
    """The completions that count toward the assignment on `as_of` (`courses.selectors.completions`)."""
    return completions_counting(
        course_id=assignment.course_id, completions_from=assignment.completions_from, as_of=as_of
    )


def exempt_on_q(*, assignment_id: int, as_of: dt.date) -> Q:
    """Membership rows whose person has an exemption from the assignment covering `as_of`.

    An uncorrelated `staff_id IN (…)`: PostgreSQL hashes the (small) set once, and its cost
    estimate stays low — a correlated EXISTS inside the aggregate's FILTER is estimated
    per row, which at province scale pushes the plan over `jit_above_cost` and spends most
    of a second compiling it.
    """
    return Q(staff_id__in=exemptions_on(assignment_id=assignment_id, as_of=as_of).values("staff_id"))


def completed_by_q(*, assignment: Assignment, as_of: dt.date) -> Q:
    """Membership rows whose person has a completion that counts toward the assignment on `as_of`."""
    return Q(staff_id__in=completions_by(assignment=assignment, as_of=as_of).values("staff_id"))


def coverage_status(*, is_exempt: bool, completed_on: dt.date | None) -> CoverageStatus:
    """An exemption wins over a completion: the exempt leave the denominator, informed or not."""
    if is_exempt:
        return CoverageStatus.EXEMPT
    if completed_on is not None:
        return CoverageStatus.INFORMED
    return CoverageStatus.NOT_INFORMED


def coverage_status_q(status: CoverageStatus | str) -> Q:
    """`coverage_status` as a filter on rows annotated with `is_exempt` and `completed_on` (the first completion)."""
    if status == CoverageStatus.EXEMPT:
        return Q(is_exempt=True)
    if status == CoverageStatus.INFORMED:
        return Q(is_exempt=False, completed_on__isnull=False)
    return Q(is_exempt=False, completed_on__isnull=True)
