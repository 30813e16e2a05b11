"""Writes to the certificate register: issue, render and store the PDF, revoke, re-issue, export.

Issuing and rendering are two steps so that each is small and safe to repeat:
`certificate_issue` allocates the serial and inserts the register entry in one short
transaction (the year's counter row is locked with SELECT … FOR UPDATE, so serials are
gap-free and unique under concurrent issue; an error rolls back the number with the
row); `certificate_pdf_ensure` renders and stores the PDF once. A task or the bulk job
can call `certificate_issue_for_completion` for one completion, any number of times: a
person holds at most one valid certificate per course (a database constraint), so a
repeat returns the existing one and renders only what is missing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from base64 import b32encode
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from accounts.models import User
from certificates import selectors
from certificates.models import Certificate, CertificateStatus, CertificateTemplate, SerialCounter
from certificates.rendering import certificate_pdf_bytes, format_percent
from core.site import site_url_problem_for_issuing
from core.spreadsheets import Column, printable_sheet, sheet_title
from core.task_queue import task_send_on_commit
from courses.models import Completion, CompletionEvidence

CODE_BYTES = 10  # 80 random bits → 16 base32 characters
# The task that calls `certificate_issue_for_completion` (certificates.tasks), sent by name: see core.task_queue.
TASK_ISSUE_FOR_COMPLETION = "certificates.tasks.certificate_issue_for_completion"


def certificate_code_new() -> str:
    return b32encode(secrets.token_bytes(CODE_BYTES)).decode("ascii").rstrip("=")


def serial_format(*, number: int, year: int, suffix: str) -> str:
    return f"{number:04d}/{year}/{suffix}"


def file_name_safe(text: str) -> str:
    """Letters, digits, "-" and "_" kept, anything else (a slash, a space) made a "-"."""
    return "".join(char if char.isalnum() or char in "-_" else "-" for char in text)


def serial_file_name(serial: str) -> str:
    """A file name for a serial: "0001/2026/GCN-STP" → "0001-2026-GCN-STP.pdf"."""
    return f"{file_name_safe(serial)}.pdf"


def _facts(*, completion: Completion) -> dict:
    """What the certificate prints about the holder and the course, as of the completion date."""
    membership = selectors.membership_on(staff_id=completion.staff_id, on_date=completion.completed_on)
    version = completion.version or completion.course.versions.exclude(status="draft").order_by("-number").first()
    if completion.evidence == CompletionEvidence.QUIZ:
        form = "trực tuyến"
        score = completion.attempt.score_percent if completion.attempt_id else None
        result = format_percent(score) if score is not None else ""
    elif completion.evidence == CompletionEvidence.IN_PERSON:
        form, result = "tập trung", ""
    else:
        form, result = "", ""
    return {
        "holder_name": completion.staff.full_name,
        "unit_name": membership.unit.name if membership else "",
        "position": membership.position if membership else "",
        "course_title": version.title if version else completion.course.slug,
        "completed_on": completion.completed_on,
        "form": form,
        "result": result,
    }


def _allocate_and_insert(*, completion: Completion, issued_on: dt.date, issued_by: User | None, replaces) -> tuple:
    register = selectors.register_settings_get()
    facts = _facts(completion=completion)
    year = issued_on.year
    SerialCounter.objects.get_or_create(year=year)
    with transaction.atomic():
        counter = SerialCounter.objects.select_for_update().get(year=year)
        # Checked under the counter lock: a concurrent issue for the same person has committed by now.
        existing = selectors.certificate_valid_for(staff_id=completion.staff_id, course_id=completion.course_id)
        if existing is not None:
            return existing, False
        number = counter.last_number + 1
        certificate = Certificate.objects.create(
            staff_id=completion.staff_id,
            course_id=completion.course_id,
            completion=completion,
            year=year,
            number=number,
            serial=serial_format(number=number, year=year, suffix=register.serial_suffix),
            code=certificate_code_new(),
            issued_on=issued_on,
            signer_name=register.signer_name,
            signer_title=register.signer_title,
            issued_by=issued_by,
            replaces=replaces,
            **facts,
        )
        counter.last_number = number
        counter.save(update_fields=["last_number"])
    return certificate, True


def require_site_url_for_certificates() -> None:
    """Refuse (ValidationError) while the site URL cannot be encoded in a certificate's QR code (`core.site`)."""
    problem = site_url_problem_for_issuing()
    if problem:
        raise ValidationError(
            _("Certificates cannot be issued yet: %(problem)s Their QR code would point at the wrong address.")
            % {"problem": problem}
        )


def certificate_issue(
    *,
    completion: Completion,
    issued_on: dt.date | None = None,
    issued_by: User | None = None,
    replaces: Certificate | None = None,
) -> tuple[Certificate, bool]:
    """Enter a certificate for this completion in the register; returns (certificate, created).

    If the person already holds a valid certificate for the course, that one is returned
    and nothing is written. The PDF is not rendered here: call `certificate_pdf_ensure`.
    """
    require_site_url_for_certificates()
    issued_on = issued_on or timezone.localdate()
    if issued_on < completion.completed_on:
        raise ValidationError("A certificate cannot be issued before the completion it certifies.")
    try:
        return _allocate_and_insert(completion=completion, issued_on=issued_on, issued_by=issued_by, replaces=replaces)
    except IntegrityError:
        # Only reachable without the row lock doing its job (a second valid certificate raced in):
        # everything, the number included, was rolled back; hand back the winner.
        existing = selectors.certificate_valid_for(staff_id=completion.staff_id, course_id=completion.course_id)
        if existing is None:
            raise
        return existing, False


def certificate_pdf_render(*, certificate: Certificate, template: CertificateTemplate | None = None) -> bytes:
    """The certificate's PDF as its course's template (or `template`) renders it now (the stored one is what counts)."""
    if template is None:
        template = selectors.certificate_template_for_course(course_id=certificate.course_id)
    return certificate_pdf_bytes(
        certificate=certificate, template=template, register_details=selectors.register_details_get()
    )


def certificate_pdf_ensure(*, certificate: Certificate) -> Certificate:
    """Render and store the PDF unless it is stored already; safe to run twice or concurrently."""
    if certificate.pdf:
        return certificate
    template = selectors.certificate_template_for_course(course_id=certificate.course_id)
    content = certificate_pdf_render(certificate=certificate, template=template)
    digest = hashlib.sha256(content).hexdigest()
    name = f"{certificate.year}/{serial_file_name(certificate.serial)}"
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.pdf:
            return locked
        locked.pdf.save(name, ContentFile(content), save=False)
        locked.pdf_sha256 = digest
        locked.template = template
        locked.save(update_fields=["pdf", "pdf_sha256", "template"])
    return locked


def certificate_issue_for_completion(
    *, completion_id: int, issued_by: User | None = None, only_if_course_says_so: bool = False
) -> Certificate | None:
    """Issue (if needed) and render (if needed) the certificate for one completion. Idempotent.

    With `only_if_course_says_so` (the after-completion task), nothing happens unless the
    course is set to issue on completion. Returns None when nothing is to be issued.
    """
    completion = Completion.objects.select_related("staff", "course", "attempt", "version").filter(pk=completion_id)
    completion = completion.first()
    if completion is None:
        return None
    if only_if_course_says_so and not selectors.course_issues_on_completion(course_id=completion.course_id):
        return None
    certificate, _created = certificate_issue(completion=completion, issued_by=issued_by)
    return certificate_pdf_ensure(certificate=certificate)


def certificate_schedule_for_completion(*, completion: Completion) -> None:
    """After the completion commits, issue its certificate in a task if the course says so.

    Called for each new completion (`courses.signals.completion_recorded`, certificates.receivers).
    """
    if not selectors.course_issues_on_completion(course_id=completion.course_id):
        return
    task_send_on_commit(TASK_ISSUE_FOR_COMPLETION, completion.pk)


def certificate_revoke(*, certificate: Certificate, reason: str, revoked_by: User | None) -> Certificate:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "A revocation needs a reason."})
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.status == CertificateStatus.REVOKED:
            raise ValidationError("This certificate is already revoked.")
        locked.status = CertificateStatus.REVOKED
        locked.revoked_at = timezone.now()
        locked.revoked_by = revoked_by
        locked.revocation_reason = reason
        locked.save(update_fields=["status", "revoked_at", "revoked_by", "revocation_reason"])
    return locked


def certificate_reissue(
    *, certificate: Certificate, reason: str, issued_by: User | None, issued_on: dt.date | None = None
) -> Certificate:
    """Revoke a certificate and issue its replacement (a new serial that `replaces` it), in one transaction.

    The replacement prints today's roster details (a corrected name, say) and is rendered
    with the course's current template.
    """
    with transaction.atomic():
        revoked = certificate_revoke(certificate=certificate, reason=reason, revoked_by=issued_by)
        completion = Completion.objects.select_related("staff", "course", "attempt", "version").get(
            pk=revoked.completion_id
        )
        replacement, _created = certificate_issue(
            completion=completion, issued_on=issued_on, issued_by=issued_by, replaces=revoked
        )
    return certificate_pdf_ensure(certificate=replacement)


REGISTER_FILE_NAME = "so-cap-giay-chung-nhan.xlsx"  # the register book's name wherever it is written or sent
REGISTER_COLUMNS = (
    "Số vào sổ",
    "Số hiệu",
    "Ngày cấp",
    "Họ và tên",
    "Mã cán bộ",
    "Đơn vị",
    "Chức vụ",
    "Khóa học",
    "Ngày hoàn thành",
    "Hình thức",
    "Kết quả",
    "Người ký",
    "Tình trạng",
    "Lý do thu hồi",
    "Cấp lại cho số",
)


REGISTER_SHEET_NAME = "Sổ cấp giấy chứng nhận"


def register_export_xlsx(
    *, certificates: Iterable[Certificate], target: BinaryIO | Path | str, as_of: dt.date | None = None
) -> int:
    """Write the register book (one printable sheet, streamed) to `target`; returns the row count.

    The dates are date cells (dd/mm/yyyy); the title row says the register as of `as_of` (today).
    """
    workbook = Workbook(write_only=True)
    rows = (
        [
            certificate.serial,
            certificate.code,
            certificate.issued_on,
            certificate.holder_name,
            certificate.staff.code,
            certificate.unit_name,
            certificate.position,
            certificate.course_title,
            certificate.completed_on,
            certificate.form,
            certificate.result,
            f"{certificate.signer_title} {certificate.signer_name}",
            "Còn hiệu lực" if certificate.is_valid else "Đã thu hồi",
            certificate.revocation_reason,
            certificate.replaces.serial if certificate.replaces_id else "",
        ]
        for certificate in certificates
    )
    count = printable_sheet(
        workbook,
        name=REGISTER_SHEET_NAME,
        title=sheet_title(what=REGISTER_SHEET_NAME, as_of=as_of or timezone.localdate()),
        columns=[Column(title) for title in REGISTER_COLUMNS],
        rows=rows,
    )
    workbook.save(target)
    return count
