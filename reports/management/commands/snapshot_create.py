"""`snapshot_create --assignment S --as-of D`: freeze the coverage report of that date; prints its SHA-256."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.dates import format_date
from courses.management.commands.create_assignment import parse_command_date
from courses.models import Assignment
from reports.selectors.coverage import assignment_get
from reports.services.snapshots import snapshot_create


class Command(BaseCommand):
    help = "Freeze the coverage report of an assignment at a reporting date (figures and people, with a SHA-256)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--assignment", required=True, help="the assignment's code, e.g. nq57-2025")
        parser.add_argument("--as-of", required=True, dest="as_of", help="the reporting date, YYYY-MM-DD")

    def handle(self, *args, assignment: str, as_of: str, **options) -> None:
        problems: list[str] = []
        try:
            assignment_obj = assignment_get(slug=assignment)
        except Assignment.DoesNotExist:
            assignment_obj = None
            problems.append(f'Không có đợt giao khóa học nào có mã "{assignment}".')
        report_date, problem = parse_command_date(as_of, option="--as-of")
        if problem:
            problems.append(problem)
        snapshot = created = None
        if not problems:
            try:
                snapshot, created = snapshot_create(assignment=assignment_obj, as_of=report_date)
            except ValidationError as error:
                problems.extend(message for messages in error.message_dict.values() for message in messages)
        if problems:
            lines = "\n".join(f"- {problem}" for problem in problems)
            raise CommandError(f"Không tạo được bản chốt số liệu ({len(problems)} lỗi, chưa ghi gì):\n{lines}")
        state = "đã tạo" if created else "đã có từ trước, giữ nguyên"
        self.stdout.write(
            f"Bản chốt số liệu {assignment_obj.slug} ngày {format_date(report_date)} ({state}): "
            f"sha256 {snapshot.sha256}"
        )
