"""The progress toward 2030 as xlsx (openpyxl write-only, streamed from a temporary file).

Every text cell goes through `core.spreadsheets.escape_cell`.
"""

from __future__ import annotations

from typing import BinaryIO

from django.http import FileResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook

from core.dates import format_date
from core.spreadsheets import escape_cell, xlsx_header, xlsx_response

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
    units = workbook.create_sheet(_("Units"))
    units.freeze_panes = "A2"
    xlsx_header(
        units,
        [
            _("Unit code"),
            _("Unit"),
            _("Parent unit"),
            _("Level"),
            _("Communications staff"),
            _("Nominated"),
            _("Trained"),
            _("Percent trained"),
            _("Expected by 31/12/%(year)s (%%)") % {"year": progress.as_of.year},
            _("Difference (points)"),
        ],
    )
    top = min((unit.depth for unit in progress.units), default=1)
    for unit in progress.units:
        units.append(
            [escape_cell(unit.code), escape_cell(unit.name), escape_cell(unit.parent or ""), unit.depth - top + 1]
            + _figures_row(unit.figures, progress.expected_percent)
        )
    units.append(
        [escape_cell(_("Total")), escape_cell(format_date(progress.as_of)), "", None]
        + _figures_row(progress.total, progress.expected_percent)
    )

    line = workbook.create_sheet(_("Trajectory"))
    xlsx_header(
        line, [_("Year"), _("Expected trained by 31/12 (%)"), _("Trained (%)"), _("Trained"), _("Communications staff")]
    )
    for point in progress.trajectory:
        line.append(
            [point.year, point.expected_percent, point.actual_percent, point.trained, point.communications_staff]
        )
    workbook.save(output)


def progress_xlsx_response(*, progress: NominationProgress, root_code: str | None) -> FileResponse:
    suffix = f"-{root_code}" if root_code else ""
    return xlsx_response(
        write=lambda output: progress_xlsx_write(progress=progress, output=output),
        filename=f"cu-dao-tao-{progress.as_of.isoformat()}{suffix}.xlsx",
    )
