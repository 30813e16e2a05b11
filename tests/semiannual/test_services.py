"""The semiannual report's services: issuing freezes, the drafts' checks and refusals (nothing written).

The data: tests/semiannual/conftest.py."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from orgchart.models import Membership, Staff
from reports.models import CoverageSnapshot
from reports.selectors.coverage import coverage_as_of
from semiannual.models import SemiannualReport, SemiannualReportStatus
from semiannual.pdf import semiannual_pdf_bytes
from semiannual.services import (
    semiannual_report_create_draft,
    semiannual_report_delete_draft,
    semiannual_report_issue,
    semiannual_report_update_narrative,
)

from ..factories import MembershipFactory
from .builders import DECEMBER, JUNE, NARRATIVE, complete_on, make_draft, make_issued, pdf_text, person, stored_pdf

pytestmark = pytest.mark.django_db


def test_issuing_freezes_the_pdf_and_refuses_a_second_issue(two_reports, assignment, tree, media_root):
    _december, june = two_reports
    stored = stored_pdf(june)
    assert hashlib.sha256(stored).hexdigest() == june.pdf_sha256
    assert june.pdf.path.startswith(str(media_root))
    assert re.fullmatch(r"reports/semiannual/2026/[\w-]{22}/0012-BC-STP\.pdf", june.pdf.name)  # a random part
    assert june.snapshot.as_of == JUNE and june.status == SemiannualReportStatus.ISSUED

    # Later: a completion dated before 15/06 recorded late, a move, a newcomer dated back, an exemption lifted.
    complete_on(Staff.objects.get(code="G3"), assignment.course, dt.date(2026, 6, 1))
    Membership.objects.filter(staff__code="T1").update(valid_to=dt.date(2026, 1, 31))
    MembershipFactory(staff=Staff.objects.get(code="T1"), unit=tree["tgpl"], valid_from=dt.date(2026, 2, 1))
    person(tree["vp"], "N1", "Lý Thị Mới")
    assignment.exemptions.all().delete()
    live = coverage_as_of(assignment=assignment, as_of=JUNE)
    assert live.total.as_dict() != {"staff": 8, "informed": 5, "exempt": 1, "percent": 62.5}  # the world changed

    june.refresh_from_db()
    assert stored_pdf(june) == stored
    with pytest.raises(ValidationError) as refused:
        semiannual_report_issue(report=june, issued_by=None)
    assert "already been issued" in str(refused.value)
    with pytest.raises(ValidationError):
        semiannual_report_update_narrative(
            report=june,
            number=12,
            document_date=june.document_date,
            subject="Khác",
            opening="Khác",
            recipients="- Khác;",
            signer_title="GIÁM ĐỐC",
            signer_name="Người khác",
            **NARRATIVE,
        )
    with pytest.raises(ValidationError):
        semiannual_report_delete_draft(report=june)
    june.refresh_from_db()
    assert stored_pdf(june) == stored and june.subject != "Khác"
    # A later report compares with the frozen figures of 15/06, not with today's view of that date.
    later = semiannual_report_create_draft(
        assignment=assignment, period_end=dt.date(2026, 11, 1), number=40, created_by=None, period_end_reason="Đột xuất"
    )
    assert coverage_as_of(assignment=assignment, as_of=JUNE).total.percent != 62.5
    assert "Tổng cộng 62,5 " in pdf_text(semiannual_pdf_bytes(report=later))


def test_issue_uses_the_snapshot_already_taken_for_that_date(assignment):
    from reports.services.snapshots import snapshot_create

    snapshot, _created = snapshot_create(assignment=assignment, as_of=JUNE)
    report = make_issued(assignment, period_end=JUNE, number=12, document_date=JUNE)
    assert report.snapshot == snapshot
    assert CoverageSnapshot.objects.count() == 1


def test_issue_refuses_a_future_date_and_an_empty_narrative_writing_nothing(assignment):
    today = timezone.localdate()
    future = today + dt.timedelta(days=62)  # in the month after next: issuing opens on its first working day
    report = semiannual_report_create_draft(
        assignment=assignment, period_end=future, number=50, created_by=None, period_end_reason="Báo cáo đột xuất"
    )
    with pytest.raises(ValidationError) as refused:
        semiannual_report_issue(report=report, issued_by=None)
    problems = refused.value.message_dict
    assert "has not come yet" in " ".join(problems["period_end"])
    assert set(problems) >= {"period_end", "results_summary", "limitations", "next_tasks", "proposals"}
    report.refresh_from_db()
    assert report.status == SemiannualReportStatus.DRAFT and not report.pdf and not report.pdf_sha256
    assert not CoverageSnapshot.objects.exists()


# --- drafts: checks ------------------------------------------------------------------------------------------


def test_create_draft_defaults(assignment, office_admin):
    report = semiannual_report_create_draft(
        assignment=assignment, period_end=JUNE, number="12/BC-STP", created_by=office_admin
    )
    assert report.number == 12 and report.year == report.document_date.year
    assert report.document_date == max(JUNE, timezone.localdate())
    assert report.recipients.splitlines() == [
        "- UBND tỉnh (b/c);",
        "- Sở Khoa học và Công nghệ;",
        "- Giám đốc, các PGĐ Sở;",
        "- Lưu: VT, VP.",
    ]
    assert (report.signer_title, report.signer_name) == ("GIÁM ĐỐC", "Phạm Thị Bích Thủy")
    assert report.subject.endswith("6 tháng đầu năm 2026")
    assert report.status == SemiannualReportStatus.DRAFT and report.created_by == office_admin


@pytest.mark.parametrize(
    ("period_end", "number", "reason", "field", "message"),
    [
        (dt.date(2026, 6, 10), 12, "", "period_end_reason", "not a reporting deadline"),
        (dt.date(2025, 6, 15), 12, "", "period_end", "The assignment starts on 01/09/2025"),
        (JUNE, "abc", "", "number", "Enter the document number"),
        (JUNE, 0, "", "number", "Enter the document number"),
    ],
)
def test_create_draft_refusals_write_nothing(assignment, period_end, number, reason, field, message):
    with pytest.raises(ValidationError) as refused:
        semiannual_report_create_draft(
            assignment=assignment, period_end=period_end, number=number, created_by=None, period_end_reason=reason
        )
    assert message in " ".join(refused.value.message_dict[field])
    assert not SemiannualReport.objects.exists()


def test_another_date_with_a_reason_is_allowed(assignment):
    report = semiannual_report_create_draft(
        assignment=assignment,
        period_end=dt.date(2026, 6, 10),
        number=12,
        created_by=None,
        period_end_reason="Số liệu chốt sớm để kịp gửi trước ngày 15/6.",
    )
    assert report.period_end_reason.startswith("Số liệu chốt sớm")


def test_number_is_unique_per_year_and_one_report_per_period(assignment):
    make_draft(assignment, period_end=DECEMBER, number=12, document_date=dt.date(2025, 12, 20))
    # Same number, another year: allowed.
    june = semiannual_report_create_draft(assignment=assignment, period_end=JUNE, number=12, created_by=None)
    with pytest.raises(ValidationError) as refused:
        semiannual_report_create_draft(assignment=assignment, period_end=JUNE, number=13, created_by=None)
    assert "already a report of this assignment for 15/06/2026" in str(refused.value)
    other = semiannual_report_create_draft(
        assignment=assignment, period_end=dt.date(2026, 6, 1), number=13, created_by=None, period_end_reason="Đột xuất"
    )
    with pytest.raises(ValidationError) as refused:
        semiannual_report_update_narrative(
            report=other,
            number="12/BC-STP",
            document_date=june.document_date,
            subject=other.subject,
            opening=other.opening,
            recipients=other.recipients,
            signer_title=other.signer_title,
            signer_name=other.signer_name,
            **NARRATIVE,
        )
    assert "12/BC-STP is already used" in " ".join(refused.value.message_dict["number"])
    other.refresh_from_db()
    assert other.number == 13 and other.results_summary == ""


def test_narrative_is_normalised_and_legacy_text_refused(assignment):
    report = semiannual_report_create_draft(assignment=assignment, period_end=JUNE, number=12, created_by=None)
    common = {
        "number": 12,
        "document_date": dt.date(2026, 6, 20),
        "subject": report.subject,
        "opening": report.opening,
        "signer_title": "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
        "signer_name": "Nguyễn Văn Phó",
        "recipients": report.recipients,
    }
    with pytest.raises(ValidationError) as refused:
        semiannual_report_update_narrative(
            report=report,
            **{**common, "document_date": dt.date(2026, 5, 29)},  # before 01/06, the first working day
            results_summary="Hµ Néi tæ chøc héi nghÞ",  # TCVN3
            limitations="",
            next_tasks="",
            proposals="",
        )
    assert set(refused.value.message_dict) == {"document_date", "results_summary"}
    nfd = "Hoa\u0300 thành"  # "Hoà" typed on macOS (NFD)
    report = semiannual_report_update_narrative(
        report=report,
        **common,
        results_summary=f"  {nfd}  \r\n\r\n  Dòng   hai ",
        limitations="",
        next_tasks="",
        proposals="",
    )
    assert report.results_summary == "Hoà thành\nDòng hai"
    text = pdf_text(semiannual_pdf_bytes(report=report))
    assert "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC" in text and "Nguyễn Văn Phó" in text
