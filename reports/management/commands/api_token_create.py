"""`api_token_create NAME`: a bearer token for the JSON API, printed once (only its SHA-256 is stored)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.dates import format_date
from reports.services.api_tokens import DEFAULT_DAYS, api_token_create


class Command(BaseCommand):
    help = "Create a token for the /api/v1/ JSON API (e.g. for the provincial monitoring system); shown only once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="who uses the token, e.g. 'He thong giam sat tinh'")
        parser.add_argument(
            "--days", type=int, default=DEFAULT_DAYS, help=f"how long the token is valid (default {DEFAULT_DAYS})"
        )

    def handle(self, *args, name: str, days: int, **options) -> None:
        try:
            token, raw = api_token_create(name=name, days=days)
        except ValidationError as error:
            lines = "\n".join(f"- {m}" for messages in error.message_dict.values() for m in messages)
            raise CommandError(f"Không tạo được mã truy cập API:\n{lines}") from error
        self.stdout.write(raw)
        until = format_date(token.expires_at)
        self.stderr.write(
            f'Đã tạo mã truy cập API "{token.name}", dùng được đến ngày {until}; hãy lưu lại ngay, '
            "mã chỉ hiển thị một lần. Cách dùng: Authorization: Bearer <mã>"
        )
