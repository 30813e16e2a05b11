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

from django.http import FileResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from core.dates import format_date
from core.spreadsheets import escape_cell, xlsx_header, xlsx_response
from orgchart.models import StaffCategory
from reports.selectors.coverage import CoverageReport
from reports.selectors.people import PersonCoverage

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
            _("Quiz attempts"),
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
                escape_cell(person.attempts_label),
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
