"""The coverage rule (DESIGN.md rule 4), in one place.

For an assignment and a date D, a person is **in the audience** through their membership
open on D (the assignment's audience rules, `courses.selectors.audience`), **exempt** when
an exemption from the assignment covers D, and **informed** when not exempt and they have
a completion of the assignment's course dated on or before D, whatever its evidence. The
figures (`coverage.py`), the people list (`people.py`), snapshots and the live comparison
(`snapshots.py`) all take the rule from here: as querysets for SQL, and as the same
predicates in Python for rows already fetched.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy

from core.numbers import percent
from courses.models import Assignment, Completion
from courses.selectors.audience import UnitRule, audience_filter
from orgchart.models import Membership, Unit
from orgchart.queries import within_units_on_q
from reports.models import Exemption


class CoverageStatus(models.TextChoices):
    INFORMED = "informed", gettext_lazy("Informed")
    NOT_INFORMED = "not_informed", gettext_lazy("Not informed")
    EXEMPT = "exempt", gettext_lazy("Exempt")


def coverage_percent(*, informed: int, staff: int) -> float:
    """informed / staff × 100 rounded half-up to 2 places; 100.0 when nobody is due (the contract)."""
    value = percent(part=informed, whole=staff)
    return 100.0 if value is None else value


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


def completions_by(*, course_id: int, as_of: dt.date) -> models.QuerySet[Completion]:
    """The completions of the course that count on `as_of`: dated on or before it, any evidence."""
    return Completion.objects.filter(course_id=course_id, completed_on__lte=as_of)


def exempt_on_q(*, assignment_id: int, as_of: dt.date) -> Q:
    """Membership rows whose person has an exemption from the assignment covering `as_of`.

    An uncorrelated `staff_id IN (…)`: PostgreSQL hashes the (small) set once, and its cost
    estimate stays low — a correlated EXISTS inside the aggregate's FILTER is estimated
    per row, which at province scale pushes the plan over `jit_above_cost` and spends most
    of a second compiling it.
    """
    return Q(staff_id__in=exemptions_on(assignment_id=assignment_id, as_of=as_of).values("staff_id"))


def completed_by_q(*, course_id: int, as_of: dt.date) -> Q:
    """Membership rows whose person has a completion of the course that counts on `as_of`."""
    return Q(staff_id__in=completions_by(course_id=course_id, as_of=as_of).values("staff_id"))


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
