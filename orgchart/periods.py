"""Effective-dated periods that must never overlap: a person's memberships, a unit's versions.

PostgreSQL refuses an overlap itself (exclusion constraints over `daterange`, migration
0004 of orgchart, which needs `btree_gist`); SQLite has no such constraint, so every
writer of periods calls `periods_check_no_overlap` inside its transaction, after writing,
on both databases: a clear message names the people or units, and the transaction rolls
back. The same query lists the overlaps a migration finds in existing data.

A period is `valid_from` … `valid_to`, both inclusive; a null end is unbounded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.db.models import Exists, F, OuterRef, Value
from django.db.models.functions import Coalesce

from core.dates import format_date

_FAR_PAST = dt.date(1, 1, 1)
_FAR_FUTURE = dt.date(9999, 12, 31)


@dataclass(frozen=True)
class Overlap:
    """Two periods of the same owner (a person's code, a unit's code) that share at least one day."""

    owner: str
    first: tuple[dt.date | None, dt.date | None]
    second: tuple[dt.date | None, dt.date | None]

    def __str__(self) -> str:
        def shown(period: tuple[dt.date | None, dt.date | None]) -> str:
            start, end = period
            return f"{format_date(start) if start else '…'}–{format_date(end) if end else '…'}"

        return f"{self.owner}: {shown(self.first)} và {shown(self.second)}"


class OverlapRefused(Exception):
    """Raised by `periods_check_no_overlap`; the message lists every overlap (in Vietnamese)."""

    def __init__(self, overlaps: list[Overlap], *, what: str) -> None:
        self.overlaps = overlaps
        listed = "; ".join(str(overlap) for overlap in overlaps[:20])
        more = f" (và {len(overlaps) - 20} chỗ khác)" if len(overlaps) > 20 else ""
        super().__init__(f"{what} trùng thời gian hiệu lực: {listed}{more}.")


def overlaps_in(
    model: type[models.Model], *, owner_field: str, owner_label: str, owner_ids: Iterable[int] | None = None
) -> list[Overlap]:
    """Every pair of overlapping periods in the model's table (of these owners when given), two queries.

    `owner_field` is the owner's foreign key ("staff", "unit"), `owner_label` the path to the
    code shown in the message ("staff__code"). Takes the model so that a migration can pass
    its historical one.
    """
    rows = model._default_manager.all()
    if owner_ids is not None:
        rows = rows.filter(**{f"{owner_field}_id__in": list(owner_ids)})
    start = Coalesce(F("valid_from"), Value(_FAR_PAST))
    end = Coalesce(F("valid_to"), Value(_FAR_FUTURE))
    later = model._default_manager.annotate(start=start, end=end).filter(
        **{f"{owner_field}_id": OuterRef(f"{owner_field}_id")},
        pk__gt=OuterRef("pk"),
        start__lte=OuterRef("end"),
        end__gte=OuterRef("start"),
    )
    found = (
        rows.annotate(start=start, end=end)
        .filter(Exists(later))
        .order_by(owner_label, "start")
        .values_list("pk", owner_label, f"{owner_field}_id", "valid_from", "valid_to")
    )
    overlaps: list[Overlap] = []
    first_rows = list(found)
    if not first_rows:
        return overlaps
    owners = {owner_id for _pk, _label, owner_id, _from, _to in first_rows}
    periods: dict[int, list[tuple[int, dt.date | None, dt.date | None]]] = {}
    for pk, owner_id, valid_from, valid_to in (
        model._default_manager.filter(**{f"{owner_field}_id__in": owners})
        .order_by("pk")
        .values_list("pk", f"{owner_field}_id", "valid_from", "valid_to")
    ):
        periods.setdefault(owner_id, []).append((pk, valid_from, valid_to))
    for pk, label, owner_id, valid_from, valid_to in first_rows:
        for other_pk, other_from, other_to in periods[owner_id]:
            if other_pk > pk and _shares_a_day((valid_from, valid_to), (other_from, other_to)):
                overlaps.append(Overlap(owner=label, first=(valid_from, valid_to), second=(other_from, other_to)))
    return overlaps


def _shares_a_day(first: tuple[dt.date | None, dt.date | None], second: tuple[dt.date | None, dt.date | None]) -> bool:
    return (first[0] or _FAR_PAST) <= (second[1] or _FAR_FUTURE) and (second[0] or _FAR_PAST) <= (
        first[1] or _FAR_FUTURE
    )


def periods_check_no_overlap(
    model: type[models.Model], *, owner_field: str, owner_label: str, owner_ids: Iterable[int], what: str
) -> None:
    """Raise `OverlapRefused` when any of these owners has two periods sharing a day (two queries at most)."""
    owner_ids = list(owner_ids)
    if not owner_ids:
        return
    overlaps = overlaps_in(model, owner_field=owner_field, owner_label=owner_label, owner_ids=owner_ids)
    if overlaps:
        raise OverlapRefused(overlaps, what=what)
