"""Reads of the org chart. Every view that shows people goes through `staff_visible_to`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, FilteredRelation, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Length, Substr
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from core.text import fold_diacritics

from .models import Membership, Staff, Unit, UnitVersion
from .queries import active_on_q, unit_version_on_q, within_units_on_q, within_units_q
from .roles import scope_for


def unit_get(*, code: str) -> Unit:
    return Unit.objects.get(code=code)


def unit_list_with_parent_code(queryset: QuerySet[Unit]) -> QuerySet[Unit]:
    """Units with `parent_code` (from the materialized path, one query), parents before children."""
    parent = Unit.objects.filter(path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Unit.steplen))
    return queryset.annotate(parent_code=Subquery(parent.values("code")[:1])).order_by("path")


@dataclass(frozen=True)
class UnitOnDate:
    """A unit as the tree stood on a date: its name, kind, parent (code) and dated path then."""

    unit_id: int
    code: str
    name: str
    kind: str
    parent: str | None
    path: str
    depth: int


def unit_tree_on(*, on_date: dt.date) -> dict[int, UnitOnDate]:
    """Every unit open on `on_date`, as the tree stood that day, in tree order (unit id → unit). One query.

    At most a few thousand rows (the units open on one day), whatever the tree's history.
    """
    rows = (
        UnitVersion.objects.filter(unit_version_on_q(on_date))
        .order_by("path")
        .values_list("unit_id", "unit__code", "name", "kind", "parent__code", "path", "depth")
    )
    return {row[0]: UnitOnDate(*row) for row in rows}


def staff_list_with_current_membership(queryset: QuerySet[Staff]) -> QuerySet[Staff]:
    """Staff with their open membership's unit, position and category (one LEFT JOIN, no N+1).

    At most one membership per person is open (a database constraint), so rows never repeat;
    people who left have NULLs.
    """
    if "current_unit_code" in queryset.query.annotations:
        return queryset
    return queryset.annotate(
        current=FilteredRelation("memberships", condition=Q(memberships__valid_to__isnull=True)),
        current_unit_code=F("current__unit__code"),
        current_unit_name=F("current__unit__name"),
        current_position=F("current__position"),
        current_category=F("current__category"),
        current_since=F("current__valid_from"),
    )


def membership_list_in_unit_on(
    *, unit: Unit, on_date: dt.date, include_descendants: bool = True
) -> QuerySet[Membership]:
    """Who was in `unit` (and its sub-units, as the tree stood on `on_date`) on `on_date`: one query."""
    unit_filter = within_units_on_q([unit.pk], on_date=on_date) if include_descendants else Q(unit_id=unit.pk)
    return (
        Membership.objects.filter(unit_filter, active_on_q(on_date))
        .select_related("staff", "unit")
        .order_by("staff__sort_key", "staff__code")
    )


def staff_visible_to(*, user: User, on_date: dt.date | None = None) -> QuerySet[Staff]:
    """Staff the user may see: all for the Office, their unit trees for heads, themselves otherwise.

    A unit head sees whoever has a membership in their subtree that is open on `on_date`
    (today by default).
    """
    scope = scope_for(user=user)
    if scope.everything:
        return Staff.objects.all()
    on_date = on_date or timezone.localdate()
    visible = Q(pk=scope.own_staff_id) if scope.own_staff_id else Q(pk__in=[])
    if scope.unit_paths:
        in_tree = Membership.objects.filter(within_units_q(list(scope.unit_paths)), active_on_q(on_date)).values(
            "staff_id"
        )
        visible |= Q(pk__in=in_tree)
    return Staff.objects.filter(visible)


def access_staff(*, user: User, staff_id: int) -> Staff:
    """The staff member if the user may see them; otherwise 404, never 403."""
    try:
        return staff_visible_to(user=user).get(pk=staff_id)
    except Staff.DoesNotExist as exc:
        raise Http404 from exc


def units_visible_to(*, user: User) -> QuerySet[Unit]:
    scope = scope_for(user=user)
    if scope.everything:
        return Unit.objects.all()
    return Unit.objects.filter(within_units_q(list(scope.unit_paths), prefix=""))


def access_unit(*, user: User, unit_code: str) -> Unit:
    try:
        return units_visible_to(user=user).get(code=unit_code)
    except Unit.DoesNotExist as exc:
        raise Http404 from exc


def report_root_unit(*, user: User, unit_code: str | None) -> Unit | None:
    """Where a user's reports start: any unit for the Office (None: the whole tree), their own subtree for a head.

    `unit_code` picks a unit inside the scope; 404 outside it, and for anyone who is neither.
    The coverage dashboard, its exports and the nominations' progress page all start here.
    """
    scope = scope_for(user=user)
    if unit_code:
        return access_unit(user=user, unit_code=unit_code)
    if scope.everything:
        return None
    if not scope.unit_paths:
        raise Http404
    # A head of several separate units sees the first (tree order); the others through `unit_code`.
    return Unit.objects.get(path=scope.unit_paths[0])


def staff_search_terms(query: str) -> list[str]:
    """Fold the query exactly as `Staff.search_text` was folded, one term per word.

    `search_text` holds only the mailbox of an email, so "thuy@stp.dongnai.gov.vn"
    searches for "thuy" and a bare "@domain" term is dropped.
    """
    terms = (term.partition("@")[0] for term in fold_diacritics(query).split(" "))
    return [term for term in terms if term]


def unit_ids_matching(query: str) -> list[int]:
    """Units whose code or name contains every word of `query`, accents and case ignored ("pho bien" finds
    "Phòng Phổ biến, giáo dục pháp luật"), as staff search does. One query over the units' codes and names,
    folded here: a province has about 2,000 units, so no folded column is kept for them.
    """
    terms = [term for term in fold_diacritics(query).split(" ") if term]
    if not terms:
        return list(Unit.objects.values_list("pk", flat=True))
    return [
        pk
        for pk, code, name in Unit.objects.values_list("pk", "code", "name")
        if all(term in fold_diacritics(f"{code} {name}") for term in terms)
    ]


def membership_list_current_visible(
    *, user: User, query: str = "", unit: Unit | None = None, on_date: dt.date | None = None
) -> QuerySet[Membership]:
    """The memberships open on `on_date` (today by default) that the user may list, in Vietnamese name order.

    The Office sees everyone; a unit head the subtrees of the units they head; anyone else
    nobody (a learner has no people list). `unit` narrows to that unit and its sub-units: the
    caller fetches it through `access_unit` so it is already inside the scope. Every word of
    `query` must appear in the accent-folded name, code or email, so "thuy" finds "Thủy"
    and "duc" finds "Đức". One query for the rows, whatever the roster size.
    """
    scope = scope_for(user=user)
    on_date = on_date or timezone.localdate()
    memberships = Membership.objects.filter(active_on_q(on_date))
    if not scope.everything:
        memberships = memberships.filter(within_units_q(list(scope.unit_paths)))
    if unit is not None:
        memberships = memberships.filter(within_units_on_q([unit.pk], on_date=on_date))
    for term in staff_search_terms(query):
        memberships = memberships.filter(staff__search_text__contains=term)
    return memberships.select_related("staff", "unit").order_by("staff__sort_key", "staff__code")


def membership_list_for_staff(*, staff: Staff) -> QuerySet[Membership]:
    """A person's whole history, newest first, with the units in the same query."""
    return Membership.objects.filter(staff=staff).select_related("unit").order_by("-valid_from", "-pk")


def membership_current_among(*, memberships: list[Membership], on_date: dt.date | None = None) -> Membership | None:
    """The membership open on `on_date` within an already fetched history (no query)."""
    on_date = on_date or timezone.localdate()
    for membership in memberships:
        if membership.valid_from <= on_date and (membership.valid_to is None or membership.valid_to >= on_date):
            return membership
    return None


def unit_list_visible_choices(*, user: User) -> QuerySet[Unit]:
    """Units the user may filter the people list by, in tree order (parents before children)."""
    return units_visible_to(user=user).filter(is_active=True).order_by("path").only("code", "name", "depth", "path")
