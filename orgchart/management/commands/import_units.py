from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.importing import ImportRefused, read_file
from orgchart.importing import effective_date_option
from orgchart.services.units import UNIT_CHANGE_LABELS, units_import


class Command(BaseCommand):
    help = (
        "Import the whole units tree as of an effective date: new codes open on it, changed parents, names "
        "and kinds take effect on it, absent codes close the day before."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="xlsx, xls, ods, csv or UTF-16 text with the columns of the units contract")
        parser.add_argument(
            "--effective-date",
            help="YYYY-MM-DD; the tree as of this date (default: changes from today, new units with no opening date)",
        )
        parser.add_argument("--dry-run", action="store_true", help="report what would change without writing")

    def handle(self, *args, file: str, effective_date: str | None, dry_run: bool, **options) -> None:
        on = effective_date_option(effective_date) if effective_date else None
        try:
            summary = units_import(rows=read_file(path=file), effective_date=on, dry_run=dry_run)
        except ImportRefused as exc:
            raise CommandError(
                f"Không nhập được {file} ({len(exc.problems)} lỗi, chưa ghi gì):\n{exc}", returncode=1
            ) from exc
        if options["verbosity"] >= 2:
            for change in summary.changes:
                if change.kind != "unchanged":
                    where = f"Dòng {change.row}" if change.row else "Không có trong tệp"
                    self.stdout.write(f"{where}: {change.code} — {UNIT_CHANGE_LABELS[change.kind]}: {change.detail}")
        for note in summary.notes:
            self.stdout.write(f"Lưu ý: {note}")
        self.stdout.write(str(summary))
