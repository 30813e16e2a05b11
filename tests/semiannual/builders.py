"""Builders for the semiannual report tests (plain functions; the fixtures are in conftest.py)."""

from __future__ import annotations

import datetime as dt
import io

from pypdf import PdfReader

from orgchart.models import StaffCategory
from semiannual.services import (
    semiannual_report_create_draft,
    semiannual_report_issue,
    semiannual_report_update_narrative,
)

from ..factories import CompletionFactory, MembershipFactory, StaffFactory

DECEMBER = dt.date(2025, 12, 15)
JUNE = dt.date(2026, 6, 15)
NARRATIVE = {
    "results_summary": (
        "Tổ chức hội nghị quán triệt ngày 10/3/2026 cho toàn thể công chức.\n"
        "Đăng 12 tin bài trên Trang thông tin điện tử của Sở."
    ),
    "limitations": "Một số viên chức đi công tác dài ngày chưa tham dự được.",
    "next_tasks": "Hoàn thành quán triệt cho 100% người còn lại trước ngày 30/9.",
    "proposals": "Đề nghị UBND tỉnh bố trí kinh phí đào tạo chuyên sâu về truyền thông số.",
}


def person(unit, code, name, category=StaffCategory.CIVIL_SERVANT):
    staff = StaffFactory(code=code, full_name=name)
    MembershipFactory(staff=staff, unit=unit, category=category, valid_from=dt.date(2025, 1, 1))
    return staff


def complete_on(staff, course, on):
    CompletionFactory(staff=staff, course=course, completed_on=on, external_reference=staff.code)


def make_draft(assignment, *, period_end, number, document_date, by=None, **narrative):
    report = semiannual_report_create_draft(assignment=assignment, period_end=period_end, number=number, created_by=by)
    return semiannual_report_update_narrative(
        report=report,
        number=number,
        document_date=document_date,
        subject=report.subject,
        opening=report.opening,
        recipients=report.recipients,
        signer_title=report.signer_title,
        signer_name=report.signer_name,
        **{**NARRATIVE, **narrative},
    )


def make_issued(assignment, *, period_end, number, document_date, **narrative):
    report = make_draft(assignment, period_end=period_end, number=number, document_date=document_date, **narrative)
    return semiannual_report_issue(report=report, issued_by=None)


def stored_pdf(report) -> bytes:
    with report.pdf.open("rb") as pdf:
        return pdf.read()


def pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join((page.extract_text() or "") for page in PdfReader(io.BytesIO(pdf)).pages).split())
