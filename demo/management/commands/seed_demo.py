from django.core.management.base import BaseCommand, CommandError

from core.importing import ImportRefused
from demo.demo import DEMO_PASSWORD, demo_seed


class Command(BaseCommand):
    help = "Build the demo department (idempotent): org chart, ~140 staff, heads, one account per role."

    def handle(self, *args, **options):
        try:
            summary = demo_seed()
        except ImportRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Đơn vị: {summary.units}")
        self.stdout.write(f"Cán bộ: {summary.roster}")
        self.stdout.write(f"Khóa học: {summary.course}")
        self.stdout.write(f"Giao khóa học: {summary.learning}")
        self.stdout.write(f"Cử đi đào tạo: {summary.nominations}")
        self.stdout.write(f"Tài khoản demo (mật khẩu chung: {DEMO_PASSWORD}):")
        for account in summary.accounts:
            line = f"  - {account.role}: {account.email} — {account.full_name} ({account.unit})"
            if account.note:
                line += f"; {account.note}"
            self.stdout.write(line)
