"""The Office's register admin: issue, revoke, re-issue, export, and templates checked before saving."""

import io

import pytest
from openpyxl import load_workbook

from certificates.models import Certificate, CertificateStatus, CertificateTemplate
from tests.spreadsheets import table_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(client, office_admin):
    client.force_login(office_admin)
    return client


def test_office_issues_for_a_completion(office, completion, office_admin):
    response = office.post("/admin/certificates/certificate/issue/", {"completion": completion.pk})

    certificate = Certificate.objects.get()
    assert response.status_code == 302
    assert certificate.issued_by == office_admin
    assert certificate.pdf_sha256


def test_office_revokes_with_a_reason_and_reissues(office, completion):
    office.post("/admin/certificates/certificate/issue/", {"completion": completion.pk})
    certificate = Certificate.objects.get()

    assert office.post(f"/admin/certificates/certificate/{certificate.pk}/revoke/", {"reason": ""}).status_code == 200
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID

    office.post(f"/admin/certificates/certificate/{certificate.pk}/reissue/", {"reason": "Sai ngày sinh"})
    certificate.refresh_from_db()
    new = Certificate.objects.get(replaces=certificate)
    assert certificate.status == CertificateStatus.REVOKED
    assert certificate.revocation_reason == "Sai ngày sinh"
    assert new.status == CertificateStatus.VALID


def test_export_register(office, completion):
    office.post("/admin/certificates/certificate/issue/", {"completion": completion.pk})
    certificate = Certificate.objects.get()

    response = office.post(
        "/admin/certificates/certificate/", {"action": "export_register", "_selected_action": [certificate.pk]}
    )

    rows = table_rows(load_workbook(io.BytesIO(response.content)).active)
    assert rows[1][0] == certificate.serial


def test_template_that_reaches_outside_static_files_is_refused(office):
    response = office.post(
        "/admin/certificates/certificatetemplate/add/",
        {"name": "Xấu", "html": '<img src="http://169.254.169.254/latest">', "css": ""},
    )
    assert response.status_code == 200
    assert not CertificateTemplate.objects.filter(name="Xấu").exists()


def test_template_with_a_syntax_error_is_refused(office):
    response = office.post(
        "/admin/certificates/certificatetemplate/add/", {"name": "Lỗi", "html": "{% if %}", "css": ""}
    )
    assert response.status_code == 200
    assert not CertificateTemplate.objects.filter(name="Lỗi").exists()


def test_a_good_template_is_saved(office):
    response = office.post(
        "/admin/certificates/certificatetemplate/add/",
        {"name": "Tốt", "html": "<p>{{ holder.name }}</p>", "css": "p { color: #000 }"},
    )
    assert response.status_code == 302
    assert CertificateTemplate.objects.filter(name="Tốt").exists()


def test_unit_heads_cannot_open_the_register(client, unit_head):
    client.force_login(unit_head)
    assert client.get("/admin/certificates/certificate/").status_code == 404
