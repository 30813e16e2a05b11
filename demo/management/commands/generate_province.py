import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError

from demo.province import DEFAULT_START, ProvinceRefused, province_generate


class StderrProgress:
    """One progress line per phase on stderr, redrawn at most a few times a second."""

    def __init__(self, stream) -> None:
        self.stream = stream  # the command's OutputWrapper: `ending=""` keeps the line open
        self.phase = None
        self.drawn_at = 0.0

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        finished = total and done >= total
        if phase == self.phase and not finished and now - self.drawn_at < 0.2:
            return
        if phase != self.phase and self.phase is not None:
            self.stream.write("\n", ending="")
        self.phase = phase
        self.drawn_at = now
        share = done / total if total else 1.0
        filled = int(share * 30)
        self.stream.write(
            f"\r{phase:<22} [{'#' * filled}{'.' * (30 - filled)}] {share:6.1%} {done:>10,}/{total:,}", ending=""
        )
        self.stream.flush()

    def close(self) -> None:
        if self.phase is not None:
            self.stream.write("\n", ending="")
            self.stream.flush()


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Ngày không hợp lệ: {value!r} (định dạng YYYY-MM-DD).") from exc


class Command(BaseCommand):
    help = (
        "Build a deterministic province-scale data set (unit tree, staff, two years of memberships, courses, "
        "assignments, enrolments, quiz attempts, completions). Same arguments and seed, same data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--staff", type=int, required=True, help="number of staff")
        parser.add_argument("--units", type=int, required=True, help="number of units, the root included")
        parser.add_argument("--depth", type=int, required=True, help="levels of the unit tree (root = 1)")
        parser.add_argument("--seed", type=int, required=True)
        parser.add_argument("--assignments", type=int, default=30)
        parser.add_argument("--courses", type=int, default=20)
        parser.add_argument(
            "--start-date",
            type=_date,
            default=DEFAULT_START,
            help=f"first day of the two years of history (default {DEFAULT_START.isoformat()})",
        )
        parser.add_argument("--reset", action="store_true", help="wipe the generated tables first")
        parser.add_argument("--no-progress", action="store_true", help="no progress line on stderr")

    def handle(self, *args, **options):
        progress = None if options["no_progress"] else StderrProgress(self.stderr)
        try:
            summary = province_generate(
                staff=options["staff"],
                units=options["units"],
                depth=options["depth"],
                seed=options["seed"],
                assignments=options["assignments"],
                courses=options["courses"],
                start_date=options["start_date"],
                reset=options["reset"],
                progress=progress,
            )
        except ProvinceRefused as exc:
            raise CommandError(str(exc)) from exc
        finally:
            if progress:
                progress.close()
        self.stdout.write(str(summary))
