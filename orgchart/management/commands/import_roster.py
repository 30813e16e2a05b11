import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from core.importing import ImportRefused, read_file
from orgchart.services.roster import roster_import


def _iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f'--effective-date "{value}" không đúng dạng YYYY-MM-DD.') from exc


class Command(BaseCommand):
    help = (
        "Import the whole roster as of an effective date: new codes join, changed units move, "
        "absent codes leave (end-dated, never deleted)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="xlsx or csv with the columns of the roster contract")
        parser.add_argument("--effective-date", help="YYYY-MM-DD; the roster is as of this date (default: today)")
        parser.add_argument("--dry-run", action="store_true", help="report what would change without writing")

    def handle(self, *args, file: str, effective_date: str | None, dry_run: bool, **options) -> None:
        on = _iso_date(effective_date) if effective_date else timezone.localdate()
        try:
            summary = roster_import(rows=read_file(path=file), effective_date=on, dry_run=dry_run)
        except ImportRefused as exc:
            raise CommandError(
                f"Không nhập được {file} ({len(exc.problems)} lỗi, chưa ghi gì):\n{exc}", returncode=1
            ) from exc
        if options["verbosity"] >= 2:
            for change in summary.changes:
                if change.kind != "unchanged":
                    where = f"Dòng {change.row}" if change.row else "Không có trong tệp"
                    self.stdout.write(f"{where}: {change.code} {change.full_name} — {change.kind}: {change.detail}")
        self.stdout.write(str(summary))
