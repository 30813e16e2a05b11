"""Who an assignment is for on a date (DESIGN.md rule 2), answered from the effective-dated memberships.

The audience of an assignment on date D is the union of
- its unit rules: memberships open on D in one of its units (or their subtrees **as the
  tree stood on D**, a prefix match on the dated paths, `orgchart.queries.within_units_on_q`),
  narrowed by the assignment's staff categories (the membership's category on D) and, when
  set, to communications staff (the membership's communications role on D); and
- its named people: their membership open on D, whatever their unit or category.

Each person is in it once, however many rules match them. Everything is one query for
the rules plus one for the rows, whatever the size of the roster or the tree, so the
enrolment sync and the coverage report can build on these querysets.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Max, Q, QuerySet

from courses.models import Assignment, AssignmentPerson, AssignmentUnit
from orgchart.models import Membership
from orgchart.queries import active_on_q, within_units_on_q


@dataclass(frozen=True)
class UnitRule:
    unit_id: int
    path: str
    include_descendants: bool


def audience_unit_rules(*, assignment_ids: Iterable[int]) -> dict[int, list[UnitRule]]:
    """The unit rules of several assignments in one query (assignment id → rules)."""
    rules: dict[int, list[UnitRule]] = defaultdict(list)
    rows = AssignmentUnit.objects.filter(assignment_id__in=list(assignment_ids)).values_list(
        "assignment_id", "unit_id", "unit__path", "include_descendants"
    )
    for assignment_id, unit_id, path, include_descendants in rows.order_by("assignment_id", "unit__path"):
        rules[assignment_id].append(UnitRule(unit_id=unit_id, path=path, include_descendants=include_descendants))
    return rules


def audience_filter(*, assignment: Assignment, rules: list[UnitRule], on_date: dt.date) -> Q:
    """The Q on `Membership` for "in the audience of `assignment` on `on_date`" (no query of its own).

    A person matched by several rules matches through the same membership, so this is
    already one row per person as long as a person's memberships do not overlap (the
    roster import guarantees it); `audience_memberships_on` dedupes anyway.
    """
    by_unit_parts = []
    subtree_roots = [rule.unit_id for rule in rules if rule.include_descendants]
    single_unit_ids = [rule.unit_id for rule in rules if not rule.include_descendants]
    if subtree_roots:
        by_unit_parts.append(within_units_on_q(subtree_roots, on_date=on_date))
    if single_unit_ids:
        by_unit_parts.append(Q(unit_id__in=single_unit_ids))
    if by_unit_parts:
        by_unit = reduce(or_, by_unit_parts)
        if assignment.categories:
            by_unit &= Q(category__in=list(assignment.categories))
        if assignment.communications_only:
            by_unit &= Q(is_communications=True)
    else:
        by_unit = Q(pk__in=[])
    named = Q(staff_id__in=AssignmentPerson.objects.filter(assignment_id=assignment.pk).values("staff_id"))
    return active_on_q(on_date) & (by_unit | named)


def _matching(*, assignment: Assignment, on_date: dt.date, rules: list[UnitRule] | None) -> QuerySet[Membership]:
    if rules is None:
        rules = audience_unit_rules(assignment_ids=[assignment.pk]).get(assignment.pk, [])
    return Membership.objects.filter(audience_filter(assignment=assignment, rules=rules, on_date=on_date))


def audience_memberships_on(
    *, assignment: Assignment, on_date: dt.date, rules: list[UnitRule] | None = None
) -> QuerySet[Membership]:
    """The memberships open on `on_date` of the people in the audience, one per person.

    One query to read the unit rules (none when `rules` is given), and the returned
    queryset is one more. Should a person ever hold two memberships open on the same
    day that both match, the most recently recorded one is kept.
    """
    one_per_person = (
        _matching(assignment=assignment, on_date=on_date, rules=rules)
        .order_by()
        .values("staff_id")
        .annotate(last=Max("pk"))
        .values("last")
    )
    return Membership.objects.filter(pk__in=one_per_person)


def audience_staff_ids_on(
    *, assignment: Assignment, on_date: dt.date, rules: list[UnitRule] | None = None
) -> QuerySet[int]:
    """The ids of the people in the audience on `on_date`, each once (usable as a subquery)."""
    return (
        _matching(assignment=assignment, on_date=on_date, rules=rules)
        .order_by()
        .values_list("staff_id", flat=True)
        .distinct()
    )
