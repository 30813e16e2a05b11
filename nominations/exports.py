"""The progress toward 2030 as xlsx (openpyxl write-only, streamed from a temporary file).

Two printable sheets (`core.spreadsheets.printable_sheet`): shares shown 0.00%, the
difference in percentage points shown 0.00.
"""

from __future__ import annotations

from typing import BinaryIO

from django.http import FileResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook

from core.dates import format_date
from core.spreadsheets import NUMBER, PERCENT, Column, printable_sheet, sheet_title, xlsx_response

from .selectors import NominationProgress, ProgressFigures, gap_points


def _figures_row(figures: ProgressFigures, expected: float) -> list[object]:
    return [
        figures.communications_staff,
        figures.nominated,
        figures.trained,
        figures.trained_percent,
        expected,
        gap_points(actual=figures.trained_percent, expected=expected),
    ]


def progress_xlsx_write(*, progress: NominationProgress, output: BinaryIO | str) -> None:
    workbook = Workbook(write_only=True)
    top = min((unit.depth for unit in progress.units), default=1)
    rows = [
        [unit.code, unit.name, unit.parent or "", unit.depth - top + 1]
        + _figures_row(unit.figures, progress.expected_percent)
        for unit in progress.units
    ]
    rows.append(
        [_("Total"), format_date(progress.as_of), "", None] + _figures_row(progress.total, progress.expected_percent)
    )
    printable_sheet(
        workbook,
        name=_("Units"),
        title=sheet_title(what=_("Communications staff trained, by unit"), as_of=progress.as_of),
        columns=[
            Column(_("Unit code")),
            Column(_("Unit")),
            Column(_("Parent unit")),
            Column(_("Level")),
            Column(_("Communications staff")),
            Column(_("Nominated")),
            Column(_("Trained")),
            Column(_("Percent trained"), PERCENT),
            Column(_("Expected by 31/12/%(year)s (%%)") % {"year": progress.as_of.year}, PERCENT),
            Column(_("Difference (points)"), NUMBER),
        ],
        rows=rows,
    )
    printable_sheet(
        workbook,
        name=_("Trajectory"),
        title=sheet_title(what=_("Trajectory to 2030"), as_of=progress.as_of),
        columns=[
            Column(_("Year")),
            Column(_("Expected trained by 31/12 (%)"), PERCENT),
            Column(_("Trained (%)"), PERCENT),
            Column(_("Trained")),
            Column(_("Communications staff")),
        ],
        rows=(
            [point.year, point.expected_percent, point.actual_percent, point.trained, point.communications_staff]
            for point in progress.trajectory
        ),
    )
    workbook.save(output)


def progress_xlsx_response(*, progress: NominationProgress, root_code: str | None) -> FileResponse:
    suffix = f"-{root_code}" if root_code else ""
    return xlsx_response(
        write=lambda output: progress_xlsx_write(progress=progress, output=output),
        filename=f"cu-dao-tao-{progress.as_of.isoformat()}{suffix}.xlsx",
    )
