"""The semiannual report: the PDF's text and format, the change since the previous report, the services'
refusals, freezing on issue, the Office-only pages and `coverage_report --format pdf`.

The tree (tests/conftest.py): STP → VP → VP-TH; STP → TGPL. People (from 01/01/2025):
    VP     CB-VP (unit head), V1, V2
    VP-TH  CB-HV (learner), T1
    TGPL   CB-TG (other unit head, exempt 01/01/2026–31/12/2026), G1, G2, G3
Completions: V1 01/11/2025, G1 01/12/2025, V2 01/03/2026, T1 20/05/2026, G2 15/06/2026, G3 16/06/2026.

So on 15/12/2025: VP 5 people, 1 informed (20%); VP-TH 2, 0 (0%); TGPL 4, 1 (25%); total 9, 2 (22,22%).
On 15/06/2026: VP 5, 3 (60%); VP-TH 2, 1 (50%); TGPL 3 (+1 exempt), 2 (66,67%); total 8 (+1), 5 (62,5%).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from courses.models import Assignment, AssignmentUnit, Completion, CompletionEvidence, Course
from orgchart.models import Membership, Staff, StaffCategory
from reports.models import CoverageSnapshot
from reports.selectors.coverage import coverage_as_of
from reports.services.exemptions import exemption_create
from semiannual.models import SemiannualReport, SemiannualReportStatus
from semiannual.pdf import semiannual_pdf_bytes
from semiannual.services import (
    semiannual_report_create_draft,
    semiannual_report_delete_draft,
    semiannual_report_issue,
    semiannual_report_update_narrative,
)

from ..factories import MembershipFactory, StaffFactory, UnitFactory

pytestmark = pytest.mark.django_db

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


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Issued PDFs are stored files: keep them out of the project's media directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def english(client, settings):
    """Service messages and pages are translated; these tests read their English source (pages: the language cookie)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def _person(unit, code, name, category=StaffCategory.CIVIL_SERVANT):
    staff = StaffFactory(code=code, full_name=name)
    MembershipFactory(staff=staff, unit=unit, category=category, valid_from=dt.date(2025, 1, 1))
    return staff


def _complete(staff, course, on):
    Completion.objects.create(
        staff=staff, course=course, completed_on=on, evidence=CompletionEvidence.EXTERNAL, external_reference=staff.code
    )


@pytest.fixture
def assignment(tree, learner, unit_head, other_unit_head, office_admin):
    course = Course.objects.create(slug="nq57")
    assignment = Assignment.objects.create(
        slug="nq57-2025",
        title="Quán triệt Nghị quyết 57-NQ/TW năm 2025",
        course=course,
        starts_on=dt.date(2025, 9, 1),
        due_on=dt.date(2026, 6, 30),
    )
    AssignmentUnit.objects.create(assignment=assignment, unit=tree["root"], include_descendants=True)
    people = {
        "V1": _person(tree["vp"], "V1", "Nguyễn Văn Một"),
        "V2": _person(tree["vp"], "V2", "Trần Thị Hai"),
        "T1": _person(tree["vp_team"], "T1", "Lê Thị Ba"),
        "G1": _person(tree["tgpl"], "G1", "Phạm Văn Bốn", StaffCategory.PUBLIC_EMPLOYEE),
        "G2": _person(tree["tgpl"], "G2", "Hoàng Thị Năm", StaffCategory.PUBLIC_EMPLOYEE),
        "G3": _person(tree["tgpl"], "G3", "Đỗ Văn Sáu", StaffCategory.PUBLIC_EMPLOYEE),
    }
    for code, day in (
        ("V1", dt.date(2025, 11, 1)),
        ("G1", dt.date(2025, 12, 1)),
        ("V2", dt.date(2026, 3, 1)),
        ("T1", dt.date(2026, 5, 20)),
        ("G2", dt.date(2026, 6, 15)),
        ("G3", dt.date(2026, 6, 16)),
    ):
        _complete(people[code], course, day)
    exemption_create(
        staff=Staff.objects.get(code="CB-TG"),
        assignment=assignment,
        valid_from=dt.date(2026, 1, 1),
        valid_to=dt.date(2026, 12, 31),
        reason="Biệt phái",
        approver_name="Giám đốc Sở",
    )
    return assignment


def _draft(assignment, *, period_end, number, document_date, by=None, **narrative):
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


def _issued(assignment, *, period_end, number, document_date, **narrative):
    report = _draft(assignment, period_end=period_end, number=number, document_date=document_date, **narrative)
    return semiannual_report_issue(report=report, issued_by=None)


@pytest.fixture
def two_reports(assignment):
    december = _issued(assignment, period_end=DECEMBER, number=30, document_date=dt.date(2026, 1, 5))
    june = _issued(
        assignment,
        period_end=JUNE,
        number=12,
        document_date=dt.date(2026, 7, 3),
        limitations="Thiếu kinh phí in tài liệu.",
    )
    return december, june


def _stored(report) -> bytes:
    with report.pdf.open("rb") as pdf:
        return pdf.read()


def _text(pdf: bytes) -> str:
    return " ".join(" ".join((page.extract_text() or "") for page in PdfReader(io.BytesIO(pdf)).pages).split())


# --- the document ------------------------------------------------------------------------------------------


def test_issued_pdf_has_the_administrative_format_and_every_figure(two_reports):
    _december, june = two_reports
    text = _text(_stored(june))

    for expected in (
        "UBND TỈNH ĐỒNG NAI",
        "SỞ TƯ PHÁP",
        "Số: 12/BC-STP",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Đồng Nai, ngày 03 tháng 7 năm 2026",
        "BÁO CÁO",
        "Kết quả thông tin, tuyên truyền, quán triệt Nghị quyết số 57-NQ/TW",
        "6 tháng đầu năm 2026",
        "Kế hoạch số 26/KH-STP",
        "I. KẾT QUẢ THỰC HIỆN",
        "số liệu tính đến ngày 15/06/2026",
        "phải được quán triệt là 8 người (không tính 1 người được miễn); đã quán triệt 5 người, đạt 62,5%",
        "II. TỒN TẠI, HẠN CHẾ, KHÓ KHĂN, VƯỚNG MẮC",
        "III. NHIỆM VỤ TRỌNG TÂM 6 THÁNG CUỐI NĂM 2026",
        "IV. ĐỀ XUẤT, KIẾN NGHỊ",
        "Nơi nhận:",
        "- UBND tỉnh (b/c);",
        "- Giám đốc, các PGĐ Sở;",
        "- Lưu: VT, VP.",
        "GIÁM ĐỐC",
        "Phạm Thị Bích Thủy",
    ):
        assert expected in text, expected
    # The narrative, line by line.
    for paragraph in (
        "Tổ chức hội nghị quán triệt ngày 10/3/2026 cho toàn thể công chức.",
        "Đăng 12 tin bài trên Trang thông tin điện tử của Sở.",
        "Thiếu kinh phí in tài liệu.",
        NARRATIVE["next_tasks"],
        NARRATIVE["proposals"],
    ):
        assert paragraph in text, paragraph
    # The table: every unit of the scope with staff, informed, exempt, percent (tree numbering), and the totals.
    assert "1 Văn phòng Sở 5 3 0 60" in text
    assert "1.1 Tổ Tổng hợp 2 1 0 50" in text
    assert re.search(r"2 Trung tâm Trợ giúp pháp lý nhà nước 3 2 1 66,67", text), text
    assert "Tổng cộng 8 5 1 62,5" in text
    assert "thuộc Sở Tư pháp tỉnh Đồng Nai phải được quán triệt" in text  # the scope's root


def test_change_since_the_previous_report_comes_from_its_snapshot(two_reports):
    december, june = two_reports
    assert june.previous == december
    text = _text(_stored(june))

    assert (
        "So với kỳ báo cáo trước (Báo cáo số 30/BC-STP ngày 05/01/2026, số liệu tính đến ngày 15/12/2025), "
        "tỷ lệ đã quán triệt tăng 40,28 điểm phần trăm (từ 22,22% lên 62,5%)."
    ) in text
    # Per unit: the previous percent, this one, the difference (percentage points).
    change = text[text.index("3. So với kỳ báo cáo trước") :]
    assert "1 Văn phòng Sở 20 60 +40" in change
    assert "1.1 Tổ Tổng hợp 0 50 +50" in change
    assert "Trung tâm Trợ giúp pháp lý nhà nước 25 66,67 +41,67" in change
    assert "Tổng cộng 22,22 62,5 +40,28" in change


def test_first_report_has_a_month_with_a_leading_zero_and_no_previous(two_reports):
    december, _june = two_reports
    text = _text(_stored(december))

    assert december.previous is None
    assert "Số: 30/BC-STP" in text
    assert "Đồng Nai, ngày 05 tháng 01 năm 2026" in text
    assert "6 tháng cuối năm 2025" in text and "NHIỆM VỤ TRỌNG TÂM 6 THÁNG ĐẦU NĂM 2026" in text
    assert "Chưa có báo cáo kỳ trước đã ban hành để so sánh." in text
    assert "Tổng cộng 9 2 0 22,22" in text
    assert "DỰ THẢO" not in text


def test_a4_portrait_and_only_the_shipped_fonts(two_reports):
    _december, june = two_reports
    reader = PdfReader(io.BytesIO(_stored(june)))
    names = set()
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            assert descriptor["/FontFile2"].get_object().get_data()  # embedded, not referenced
            names.add(str(font["/BaseFont"]))
    assert names and all("LantoaSerif" in name for name in names), names
    assert len(names) >= 3  # regular, bold and italic faces are all in use


def test_long_tables_break_across_pages_with_their_header_repeated_and_page_numbers(assignment, tree):
    for index in range(1, 46):
        unit = UnitFactory(code=f"P{index:02d}", name=f"Phòng thử nghiệm số {index}", parent=tree["root"])
        _person(unit, f"P{index:02d}-1", f"Người số {index}")
    report = _draft(assignment, period_end=JUNE, number=7, document_date=JUNE)
    reader = PdfReader(io.BytesIO(semiannual_pdf_bytes(report=report)))
    pages = [" ".join((page.extract_text() or "").split()) for page in reader.pages]

    with_header = [index for index, page in enumerate(pages) if "Số người phải quán triệt" in page]
    assert len(with_header) >= 2, "the table's header is repeated on the next page"
    assert "Phòng thử nghiệm số 45 1 0 0 0" in " ".join(pages)
    # Page numbers from page 2 on, centred in the top margin (20 mm = 56.7 pt from the top of 842 pt).
    assert [text for text, _x in _top_margin_text(reader.pages[0]) if text.isdigit()] == []
    for number, page in enumerate(reader.pages[1:], start=2):
        [(text, x)] = _top_margin_text(page)
        assert text == str(number) and abs(x - (30 + (210 - 15 - 30) / 2) * 72 / 25.4) < 10


def _top_margin_text(page) -> list[tuple[str, float]]:
    """(text, x) of what is printed in the page's top margin."""
    found = []

    def visit(text, cm, tm, font_dict, font_size):
        x, y = tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]
        if text.strip() and y > 842 - 56.7:
            found.append((text.strip(), x))

    page.extract_text(visitor_text=visit)
    return found


def test_draft_preview_uses_live_figures_and_is_marked_draft(assignment):
    report = _draft(assignment, period_end=JUNE, number=12, document_date=JUNE, results_summary="")
    text = _text(semiannual_pdf_bytes(report=report))

    assert "DỰ THẢO" in text
    assert "Tổng cộng 8 5 1 62,5" in text
    assert "1. Công tác thông tin, tuyên truyền, quán triệt …" in text  # empty section: a placeholder
    assert not SemiannualReport.objects.exclude(status=SemiannualReportStatus.DRAFT).exists()
    assert not CoverageSnapshot.objects.exists()  # a preview freezes nothing


# --- issuing freezes -----------------------------------------------------------------------------------------


def test_issuing_freezes_the_pdf_and_refuses_a_second_issue(two_reports, assignment, tree, media_root):
    _december, june = two_reports
    stored = _stored(june)
    assert hashlib.sha256(stored).hexdigest() == june.pdf_sha256
    assert june.pdf.path.startswith(str(media_root)) and june.pdf.name == "reports/semiannual/2026/0012-BC-STP.pdf"
    assert june.snapshot.as_of == JUNE and june.status == SemiannualReportStatus.ISSUED

    # Later: a completion dated before 15/06 recorded late, a move, a newcomer dated back, an exemption lifted.
    _complete(Staff.objects.get(code="G3"), assignment.course, dt.date(2026, 6, 1))
    Membership.objects.filter(staff__code="T1").update(valid_to=dt.date(2026, 1, 31))
    MembershipFactory(staff=Staff.objects.get(code="T1"), unit=tree["tgpl"], valid_from=dt.date(2026, 2, 1))
    _person(tree["vp"], "N1", "Lý Thị Mới")
    assignment.exemptions.all().delete()
    live = coverage_as_of(assignment=assignment, as_of=JUNE)
    assert live.total.as_dict() != {"staff": 8, "informed": 5, "exempt": 1, "percent": 62.5}  # the world changed

    june.refresh_from_db()
    assert _stored(june) == stored
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
    assert _stored(june) == stored and june.subject != "Khác"
    # A later report compares with the frozen figures of 15/06, not with today's view of that date.
    later = semiannual_report_create_draft(
        assignment=assignment, period_end=dt.date(2026, 11, 1), number=40, created_by=None, period_end_reason="Đột xuất"
    )
    assert coverage_as_of(assignment=assignment, as_of=JUNE).total.percent != 62.5
    assert "Tổng cộng 62,5 " in _text(semiannual_pdf_bytes(report=later))


def test_issue_uses_the_snapshot_already_taken_for_that_date(assignment):
    from reports.services.snapshots import snapshot_create

    snapshot, _created = snapshot_create(assignment=assignment, as_of=JUNE)
    report = _issued(assignment, period_end=JUNE, number=12, document_date=JUNE)
    assert report.snapshot == snapshot
    assert CoverageSnapshot.objects.count() == 1


def test_issue_refuses_a_future_date_and_an_empty_narrative_writing_nothing(assignment):
    today = timezone.localdate()
    future = today + dt.timedelta(days=20)
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
    _draft(assignment, period_end=DECEMBER, number=12, document_date=dt.date(2025, 12, 20))
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
            **{**common, "document_date": dt.date(2026, 6, 1)},
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
    text = _text(semiannual_pdf_bytes(report=report))
    assert "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC" in text and "Nguyễn Văn Phó" in text


# --- pages ----------------------------------------------------------------------------------------------------


@pytest.fixture
def draft(assignment):
    return _draft(assignment, period_end=JUNE, number=12, document_date=JUNE)


@pytest.mark.parametrize("role", ["learner", "unit_head", "other_unit_head"])
@pytest.mark.parametrize("name", ["list", "detail", "preview", "pdf"])
def test_pages_are_for_the_office_only(client, request, draft, role, name):
    client.force_login(request.getfixturevalue(role))
    args = [] if name == "list" else [draft.pk]
    assert client.get(reverse(f"semiannual:{name}", args=args)).status_code == 404
    assert client.post(reverse("semiannual:issue", args=[draft.pk])).status_code == 404
    draft.refresh_from_db()
    assert draft.status == SemiannualReportStatus.DRAFT


def test_anonymous_is_sent_to_sign_in(client, draft):
    response = client.get(reverse("semiannual:detail", args=[draft.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_office_creates_writes_previews_issues_and_downloads(client, assignment, office_admin):
    client.force_login(office_admin)
    page = client.get(reverse("semiannual:list"))
    assert page.status_code == 200

    bad = client.post(
        reverse("semiannual:list"), {"assignment": assignment.pk, "period_end": "10/06/2026", "number": "12"}
    )
    assert bad.status_code == 200 and "not a reporting deadline" in bad.content.decode()
    assert not SemiannualReport.objects.exists()

    created = client.post(
        reverse("semiannual:list"), {"assignment": assignment.pk, "period_end": "15/06/2026", "number": "12"}
    )
    report = SemiannualReport.objects.get()
    assert created.status_code == 302 and created["Location"] == reverse("semiannual:detail", args=[report.pk])

    detail = client.get(created["Location"])
    assert detail.status_code == 200 and "Write the results (section I) before issuing." in detail.content.decode()
    form = {
        "number": "12",
        "document_date": "03/07/2026",
        "subject": report.subject,
        "opening": report.opening,
        "recipients": report.recipients,
        "signer_title": "KT. GIÁM ĐỐC\r\nPHÓ GIÁM ĐỐC",
        "signer_name": "Nguyễn Văn Phó",
        **NARRATIVE,
    }
    saved = client.post(created["Location"], form)
    assert saved.status_code == 302
    report.refresh_from_db()
    assert report.results_summary == NARRATIVE["results_summary"]  # one paragraph a line, kept
    assert report.proposals == NARRATIVE["proposals"] and report.signer_title == "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"

    preview = client.get(reverse("semiannual:preview", args=[report.pk]))
    assert preview.status_code == 200 and preview["Content-Type"] == "application/pdf"
    assert "DỰ THẢO" in _text(preview.content)
    assert client.get(reverse("semiannual:pdf", args=[report.pk])).status_code == 404  # not issued yet

    issued = client.post(reverse("semiannual:issue", args=[report.pk]))
    assert issued.status_code == 302
    report.refresh_from_db()
    assert report.status == SemiannualReportStatus.ISSUED
    download = client.get(reverse("semiannual:pdf", args=[report.pk]))
    body = b"".join(download.streaming_content)
    assert download.status_code == 200 and hashlib.sha256(body).hexdigest() == report.pdf_sha256
    text = _text(body)
    assert "Số: 12/BC-STP" in text and "DỰ THẢO" not in text and "PHÓ GIÁM ĐỐC" in text

    again = client.post(reverse("semiannual:issue", args=[report.pk]), follow=True)
    assert "already been issued" in again.content.decode()
    changed = client.post(reverse("semiannual:detail", args=[report.pk]), {**form, "subject": "Khác"})
    assert changed.status_code == 302
    report.refresh_from_db()
    assert report.subject != "Khác"


def test_office_deletes_a_draft(client, draft, office_admin):
    client.force_login(office_admin)
    response = client.post(reverse("semiannual:delete", args=[draft.pk]))
    assert response.status_code == 302 and not SemiannualReport.objects.exists()


# --- the command -------------------------------------------------------------------------------------------------


def test_coverage_report_pdf_renders_an_unsaved_report_and_writes_nothing(assignment, two_reports, tmp_path, capsys):
    output = tmp_path / "bao-cao.pdf"
    reports_before = list(SemiannualReport.objects.values_list("pk", "pdf_sha256"))
    snapshots_before = CoverageSnapshot.objects.count()

    call_command(
        "coverage_report",
        *("--assignment", "nq57-2025", "--as-of", "2026-09-01", "--format", "pdf"),
        "--output",
        str(output),
    )

    text = _text(output.read_bytes())
    assert "Số: …/BC-STP" in text and "DỰ THẢO" in text
    assert "Đồng Nai, ngày 01 tháng 9 năm 2026" in text
    assert "1. Công tác thông tin, tuyên truyền, quán triệt …" in text
    assert "II. TỒN TẠI, HẠN CHẾ, KHÓ KHĂN, VƯỚNG MẮC …" in text
    # Live figures on 01/09/2026 (G3's completion now counts), compared with the issued June report.
    assert "Tổng cộng 8 6 1 75" in text
    assert "Báo cáo số 12/BC-STP ngày 03/07/2026" in text and "Tổng cộng 62,5 75 +12,5" in text
    assert "Nơi nhận:" in text and "Phạm Thị Bích Thủy" in text
    assert list(SemiannualReport.objects.values_list("pk", "pdf_sha256")) == reports_before
    assert CoverageSnapshot.objects.count() == snapshots_before
    assert str(output) in capsys.readouterr().out


def test_coverage_report_pdf_for_one_unit(assignment, tmp_path):
    output = tmp_path / "vp.pdf"
    call_command(
        "coverage_report",
        *("--assignment", "nq57-2025", "--as-of", "2026-06-15", "--format", "pdf"),
        *("--output", str(output), "--unit", "VP"),
    )
    text = _text(output.read_bytes())
    # VP is the top of this scope: its own people get a row, its team another, VP's figures are the totals.
    assert "1 Văn phòng Sở (trực tiếp) 3 2 0 66,67" in text
    assert "2 Tổ Tổng hợp 2 1 0 50" in text
    assert "Tổng cộng 5 3 0 60" in text
    assert "Trung tâm Trợ giúp pháp lý" not in text
    assert "thuộc Văn phòng Sở phải được quán triệt là 5 người" in text
