"""`coverage_report --assignment S --as-of D --format json|xlsx|pdf [--output F] [--unit U]` (DESIGN.md).

- json: the coverage JSON contract, to stdout (or to F, then a one-line summary);
- xlsx: units summary and every person's status, streamed to F (default
  `bao-phu-<assignment>-<date>.xlsx` in the current directory);
- pdf: the semiannual report in the administrative format (`semiannual.pdf`), with
  "…" where the Office's narrative goes; nothing is written to the database.

It lives in the semiannual app because of the pdf format: the coverage reports app sits
below the semiannual report and may not import it.

Every problem with the arguments is listed and nothing is written.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.dates import format_date
from core.numbers import percent_with_sign
from courses.management.commands.create_assignment import parse_command_date
from courses.models import Assignment
from orgchart.models import Unit
from reports.exports import coverage_xlsx_write
from reports.selectors.coverage import assignment_get, coverage_as_of
from reports.selectors.people import coverage_people
from semiannual.pdf import semiannual_pdf_write

FORMATS = ("json", "xlsx", "pdf")


class Command(BaseCommand):
    help = (
        "Coverage of an assignment as of a date, per unit and in total: JSON (the API's contract), "
        "xlsx (units and every person's status) or the semiannual PDF report."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--assignment", required=True, help="the assignment's code, e.g. nq57-2025")
        parser.add_argument("--as-of", required=True, dest="as_of", help="the reporting date, YYYY-MM-DD")
        parser.add_argument("--format", required=True, dest="export_format", help="json, xlsx or pdf")
        parser.add_argument("--output", help="the file to write (json: stdout when omitted)")
        parser.add_argument("--unit", help="only this unit and its sub-units (a unit code)")

    def handle(
        self, *args, assignment: str, as_of: str, export_format: str, output: str | None, unit: str | None, **options
    ) -> None:
        problems: list[str] = []
        try:
            assignment_obj = assignment_get(slug=assignment)
        except Assignment.DoesNotExist:
            assignment_obj = None
            problems.append(f'Không có đợt giao khóa học nào có mã "{assignment}".')
        report_date, problem = parse_command_date(as_of, option="--as-of")
        if problem:
            problems.append(problem)
        export_format = export_format.strip().lower()
        if export_format not in FORMATS:
            problems.append(f'--format "{export_format}" không hợp lệ; chỉ nhận: {", ".join(FORMATS)}.')
        root_unit = None
        if unit:
            root_unit = Unit.objects.filter(code__iexact=unit.strip()).first()
            if root_unit is None:
                problems.append(f'Không có đơn vị nào có mã "{unit}".')
        path = Path(output) if output else None
        if path is not None and not path.parent.exists():
            problems.append(f"Thư mục {path.parent} không tồn tại.")
        if problems:
            lines = "\n".join(f"- {problem}" for problem in problems)
            raise CommandError(f"Không lập được báo cáo ({len(problems)} lỗi, chưa ghi gì):\n{lines}")

        report = coverage_as_of(assignment=assignment_obj, as_of=report_date, root_unit=root_unit)
        if export_format == "json":
            text = json.dumps(report.as_dict(), ensure_ascii=False, indent=2)
            if path is None:
                self.stdout.write(text)
                return
            path.write_text(text + "\n", encoding="utf-8")
        elif export_format == "xlsx":
            path = path or Path(f"bao-phu-{assignment_obj.slug}-{report_date.isoformat()}.xlsx")
            people = coverage_people(assignment=assignment_obj, as_of=report_date, unit=root_unit)
            coverage_xlsx_write(report=report, people=people, output=str(path))
        else:
            path = path or Path(f"bao-cao-6-thang-{assignment_obj.slug}-{report_date.isoformat()}.pdf")
            with path.open("wb") as pdf:
                semiannual_pdf_write(assignment=assignment_obj, as_of=report_date, output=pdf, unit=root_unit)
        total = report.total
        share = (
            f"({percent_with_sign(total.percent)})"
            if total.percent is not None
            else f"(không có ai trong đối tượng tại ngày {format_date(report_date)})"
        )
        self.stdout.write(
            f"Báo cáo {assignment_obj.slug} ngày {format_date(report_date)}: {total.informed}/{total.staff} người "
            f"đã được quán triệt {share}, {total.exempt} được miễn, "
            f"{len(report.units)} đơn vị; đã ghi {path}."
        )
