"""The semiannual report's PDF: its text and format, the change since the previous report, the draft preview.

The data: tests/semiannual/conftest.py."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from reports.models import CoverageSnapshot
from semiannual.models import SemiannualReport, SemiannualReportStatus
from semiannual.pdf import semiannual_pdf_bytes

from ..factories import UnitFactory
from .builders import JUNE, NARRATIVE, make_draft, pdf_text, person, stored_pdf

pytestmark = pytest.mark.django_db


def test_issued_pdf_has_the_administrative_format_and_every_figure(two_reports):
    _december, june = two_reports
    text = pdf_text(stored_pdf(june))

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
        # The opening names the assignment's course, audience and dates (issue 11 item 6).
        "Thực hiện việc quán triệt Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị cho lãnh đạo, "
        "công chức, viên chức và người lao động thuộc Sở Tư pháp tỉnh Đồng Nai (từ ngày 01/09/2025, "
        "hạn hoàn thành ngày 30/06/2026)",
        "I. KẾT QUẢ THỰC HIỆN",
        "số liệu tính đến ngày 15/06/2026",
        "của Bộ Chính trị” là 8 người (không tính 1 người được miễn); đã quán triệt 5 người, đạt 62,5%",
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
    assert "thuộc Sở Tư pháp tỉnh Đồng Nai phải được quán triệt qua khóa học" in text  # the audience's unit


def test_change_since_the_previous_report_comes_from_its_snapshot(two_reports):
    december, june = two_reports
    assert june.previous == december
    text = pdf_text(stored_pdf(june))

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
    text = pdf_text(stored_pdf(december))

    assert december.previous is None
    assert "Số: 30/BC-STP" in text
    assert "Đồng Nai, ngày 05 tháng 01 năm 2026" in text
    assert "6 tháng cuối năm 2025" in text and "NHIỆM VỤ TRỌNG TÂM 6 THÁNG ĐẦU NĂM 2026" in text
    assert "Chưa có báo cáo kỳ trước đã ban hành để so sánh." in text
    assert "Tổng cộng 9 2 0 22,22" in text
    assert "DỰ THẢO" not in text


def test_a4_portrait_and_only_the_shipped_fonts(two_reports):
    _december, june = two_reports
    reader = PdfReader(io.BytesIO(stored_pdf(june)))
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
        person(unit, f"P{index:02d}-1", f"Người số {index}")
    report = make_draft(assignment, period_end=JUNE, number=7, document_date=JUNE)
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
    report = make_draft(assignment, period_end=JUNE, number=12, document_date=JUNE, results_summary="")
    text = pdf_text(semiannual_pdf_bytes(report=report))

    assert "DỰ THẢO" in text
    assert "Tổng cộng 8 5 1 62,5" in text
    assert "1. Công tác thông tin, tuyên truyền, quán triệt …" in text  # empty section: a placeholder
    assert not SemiannualReport.objects.exclude(status=SemiannualReportStatus.DRAFT).exists()
    assert not CoverageSnapshot.objects.exists()  # a preview freezes nothing
