"""`import_attendance FILE --course C --date D --title T [--dry-run]` (DESIGN.md): an in-person session
and its attendance sheet; those present complete the course on D."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.importing import ImportRefused, read_file
from courses.management.commands.create_assignment import parse_command_date
from courses.models import Course
from courses.services.attendance import attendance_import


class Command(BaseCommand):
    help = (
        "Record an in-person briefing from its attendance sheet (columns Mã cán bộ, Họ và tên, Có mặt); "
        "everyone present completes the course on the session's date."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="xlsx, xls, ods, csv or UTF-16 text attendance sheet")
        parser.add_argument("--course", required=True, help="the course slug, e.g. nq57")
        parser.add_argument("--date", required=True, help="the session's date, YYYY-MM-DD")
        parser.add_argument("--title", required=True, help="the session's title")
        parser.add_argument("--dry-run", action="store_true", help="check the sheet and report without writing")

    def handle(self, *args, file: str, course: str, date: str, title: str, dry_run: bool, **options) -> None:
        problems: list[str] = []
        course_obj = Course.objects.filter(slug=course.strip()).first()
        if course_obj is None:
            problems.append(f'Không có khóa học nào có mã "{course}" — hãy nhập khóa học trước.')
        held_on, problem = parse_command_date(date, option="--date")
        if problem:
            problems.append(problem)
        try:
            rows = read_file(path=file)
        except ImportRefused as refused:
            problems.extend(str(p) for p in refused.problems)
            rows = None
        if not problems:
            try:
                summary = attendance_import(rows=rows, course=course_obj, held_on=held_on, title=title, dry_run=dry_run)
            except ImportRefused as refused:
                problems.extend(str(p) for p in refused.problems)
        if problems:
            lines = "\n".join(f"- {problem}" for problem in problems)
            raise CommandError(f"Không nhập được {file} ({len(problems)} lỗi, chưa ghi gì):\n{lines}")
        for note in summary.notes:
            self.stdout.write(f"Lưu ý: {note}")
        self.stdout.write(str(summary))
