"""Q builders for the org chart's two shapes: effective-dated records and the unit tree's paths.

Two trees live side by side: `Unit.path` (treebeard) is the latest tree, which access rules
read ("whom may this head see today"); `UnitVersion.path` is the tree as it stood on a date,
which every report as of D reads (`unit_version_on_q`, `within_units_on_q`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import reduce
from operator import or_

from django.db.models import Exists, F, FilteredRelation, OuterRef, Q
from django.db.models.lookups import StartsWith

from .models import UnitVersion


def active_on_q(on_date: dt.date, prefix: str = "") -> Q:
    """Q for an effective-dated record (valid_from … valid_to, inclusive; open when valid_to is null) on a date.

    Shared by every app that asks "as of D" questions of memberships, exemptions or the like.
    """
    return Q(**{f"{prefix}valid_from__lte": on_date}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": on_date})
    )


def unit_version_on_q(on_date: dt.date, prefix: str = "") -> Q:
    """`active_on_q` for unit versions, whose start may be unknown (null: since before anything is known)."""
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": on_date})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": on_date})
    )


def within_units_q(paths: list[str], *, prefix: str = "unit__") -> Q:
    """Q for "in one of these subtrees of the latest tree": a prefix match on treebeard's path (access)."""
    if not paths:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{prefix}path__startswith": path}) for path in paths))


def units_within_on(unit_ids: Iterable[int], *, on_date: dt.date):
    """The ids of the units in the subtrees of `unit_ids` as the tree stood on `on_date` (a subquery).

    One prefix match among the versions open on D, against the roots' own paths on D; its
    cost depends on the number of units open on D, never on the tree's history or depth.
    """
    roots = UnitVersion.objects.filter(unit_version_on_q(on_date), unit_id__in=list(unit_ids)).filter(
        StartsWith(OuterRef("path"), F("path"))
    )
    return UnitVersion.objects.filter(unit_version_on_q(on_date)).filter(Exists(roots)).values("unit_id")


def within_units_on_q(unit_ids: Iterable[int], *, on_date: dt.date, prefix: str = "unit_") -> Q:
    """Q for "in one of these units' subtrees as the tree stood on `on_date`" (`prefix` leads to the unit's id).

    The dated twin of `within_units_q`: memberships use the default (`unit_id`); units pass
    `prefix=""` (their `id`).
    """
    unit_ids = list(unit_ids)
    if not unit_ids:
        return Q(pk__in=[])
    return Q(**{f"{prefix}id__in": units_within_on(unit_ids, on_date=on_date)})


def unit_version_on_relation(on_date: dt.date, *, relation: str = "unit__versions") -> FilteredRelation:
    """A join to the version of a record's unit open on `on_date` (its name, parent and dated path then).

    `Membership.objects.annotate(unit_on=unit_version_on_relation(D))` gives `unit_on__name`,
    `unit_on__path`: one LEFT JOIN, at most one row (a unit's versions never overlap).
    """
    return FilteredRelation(relation, condition=unit_version_on_q(on_date, prefix=f"{relation}__"))
