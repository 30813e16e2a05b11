from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from core.importing import ImportRefused, read_file
from orgchart.importing import effective_date_option
from orgchart.services.roster import CHANGE_LABELS, CodeChangeDecision, RosterMode, roster_import


class Command(BaseCommand):
    help = (
        "Import the roster as of an effective date: new codes join, changed units move; in full mode absent "
        "codes leave (end-dated, never deleted), past 10% or 20 people only with --confirm-leavers N."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="xlsx, xls, ods, csv or UTF-16 text with the columns of the roster contract")
        parser.add_argument("--effective-date", help="YYYY-MM-DD; the roster is as of this date (default: today)")
        parser.add_argument("--dry-run", action="store_true", help="report what would change without writing")
        parser.add_argument(
            "--mode",
            choices=RosterMode.choices,
            default=RosterMode.FULL,
            help="full: the file is the whole roster, absent codes leave (default); changes: only add and update",
        )
        parser.add_argument(
            "--confirm-leavers",
            type=int,
            metavar="N",
            help="full mode: the exact number of people who leave, required when more than 10%% of those on the "
            "roster or more than 20 people would leave (the dry run says how many)",
        )
        parser.add_argument(
            "--code-changes",
            choices=CodeChangeDecision.choices,
            help="a leaver and a joiner with the same name and birth date: same = one person whose code changed, "
            "different = two people (the dry run lists them; the import is refused until this is given)",
        )

    def handle(self, *args, file: str, effective_date: str | None, dry_run: bool, **options) -> None:
        on = effective_date_option(effective_date) if effective_date else timezone.localdate()
        try:
            summary = roster_import(
                rows=read_file(path=file),
                effective_date=on,
                dry_run=dry_run,
                mode=options["mode"],
                confirm_leavers=options["confirm_leavers"],
                code_changes=options["code_changes"],
            )
        except ImportRefused as exc:
            raise CommandError(
                f"Không nhập được {file} ({len(exc.problems)} lỗi, chưa ghi gì):\n{exc}", returncode=1
            ) from exc
        if options["verbosity"] >= 2:
            for change in summary.changes:
                if change.kind != "unchanged":
                    where = f"Dòng {change.row}" if change.row else "Không có trong tệp"
                    self.stdout.write(
                        f"{where}: {change.code} {change.full_name} — {CHANGE_LABELS[change.kind]}: {change.detail}"
                    )
        for note in summary.notes:
            self.stdout.write(f"Lưu ý: {note}")
        for change in summary.code_changes:
            self.stdout.write(f"Có thể đổi mã: {change}")
        self.stdout.write(str(summary))
