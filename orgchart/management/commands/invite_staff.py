from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from orgchart.models import Staff, Unit
from orgchart.selectors import membership_list_in_unit_on
from orgchart.services.accounts import InviteSummary, account_invite_many


def _codes(codes: tuple[str, ...]) -> str:
    return ", ".join(codes)


def summary_line(summary: InviteSummary) -> str:
    verb = "Chạy thử, sẽ gửi" if summary.dry_run else "Đã gửi"
    line = f"{verb} lời mời cho {len(summary.invited)} cán bộ"
    if summary.skipped_no_email:
        line += f"; bỏ qua {len(summary.skipped_no_email)} cán bộ không có email ({_codes(summary.skipped_no_email)})"
    if summary.skipped_active:
        line += f"; bỏ qua {len(summary.skipped_active)} cán bộ đã đặt mật khẩu"
    return line + "."


class Command(BaseCommand):
    help = "Email staff a link to set their password: the staff with the given codes, a unit's staff, or everyone."

    def add_arguments(self, parser):
        parser.add_argument("codes", nargs="*", metavar="CODE", help="staff codes (Mã cán bộ)")
        parser.add_argument("--unit", metavar="CODE", help="everyone currently in this unit and its sub-units")
        parser.add_argument(
            "--no-descendants", action="store_true", help="with --unit: only the unit itself, not its sub-units"
        )
        parser.add_argument("--all", dest="everyone", action="store_true", help="everyone currently on the roster")
        parser.add_argument("--dry-run", action="store_true", help="report what would be done, send nothing")

    def handle(self, *args, codes, unit, no_descendants, everyone, dry_run, **options):
        if sum([bool(codes), bool(unit), everyone]) != 1:
            raise CommandError("Hãy chọn đúng một trong ba cách: danh sách mã cán bộ, --unit MÃ_ĐƠN_VỊ hoặc --all.")
        today = timezone.localdate()
        if codes:
            found = dict(Staff.objects.filter(code__in=codes).values_list("code", "pk"))
            unknown = [code for code in dict.fromkeys(codes) if code not in found]
            if unknown:
                raise CommandError("\n".join(f"Không có cán bộ nào có mã {code}." for code in unknown))
            staff_ids = list(found.values())
        elif unit:
            unit_obj = Unit.objects.filter(code=unit).first()
            if unit_obj is None:
                raise CommandError(f"Không có đơn vị nào có mã {unit}.")
            memberships = membership_list_in_unit_on(
                unit=unit_obj, on_date=today, include_descendants=not no_descendants
            )
            staff_ids = list(memberships.values_list("staff_id", flat=True))
        else:
            staff_ids = [
                staff_id
                for root in Unit.objects.get_root_nodes()
                for staff_id in membership_list_in_unit_on(unit=root, on_date=today).values_list("staff_id", flat=True)
            ]
        try:
            summary = account_invite_many(staff_ids=staff_ids, invited_by=None, dry_run=dry_run)
        except ValidationError as exc:
            raise CommandError("Không gửi lời mời nào:\n" + "\n".join(exc.messages)) from exc
        self.stdout.write(summary_line(summary))
