from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.importing import ImportRefused, read_file
from orgchart.services.units import units_import


class Command(BaseCommand):
    help = "Import the units spreadsheet (xlsx or UTF-8 csv): create, rename and move units by code."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="xlsx, xls, ods, csv or UTF-16 text with the columns of the units contract")
        parser.add_argument("--dry-run", action="store_true", help="report what would change without writing")

    def handle(self, *args, file: str, dry_run: bool, **options) -> None:
        try:
            summary = units_import(rows=read_file(path=file), dry_run=dry_run)
        except ImportRefused as exc:
            raise CommandError(
                f"Không nhập được {file} ({len(exc.problems)} lỗi, chưa ghi gì):\n{exc}", returncode=1
            ) from exc
        if options["verbosity"] >= 2:
            for change in summary.changes:
                if change.kind != "unchanged":
                    self.stdout.write(f"Dòng {change.row}: {change.code} — {change.kind}: {change.detail}")
        for note in summary.notes:
            self.stdout.write(f"Lưu ý: {note}")
        self.stdout.write(str(summary))
