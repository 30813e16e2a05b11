"""Coverage exports: the xlsx workbook (units summary + every person's status), streamed.

openpyxl's write-only mode writes each row to a temporary file as it is appended, so
memory stays flat however many people there are (the people come from
`coverage_people`, itself fetched in chunks). Every text cell goes through
`core.spreadsheets.escape_cell` (no formula injection from names or reasons).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import BinaryIO

from django.http import FileResponse, HttpResponse
from django.template.loader import render_to_string
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from core.dates import format_date, format_datetime
from core.pdf import html_to_pdf
from core.spreadsheets import escape_cell, xlsx_header, xlsx_response
from orgchart.models import StaffCategory
from reports.selectors.coverage import CoverageReport
from reports.selectors.people import PersonCoverage
from reports.selectors.record import TrainingRecord

_DATE_FORMAT = "dd/mm/yyyy"


def _date_cell(sheet: WriteOnlyWorksheet, value: dt.date | None):
    if value is None:
        return None
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = _DATE_FORMAT
    return cell


def coverage_xlsx_write(*, report: CoverageReport, people: Iterable[PersonCoverage], output: BinaryIO | str) -> int:
    """Write the workbook to `output` (a path or a binary file); returns the number of people rows."""
    workbook = Workbook(write_only=True)
    units_sheet = workbook.create_sheet(_("Units"))
    units_sheet.freeze_panes = "A2"
    xlsx_header(
        units_sheet,
        [
            _("Unit code"),
            _("Unit"),
            _("Parent unit"),
            _("Level"),
            _("People to inform"),
            _("Informed"),
            _("Not yet informed"),
            _("Exempt"),
            _("Percent informed"),
        ],
    )
    top_depth = min((unit.depth for unit in report.units), default=1)
    for unit in report.units:
        figures = unit.figures
        units_sheet.append(
            [
                escape_cell(unit.code),
                escape_cell(unit.name),
                escape_cell(unit.parent or ""),
                unit.depth - top_depth + 1,
                figures.staff,
                figures.informed,
                figures.not_informed,
                figures.exempt,
                figures.percent,
            ]
        )
    total = report.total
    units_sheet.append(
        [
            escape_cell(_("Total")),
            escape_cell(f"{report.assignment.slug} — {format_date(report.as_of)}"),
            "",
            None,
            total.staff,
            total.informed,
            total.not_informed,
            total.exempt,
            total.percent,
        ]
    )

    people_sheet = workbook.create_sheet(_("People"))
    people_sheet.freeze_panes = "A2"
    xlsx_header(
        people_sheet,
        [
            _("Staff code"),
            _("Full name"),
            _("Unit code"),
            _("Unit"),
            _("Category"),
            _("Position"),
            _("Status"),
            _("Completed on"),
            _("Evidence"),
            _("Exemption reason"),
            _("Due date"),
            _("Lessons read"),
            _("Lessons"),
            _("Best quiz score (%)"),
        ],
    )
    categories = dict(StaffCategory.choices)
    count = 0
    for person in people:
        people_sheet.append(
            [
                escape_cell(person.code),
                escape_cell(person.full_name),
                escape_cell(person.unit_code),
                escape_cell(person.unit_name),
                escape_cell(str(categories.get(person.category, person.category))),
                escape_cell(person.position),
                escape_cell(str(person.status_label)),
                _date_cell(people_sheet, person.completed_on),
                escape_cell(str(person.evidence_label)),
                escape_cell(person.exemption_reason or ""),
                _date_cell(people_sheet, person.due_on),
                person.lessons_read,
                person.lessons_total,
                float(person.best_score) if person.best_score is not None else None,
            ]
        )
        count += 1
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


def _score(value) -> float | None:
    return float(value) if value is not None else None


def training_record_xlsx_write(*, record: TrainingRecord, output: BinaryIO | str) -> None:
    """One sheet per section of the page: courses, attempts, completions, exemptions, certificates."""
    workbook = Workbook(write_only=True)
    person = record.person
    sheet = workbook.create_sheet(_("Courses"))
    sheet.freeze_panes = "A3"
    sheet.append([escape_cell(f"{person.full_name} ({person.code})"), escape_cell(format_date(record.on_date))])
    xlsx_header(sheet, [_("Course"), _("Assignment"), _("Due date"), _("Status"), _("Lessons read"), _("Completed on")])
    for row in record.courses:
        sheet.append(
            [
                escape_cell(row.title),
                escape_cell(row.assignment_title),
                _date_cell(sheet, row.due_on),
                escape_cell(str(row.status_label)),
                f"{row.lessons_opened}/{row.lessons_total}",
                _date_cell(sheet, row.completed_on),
            ]
        )
    sheet = workbook.create_sheet(_("Quiz attempts"))
    sheet.freeze_panes = "A2"
    xlsx_header(sheet, [_("Course"), _("Attempt"), _("Started at"), _("Status"), _("Score (%)"), _("Result")])
    for attempt in record.attempts:
        sheet.append(
            [
                escape_cell(attempt.version.title),
                attempt.number,
                escape_cell(format_datetime(attempt.started_at)),
                escape_cell(str(attempt.get_status_display())),
                _score(attempt.score_percent),
                escape_cell(_attempt_result(attempt)),
            ]
        )
    sheet = workbook.create_sheet(_("Completions"))
    sheet.freeze_panes = "A2"
    xlsx_header(sheet, [_("Course"), _("Completed on"), _("Evidence"), _("Details")])
    for line in record.completions:
        sheet.append(
            [
                escape_cell(line.course_title),
                _date_cell(sheet, line.completed_on),
                escape_cell(line.evidence_label),
                escape_cell(line.detail),
            ]
        )
    sheet = workbook.create_sheet(_("Exemptions"))
    sheet.freeze_panes = "A2"
    xlsx_header(sheet, [_("Assignment"), _("From"), _("To"), _("Reason"), _("Approved by")])
    for exemption in record.exemptions:
        sheet.append(
            [
                escape_cell(exemption.assignment.title or exemption.assignment.slug),
                _date_cell(sheet, exemption.valid_from),
                _date_cell(sheet, exemption.valid_to),
                escape_cell(exemption.reason),
                escape_cell(exemption.approver_name),
            ]
        )
    sheet = workbook.create_sheet(_("Certificates"))
    sheet.freeze_panes = "A2"
    xlsx_header(sheet, [_("Register serial"), _("Course"), _("Issued on"), _("Status")])
    for certificate in record.certificates:
        sheet.append(
            [
                escape_cell(certificate.serial),
                escape_cell(certificate.course_title),
                _date_cell(sheet, certificate.issued_on),
                escape_cell(str(certificate.get_status_display())),
            ]
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
