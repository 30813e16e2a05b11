"""`issue_certificates --assignment S [--unit U] [--output DIR] [--dry-run]` (DESIGN.md).

Certificates for everyone in the assignment who has completed its course and holds none
yet; with `--output`, their PDFs (named after the serial) and the register book (xlsx)
are written to DIR. One transaction: on any error nothing is issued and no file is left
behind. Running it again issues nothing new.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from certificates import services
from certificates.selectors import completion_list_awaiting_certificate
from certificates.services import REGISTER_FILE_NAME
from courses.models import Assignment
from orgchart.models import Unit


class Command(BaseCommand):
    help = (
        "Issue certificates to everyone in an assignment who has completed its course and has none yet; "
        "optionally write their PDFs and the register (xlsx) to a directory."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--assignment", required=True, help="the assignment's code, e.g. nq57-2025")
        parser.add_argument("--unit", help="only people in this unit (and its sub-units) when they completed")
        parser.add_argument("--output", help="a directory for the PDFs and the register xlsx")
        parser.add_argument("--dry-run", action="store_true", help="count without issuing or writing")

    def handle(self, *args, **options) -> None:
        problems = []
        assignment = Assignment.objects.select_related("course").filter(slug=options["assignment"].strip()).first()
        if assignment is None:
            problems.append(f'Không có đợt giao khóa học nào có mã "{options["assignment"]}".')
        unit = None
        if options["unit"]:
            unit = Unit.objects.filter(code__iexact=options["unit"].strip()).first()
            if unit is None:
                problems.append(f'Không có đơn vị nào có mã "{options["unit"]}".')
        output = Path(options["output"]) if options["output"] else None
        if output is not None and output.exists() and not output.is_dir():
            problems.append(f'"{output}" đã tồn tại nhưng không phải là thư mục — hãy chọn thư mục khác.')
        if problems:
            self._refuse(problems)

        completions = completion_list_awaiting_certificate(assignment=assignment, unit=unit)
        scope = f'đợt giao "{assignment.slug}"' + (f", đơn vị {unit.code}" if unit else "")
        if options["dry_run"]:
            self.stdout.write(f"Chạy thử: sẽ cấp {len(completions)} giấy chứng nhận ({scope}) — chưa ghi gì.")
            return

        stored: list[str] = []
        try:
            with transaction.atomic():
                certificates = []
                for completion in completions:
                    certificate, _created = services.certificate_issue(completion=completion)
                    certificate = services.certificate_pdf_ensure(certificate=certificate)
                    stored.append(certificate.pdf.name)
                    certificates.append(certificate)
                if output is not None and certificates:
                    self._write_output(output=output, certificates=certificates)
        except Exception as error:
            for name in stored:
                default_storage.delete(name)
            if isinstance(error, CommandError):
                raise
            self._refuse([f"{type(error).__name__}: {error}"])

        summary = f"Đã cấp {len(certificates)} giấy chứng nhận ({scope})"
        if output is not None and certificates:
            summary += f"; đã ghi {len(certificates)} tệp PDF và sổ cấp vào {output}"
        self.stdout.write(summary + ".")

    def _write_output(self, *, output: Path, certificates: list) -> None:
        """Write into a temporary sibling directory, then move the files in: no half-written directory."""
        output.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=output, prefix=".issue-") as staging:
            staging_dir = Path(staging)
            names = []
            for certificate in certificates:
                name = services.serial_file_name(certificate.serial)
                with certificate.pdf.open("rb") as source:
                    (staging_dir / name).write_bytes(source.read())
                names.append(name)
            services.register_export_xlsx(certificates=certificates, target=staging_dir / REGISTER_FILE_NAME)
            for name in [*names, REGISTER_FILE_NAME]:
                (staging_dir / name).replace(output / name)

    def _refuse(self, problems: list[str]) -> None:
        lines = "\n".join(f"- {problem}" for problem in problems)
        raise CommandError(f"Không cấp được giấy chứng nhận ({len(problems)} lỗi, chưa ghi gì):\n{lines}")
