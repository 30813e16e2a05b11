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

from django.http import FileResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook

from core.dates import format_date
from core.spreadsheets import PERCENT, Column, printable_sheet, sheet_title, xlsx_response
from orgchart.models import StaffCategory
from reports.selectors.coverage import CoverageReport
from reports.selectors.people import PersonCoverage


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
