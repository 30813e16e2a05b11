"""The units import: the whole org chart as it stands from an effective date D.

New codes open on D; a changed parent, name or kind takes effect on D (earlier dates keep
the old, `orgchart.services.unit_history`); codes absent from the file close on D−1 —
refused, naming the people, while anyone is still a member on D. Without an effective
date, units new to the tree have no opening date (nothing is known of the structure before
them, so rosters dated earlier still import) and changes take effect today. Files are
imported in date order: a file dated before the latest recorded change is refused.

The latest tree is also written through treebeard (`add_root`, `add_child`, `move`),
parents before children, for the access rules; the org chart has a few thousand units at
most, so the per-node queries treebeard needs are affordable here, unlike in the roster
import.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from core.audit import audited_bulk_update, audited_update, import_recording
from core.dates import format_date
from core.importing import (
    CleanRow,
    ImportProblem,
    ImportRefused,
    SpreadsheetFile,
    check_choice,
    check_name,
    clean_rows,
)
from core.models import ImportKind
from orgchart.importing import check_code, parse_code
from orgchart.models import Unit, UnitKind, UnitVersion
from orgchart.periods import OverlapRefused
from orgchart.selectors import unit_tree_on
from orgchart.services import ChangeTally
from orgchart.services.unit_history import UnitShape, history_latest_date, members_from, unit_history_apply
from orgchart.sql import lock_orgchart_imports

CODE = "Mã đơn vị"
NAME = "Tên đơn vị"
PARENT = "Mã đơn vị cấp trên"
KIND = "Loại đơn vị"
COLUMNS = (CODE, NAME, PARENT, KIND)

KIND_LABELS = {
    UnitKind.DEPARTMENT: "Sở",
    UnitKind.DIVISION: "Phòng",
    UnitKind.PUBLIC_SERVICE_UNIT: "Đơn vị sự nghiệp",
    UnitKind.TEAM: "Tổ",
}
_NAME_MAX = Unit._meta.get_field("name").max_length


class UnitChangeKind:
    CREATED = "created"
    UPDATED = "updated"
    MOVED = "moved"
    CLOSED = "closed"
    UNCHANGED = "unchanged"


# How the command's detailed listing names each kind (the summary line's words).
UNIT_CHANGE_LABELS = {
    UnitChangeKind.CREATED: "Mới",
    UnitChangeKind.UPDATED: "Thay đổi thông tin",
    UnitChangeKind.MOVED: "Chuyển đơn vị cấp trên",
    UnitChangeKind.CLOSED: "Ngừng hoạt động",
    UnitChangeKind.UNCHANGED: "Không đổi",
}


@dataclass
class UnitChange:
    row: int | None
    code: str
    name: str
    kind: str
    detail: str = ""


@dataclass
class UnitsSummary(ChangeTally):
    created: int = 0
    updated: int = 0
    moved: int = 0
    closed: int = 0
    unchanged: int = 0
    dry_run: bool = False
    effective_date: dt.date | None = None
    changes: list[UnitChange] = field(default_factory=list)
    # What reading the file noticed (sheet and header row used, columns ignored, hidden rows…).
    notes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        ending = " (chạy thử, chưa ghi gì)." if self.dry_run else "."
        when = f" ngày {format_date(self.effective_date)}" if self.effective_date else ""
        closed = f"{self.closed} ngừng hoạt động, " if self.closed else ""
        return (
            f"Danh sách đơn vị{when}: {self.created} mới, {self.updated} thay đổi thông tin, "
            f"{self.moved} chuyển đơn vị cấp trên, {closed}{self.unchanged} không đổi{ending}"
        )


@dataclass
class _Entry:
    row: int
    code: str
    name: str
    parent_code: str | None
    kind: str


@dataclass
class _Existing:
    pk: int
    code: str
    name: str
    kind: str
    parent_code: str | None


def units_import(
    *, rows: SpreadsheetFile | list[dict[str, object]], effective_date: dt.date | None = None, dry_run: bool = False
) -> UnitsSummary:
    """Make the tree from `effective_date` (default: today, new units undated) the one in `rows`.

    `rows` are header → value dicts listing the whole tree. Raises `ImportRefused` listing
    every problem, in which case nothing is written.
    """
    table = clean_rows(rows=rows, required=COLUMNS)
    cleaned, problems = table.rows, table.problems
    on = effective_date or timezone.localdate()
    with transaction.atomic():
        if not dry_run:
            lock_orgchart_imports()
        existing = _load_existing()
        open_on = _load_open_on(on)
        canonical = {code.casefold(): code for code in existing}
        entries = _validate(cleaned=cleaned, existing=existing, canonical=canonical, problems=problems)
        final_parent = {entry.code: entry.parent_code for entry in entries}
        has_root_row = any(not row.text(PARENT) for row in cleaned)
        _check_order(on=on, problems=problems)
        _check_roots(entries=entries, existing=open_on, has_root_row=has_root_row, problems=problems)
        _check_cycles(entries=entries, final_parent=final_parent, problems=problems)
        file_codes = {entry.code for entry in entries}
        closing = [unit for code, unit in open_on.items() if code not in file_codes]
        _check_closing(closing=closing, on=on, problems=problems)
        if problems:
            raise ImportRefused.in_row_order(problems)
        summary = UnitsSummary(dry_run=dry_run, effective_date=effective_date, notes=table.notes)
        ordered = sorted(entries, key=lambda entry: (_depth(entry.code, final_parent), entry.row))
        for entry in ordered:
            summary.add(_plan_change(entry=entry, existing=open_on.get(entry.code), known=entry.code in existing))
        for unit in closing:
            summary.add(
                UnitChange(None, unit.code, unit.name, UnitChangeKind.CLOSED, f"ngừng hoạt động từ {format_date(on)}")
            )
        if not dry_run:
            with import_recording(
                kind=ImportKind.UNITS,
                file=rows,
                effective_date=effective_date,  # None: new units undated, changes from today
            ) as record:
                _write(ordered=ordered, existing=existing, closing=closing)
                try:
                    _write_history(ordered=ordered, on=on, dated=effective_date is not None)
                except OverlapRefused as exc:  # only on data written outside the imports (the check is a safety net)
                    raise ImportRefused([ImportProblem(row=None, column=None, message=str(exc))]) from exc
                record.summary = str(summary)
    summary.changes.sort(key=lambda change: (change.row is None, change.row or 0))
    return summary


def _load_open_on(on: dt.date) -> dict[str, _Existing]:
    """The tree as it stands on `on` (the versions open that day), by code."""
    return {
        unit.code: _Existing(pk=unit.unit_id, code=unit.code, name=unit.name, kind=unit.kind, parent_code=unit.parent)
        for unit in unit_tree_on(on_date=on).values()
    }


def _check_order(*, on: dt.date, problems: list[ImportProblem]) -> None:
    latest = history_latest_date()
    if latest is not None and on < latest:
        problems.append(
            ImportProblem(
                row=None,
                column=None,
                message=f"ngày hiệu lực {format_date(on)} sớm hơn thay đổi gần nhất đã ghi của sơ đồ tổ chức "
                f"(ngày {format_date(latest)}) — hãy nhập các danh sách đơn vị theo thứ tự thời gian.",
            )
        )


def _check_closing(*, closing: Sequence[_Existing], on: dt.date, problems: list[ImportProblem]) -> None:
    members = members_from(unit_ids=[unit.pk for unit in closing], on=on)
    for unit in closing:
        if unit.pk not in members:
            continue
        people = members[unit.pk]
        named = ", ".join(f"{code} ({full_name})" for code, full_name in people[:20])
        more = f" và {len(people) - 20} người khác" if len(people) > 20 else ""
        problems.append(
            ImportProblem(
                row=None,
                column=None,
                message=f'đơn vị "{unit.code}" ({unit.name}) không có trong tệp nên sẽ ngừng hoạt động từ ngày '
                f"{format_date(on)}, nhưng vẫn còn cán bộ công tác từ ngày đó: {named}{more} — hãy nhập danh "
                "sách cán bộ chuyển họ sang đơn vị khác trước.",
            )
        )


def _load_existing() -> dict[str, _Existing]:
    rows = list(Unit.objects.order_by("path").values_list("id", "code", "name", "kind", "path"))
    code_by_path = {path: code for _pk, code, _name, _kind, path in rows}
    step = Unit.steplen
    return {
        code: _Existing(pk=pk, code=code, name=name, kind=kind, parent_code=code_by_path.get(path[:-step]))
        for pk, code, name, kind, path in rows
    }


def _validate(
    *,
    cleaned: Sequence[CleanRow],
    existing: dict[str, _Existing],
    canonical: dict[str, str],
    problems: list[ImportProblem],
) -> list[_Entry]:
    first_row_of_code: dict[str, int] = {}
    file_codes: dict[str, str] = {}
    for row in cleaned:
        code = row.text(CODE)
        if parse_code(code) and code.casefold() not in file_codes:
            file_codes[code.casefold()] = canonical.get(code.casefold(), code)

    entries = []
    for row in cleaned:
        before = len(problems)

        def refuse(column: str, message: str, _row=row) -> None:
            problems.append(ImportProblem(row=_row.number, column=column, message=message))

        code = check_code(row=row, column=CODE, first_row=first_row_of_code, refuse=refuse)
        name = check_name(row=row, column=NAME, max_length=_NAME_MAX, refuse=refuse)

        parent_text = row.text(PARENT)
        parent_code = None
        if parent_text:
            parent_code = file_codes.get(parent_text.casefold())
            if parent_code is None and parent_text.casefold() in canonical:
                refuse(
                    PARENT,
                    f'đơn vị cấp trên "{canonical[parent_text.casefold()]}" không có trong tệp; tệp là toàn bộ sơ '
                    "đồ tổ chức, đơn vị không có trong tệp sẽ ngừng hoạt động — hãy thêm đơn vị cấp trên vào tệp.",
                )
            elif parent_code is None:
                refuse(PARENT, f'không có đơn vị nào có mã "{parent_text}", cả trong tệp lẫn trong hệ thống.')
            elif parent_text.casefold() == code.casefold():
                refuse(PARENT, "một đơn vị không thể là cấp trên của chính nó.")

        kind = check_choice(row=row, column=KIND, labels=KIND_LABELS, refuse=refuse)

        if len(problems) == before:
            entries.append(
                _Entry(
                    row=row.number,
                    code=canonical.get(code.casefold(), code),
                    name=name,
                    parent_code=parent_code,
                    kind=kind,
                )
            )
    return entries


def _check_roots(
    *, entries: Sequence[_Entry], existing: dict[str, _Existing], has_root_row: bool, problems: list[ImportProblem]
) -> None:
    existing_root = next((unit.code for unit in existing.values() if unit.parent_code is None), None)
    file_roots = [entry for entry in entries if entry.parent_code is None]
    for entry in file_roots:
        if existing_root is not None:
            if entry.code == existing_root:
                continue
            problems.append(
                ImportProblem(
                    row=entry.row,
                    column=PARENT,
                    message=f'để trống nghĩa là đơn vị gốc, nhưng đã có đơn vị gốc "{existing_root}"; '
                    "chỉ được có một đơn vị gốc — hãy điền mã đơn vị cấp trên.",
                )
            )
        elif entry is not file_roots[0]:
            problems.append(
                ImportProblem(
                    row=entry.row,
                    column=PARENT,
                    message=f"để trống nghĩa là đơn vị gốc, nhưng dòng {file_roots[0].row} đã là đơn vị gốc; "
                    "chỉ được có một đơn vị gốc — hãy điền mã đơn vị cấp trên.",
                )
            )
    for entry in entries:
        if entry.code == existing_root and entry.parent_code is not None:
            problems.append(
                ImportProblem(
                    row=entry.row,
                    column=PARENT,
                    message=f'"{entry.code}" là đơn vị gốc của sơ đồ tổ chức, không thể chuyển vào đơn vị khác.',
                )
            )
    if existing_root is None and not has_root_row:
        problems.append(
            ImportProblem(
                row=None,
                column=PARENT,
                message="chưa có đơn vị gốc: đúng một dòng (đơn vị Sở) phải để trống mã đơn vị cấp trên.",
            )
        )


def _check_cycles(
    *, entries: Sequence[_Entry], final_parent: dict[str, str | None], problems: list[ImportProblem]
) -> None:
    for entry in entries:
        chain = [entry.code]
        current = final_parent.get(entry.code)
        while current is not None and current not in chain:
            chain.append(current)
            current = final_parent.get(current)
        if current == entry.code and len(chain) > 1:
            problems.append(
                ImportProblem(
                    row=entry.row,
                    column=PARENT,
                    message="tạo thành vòng lặp: " + " → ".join([*chain, entry.code]) + ".",
                )
            )


def _depth(code: str, final_parent: dict[str, str | None]) -> int:
    depth = 0
    current = final_parent.get(code)
    while current is not None:
        depth += 1
        current = final_parent.get(current)
    return depth


def _plan_change(*, entry: _Entry, existing: _Existing | None, known: bool) -> UnitChange:
    if existing is None:
        where = f"trong {entry.parent_code}" if entry.parent_code else "đơn vị gốc"
        if known:
            where = f"hoạt động trở lại, {where}"
        return UnitChange(entry.row, entry.code, entry.name, UnitChangeKind.CREATED, where)
    details = []
    if existing.name != entry.name:
        details.append(f"Tên: {existing.name} → {entry.name}")
    if existing.kind != entry.kind:
        details.append(f"Loại: {KIND_LABELS[existing.kind]} → {KIND_LABELS[entry.kind]}")
    if existing.parent_code != entry.parent_code:
        details.insert(0, f"Cấp trên: {existing.parent_code} → {entry.parent_code}")
        return UnitChange(entry.row, entry.code, entry.name, UnitChangeKind.MOVED, "; ".join(details))
    if details:
        return UnitChange(entry.row, entry.code, entry.name, UnitChangeKind.UPDATED, "; ".join(details))
    return UnitChange(entry.row, entry.code, entry.name, UnitChangeKind.UNCHANGED)


def _write(*, ordered: Sequence[_Entry], existing: dict[str, _Existing], closing: Sequence[_Existing]) -> None:
    """The latest tree: parents before children, through treebeard's manager (it re-reads paths that moves rewrite)."""
    by_code: dict[str, Unit] = {}

    def node(code: str) -> Unit:
        if code not in by_code:
            by_code[code] = Unit.objects.get(code=code)
        return by_code[code]

    renamed = []
    for entry in ordered:
        current = existing.get(entry.code)
        if current is None:
            values = {"code": entry.code, "name": entry.name, "kind": entry.kind}
            if entry.parent_code is None:
                by_code[entry.code] = Unit.objects.add_root(create_kwargs=values)
            else:
                by_code[entry.code] = Unit.objects.add_child(node(entry.parent_code), create_kwargs=values)
            continue
        if current.parent_code != entry.parent_code:
            Unit.objects.move(node(entry.code), node(entry.parent_code), "last-child")
        if (current.name, current.kind) != (entry.name, entry.kind):
            renamed.append(Unit(pk=current.pk, name=entry.name, kind=entry.kind))
    if renamed:
        audited_bulk_update(Unit, renamed, ["name", "kind"], batch_size=1000)
    audited_update(Unit.objects.filter(code__in=[entry.code for entry in ordered], is_active=False), is_active=True)
    if closing:
        audited_update(Unit.objects.filter(pk__in=[unit.pk for unit in closing]), is_active=False)


def _write_history(*, ordered: Sequence[_Entry], on: dt.date, dated: bool) -> None:
    """The dated versions; without an effective date, units with no history yet have no opening date."""
    ids = dict(Unit.objects.filter(code__in=[entry.code for entry in ordered]).values_list("code", "id"))
    tree = {
        ids[entry.code]: UnitShape(
            parent_id=ids[entry.parent_code] if entry.parent_code else None, name=entry.name, kind=entry.kind
        )
        for entry in ordered
    }
    undated_new: set[int] = set()
    if not dated:
        with_history = set(UnitVersion.objects.filter(unit_id__in=tree).values_list("unit_id", flat=True))
        undated_new = set(tree) - with_history
    unit_history_apply(tree=tree, on=on, undated_new=undated_new)
