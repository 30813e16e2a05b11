"""`import_external_completions FILE --course C --by EMAIL [--dry-run]`: external completions of a course and the
Office's decision on each (columns Mã cán bộ, Họ và tên, Ngày hoàn thành, Số hiệu, Quyết định, Lý do).

`--by` is the Office account that decided (recorded as who accepted or rejected each row).
"""

from __future__ import annotations

from auditlog.context import set_actor
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from accounts.roles import is_office
from core.importing import ImportRefused, read_file
from courses.models import Course
from courses.services.external_completions import external_completions_import


class Command(BaseCommand):
    help = (
        "Record external completions of a course with the Office's decision on each (columns Mã cán bộ, "
        "Họ và tên, Ngày hoàn thành, Số hiệu, Quyết định = Chấp nhận/Từ chối, Lý do); only accepted ones count."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="xlsx or UTF-8 csv sheet")
        parser.add_argument("--course", required=True, help="the course slug, e.g. nq57")
        parser.add_argument("--by", required=True, help="the email of the Office account that decided")
        parser.add_argument("--dry-run", action="store_true", help="check the sheet and report without writing")

    def handle(self, *args, file: str, course: str, by: str, dry_run: bool, **options) -> None:
        problems: list[str] = []
        course_obj = Course.objects.filter(slug=course.strip()).first()
        if course_obj is None:
            problems.append(f'Không có khóa học nào có mã "{course}" — hãy nhập khóa học trước.')
        decider = User.objects.filter(email__iexact=by.strip()).first()
        if decider is None or not is_office(decider):
            problems.append(f'--by "{by}" không phải là tài khoản của Văn phòng Sở.')
        try:
            rows = read_file(path=file)
        except ImportRefused as refused:
            problems.extend(str(p) for p in refused.problems)
            rows = None
        if not problems:
            try:
                # The audit trail records the deciding account as the author of these changes.
                with set_actor(decider):
                    summary = external_completions_import(rows=rows, course=course_obj, by=decider, dry_run=dry_run)
            except ImportRefused as refused:
                problems.extend(str(p) for p in refused.problems)
        if problems:
            lines = "\n".join(f"- {problem}" for problem in problems)
            raise CommandError(f"Không nhập được {file} ({len(problems)} lỗi, chưa ghi gì):\n{lines}")
        self.stdout.write(str(summary))
