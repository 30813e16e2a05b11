"""The semiannual report's pages: Office only, and the Office's whole path through them.

The data: tests/semiannual/conftest.py."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.urls import reverse

from semiannual.models import SemiannualReport, SemiannualReportStatus

from .builders import NARRATIVE, pdf_text

pytestmark = pytest.mark.django_db


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
    assert "DỰ THẢO" in pdf_text(preview.content)
    assert client.get(reverse("semiannual:pdf", args=[report.pk])).status_code == 404  # not issued yet

    issued = client.post(reverse("semiannual:issue", args=[report.pk]))
    assert issued.status_code == 302
    report.refresh_from_db()
    assert report.status == SemiannualReportStatus.ISSUED
    download = client.get(reverse("semiannual:pdf", args=[report.pk]))
    body = b"".join(download.streaming_content)
    assert download.status_code == 200 and hashlib.sha256(body).hexdigest() == report.pdf_sha256
    text = pdf_text(body)
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


def test_help_texts_are_announced(client, office_admin, draft):
    """Every aria-describedby points at an element of the page (the help text's id)."""

    client.force_login(office_admin)
    for url in (reverse("semiannual:list"), reverse("semiannual:detail", args=[draft.pk])):
        html = client.get(url).content.decode()
        described = re.findall(r'aria-describedby="([^"]+)"', html)
        assert described, url
        for ids in described:
            for element_id in ids.split():
                assert f'id="{element_id}"' in html, (url, element_id)
