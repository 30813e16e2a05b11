"""Q builders for the org chart's two shapes: effective-dated records and the unit tree's paths."""

from __future__ import annotations

import datetime as dt
from functools import reduce
from operator import or_

from django.db.models import Q


def active_on_q(on_date: dt.date, prefix: str = "") -> Q:
    """Q for an effective-dated record (valid_from … valid_to, inclusive; open when valid_to is null) on a date.

    Shared by every app that asks "as of D" questions of memberships, exemptions or the like.
    """
    return Q(**{f"{prefix}valid_from__lte": on_date}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": on_date})
    )


def within_units_q(paths: list[str], *, prefix: str = "unit__") -> Q:
    """Q for "in one of these subtrees": a prefix match on the materialized path."""
    if not paths:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{prefix}path__startswith": path}) for path in paths))
