"""The units import: upsert the org chart by unit code.

Units absent from the file are left alone (closing a unit is a deliberate act, not an
omission). The tree is written through treebeard (`add_root`, `add_child`, `move`),
parents before children; the org chart has a few thousand units at most, so the
per-node queries treebeard needs are affordable here, unlike in the roster import.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction

from core.importing import (
    CleanRow,
    ImportProblem,
    ImportRefused,
    SpreadsheetFile,
    check_choice,
    check_name,
    clean_rows,
)
from orgchart.importing import check_code, parse_code
from orgchart.models import Unit, UnitKind
from orgchart.services import ChangeTally
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
    UNCHANGED = "unchanged"


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
    unchanged: int = 0
    dry_run: bool = False
    changes: list[UnitChange] = field(default_factory=list)
    # What reading the file noticed (sheet and header row used, columns ignored, hidden rows…).
    notes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        ending = " (chạy thử, chưa ghi gì)." if self.dry_run else "."
        return (
            f"Danh sách đơn vị: {self.created} mới, {self.updated} thay đổi thông tin, "
            f"{self.moved} chuyển đơn vị cấp trên, {self.unchanged} không đổi{ending}"
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


def units_import(*, rows: SpreadsheetFile | list[dict[str, object]], dry_run: bool = False) -> UnitsSummary:
    """Create, rename, re-kind and move units from `rows` (`core.importing.read_table`'s file, or header → value dicts).

    Raises `ImportRefused` listing every problem, in which case nothing is written.
    """
    table = clean_rows(rows=rows, required=COLUMNS)
    cleaned, problems = table.rows, table.problems
    with transaction.atomic():
        if not dry_run:
            lock_orgchart_imports()
        existing = _load_existing()
        canonical = {code.casefold(): code for code in existing}
        entries = _validate(cleaned=cleaned, existing=existing, canonical=canonical, problems=problems)
        final_parent = {code: unit.parent_code for code, unit in existing.items()}
        final_parent.update({entry.code: entry.parent_code for entry in entries})
        has_root_row = any(not row.text(PARENT) for row in cleaned)
        _check_roots(entries=entries, existing=existing, has_root_row=has_root_row, problems=problems)
        _check_cycles(entries=entries, final_parent=final_parent, problems=problems)
        if problems:
            raise ImportRefused.in_row_order(problems)
        summary = UnitsSummary(dry_run=dry_run, notes=table.notes)
        ordered = sorted(entries, key=lambda entry: (_depth(entry.code, final_parent), entry.row))
        for entry in ordered:
            summary.add(_plan_change(entry=entry, existing=existing.get(entry.code)))
        if not dry_run:
            _write(ordered=ordered, existing=existing)
    summary.changes.sort(key=lambda change: change.row or 0)
    return summary


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
            parent_code = file_codes.get(parent_text.casefold()) or canonical.get(parent_text.casefold())
            if parent_code is None:
                refuse(PARENT, f'không có đơn vị nào mã "{parent_text}", trong tệp hay trong hệ thống.')
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


def _plan_change(*, entry: _Entry, existing: _Existing | None) -> UnitChange:
    if existing is None:
        where = f"trong {entry.parent_code}" if entry.parent_code else "đơn vị gốc"
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


def _write(*, ordered: Sequence[_Entry], existing: dict[str, _Existing]) -> None:
    """Parents before children, through treebeard's manager (it re-reads paths that moves rewrite)."""
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
        Unit.objects.bulk_update(renamed, ["name", "kind"], batch_size=1000)
