"""`import_course FILE [--dry-run]`: a course file (DESIGN.md, "Course file"); same slug = new version."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes.services.course_import import ImportRefused, course_import


class Command(BaseCommand):
    help = "Import a course file (JSON). The same slug publishes the next version of that course."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the course file (.json, UTF-8)")
        parser.add_argument("--dry-run", action="store_true", help="check the file and report without writing")

    def handle(self, *args, file: Path, dry_run: bool, **options):
        try:
            content = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp {file}: {exc.strerror or exc}.") from exc
        try:
            summary = course_import(data=content, dry_run=dry_run)
        except ImportRefused as refused:
            lines = "\n".join(f"- {problem}" for problem in refused.problems)
            raise CommandError(f"Tệp {file} bị từ chối, không ghi gì ({len(refused.problems)} lỗi):\n{lines}") from None
        self.stdout.write(summary.message)
