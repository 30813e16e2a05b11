"""The roster import: the whole roster as of an effective date, reconciled with the history.

New codes join, a changed unit is a move (the open membership ends the day before,
a new one starts on the effective date), a changed position or category is recorded
the same way, absent codes leave (end-dated, never deleted). Every problem is
collected and the whole file is refused if there is one; otherwise everything is
written in one transaction with a constant number of bulk queries.

Imports that cannot hurt: in `changes` mode nobody leaves (a file of newcomers or of
changes only); in `full` mode, when more than `LEAVER_SHARE` of those on the roster or
more than `LEAVER_COUNT` people would leave, the import is refused unless
`confirm_leavers` is that exact number (a truncated file must not end everyone). A
leaver and a joiner with the same name and birth date are a probable code change: the
dry run lists them and the import is refused until `code_changes` says whether they
are the same person (the code is changed, the history kept) or different people.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone

from core.audit import audit_before, audited_bulk_create, audited_bulk_update, import_recording
from core.dates import format_date
from core.importing import (
    REQUIRED,
    CleanRow,
    ImportProblem,
    ImportRefused,
    SpreadsheetFile,
    check_choice,
    check_name,
    clean_rows,
    parse_date_cell,
)
from core.models import ImportKind
from core.text import is_all_caps, name_case, normalize_text
from orgchart.importing import check_code
from orgchart.models import Membership, Staff, StaffCategory, Unit, UnitVersion
from orgchart.periods import OverlapRefused, periods_check_no_overlap
from orgchart.queries import unit_version_on_q
from orgchart.services import ChangeTally
from orgchart.services.staff import EARLIEST_BIRTH_YEAR, staff_index_fields
from orgchart.signals import roster_changed
from orgchart.sql import lock_orgchart_imports

CODE = "Mã cán bộ"
FULL_NAME = "Họ và tên"
EMAIL = "Email"
UNIT = "Mã đơn vị"
POSITION = "Chức vụ"
CATEGORY = "Đối tượng"
COMMUNICATIONS = "Công tác truyền thông"
BIRTH_DATE = "Ngày sinh"
# Without an optional column the matching field of people already on file is left as it is.
REQUIRED_COLUMNS = (CODE, FULL_NAME, UNIT, CATEGORY)
OPTIONAL_COLUMNS = (EMAIL, POSITION, COMMUNICATIONS, BIRTH_DATE)

CATEGORY_LABELS = {
    StaffCategory.LEADER: "Lãnh đạo",
    StaffCategory.CIVIL_SERVANT: "Công chức",
    StaffCategory.PUBLIC_EMPLOYEE: "Viên chức",
    StaffCategory.CONTRACT_WORKER: "Người lao động",
}
_YES_NO = {"có": True, "không": False, "": False}

_NAME_MAX = Staff._meta.get_field("full_name").max_length
_POSITION_MAX = Membership._meta.get_field("position").max_length
_EMAIL_MAX = Staff._meta.get_field("email").max_length
BATCH_SIZE = 1000
# Above either bound, a full import ends people's memberships only with `confirm_leavers`.
LEAVER_SHARE = 0.10
LEAVER_COUNT = 20


class RosterMode:
    FULL = "full"  # the file is the whole roster: absent codes leave
    CHANGES = "changes"  # the file holds newcomers and changes only: nobody leaves

    choices = (FULL, CHANGES)


class CodeChangeDecision:
    SAME_PERSON = "same"  # the leaver's code becomes the joiner's; one person, history kept
    DIFFERENT_PEOPLE = "different"  # one leaves, the other joins

    choices = (SAME_PERSON, DIFFERENT_PEOPLE)


@dataclass(frozen=True)
class CodeChange:
    """A leaver and a joiner with the same name and birth date: probably one person whose code changed."""

    row: int
    old_code: str
    new_code: str
    full_name: str
    date_of_birth: dt.date

    def __str__(self) -> str:
        return (
            f'Dòng {self.row}: mã mới "{self.new_code}" và mã cũ "{self.old_code}" (không có trong tệp) cùng họ tên '
            f'"{self.full_name}" và ngày sinh {format_date(self.date_of_birth)} — có thể là một người đã đổi mã.'
        )


class ChangeKind:
    JOINED = "joined"
    MOVED = "moved"
    UPDATED = "updated"
    LEFT = "left"
    UNCHANGED = "unchanged"


# How the command's detailed listing names each kind (the summary line's words).
CHANGE_LABELS = {
    ChangeKind.JOINED: "Mới",
    ChangeKind.MOVED: "Chuyển đơn vị",
    ChangeKind.UPDATED: "Thay đổi thông tin",
    ChangeKind.LEFT: "Nghỉ",
    ChangeKind.UNCHANGED: "Không đổi",
}


@dataclass
class RosterChange:
    """What the import does (or would do) to one person; `row` is None for a leaver."""

    row: int | None
    code: str
    full_name: str
    kind: str
    detail: str = ""


@dataclass
class RosterSummary(ChangeTally):
    effective_date: dt.date
    joined: int = 0
    moved: int = 0
    updated: int = 0
    left: int = 0
    unchanged: int = 0
    dry_run: bool = False
    changes: list[RosterChange] = field(default_factory=list)
    mode: str = RosterMode.FULL
    # What reading the file noticed, and names written in capitals (stored in title case).
    notes: list[str] = field(default_factory=list)
    # Probable code changes found (dry run) or decided (`code_changes`).
    code_changes: list[CodeChange] = field(default_factory=list)
    # People on the roster before the import, and — when the leavers need an explicit
    # confirmation that was not given — their number (the dry run reports it, the import refuses).
    on_roster: int = 0
    leavers_to_confirm: int | None = None

    def __str__(self) -> str:
        ending = " (chạy thử, chưa ghi gì)." if self.dry_run else "."
        return (
            f"Danh sách cán bộ ngày {format_date(self.effective_date)}: {self.joined} mới, "
            f"{self.moved} chuyển đơn vị, {self.updated} thay đổi thông tin, {self.left} nghỉ, "
            f"{self.unchanged} không đổi{ending}"
        )


@dataclass
class _Entry:
    """A valid roster row. Optional fields are None when their column is absent from the file."""

    row: int
    code: str
    full_name: str
    unit_id: int
    unit_code: str
    category: str
    email: str | None
    position: str | None
    is_communications: bool | None
    date_of_birth: dt.date | None
    has_birth_date: bool


@dataclass
class _Plan:
    new_staff: list[Staff] = field(default_factory=list)
    new_staff_memberships: list[tuple[Staff, Membership]] = field(default_factory=list)
    staff_updates: dict[int, Staff] = field(default_factory=dict)
    email_releases: list[Staff] = field(default_factory=list)
    closings: list[Membership] = field(default_factory=list)
    rewrites: list[Membership] = field(default_factory=list)
    openings: list[Membership] = field(default_factory=list)


def roster_import(
    *,
    rows: SpreadsheetFile | list[dict[str, object]],
    effective_date: dt.date,
    dry_run: bool = False,
    mode: str = RosterMode.FULL,
    confirm_leavers: int | None = None,
    code_changes: str | None = None,
) -> RosterSummary:
    """Reconcile the roster with the staff list as of `effective_date`.

    `rows` is the file `core.importing.read_table` read (or header → value dicts, header
    = row 1). `mode`, `confirm_leavers` and `code_changes` are described in the module's
    docstring. Raises `ImportRefused` listing every problem, in which case nothing is
    written; with `dry_run` nothing is written either, and what needs the clerk's
    confirmation is reported in the summary rather than refused.
    """
    if mode not in RosterMode.choices:
        raise ValueError(mode)
    table = clean_rows(rows=rows, required=REQUIRED_COLUMNS, optional=OPTIONAL_COLUMNS)
    cleaned, present, problems = table.rows, table.present, table.problems
    with transaction.atomic():
        if not dry_run:
            lock_orgchart_imports()
        state = _Existing.load(on=effective_date)
        summary = RosterSummary(
            effective_date=effective_date,
            dry_run=dry_run,
            mode=mode,
            notes=list(table.notes),
            on_roster=len(state.open_by_staff),
        )
        file_codes = {row.text(CODE).casefold() for row in cleaned if row.text(CODE)}
        summary.code_changes = _probable_code_changes(
            cleaned=cleaned, present=present, state=state, file_codes=file_codes
        )
        if summary.code_changes:
            if code_changes == CodeChangeDecision.SAME_PERSON:
                for change in summary.code_changes:
                    person = state.staff_by_code.pop(change.old_code.casefold())
                    state.staff_by_code[change.new_code.casefold()] = person
            elif code_changes != CodeChangeDecision.DIFFERENT_PEOPLE and not dry_run:
                problems.extend(
                    ImportProblem(
                        row=change.row,
                        column=CODE,
                        message=f"{str(change).split(': ', 1)[1]} Hãy xác nhận: cùng một người (lệnh: "
                        "--code-changes same) hay hai người khác nhau (--code-changes different).",
                    )
                    for change in summary.code_changes
                )
        entries = _validate(cleaned=cleaned, present=present, state=state, problems=problems, notes=summary.notes)
        plan = _Plan()
        _reconcile_present(
            entries=entries, state=state, on=effective_date, plan=plan, summary=summary, problems=problems
        )
        if mode == RosterMode.FULL:
            _reconcile_absent(
                file_codes=file_codes, state=state, on=effective_date, plan=plan, summary=summary, problems=problems
            )
            if not problems:  # a refused file's leavers are not the number to confirm
                _check_leavers(summary=summary, confirm_leavers=confirm_leavers, problems=problems)
        if problems:
            raise ImportRefused.in_row_order(problems)
        if not dry_run:
            options = {"mode": mode, "confirm_leavers": confirm_leavers, "code_changes": code_changes}
            with import_recording(
                kind=ImportKind.ROSTER,
                file=rows,
                effective_date=effective_date,
                options=options,
            ) as record:
                _write(plan)
                # Courses enrol joiners here, in this transaction (courses.receivers).
                roster_changed.send(sender=RosterSummary, effective_date=effective_date, summary=summary)
                record.summary = str(summary)
    return summary


class _Existing:
    """Everything the reconciliation needs from the database, in four queries."""

    def __init__(self, *, on, units, staff, open_memberships, history):
        self.on: dt.date = on
        self.unit_by_code: dict[str, tuple[int, bool]] = {code: (pk, active) for pk, code, active in units}
        self.unit_by_folded: dict[str, str] = {}
        for code in self.unit_by_code:
            self.unit_by_folded.setdefault(code.casefold(), code)
        self.unit_code_by_id = {pk: code for pk, code, _active in units}
        self.staff_by_code: dict[str, Staff] = {}
        self.staff_by_email: dict[str, Staff] = {}
        for person in staff:
            self.staff_by_code.setdefault(person.code.casefold(), person)
            if person.email:
                self.staff_by_email[person.email.lower()] = person
        self.open_by_staff: dict[int, Membership] = {m.staff_id: m for m in open_memberships}
        self.history: dict[int, tuple[dt.date | None, dt.date | None]] = {
            row["staff_id"]: (row["last_from"], row["last_to"]) for row in history
        }

    @classmethod
    def load(cls, *, on: dt.date) -> _Existing:
        open_on = UnitVersion.objects.filter(unit_version_on_q(on), unit_id=OuterRef("pk"))
        return cls(
            on=on,
            # "Active" is "open on the effective date": a roster dated before a unit closed may still name it.
            units=list(Unit.objects.annotate(open_on=Exists(open_on)).values_list("id", "code", "open_on")),
            staff=list(Staff.objects.only("id", "code", "full_name", "email", "date_of_birth", "is_communications")),
            open_memberships=list(
                Membership.objects.filter(valid_to__isnull=True)
                .only(
                    "id", "staff_id", "unit_id", "position", "category", "is_communications", "valid_from", "valid_to"
                )
                .order_by()
            ),
            history=list(
                Membership.objects.order_by()
                .values("staff_id")
                .annotate(last_from=Max("valid_from"), last_to=Max("valid_to"))
            ),
        )

    def unit(self, code: str) -> tuple[str, int, bool] | None:
        exact = code if code in self.unit_by_code else self.unit_by_folded.get(code.casefold())
        if exact is None:
            return None
        pk, active = self.unit_by_code[exact]
        return exact, pk, active


def leavers_need_confirmation(*, leavers: int, on_roster: int) -> bool:
    """More than `LEAVER_SHARE` of those on the roster, or more than `LEAVER_COUNT` people, would leave."""
    return leavers > LEAVER_COUNT or leavers > LEAVER_SHARE * on_roster


def _check_leavers(*, summary: RosterSummary, confirm_leavers: int | None, problems: list[ImportProblem]) -> None:
    leavers = summary.left
    if confirm_leavers is not None and confirm_leavers != leavers:
        problems.append(
            ImportProblem(
                row=None,
                column=None,
                message=f"Số người nghỉ được xác nhận là {confirm_leavers} nhưng theo tệp này có {leavers} người nghỉ "
                "— hãy xem lại danh sách người nghỉ (chạy thử) rồi xác nhận đúng số đó.",
            )
        )
        return
    if confirm_leavers == leavers or not leavers_need_confirmation(leavers=leavers, on_roster=summary.on_roster):
        return
    summary.leavers_to_confirm = leavers
    message = (
        f"{leavers} người sẽ nghỉ trong số {summary.on_roster} người đang có trong danh sách (quá "
        f"{LEAVER_SHARE:.0%} hoặc quá {LEAVER_COUNT} người). Nếu tệp là toàn bộ danh sách và đúng là họ nghỉ, "
        f"hãy xác nhận số {leavers} (lệnh: --confirm-leavers {leavers}); nếu tệp chỉ có người mới hoặc người "
        "thay đổi, hãy nhập ở chế độ chỉ thêm và cập nhật (--mode changes)."
    )
    if summary.dry_run:
        summary.notes.append(message)
    else:
        problems.append(ImportProblem(row=None, column=None, message=message))


def _probable_code_changes(
    *, cleaned: Sequence[CleanRow], present: set[str], state: _Existing, file_codes: set[str]
) -> list[CodeChange]:
    """New codes whose name and birth date are those of exactly one person absent from the file."""
    if BIRTH_DATE not in present:
        return []
    absent: dict[tuple[str, dt.date], list[Staff]] = {}
    for folded, person in state.staff_by_code.items():
        if folded not in file_codes and person.date_of_birth and person.pk in state.open_by_staff:
            absent.setdefault((normalize_text(person.full_name).casefold(), person.date_of_birth), []).append(person)
    if not absent:
        return []
    joiners: dict[tuple[str, dt.date], list[CleanRow]] = {}
    for row in cleaned:
        code = row.text(CODE)
        if not code or code.casefold() in state.staff_by_code:
            continue
        try:
            born = parse_date_cell(row.cells.get(BIRTH_DATE)) if row.cells.get(BIRTH_DATE) not in (None, "") else None
        except ValueError:
            born = None
        if born is not None:
            joiners.setdefault((row.text(FULL_NAME).casefold(), born), []).append(row)
    changes = []
    for key, rows in joiners.items():
        leavers = absent.get(key, [])
        if len(rows) == 1 and len(leavers) == 1:
            row, person = rows[0], leavers[0]
            changes.append(CodeChange(row.number, person.code, row.text(CODE), person.full_name, key[1]))
    return sorted(changes, key=lambda change: change.row)


def _validate(
    *,
    cleaned: Sequence[CleanRow],
    present: set[str],
    state: _Existing,
    problems: list[ImportProblem],
    notes: list[str],
) -> list[_Entry]:
    today = timezone.localdate()
    first_row_of_code: dict[str, int] = {}
    first_row_of_email: dict[str, int] = {}
    entries: list[_Entry] = []
    file_codes = {row.text(CODE).casefold() for row in cleaned}
    for row in cleaned:
        row_problems: list[ImportProblem] = []

        def refuse(column: str, message: str, _row=row, _problems=row_problems) -> None:
            _problems.append(ImportProblem(row=_row.number, column=column, message=message))

        code = check_code(row=row, column=CODE, first_row=first_row_of_code, refuse=refuse)
        full_name = check_name(row=row, column=FULL_NAME, max_length=_NAME_MAX, refuse=refuse)
        if is_all_caps(full_name):
            notes.append(
                f'Dòng {row.number}: họ tên "{full_name}" viết hoa toàn bộ — được ghi là "{name_case(full_name)}".'
            )
            full_name = name_case(full_name)

        email = None
        if EMAIL in present:
            email = row.text(EMAIL).lower()
            if email:
                try:
                    validate_email(email)
                    if len(email) > _EMAIL_MAX:
                        raise ValidationError("too long")
                except ValidationError:
                    refuse(EMAIL, f'"{email}" không phải là địa chỉ email hợp lệ.')
                else:
                    holder = state.staff_by_email.get(email)
                    if email in first_row_of_email:
                        refuse(EMAIL, f'email "{email}" trùng với dòng {first_row_of_email[email]}.')
                    elif (
                        holder is not None
                        and state.staff_by_code.get(code.casefold()) is not holder
                        and holder.code.casefold() not in file_codes
                    ):
                        # People absent from the file keep their record, and so their email.
                        refuse(EMAIL, f'email "{email}" đang là email của cán bộ {holder.code} ({holder.full_name}).')
                    first_row_of_email.setdefault(email, row.number)

        unit_code = row.text(UNIT)
        unit = None
        if not unit_code:
            refuse(UNIT, REQUIRED)
        else:
            unit = state.unit(unit_code)
            if unit is None:
                refuse(
                    UNIT,
                    f'không có đơn vị nào có mã "{unit_code}" — hãy kiểm tra lại mã hoặc nhập danh sách đơn vị trước.',
                )
            elif not unit[2]:
                refuse(
                    UNIT,
                    f'đơn vị "{unit[0]}" không hoạt động vào ngày {format_date(state.on)} — '
                    "hãy kiểm tra lại mã đơn vị.",
                )

        position = None
        if POSITION in present:
            position = row.text(POSITION)
            if len(position) > _POSITION_MAX:
                refuse(POSITION, f"dài {len(position)} ký tự, tối đa {_POSITION_MAX}.")

        category = check_choice(row=row, column=CATEGORY, labels=CATEGORY_LABELS, refuse=refuse)

        is_communications = None
        if COMMUNICATIONS in present:
            flag = row.text(COMMUNICATIONS)
            is_communications = _YES_NO.get(flag.casefold())
            if is_communications is None:
                refuse(COMMUNICATIONS, f'"{flag}" không hợp lệ; chỉ nhận "Có", "Không" hoặc để trống.')

        date_of_birth = None
        raw_birth = row.cells.get(BIRTH_DATE)
        if BIRTH_DATE in present and raw_birth not in (None, ""):
            try:
                date_of_birth = parse_date_cell(raw_birth)
            except ValueError as exc:
                refuse(BIRTH_DATE, str(exc))
            else:
                if date_of_birth >= today:
                    refuse(BIRTH_DATE, f"{format_date(date_of_birth)} chưa đến — ngày sinh phải ở trong quá khứ.")
                elif date_of_birth.year < EARLIEST_BIRTH_YEAR:
                    refuse(
                        BIRTH_DATE,
                        f"{format_date(date_of_birth)} trước năm {EARLIEST_BIRTH_YEAR} — hãy kiểm tra lại năm sinh.",
                    )

        if row_problems:
            problems.extend(row_problems)
            continue
        entries.append(
            _Entry(
                row=row.number,
                code=code,
                full_name=full_name,
                unit_id=unit[1],
                unit_code=unit[0],
                category=category,
                email=email,
                position=position,
                is_communications=is_communications,
                date_of_birth=date_of_birth,
                has_birth_date=BIRTH_DATE in present,
            )
        )
    return entries


def _personal_changes(*, person: Staff, entry: _Entry) -> dict[str, tuple[object, object]]:
    """Field → (old, new) for the staff member's own record."""
    changes: dict[str, tuple[object, object]] = {}
    if person.code.casefold() != entry.code.casefold():  # a confirmed code change
        changes["code"] = (person.code, entry.code)
    if person.full_name != entry.full_name:
        changes["full_name"] = (person.full_name, entry.full_name)
    if entry.email is not None and person.email.lower() != entry.email:
        changes["email"] = (person.email, entry.email)
    if entry.has_birth_date and person.date_of_birth != entry.date_of_birth:
        changes["date_of_birth"] = (person.date_of_birth, entry.date_of_birth)
    return changes


_FIELD_LABELS = {
    "code": "Mã cán bộ",
    "full_name": "Họ và tên",
    "email": "Email",
    "date_of_birth": "Ngày sinh",
    "is_communications": "Công tác truyền thông",
    "position": "Chức vụ",
    "category": "Đối tượng",
}


def _shown(name: str, value: object) -> str:
    if value is None or value == "":
        return "(trống)"
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, dt.date):
        return format_date(value)
    if name == "category":
        return CATEGORY_LABELS.get(value, str(value))
    return str(value)


def _describe(changes: dict[str, tuple[object, object]]) -> str:
    return "; ".join(
        f"{_FIELD_LABELS[name]}: {_shown(name, old)} → {_shown(name, new)}" for name, (old, new) in changes.items()
    )


def _reconcile_present(
    *,
    entries: Sequence[_Entry],
    state: _Existing,
    on: dt.date,
    plan: _Plan,
    summary: RosterSummary,
    problems: list[ImportProblem],
) -> None:
    day_before = on - dt.timedelta(days=1)
    for entry in entries:
        person = state.staff_by_code.get(entry.code.casefold())
        if person is None:
            person = Staff(
                code=entry.code,
                full_name=entry.full_name,
                email=entry.email or "",
                date_of_birth=entry.date_of_birth,
                is_communications=bool(entry.is_communications),
                **staff_index_fields(full_name=entry.full_name, code=entry.code, email=entry.email or ""),
            )
            plan.new_staff.append(person)
            plan.new_staff_memberships.append((person, _membership(entry=entry, staff=None, on=on)))
            summary.add(RosterChange(entry.row, entry.code, entry.full_name, ChangeKind.JOINED, _joined_detail(entry)))
            continue

        last_from, last_to = state.history.get(person.pk, (None, None))
        if last_from is not None and on < last_from:
            problems.append(
                ImportProblem(
                    row=entry.row,
                    column=CODE,
                    message=f"ngày hiệu lực {format_date(on)} sớm hơn thay đổi gần nhất đã ghi cho cán bộ "
                    f"{person.code} (từ ngày {format_date(last_from)}) — hãy nhập các danh sách theo thứ tự thời gian.",
                )
            )
            continue
        current = state.open_by_staff.get(person.pk)
        personal = _personal_changes(person=person, entry=entry)
        position = entry.position if entry.position is not None else (current.position if current else "")
        # Not in the file: the open record's role, or the person's for someone coming back.
        communications = (
            entry.is_communications if entry.is_communications is not None else (current or person).is_communications
        )

        if current is None:
            if last_to is not None and on <= last_to:
                problems.append(
                    ImportProblem(
                        row=entry.row,
                        column=CODE,
                        message=f"cán bộ {person.code} đã được ghi nghỉ từ ngày "
                        f"{format_date(last_to + dt.timedelta(days=1))}; "
                        f"ngày hiệu lực {format_date(on)} phải sau ngày {format_date(last_to)}.",
                    )
                )
                continue
            plan.openings.append(
                _membership(entry=entry, staff=person, on=on, position=position, is_communications=communications)
            )
            if person.is_communications != communications:
                person.is_communications = communications
                plan.staff_updates[person.pk] = person
            detail = _joined_detail(entry, position=position)
            if last_to is not None:
                detail = f"Trở lại (đã nghỉ từ {format_date(last_to + dt.timedelta(days=1))}): {detail}"
            kind = ChangeKind.JOINED
        else:
            old_unit_code = state.unit_code_by_id[current.unit_id]
            membership_changes: dict[str, tuple[object, object]] = {}
            if current.position != position:
                membership_changes["position"] = (current.position, position)
            if current.category != entry.category:
                membership_changes["category"] = (current.category, entry.category)
            if current.is_communications != communications:
                membership_changes["is_communications"] = (current.is_communications, communications)
            moved = current.unit_id != entry.unit_id
            if moved or membership_changes:
                if current.valid_from == on:
                    # Already changed today: correct today's record rather than leave a zero-length one.
                    current.unit_id, current.position, current.category = entry.unit_id, position, entry.category
                    current.is_communications = communications
                    plan.rewrites.append(current)
                else:
                    current.valid_to = day_before
                    plan.closings.append(current)
                    plan.openings.append(
                        _membership(
                            entry=entry, staff=person, on=on, position=position, is_communications=communications
                        )
                    )
                if person.is_communications != communications:
                    # The latest record's role, kept on the person for the admin's list.
                    person.is_communications = communications
                    plan.staff_updates[person.pk] = person
            if moved:
                kind = ChangeKind.MOVED
                detail = "; ".join(
                    [f"{old_unit_code} → {entry.unit_code}"]
                    + ([_describe(membership_changes)] if membership_changes else [])
                )
            elif membership_changes or personal:
                kind = ChangeKind.UPDATED
                detail = _describe({**membership_changes, **personal})
            else:
                kind, detail = ChangeKind.UNCHANGED, ""
            if moved and personal:
                detail = f"{detail}; {_describe(personal)}"

        if personal:
            for name, (_old, new) in personal.items():
                setattr(person, name, new)
            if "email" in personal and personal["email"][0]:
                plan.email_releases.append(person)
            for name, value in staff_index_fields(
                full_name=person.full_name, code=person.code, email=person.email
            ).items():
                setattr(person, name, value)
            plan.staff_updates[person.pk] = person
        summary.add(RosterChange(entry.row, person.code, entry.full_name, kind, detail))


def _joined_detail(entry: _Entry, *, position: str | None = None) -> str:
    position = entry.position if position is None else position
    return f"→ {entry.unit_code}" + (f", {position}" if position else "")


def _membership(
    *,
    entry: _Entry,
    staff: Staff | None,
    on: dt.date,
    position: str | None = None,
    is_communications: bool | None = None,
) -> Membership:
    if is_communications is None:
        is_communications = bool(entry.is_communications)
    return Membership(
        staff=staff,
        unit_id=entry.unit_id,
        position=(entry.position or "") if position is None else position,
        category=entry.category,
        is_communications=is_communications,
        valid_from=on,
    )


def _reconcile_absent(
    *,
    file_codes: set[str],
    state: _Existing,
    on: dt.date,
    plan: _Plan,
    summary: RosterSummary,
    problems: list[ImportProblem],
) -> None:
    day_before = on - dt.timedelta(days=1)
    for folded, person in state.staff_by_code.items():
        if folded in file_codes:
            continue
        current = state.open_by_staff.get(person.pk)
        who = f"Cán bộ {person.code} ({person.full_name}) không có trong tệp"
        if current is None:
            _last_from, last_to = state.history.get(person.pk, (None, None))
            if last_to is not None and on <= last_to:
                problems.append(
                    ImportProblem(
                        row=None,
                        column=None,
                        message=f"{who} nhưng đã được ghi là còn công tác đến ngày {format_date(last_to)}; "
                        f"ngày hiệu lực {format_date(on)} phải sau ngày đó.",
                    )
                )
            continue
        unit_code = state.unit_code_by_id[current.unit_id]
        if current.valid_from >= on:
            when = "từ chính ngày hiệu lực" if current.valid_from == on else "từ ngày"
            problems.append(
                ImportProblem(
                    row=None,
                    column=None,
                    message=f"{who} nhưng đã được ghi vào đơn vị {unit_code} {when} {format_date(current.valid_from)}; "
                    f"không thể ghi nghỉ từ ngày {format_date(on)}.",
                )
            )
            continue
        current.valid_to = day_before
        plan.closings.append(current)
        summary.add(
            RosterChange(
                None, person.code, person.full_name, ChangeKind.LEFT, f"{unit_code} → nghỉ từ {format_date(on)}"
            )
        )


def _write(plan: _Plan) -> None:
    # The email index is unique per row as rows are updated (PostgreSQL): release changed
    # emails first so two people can swap theirs, or a newcomer take a leaver's old one.
    # One audit entry per person, from their values before the release.
    staff_before = audit_before(Staff, plan.staff_updates) if plan.email_releases else None
    if plan.email_releases:
        released = [Staff(pk=person.pk, email="") for person in plan.email_releases]
        Staff.objects.bulk_update(released, ["email"], batch_size=BATCH_SIZE)
    if plan.staff_updates:
        audited_bulk_update(
            Staff,
            list(plan.staff_updates.values()),
            ["code", "full_name", "email", "date_of_birth", "is_communications", "sort_key", "search_text"],
            batch_size=BATCH_SIZE,
            before=staff_before,
        )
    if plan.new_staff:
        audited_bulk_create(Staff, plan.new_staff, batch_size=BATCH_SIZE)
    for person, membership in plan.new_staff_memberships:
        membership.staff = person
        plan.openings.append(membership)
    if plan.closings:
        audited_bulk_update(Membership, plan.closings, ["valid_to"], batch_size=BATCH_SIZE)
    if plan.rewrites:
        audited_bulk_update(
            Membership, plan.rewrites, ["unit", "position", "category", "is_communications"], batch_size=BATCH_SIZE
        )
    if plan.openings:
        audited_bulk_create(Membership, plan.openings, batch_size=BATCH_SIZE)
    # PostgreSQL's exclusion constraint has already refused an overlap; SQLite has none.
    touched = {membership.staff_id for membership in [*plan.closings, *plan.rewrites, *plan.openings]}
    try:
        periods_check_no_overlap(
            Membership, owner_field="staff", owner_label="staff__code", owner_ids=touched, what="Quá trình công tác"
        )
    except OverlapRefused as exc:
        raise ImportRefused([ImportProblem(row=None, column=None, message=str(exc))]) from exc
