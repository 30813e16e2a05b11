"""`coverage_report --format pdf`: the semiannual report rendered without saving anything.

The data: tests/semiannual/conftest.py."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from reports.models import CoverageSnapshot
from semiannual.models import SemiannualReport

from .builders import pdf_text

pytestmark = pytest.mark.django_db


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

    text = pdf_text(output.read_bytes())
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
    text = pdf_text(output.read_bytes())
    # VP is the top of this scope: its own people get a row, its team another, VP's figures are the totals.
    assert "1 Văn phòng Sở (trực tiếp) 3 2 0 66,67" in text
    assert "2 Tổ Tổng hợp 2 1 0 50" in text
    assert "Tổng cộng 5 3 0 60" in text
    assert "Trung tâm Trợ giúp pháp lý" not in text
    assert (
        "lãnh đạo, công chức, viên chức và người lao động thuộc Văn phòng Sở phải được quán triệt qua khóa học "
        "“Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị” là 5 người"
    ) in text
