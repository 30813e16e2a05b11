"""The tree's history: write the tree as it stands from a date D as dated unit versions.

`unit_history_apply` takes every unit open from D (id → parent, name, kind) and compares
it with the versions open on D: an unchanged unit keeps its version; a unit whose parent,
name, kind **or path** changed (a move of an ancestor changes the paths below it) gets its
version ended on D−1 and a new one from D; a unit open on D that is absent closes on D−1.
Earlier dates keep the old versions, so a report as of an earlier date never changes. A
version that itself started on D is corrected in place (two imports on the same day).

Callers (the units import, the admin's tree editing) validate first — chronological order
(`history_latest_date`), no one left in a closing unit (`members_from`) — and write the
latest tree (treebeard's `Unit`) themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Max, Q

from core.audit import audited_bulk_create, audited_bulk_update
from core.dates import format_date
from orgchart.models import Membership, Unit, UnitVersion, unit_key
from orgchart.periods import periods_check_no_overlap
from orgchart.queries import unit_version_on_q

BATCH_SIZE = 1000
_LONG_AGO = dt.date(1900, 1, 1)


@dataclass(frozen=True)
class UnitShape:
    parent_id: int | None
    name: str
    kind: str


@dataclass
class HistoryPlan:
    closings: list[UnitVersion] = field(default_factory=list)
    corrections: list[UnitVersion] = field(default_factory=list)
    withdrawn: list[int] = field(default_factory=list)
    openings: list[UnitVersion] = field(default_factory=list)

    @property
    def touched_unit_ids(self) -> set[int]:
        return {version.unit_id for version in [*self.closings, *self.corrections, *self.openings]}


def history_latest_date() -> dt.date | None:
    """The latest day on which the recorded tree changes (a version starts, or the day after one ends)."""
    latest = UnitVersion.objects.aggregate(started=Max("valid_from"), ended=Max("valid_to"))
    candidates = [latest["started"]]
    if latest["ended"] is not None:
        candidates.append(latest["ended"] + dt.timedelta(days=1))
    candidates = [day for day in candidates if day is not None]
    return max(candidates) if candidates else None


def members_from(*, unit_ids: Iterable[int], on: dt.date) -> dict[int, list[tuple[str, str]]]:
    """The people recorded in these units on or after `on` (unit id → [(code, full name)]); one query."""
    found: dict[int, list[tuple[str, str]]] = {}
    rows = (
        Membership.objects.filter(unit_id__in=list(unit_ids))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .order_by("unit_id", "staff__code")
        .values_list("unit_id", "staff__code", "staff__full_name")
        .distinct()
    )
    for unit_id, code, full_name in rows:
        found.setdefault(unit_id, []).append((code, full_name))
    return found


def _paths(tree: dict[int, UnitShape]) -> dict[int, tuple[str, int]]:
    """Each unit's (path, depth) in `tree` (which must hold every ancestor of every unit in it)."""
    computed: dict[int, tuple[str, int]] = {}

    def of(unit_id: int) -> tuple[str, int]:
        if unit_id not in computed:
            chain = [unit_id]
            parent = tree[unit_id].parent_id
            while parent is not None and parent not in computed:
                chain.append(parent)
                parent = tree[parent].parent_id
            path, depth = computed[parent] if parent is not None else ("", 0)
            for member in reversed(chain):
                path, depth = path + unit_key(member), depth + 1
                computed[member] = (path, depth)
        return computed[unit_id]

    for unit_id in tree:
        of(unit_id)
    return computed


def history_plan(*, tree: dict[int, UnitShape], on: dt.date, undated_new: set[int] = frozenset()) -> HistoryPlan:
    """What to write so that the tree from `on` is `tree` (one query). `undated_new`: new units with no opening date."""
    current = {version.unit_id: version for version in UnitVersion.objects.filter(unit_version_on_q(on))}
    day_before = on - dt.timedelta(days=1)
    plan = HistoryPlan()
    for unit_id, (path, depth) in _paths(tree).items():
        shape = tree[unit_id]
        wanted = {
            "parent_id": shape.parent_id,
            "name": shape.name,
            "kind": shape.kind,
            "path": path,
            "depth": depth,
        }
        version = current.get(unit_id)
        if version is not None:
            if all(getattr(version, name) == value for name, value in wanted.items()):
                continue
            if version.valid_from == on:
                for name, value in wanted.items():
                    setattr(version, name, value)
                plan.corrections.append(version)
                continue
            version.valid_to = day_before
            plan.closings.append(version)
        starts = None if unit_id in undated_new else on
        plan.openings.append(UnitVersion(unit_id=unit_id, valid_from=starts, **wanted))
    for unit_id, version in current.items():
        if unit_id in tree:
            continue
        if version.valid_from == on:
            plan.withdrawn.append(version.pk)
        else:
            version.valid_to = day_before
            plan.closings.append(version)
    return plan


def history_write(plan: HistoryPlan) -> None:
    """Ends first, then starts (PostgreSQL checks the exclusion constraint row by row); then the SQLite check."""
    if plan.withdrawn:
        UnitVersion.objects.filter(pk__in=plan.withdrawn).delete()  # auditlog records each deletion
    if plan.closings:
        audited_bulk_update(UnitVersion, plan.closings, ["valid_to"], batch_size=BATCH_SIZE)
    if plan.corrections:
        audited_bulk_update(
            UnitVersion, plan.corrections, ["parent_id", "name", "kind", "path", "depth"], batch_size=BATCH_SIZE
        )
    if plan.openings:
        audited_bulk_create(UnitVersion, plan.openings, batch_size=BATCH_SIZE)
    periods_check_no_overlap(
        UnitVersion,
        owner_field="unit",
        owner_label="unit__code",
        owner_ids=plan.touched_unit_ids,
        what="Lịch sử đơn vị",
    )


def unit_history_apply(*, tree: dict[int, UnitShape], on: dt.date, undated_new: set[int] = frozenset()) -> HistoryPlan:
    plan = history_plan(tree=tree, on=on, undated_new=undated_new)
    history_write(plan)
    return plan


def unit_history_start(*, unit_ids: Iterable[int] | None = None) -> int:
    """Give units that have no version one, open at both ends (closed long ago if inactive), as in the latest tree.

    For units made outside the imports (tests' factories, the province generator's bulk load,
    the data migration): nothing is known of their past. Returns how many were written.
    """
    units = Unit.objects.filter(versions__isnull=True)
    if unit_ids is not None:
        units = units.filter(pk__in=list(unit_ids))
    rows = list(units.values_list("id", "path", "depth", "name", "kind", "is_active"))
    if not rows:
        return 0
    steplen = Unit.steplen
    prefixes = {path[:end] for _pk, path, *_rest in rows for end in range(steplen, len(path) + 1, steplen)}
    id_by_path = dict(Unit.objects.filter(path__in=prefixes).values_list("path", "id"))
    UnitVersion.objects.bulk_create(
        [
            UnitVersion(
                unit_id=pk,
                parent_id=id_by_path.get(path[:-steplen]) if depth > 1 else None,
                name=name,
                kind=kind,
                path="".join(unit_key(id_by_path[path[:end]]) for end in range(steplen, len(path) + 1, steplen)),
                depth=depth,
                # A unit already closed when it is first recorded: closed before anything is known.
                valid_to=None if is_active else _LONG_AGO,
            )
            for pk, path, depth, name, kind, is_active in rows
        ],
        batch_size=BATCH_SIZE,
    )
    return len(rows)


def unit_edit_problems(*, unit: Unit, parent: Unit | None, closing: bool, on: dt.date) -> list[str]:
    """Why the admin's edit of one unit, taking effect on `on`, cannot be recorded (Vietnamese; empty: it can)."""
    problems = []
    latest = history_latest_date()
    if latest is not None and on < latest:
        problems.append(
            f"ngày hiệu lực {format_date(on)} sớm hơn thay đổi gần nhất đã ghi của sơ đồ tổ chức "
            f"(ngày {format_date(latest)}) — các thay đổi phải được ghi theo thứ tự thời gian; "
            "hãy chọn ngày hiệu lực từ ngày đó trở đi."
        )
    if parent is not None and not UnitVersion.objects.filter(unit_version_on_q(on), unit=parent).exists():
        problems.append(f'đơn vị cấp trên "{parent.code}" không hoạt động vào ngày {format_date(on)}.')
    if closing and unit.pk is not None:
        people = members_from(unit_ids=[unit.pk], on=on).get(unit.pk, [])
        if people:
            named = ", ".join(f"{code} ({full_name})" for code, full_name in people[:20])
            problems.append(
                f'đơn vị "{unit.code}" vẫn còn cán bộ công tác từ ngày {format_date(on)}: {named} — hãy nhập danh '
                "sách cán bộ chuyển họ sang đơn vị khác trước."
            )
        open_children = UnitVersion.objects.filter(unit_version_on_q(on), parent=unit).values_list(
            "unit__code", flat=True
        )
        if open_children:
            problems.append(
                f'đơn vị "{unit.code}" vẫn còn đơn vị cấp dưới vào ngày {format_date(on)}: '
                + ", ".join(sorted(open_children))
                + " — hãy cho các đơn vị này ngừng hoạt động hoặc chuyển sang đơn vị khác trước."
            )
    return problems


def unit_history_record_edit(*, unit: Unit, on: dt.date) -> HistoryPlan:
    """Record the admin's edit of `unit` (already written to the latest tree) as the tree from `on`."""
    tree = {
        version.unit_id: UnitShape(parent_id=version.parent_id, name=version.name, kind=version.kind)
        for version in UnitVersion.objects.filter(unit_version_on_q(on))
    }
    if unit.is_active:
        parent = Unit.objects.get_parent(Unit.objects.get(pk=unit.pk))
        tree[unit.pk] = UnitShape(parent_id=parent.pk if parent else None, name=unit.name, kind=unit.kind)
    else:
        tree.pop(unit.pk, None)
    return unit_history_apply(tree=tree, on=on)
