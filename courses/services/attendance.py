"""In-person briefings (hội nghị quán triệt): a session, its attendance sheet, and completions for those present.

The sheet has the columns `Mã cán bộ`, `Họ và tên`, `Có mặt` (`Có` / `Không`). Every
row is checked against the roster — the code must exist and the name must be the
roster's name for it, so a sheet typed from the wrong list is caught — and the whole
sheet is refused if anything is wrong. Otherwise the session, the attendance rows and
a completion for each person present (dated the session's day, evidence = the
attendance) are written in one transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.models import User
from core.dates import format_date
from core.importing import ImportProblem, ImportRefused, SpreadsheetFile, clean_rows
from core.text import detect_legacy_encoding, normalize_text, same_name
from courses.models import TITLE_MAX_LENGTH, Attendance, CompletionEvidence, Course, InPersonSession
from courses.selectors import course_version_get_current
from courses.services.completions import completion_record
from orgchart.models import Staff

CODE = "Mã cán bộ"
FULL_NAME = "Họ và tên"
PRESENT = "Có mặt"
REQUIRED_COLUMNS = (CODE, FULL_NAME, PRESENT)
# What offices mark a sheet with: "Có"/"Không", a cross, a tick, or nothing for absent.
_PRESENT_MARKS = {
    "có": True,
    "x": True,
    "✓": True,
    "✔": True,
    "☑": True,
    "v": True,
    "không": False,
    "vắng": False,
    "": False,
}
BATCH_SIZE = 1000


@dataclass
class AttendanceSummary:
    course: str
    title: str
    held_on: dt.date
    present: int
    absent: int
    dry_run: bool = False
    session: InPersonSession | None = None
    # What reading the file noticed (sheet and header row used, columns ignored, hidden rows…).
    notes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        ending = " (chạy thử, chưa ghi gì)." if self.dry_run else "."
        return (
            f'Buổi "{self.title}" ngày {format_date(self.held_on)} (khóa học "{self.course}"): '
            f"{self.present} có mặt, {self.absent} vắng; {self.present} người hoàn thành khóa học{ending}"
        )


def attendance_import(
    *,
    rows: SpreadsheetFile | list[dict[str, object]],
    course: Course,
    held_on: dt.date,
    title: str,
    recorded_by: User | None = None,
    dry_run: bool = False,
) -> AttendanceSummary:
    """Record a session and its attendance sheet; those present complete `course` on `held_on`.

    `rows` are header → value dicts from `core.importing.read_table`; `rows[i]` is
    spreadsheet row `i + 2`. Raises `ImportRefused` listing every problem (nothing is
    written then); with `dry_run` everything is checked and nothing is written.
    """
    problems: list[ImportProblem] = []

    def refuse(message: str, *, row: int | None = None, column: str | None = None) -> None:
        problems.append(ImportProblem(row=row, column=column, message=message))

    title = normalize_text(title)
    if not title:
        refuse("Tên buổi hội nghị (--title) là bắt buộc.")
    elif len(title) > TITLE_MAX_LENGTH:
        refuse(f"Tên buổi hội nghị dài {len(title)} ký tự, tối đa {TITLE_MAX_LENGTH}.")
    elif detect_legacy_encoding(title):
        refuse("Tên buổi hội nghị dùng bảng mã cũ (TCVN3/VNI) — hãy chuyển sang Unicode.")
    if held_on > timezone.localdate():
        refuse(f"Ngày {format_date(held_on)} chưa đến — chỉ ghi được buổi hội nghị đã diễn ra.")
    version = course_version_get_current(course=course)
    if version is None:
        refuse(f'Khóa học "{course.slug}" chưa có phiên bản nào được xuất bản — hãy xuất bản khóa học trước.')

    table = clean_rows(rows=rows, required=REQUIRED_COLUMNS)
    cleaned = table.rows
    problems.extend(table.problems)
    codes = {row.text(CODE).casefold() for row in cleaned if row.text(CODE)}
    # Codes match whatever their case, as in the roster import (codes are ASCII, so lower() is casefold()).
    staff_by_code = {
        person.code.casefold(): person
        for person in Staff.objects.annotate(folded_code=Lower("code"))
        .filter(folded_code__in=codes)
        .only("id", "code", "full_name")
    }

    entries: list[tuple[Staff, bool]] = []
    first_row_of: dict[int, int] = {}
    for row in cleaned:
        code, name, flag = row.text(CODE), row.text(FULL_NAME), row.text(PRESENT)
        before = len(problems)
        person = None
        if not code:
            refuse("bắt buộc, không được để trống.", row=row.number, column=CODE)
        else:
            person = staff_by_code.get(code.casefold())
            if person is None:
                refuse(f'không có cán bộ nào có mã "{code}" trong danh sách cán bộ.', row=row.number, column=CODE)
            elif person.pk in first_row_of:
                refuse(f'mã "{code}" trùng với dòng {first_row_of[person.pk]}.', row=row.number, column=CODE)
            else:
                first_row_of[person.pk] = row.number
        if not name:
            refuse("bắt buộc, không được để trống.", row=row.number, column=FULL_NAME)
        elif person is not None and not same_name(name, person.full_name):
            refuse(
                f'"{name}" không khớp với tên trong danh sách cán bộ của mã {person.code} ("{person.full_name}") — '
                "hãy kiểm tra lại mã cán bộ hoặc họ tên.",
                row=row.number,
                column=FULL_NAME,
            )
        present = _PRESENT_MARKS.get(flag.casefold())
        if present is None:
            refuse(
                f'"{flag}" không hợp lệ; có mặt ghi "Có", "x" hoặc "✓", vắng ghi "Không" hoặc để trống.',
                row=row.number,
                column=PRESENT,
            )
        if len(problems) == before and person is not None:
            entries.append((person, bool(present)))

    with transaction.atomic():
        if InPersonSession.objects.filter(course=course, held_on=held_on, title__iexact=title).exists():
            refuse(
                f'Buổi "{title}" ngày {format_date(held_on)} của khóa học "{course.slug}" đã được nhập trước đó; '
                "không nhập lại cùng một buổi (nếu là buổi khác, hãy đặt tên khác)."
            )
        if problems:
            raise ImportRefused(sorted(problems, key=lambda p: (p.row is not None, p.row or 0)))
        summary = AttendanceSummary(
            course=course.slug,
            title=title,
            held_on=held_on,
            present=sum(present for _person, present in entries),
            absent=sum(not present for _person, present in entries),
            dry_run=dry_run,
            notes=table.notes,
        )
        if dry_run:
            return summary
        session = InPersonSession.objects.create(course=course, title=title, held_on=held_on, recorded_by=recorded_by)
        Attendance.objects.bulk_create(
            [Attendance(session=session, staff=person, present=present) for person, present in entries],
            batch_size=BATCH_SIZE,
        )
        attendances = Attendance.objects.filter(session=session, present=True).select_related("staff")
        for attendance in attendances:
            completion_record(
                staff=attendance.staff,
                course=course,
                completed_on=held_on,
                evidence=CompletionEvidence.IN_PERSON,
                version=version,
                attendance=attendance,
                recorded_by=recorded_by,
            )
        summary.session = session
    return summary
