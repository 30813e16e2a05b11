"""Writes for the semiannual report: a draft, its narrative, issuing it (frozen for good), deleting a draft.

Issuing takes the coverage snapshot of the report's date (`snapshot_create`: the stored
one if the date was frozen already), renders the PDF once from it and from the previous
report's snapshot, and stores the bytes with their SHA-256. An issued report is never
changed or rendered again; issuing it twice is refused.

Every problem is reported at once (field → messages, `ValidationError`) and nothing is
written then.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.dates import format_date
from core.text import detect_legacy_encoding, normalize_text
from courses.models import Assignment
from reports.selectors.snapshots import snapshot_verify
from reports.services.snapshots import snapshot_create
from semiannual.models import SemiannualReport, SemiannualReportStatus
from semiannual.pdf import semiannual_pdf_bytes
from semiannual.selectors import (
    NUMBER_SUFFIX,
    figures_date,
    is_reporting_deadline,
    issue_opens_on,
    number_text,
    semiannual_previous_for,
    semiannual_report_unsaved,
)

NARRATIVE_FIELDS = ("results_summary", "limitations", "next_tasks", "proposals")
_SUBJECT_MAX = SemiannualReport._meta.get_field("subject").max_length
_SIGNER_MAX = SemiannualReport._meta.get_field("signer_name").max_length
_NUMBER = re.compile(rf"^\s*0*(\d{{1,6}})\s*(?:/\s*{re.escape(NUMBER_SUFFIX)}\s*)?$", re.IGNORECASE)


# --- checks -------------------------------------------------------------------------------------------------


def parse_number(value: int | str | None) -> int | None:
    """12, "12" or "12/BC-STP" → 12; None when it is not a number from 1 to 999999."""
    if isinstance(value, int):
        return value if 0 < value < 1_000_000 else None
    match = _NUMBER.match(str(value or ""))
    if not match or int(match.group(1)) == 0:
        return None
    return int(match.group(1))


class _Problems:
    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.by_field.setdefault(name, []).append(message)

    def text(self, name: str, value: str, *, required: bool, max_length: int | None = None) -> str:
        """`value` normalised to NFC and trimmed (inner line breaks kept), refusing legacy encodings."""
        # One paragraph (or recipient, or title line) a line: line breaks are kept, blank lines dropped.
        lines = [normalize_text(line) for line in str(value or "").splitlines()]
        cleaned = "\n".join(line for line in lines if line)
        if not cleaned:
            if required:
                self.add(name, _("This field is required."))
        elif detect_legacy_encoding(cleaned):
            self.add(name, _("The text is in a legacy encoding (TCVN3/VNI); convert it to Unicode."))
        elif max_length is not None and len(cleaned) > max_length:
            self.add(name, _("At most %(count)d characters.") % {"count": max_length})
        return cleaned

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)


def _check_number(
    problems: _Problems, *, number: int | str | None, year: int, exclude_pk: int | None = None
) -> int | None:
    parsed = parse_number(number)
    if parsed is None:
        problems.add(
            "number", _("Enter the document number, e.g. 12 (printed as 12/%(suffix)s).") % {"suffix": NUMBER_SUFFIX}
        )
        return None
    taken = SemiannualReport.objects.filter(year=year, number=parsed)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        problems.add(
            "number",
            _("Number %(number)s is already used by another report of %(year)s.")
            % {"number": number_text(parsed), "year": year},
        )
    return parsed


def _default_document_date(period_end: dt.date) -> dt.date:
    """Today, or the first day the report may be issued when that is still to come."""
    return max(issue_opens_on(period_end), timezone.localdate())


def _check_document_date(problems: _Problems, *, period_end: dt.date, document_date: dt.date) -> None:
    opens = issue_opens_on(period_end)
    if document_date < opens:
        problems.add(
            "document_date",
            _(
                "A report for the deadline %(deadline)s is dated and issued from %(opens)s "
                "(the first working day of that month)."
            )
            % {"deadline": format_date(period_end), "opens": format_date(opens)},
        )


def _save_numbered(report: SemiannualReport) -> None:
    """Save a report whose number was checked free; refuse it if someone took the number in between."""
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        raise ValidationError(
            {
                "number": [
                    _("Number %(number)s was just taken; choose another.") % {"number": number_text(report.number)}
                ]
            }
        ) from None


# --- services -----------------------------------------------------------------------------------------------


@transaction.atomic
def semiannual_report_create_draft(
    *,
    assignment: Assignment,
    period_end: dt.date,
    number: int | str,
    created_by: User | None,
    period_end_reason: str = "",
    document_date: dt.date | None = None,
) -> SemiannualReport:
    """A draft report of `assignment` with its figures counted on `period_end`.

    The reporting date is 15/6 or 15/12 unless a reason is given; the assignment must have
    started by then, and an assignment has one report per date. The document date is the
    reporting date, or today when that has passed (the Office can change it); the number
    is unique within its year. Subject, opening, recipients and signer start from the
    defaults (the signer from the certificate register's settings).
    """
    problems = _Problems()
    if assignment is None:
        problems.add("assignment", _("Choose the assignment reported on."))
    if period_end is None:
        problems.add("period_end", _("Enter the reporting deadline, as dd/mm/yyyy."))
    reason = problems.text("period_end_reason", period_end_reason, required=False)
    if period_end is not None and not is_reporting_deadline(period_end) and not reason:
        problems.add(
            "period_end_reason",
            _("%(date)s is not a reporting deadline (15/06 or 15/12); say why the report is due on that date.")
            % {"date": format_date(period_end)},
        )
    if assignment is not None and period_end is not None:
        if period_end < assignment.starts_on:
            problems.add(
                "period_end",
                _("The assignment starts on %(start)s, after %(date)s.")
                % {"start": format_date(assignment.starts_on), "date": format_date(period_end)},
            )
        existing = SemiannualReport.objects.filter(assignment=assignment, period_end=period_end).first()
        if existing is not None:
            problems.add(
                "period_end",
                _("There is already a report of this assignment for %(date)s (number %(number)s).")
                % {"date": format_date(period_end), "number": number_text(existing.number)},
            )
    if period_end is not None and document_date is None:
        document_date = _default_document_date(period_end)
    if period_end is not None and document_date is not None:
        _check_document_date(problems, period_end=period_end, document_date=document_date)
    parsed = None
    if document_date is not None:
        parsed = _check_number(problems, number=number, year=document_date.year)
    problems.raise_if_any()

    report = semiannual_report_unsaved(assignment=assignment, period_end=period_end)
    report.period_end_reason = reason
    report.document_date = document_date
    report.year = document_date.year
    report.number = parsed
    report.previous = semiannual_previous_for(assignment=assignment, period_end=period_end)
    report.created_by = created_by
    _save_numbered(report)
    return report


def _require_draft(report: SemiannualReport) -> None:
    if report.status != SemiannualReportStatus.DRAFT:
        raise ValidationError(
            _("Report %(number)s has been issued; it can no longer be changed.")
            % {"number": number_text(report.number)}
        )


@transaction.atomic
def semiannual_report_update_narrative(
    *,
    report: SemiannualReport,
    number: int | str,
    document_date: dt.date | None,
    subject: str,
    opening: str,
    results_summary: str,
    limitations: str,
    next_tasks: str,
    proposals: str,
    recipients: str,
    signer_title: str,
    signer_name: str,
) -> SemiannualReport:
    """Save what the Office writes in a draft: number and date, subject, opening, the four narrative
    sections, "Nơi nhận" (one recipient a line) and the signer (title lines, name).

    The narrative sections may stay empty while drafting; issuing needs them.
    """
    report = SemiannualReport.objects.select_for_update().get(pk=report.pk)
    _require_draft(report)
    problems = _Problems()
    values = {
        "subject": problems.text("subject", subject, required=True, max_length=_SUBJECT_MAX),
        "opening": problems.text("opening", opening, required=True),
        "recipients": problems.text("recipients", recipients, required=True),
        "signer_title": problems.text("signer_title", signer_title, required=True, max_length=_SIGNER_MAX),
        "signer_name": problems.text("signer_name", signer_name, required=True, max_length=_SIGNER_MAX),
    }
    if "\n" in values["subject"]:
        values["subject"] = " ".join(values["subject"].split())
    if "\n" in values["signer_name"]:
        problems.add("signer_name", _("The name fits on one line."))
    for name, value in (
        ("results_summary", results_summary),
        ("limitations", limitations),
        ("next_tasks", next_tasks),
        ("proposals", proposals),
    ):
        values[name] = problems.text(name, value, required=False)
    if document_date is None:
        problems.add("document_date", _("Enter the document date, as dd/mm/yyyy."))
    else:
        _check_document_date(problems, period_end=report.period_end, document_date=document_date)
    parsed = None
    if document_date is not None:
        parsed = _check_number(problems, number=number, year=document_date.year, exclude_pk=report.pk)
    problems.raise_if_any()

    for name, value in values.items():
        setattr(report, name, value)
    report.number = parsed
    report.document_date = document_date
    report.year = document_date.year
    _save_numbered(report)
    return report


def semiannual_report_issue_problems(*, report: SemiannualReport, today: dt.date) -> dict[str, list[str]]:
    """Why a draft cannot be issued today (field → messages); empty when it can."""
    problems = _Problems()
    if report.status != SemiannualReportStatus.DRAFT:
        problems.add(
            "status",
            _("Report %(number)s has already been issued; an issued report is never issued again.")
            % {"number": number_text(report.number)},
        )
        return problems.by_field
    opens = issue_opens_on(report.period_end)
    if today < opens:
        problems.add(
            "period_end",
            _("The report for the deadline %(deadline)s can be issued from %(opens)s, which has not come yet.")
            % {"deadline": format_date(report.period_end), "opens": format_date(opens)},
        )
    if report.document_date > today:
        problems.add(
            "document_date",
            _("The document is dated %(date)s, which has not come yet.") % {"date": format_date(report.document_date)},
        )
    else:
        counted_on = figures_date(period_end=report.period_end, on_date=today)
        if report.document_date < counted_on:
            problems.add(
                "document_date",
                _("The document is dated %(date)s, but issuing counts its figures on %(counted)s; date it %(counted)s.")
                % {"date": format_date(report.document_date), "counted": format_date(counted_on)},
            )
    labels = {
        "results_summary": _("Write the results (section I) before issuing."),
        "limitations": _("Write the limitations and difficulties (section II) before issuing."),
        "next_tasks": _("Write the tasks for the next period (section III) before issuing."),
        "proposals": _("Write the proposals (section IV) before issuing."),
    }
    for name in NARRATIVE_FIELDS:
        if not getattr(report, name).strip():
            problems.add(name, labels[name])
    return problems.by_field


def semiannual_report_issue(*, report: SemiannualReport, issued_by: User | None) -> SemiannualReport:
    """Freeze the report: snapshot of its date, the PDF rendered once and stored with its SHA-256.

    Refused (nothing written) for a report already issued, before the first working day of
    its deadline's month, a document date still to come or before its figures, or an empty
    narrative section. The figures are counted on the day of issue (the deadline itself when
    issued after it) and kept in `figures_on`; the snapshot is the stored one when that date
    was frozen already. The previous report is the latest one issued for an earlier deadline.
    """
    with transaction.atomic():
        report = SemiannualReport.objects.select_for_update().select_related("assignment").get(pk=report.pk)
        today = timezone.localdate()
        problems = semiannual_report_issue_problems(report=report, today=today)
        if problems:
            raise ValidationError(problems)
        figures_on = figures_date(period_end=report.period_end, on_date=today)
        snapshot, _created = snapshot_create(assignment=report.assignment, as_of=figures_on, created_by=issued_by)
        if not snapshot_verify(snapshot=snapshot):
            raise ValidationError(
                _("The frozen figures of %(date)s no longer match their SHA-256; the report cannot be issued.")
                % {"date": format_date(figures_on)}
            )
        report.figures_on = figures_on
        previous = semiannual_previous_for(
            assignment=report.assignment, period_end=report.period_end, exclude_pk=report.pk
        )
        report.snapshot = snapshot
        report.previous = previous
        content = semiannual_pdf_bytes(report=report)
        name = f"{report.year}/{report.number:04d}-{NUMBER_SUFFIX}.pdf"
        report.pdf.save(name, ContentFile(content), save=False)
        stored_name = report.pdf.name
        try:
            report.pdf_sha256 = hashlib.sha256(content).hexdigest()
            report.status = SemiannualReportStatus.ISSUED
            report.issued_by = issued_by
            report.issued_at = timezone.now()
            report.save(
                update_fields=[
                    "snapshot",
                    "figures_on",
                    "previous",
                    "pdf",
                    "pdf_sha256",
                    "status",
                    "issued_by",
                    "issued_at",
                    "updated_at",
                ]
            )
        except BaseException:
            report.pdf.storage.delete(stored_name)
            raise
    return report


@transaction.atomic
def semiannual_report_delete_draft(*, report: SemiannualReport) -> None:
    """Remove a draft (a wrong date or assignment); an issued report stays for good."""
    report = SemiannualReport.objects.select_for_update().get(pk=report.pk)
    _require_draft(report)
    report.delete()


@transaction.atomic
def semiannual_report_correct(
    *, report: SemiannualReport, number: int | str, created_by: User | None
) -> SemiannualReport:
    """A new draft that corrects an issued report: the same assignment and deadline, its narrative copied,
    a number of its own. Issued like any draft (figures of its own issue day); its text names the
    report it replaces, which stays in the register as it was issued.

    Refused for a draft (change it instead) and for a report that already has a correction (correct that one).
    """
    report = SemiannualReport.objects.select_for_update().get(pk=report.pk)
    problems = _Problems()
    if report.status != SemiannualReportStatus.ISSUED:
        problems.add("status", _("Only an issued report can be corrected; change the draft instead."))
    existing = report.corrections.order_by("-pk").first()
    if existing is not None:
        problems.add(
            "status",
            _("Report %(number)s already has a correction (%(correction)s); correct that one.")
            % {"number": number_text(report.number), "correction": number_text(existing.number)},
        )
    document_date = _default_document_date(report.period_end)
    parsed = _check_number(problems, number=number, year=document_date.year)
    problems.raise_if_any()
    correction = SemiannualReport(
        assignment_id=report.assignment_id,
        period_end=report.period_end,
        period_end_reason=report.period_end_reason,
        year=document_date.year,
        number=parsed,
        document_date=document_date,
        subject=report.subject,
        opening=report.opening,
        results_summary=report.results_summary,
        limitations=report.limitations,
        next_tasks=report.next_tasks,
        proposals=report.proposals,
        recipients=report.recipients,
        signer_title=report.signer_title,
        signer_name=report.signer_name,
        previous=report.previous,
        corrects=report,
        created_by=created_by,
    )
    _save_numbered(correction)
    return correction
