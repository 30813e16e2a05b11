"""`create_assignment --slug S --course C --unit U [--no-descendants] [--category K ...] [--communications-only]
--start D --due D [--completions-from D] [--due-days N] [--dry-run]` (DESIGN.md): a course given to an
audience, enrolling everyone in it today; completions dated before `--completions-from` (default the start)
do not count toward it; with `--due-days N` someone joining later is due N days after joining."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models.functions import Lower

from core.dates import format_date, parse_date_input
from courses.models import Course
from courses.services.assignments import assignment_create, assignment_create_problems
from orgchart.models import StaffCategory, Unit
from orgchart.services.roster import CATEGORY_LABELS

_CATEGORY_BY_TEXT = {label.casefold(): category for category, label in CATEGORY_LABELS.items()} | {
    category.casefold(): category for category in StaffCategory.values
}


def parse_command_date(value: str, *, option: str) -> tuple[dt.date | None, str | None]:
    """YYYY-MM-DD (as the other commands) or dd/mm/yyyy; returns (date, problem)."""
    parsed = parse_date_input(value)
    if parsed is not None:
        return parsed, None
    return None, f'{option} "{value}" không phải là ngày hợp lệ (dạng YYYY-MM-DD hoặc dd/mm/yyyy).'


class Command(BaseCommand):
    help = (
        "Give a course to an audience (units with or without their sub-units, staff categories, "
        "communications staff) from a start date to a due date; everyone in it now is enrolled today, "
        "and people who join it later are enrolled by the roster import."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--slug", required=True, help="the assignment's code, e.g. nq57-2025")
        parser.add_argument("--course", required=True, help="the course slug, e.g. nq57")
        parser.add_argument(
            "--unit", required=True, action="append", help="a unit code (may repeat); its sub-units are included"
        )
        parser.add_argument("--no-descendants", action="store_true", help="the unit(s) only, without sub-units")
        parser.add_argument(
            "--category",
            action="extend",
            nargs="+",
            default=[],
            help="a roster 'Đối tượng' value (Lãnh đạo, Công chức, Viên chức, Người lao động); may repeat; "
            "none = every category",
        )
        parser.add_argument("--communications-only", action="store_true", help="communications staff only")
        parser.add_argument("--start", required=True, help="start date, YYYY-MM-DD")
        parser.add_argument("--due", required=True, help="due date, YYYY-MM-DD")
        parser.add_argument(
            "--completions-from",
            dest="completions_from",
            help="completions dated before this day (YYYY-MM-DD) do not count toward the assignment; "
            "default: the start date",
        )
        parser.add_argument(
            "--due-days",
            type=int,
            default=None,
            help="someone joining the audience after the start is due N days after joining (never before --due)",
        )
        parser.add_argument("--dry-run", action="store_true", help="check and report without writing")

    def handle(self, *args, **options) -> None:
        problems: list[str] = []
        course = Course.objects.filter(slug=options["course"].strip()).first()
        if course is None:
            problems.append(f'Không có khóa học nào có mã "{options["course"]}" — hãy nhập khóa học trước.')
        codes = [code.strip() for code in options["unit"]]
        found = {
            unit.code.casefold(): unit
            for unit in Unit.objects.annotate(folded=Lower("code")).filter(folded__in=[c.casefold() for c in codes])
        }
        units = []
        for code in codes:
            unit = found.get(code.casefold())
            if unit is None:
                problems.append(f'Không có đơn vị nào có mã "{code}".')
            else:
                units.append((unit, not options["no_descendants"]))
        categories = [_CATEGORY_BY_TEXT.get(text.strip().casefold(), text.strip()) for text in options["category"]]
        starts_on, problem = parse_command_date(options["start"], option="--start")
        problems += [problem] if problem else []
        due_on, problem = parse_command_date(options["due"], option="--due")
        problems += [problem] if problem else []
        completions_from = None
        if options.get("completions_from"):
            completions_from, problem = parse_command_date(options["completions_from"], option="--completions-from")
            problems += [problem] if problem else []

        create_kwargs = {
            "slug": options["slug"],
            "units": units,
            "categories": categories,
            "people": [],
            "starts_on": starts_on,
            "due_on": due_on,
            "completions_from": completions_from,
            "due_days": options["due_days"],
        }
        for messages in assignment_create_problems(course=course, **create_kwargs).values():
            problems.extend(messages)
        if problems:
            self._refuse(problems)

        with transaction.atomic():
            try:
                assignment = assignment_create(
                    course=course, communications_only=options["communications_only"], **create_kwargs
                )
            except ValidationError as error:
                self._refuse(error.messages)
            enrolled = assignment.enrolments.filter(left_audience_on__isnull=True).count()
            if options["dry_run"]:
                transaction.set_rollback(True)

        audience = _describe_audience(
            units=units, categories=assignment.categories, communications_only=assignment.communications_only
        )
        sentence = (
            f'giao "{course.slug}" cho {enrolled} người ({audience}), hạn {format_date(due_on)}, '
            f"tính hoàn thành từ ngày {format_date(assignment.completions_from)}"
        )
        if options["due_days"]:
            sentence += (
                f", người được bổ sung sau ngày bắt đầu có hạn {options['due_days']} ngày kể từ ngày được bổ sung"
            )
        if options["dry_run"]:
            self.stdout.write(f"Chạy thử: sẽ {sentence} — chưa ghi gì.")
        else:
            self.stdout.write(f"Đã {sentence}.")

    def _refuse(self, problems: list[str]) -> None:
        lines = "\n".join(f"- {problem}" for problem in problems)
        raise CommandError(f"Không tạo được đợt giao khóa học ({len(problems)} lỗi, chưa ghi gì):\n{lines}")


def _describe_audience(*, units: list, categories: list[str], communications_only: bool) -> str:
    codes = ", ".join(unit.code for unit, _include in units)
    with_descendants = all(include for _unit, include in units)
    text = f"đơn vị {codes}" + (" và các đơn vị trực thuộc" if with_descendants else "")
    if categories:
        text += "; đối tượng: " + ", ".join(CATEGORY_LABELS[category] for category in categories)
    if communications_only:
        text += "; chỉ cán bộ làm công tác truyền thông"
    return text
