"""External completions and the Office's decision on them, by spreadsheet (issue 11 item 7).

A person may have completed the course elsewhere (a provincial training, another body's
certificate). The Office lists such completions with its decision in a sheet with the
columns `Mã cán bộ`, `Họ và tên`, `Ngày hoàn thành` (dd/mm/yyyy), `Số hiệu` (the
certificate's or decision's reference), `Quyết định` (`Chấp nhận` / `Từ chối`) and
`Lý do`. Each row records the external completion (or finds the one already recorded
with that reference) and the decision — who (the importing account), when (now), why
(`Lý do`). Only accepted ones count toward coverage. Every row is checked first; one
problem refuses the whole sheet and nothing is written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.models import User
from core.audit import import_recording
from core.dates import format_date
from core.importing import ImportProblem, ImportRefused, SpreadsheetFile, check_choice, clean_rows, parse_date_cell
from core.models import ImportKind
from core.text import same_name
from courses.models import Completion, CompletionEvidence, CompletionReview, Course
from courses.services.completions import completion_record, completion_review
from orgchart.models import Staff

CODE = "Mã cán bộ"
FULL_NAME = "Họ và tên"
COMPLETED_ON = "Ngày hoàn thành"
REFERENCE = "Số hiệu"
DECISION = "Quyết định"
REASON = "Lý do"
REQUIRED_COLUMNS = (CODE, FULL_NAME, COMPLETED_ON, REFERENCE, DECISION, REASON)
DECISION_LABELS = {CompletionReview.ACCEPTED: "Chấp nhận", CompletionReview.REJECTED: "Từ chối"}
_REFERENCE_MAX = Completion._meta.get_field("external_reference").max_length


@dataclass
class ExternalCompletionSummary:
    course: str
    accepted: int = 0
    rejected: int = 0
    dry_run: bool = False

    def __str__(self) -> str:
        ending = " (chạy thử, chưa ghi gì)." if self.dry_run else "."
        return (
            f'Hoàn thành bên ngoài của khóa học "{self.course}": {self.accepted} được chấp nhận, '
            f"{self.rejected} bị từ chối{ending}"
        )


@dataclass(frozen=True)
class _Entry:
    staff: Staff
    completed_on: dt.date
    reference: str
    review: CompletionReview
    reason: str


def external_completions_import(
    *, rows: SpreadsheetFile | list[dict[str, object]], course: Course, by: User | None, dry_run: bool = False
) -> ExternalCompletionSummary:
    """Record the sheet's external completions of `course` with the Office's decision on each.

    `rows` come from `core.importing.read_table` / `read_file`. Raises `ImportRefused`
    listing every problem (nothing written); with `dry_run` everything is checked and
    nothing is written.
    """
    problems: list[ImportProblem] = []
    table = clean_rows(rows=rows, required=REQUIRED_COLUMNS)
    cleaned = table.rows
    problems.extend(table.problems)
    codes = {row.text(CODE).casefold() for row in cleaned if row.text(CODE)}
    staff_by_code = {
        person.code.casefold(): person
        for person in Staff.objects.annotate(folded_code=Lower("code"))
        .filter(folded_code__in=codes)
        .only("id", "code", "full_name")
    }
    today = timezone.localdate()
    entries: list[_Entry] = []
    seen: dict[tuple[int, str], int] = {}
    for row in cleaned:
        before = len(problems)

        def refuse(column: str, message: str, *, number: int = row.number) -> None:
            problems.append(ImportProblem(row=number, column=column, message=message))

        code, name = row.text(CODE), row.text(FULL_NAME)
        person = None
        if not code:
            refuse(CODE, "bắt buộc, không được để trống.")
        else:
            person = staff_by_code.get(code.casefold())
            if person is None:
                refuse(CODE, f'không có cán bộ nào có mã "{code}" trong danh sách cán bộ.')
        if not name:
            refuse(FULL_NAME, "bắt buộc, không được để trống.")
        elif person is not None and not same_name(name, person.full_name):
            refuse(
                FULL_NAME,
                f'"{name}" không khớp với tên trong danh sách cán bộ của mã {person.code} ("{person.full_name}") — '
                "hãy kiểm tra lại mã cán bộ hoặc họ tên.",
            )
        completed_on = None
        if not row.text(COMPLETED_ON):
            refuse(COMPLETED_ON, "bắt buộc, không được để trống.")
        else:
            try:
                completed_on = parse_date_cell(row.cells.get(COMPLETED_ON))
            except ValueError as error:
                refuse(COMPLETED_ON, str(error))
            else:
                if completed_on > today:
                    refuse(
                        COMPLETED_ON, f"ngày {format_date(completed_on)} chưa đến — hãy ghi đúng ngày đã hoàn thành."
                    )
        reference = row.text(REFERENCE)
        if not reference:
            refuse(REFERENCE, "bắt buộc: số hiệu giấy chứng nhận hoặc văn bản làm căn cứ.")
        elif len(reference) > _REFERENCE_MAX:
            refuse(REFERENCE, f"dài {len(reference)} ký tự, tối đa {_REFERENCE_MAX}.")
        review = check_choice(row=row, column=DECISION, labels=DECISION_LABELS, refuse=refuse)
        reason = row.text(REASON)
        if not reason:
            refuse(REASON, "bắt buộc: căn cứ chấp nhận hoặc lý do từ chối.")
        if person is not None and reference:
            key = (person.pk, reference.casefold())
            if key in seen:
                refuse(REFERENCE, f"cán bộ {person.code} với số hiệu này trùng với dòng {seen[key]}.")
            seen.setdefault(key, row.number)
        if len(problems) == before:
            entries.append(_Entry(person, completed_on, reference, CompletionReview(review), reason))

    if problems:
        raise ImportRefused.in_row_order(problems)
    summary = ExternalCompletionSummary(course=course.slug, dry_run=dry_run)
    # A dry run writes and rolls back, and leaves no import record.
    recording = (
        contextlib.nullcontext()
        if dry_run
        else import_recording(
            kind=ImportKind.EXTERNAL_COMPLETIONS,
            file=rows if isinstance(rows, SpreadsheetFile) else None,
            options={"course": course.slug},
        )
    )
    with transaction.atomic(), recording as record:
        for entry in entries:
            completion, created = completion_record(
                staff=entry.staff,
                course=course,
                completed_on=entry.completed_on,
                evidence=CompletionEvidence.EXTERNAL,
                external_reference=entry.reference,
                recorded_by=by,
                review=entry.review,
                review_reason=entry.reason,
            )
            if not created and (completion.review, completion.review_reason) != (entry.review, entry.reason):
                completion_review(completion=completion, review=entry.review, reason=entry.reason, by=by)
            if entry.review == CompletionReview.ACCEPTED:
                summary.accepted += 1
            else:
                summary.rejected += 1
        if record is not None:
            record.summary = str(summary)
            record.save(update_fields=["summary"])
        if dry_run:
            transaction.set_rollback(True)
    return summary
