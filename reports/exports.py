"""Coverage exports: the xlsx workbook (units summary + every person's status), streamed.

The units sheet lists the units with someone in the audience on the date, the total, and
under it the completion rule (`CoverageReport.rule`); a percent is left empty when no one
is left to count, with "no one in the audience on D" under the total.

openpyxl's write-only mode writes each row to a temporary file as it is appended, so
memory stays flat however many people there are (the people come from
`coverage_people`, itself fetched in chunks). Both sheets are printable sheets
(`core.spreadsheets.printable_sheet`: title row, frozen header, A4 landscape, date cells,
percentages shown 0.00%, formula-like text kept as text).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import BinaryIO

from django.http import FileResponse, HttpResponse
from django.template.loader import render_to_string
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook

from core.dates import format_date, format_datetime
from core.pdf import html_to_pdf
from core.spreadsheets import PERCENT, Column, printable_sheet, sheet_title, xlsx_response
from orgchart.models import StaffCategory
from reports.selectors.coverage import CoverageReport
from reports.selectors.people import PersonCoverage
from reports.selectors.record import TrainingRecord


def coverage_xlsx_write(*, report: CoverageReport, people: Iterable[PersonCoverage], output: BinaryIO | str) -> int:
    """Write the workbook to `output` (a path or a binary file); returns the number of people rows."""
    workbook = Workbook(write_only=True)
    assignment = str(report.assignment)
    top_depth = min((unit.depth for unit in report.units), default=1)
    total = report.total
    unit_rows = [
        [
            unit.code,
            unit.name,
            unit.parent or "",
            unit.depth - top_depth + 1,
            unit.figures.staff,
            unit.figures.informed,
            unit.figures.not_informed,
            unit.figures.exempt,
            unit.figures.percent,
        ]
        for unit in report.printed_units  # units with no one in the audience are left out (the JSON keeps them)
    ]
    unit_rows.append(
        [
            _("Total"),
            f"{report.assignment.slug} — {format_date(report.as_of)}",
            "",
            None,
            total.staff,
            total.informed,
            total.not_informed,
            total.exempt,
            total.percent,
        ]
    )
    printable_sheet(
        workbook,
        name=_("Units"),
        title=sheet_title(what=f"{_('Coverage by unit')}: {assignment}", as_of=report.as_of),
        # Above the table: which completions count, and "no one in the audience" instead of a percent.
        notes=[report.rule.text] + ([report.no_audience_text] if total.percent is None else []),
        columns=[
            Column(_("Unit code")),
            Column(_("Unit")),
            Column(_("Parent unit")),
            Column(_("Level")),
            Column(_("People to inform")),
            Column(_("Informed")),
            Column(_("Not yet informed")),
            Column(_("Exempt")),
            Column(_("Percent informed"), PERCENT),
        ],
        rows=unit_rows,
    )

    categories = dict(StaffCategory.choices)
    people_rows = (
        [
            person.code,
            person.full_name,
            person.unit_code,
            person.unit_name,
            str(categories.get(person.category, person.category)),
            person.position,
            str(person.status_label),
            person.completed_on,
            str(person.evidence_label),
            person.exemption_reason or "",
            person.due_on,
            person.lessons_read,
            person.lessons_total,
            person.best_score,
            person.attempts_label,
        ]
        for person in people
    )
    count = printable_sheet(
        workbook,
        name=_("People"),
        title=sheet_title(what=f"{_('Coverage by person')}: {assignment}", as_of=report.as_of),
        columns=[
            Column(_("Staff code")),
            Column(_("Full name")),
            Column(_("Unit code")),
            Column(_("Unit")),
            Column(_("Category")),
            Column(_("Position")),
            Column(_("Status")),
            Column(_("Completed on")),
            Column(_("Evidence")),
            Column(_("Exemption reason")),
            Column(_("Due date")),
            Column(_("Lessons read")),
            Column(_("Lessons")),
            Column(_("Best quiz score (%)"), PERCENT),
            Column(_("Quiz attempts")),
        ],
        rows=people_rows,
    )
    workbook.save(output)
    return count


def coverage_xlsx_filename(*, report: CoverageReport) -> str:
    suffix = f"-{report.root_codes[0]}" if len(report.root_codes) == 1 else ""
    return f"bao-phu-{report.assignment.slug}-{report.as_of.isoformat()}{suffix}.xlsx"


def coverage_xlsx_response(*, report: CoverageReport, people: Iterable[PersonCoverage]) -> FileResponse:
    return xlsx_response(
        write=lambda output: coverage_xlsx_write(report=report, people=people, output=output),
        filename=coverage_xlsx_filename(report=report),
    )


# --- a person's training record --------------------------------------------------------------------------


def _record_filename(*, record: TrainingRecord, extension: str) -> str:
    code = slugify(record.person.code) or str(record.person.pk)
    return f"qua-trinh-boi-duong-{code}-{record.on_date.isoformat()}.{extension}"


def training_record_xlsx_write(*, record: TrainingRecord, output: BinaryIO | str) -> None:
    """One printable sheet per section of the page: courses, attempts, completions, exemptions, certificates."""
    workbook = Workbook(write_only=True)
    person = record.person

    def title(what: str) -> str:
        return sheet_title(what=f"{what}: {person.full_name} ({person.code})", as_of=record.on_date)

    printable_sheet(
        workbook,
        name=_("Courses"),
        title=title(_("Training record")),
        columns=[
            Column(_("Course")),
            Column(_("Assignment")),
            Column(_("Due date")),
            Column(_("Status")),
            Column(_("Lessons read")),
            Column(_("Completed on")),
        ],
        rows=(
            [
                row.title,
                row.assignment_title,
                row.due_on,
                str(row.status_label),
                f"{row.lessons_opened}/{row.lessons_total}",
                row.completed_on,
            ]
            for row in record.courses
        ),
    )
    printable_sheet(
        workbook,
        name=_("Quiz attempts"),
        title=title(_("Quiz attempts")),
        columns=[
            Column(_("Course")),
            Column(_("Attempt")),
            Column(_("Started at")),
            Column(_("Status")),
            Column(_("Score (%)"), PERCENT),
            Column(_("Result")),
        ],
        rows=(
            [
                attempt.version.title,
                attempt.number,
                format_datetime(attempt.started_at),
                str(attempt.get_status_display()),
                attempt.score_percent,
                _attempt_result(attempt),
            ]
            for attempt in record.attempts
        ),
    )
    printable_sheet(
        workbook,
        name=_("Completions"),
        title=title(_("Completions")),
        columns=[Column(_("Course")), Column(_("Completed on")), Column(_("Evidence")), Column(_("Details"))],
        rows=([line.course_title, line.completed_on, line.evidence_label, line.detail] for line in record.completions),
    )
    printable_sheet(
        workbook,
        name=_("Exemptions"),
        title=title(_("Exemptions")),
        columns=[
            Column(_("Assignment")),
            Column(_("From")),
            Column(_("To")),
            Column(_("Reason")),
            Column(_("Approved by")),
        ],
        rows=(
            [
                exemption.assignment.title or exemption.assignment.slug,
                exemption.valid_from,
                exemption.valid_to,
                exemption.reason,
                exemption.approver_name,
            ]
            for exemption in record.exemptions
        ),
    )
    printable_sheet(
        workbook,
        name=_("Certificates"),
        title=title(_("Certificates")),
        columns=[Column(_("Register serial")), Column(_("Course")), Column(_("Issued on")), Column(_("Status"))],
        rows=(
            [certificate.serial, certificate.course_title, certificate.issued_on, str(certificate.get_status_display())]
            for certificate in record.certificates
        ),
    )
    workbook.save(output)


def _attempt_result(attempt) -> str:
    if attempt.passed is None:
        return ""
    return _("Passed") if attempt.passed else _("Not passed")


def training_record_xlsx_response(*, record: TrainingRecord) -> FileResponse:
    return xlsx_response(
        write=lambda output: training_record_xlsx_write(record=record, output=output),
        filename=_record_filename(record=record, extension="xlsx"),
    )


def training_record_pdf_bytes(*, record: TrainingRecord) -> bytes:
    """The record as an A4 PDF (`core.pdf`, the project's fonts), dated the day it is printed."""
    body = render_to_string("reports/training_record_pdf.html", {"record": record, "person": record.person})
    return html_to_pdf(
        body_html=body,
        css=_RECORD_PDF_CSS,
        document_date=record.on_date,
        title=_("Training record of %(name)s") % {"name": record.person.full_name},
    )


_RECORD_PDF_CSS = """
@page { size: A4; margin: 18mm 15mm; @bottom-right { content: counter(page) "/" counter(pages); font-size: 9pt; } }
body { font-family: LantoaSerif; font-size: 11pt; }
h1 { font-size: 15pt; text-align: center; margin: 0 0 4mm; }
h2 { font-size: 12pt; margin: 5mm 0 2mm; }
table { width: 100%; border-collapse: collapse; }
th, td { border: 0.5pt solid #444; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; }
p.meta { text-align: center; margin: 0 0 2mm; }
"""


def training_record_pdf_response(*, record: TrainingRecord) -> HttpResponse:
    response = HttpResponse(training_record_pdf_bytes(record=record), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_record_filename(record=record, extension="pdf")}"'
    return response
