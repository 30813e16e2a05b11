"""Stored files: random names, no MEDIA_ROOT route, and the two ways a checked file goes out (stream or nginx)."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.test import override_settings
from django.urls import Resolver404, resolve

from core.files import RandomisedUploadTo, stored_file_response
from semiannual.models import SemiannualReport


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_upload_names_keep_the_file_name_under_a_random_folder():
    upload_to = RandomisedUploadTo("certificates/")
    first = upload_to(None, "2026/0002-2026-GCN-STP.pdf")
    second = upload_to(None, "2026/0002-2026-GCN-STP.pdf")

    assert first.startswith("certificates/2026/") and first.endswith("/0002-2026-GCN-STP.pdf")
    assert first != second
    assert len(first.split("/")[2]) == 22  # 16 random bytes


def test_every_file_field_names_files_with_a_random_part():
    from django.apps import apps
    from django.db.models import FileField

    fields = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, FileField) and not isinstance(field.upload_to, RandomisedUploadTo)
    ]
    assert fields == []


@pytest.mark.parametrize("debug", [False, True])
def test_no_route_serves_media(settings, debug):
    settings.DEBUG = debug
    with pytest.raises(Resolver404):
        resolve("/media/certificates/2026/0002-2026-GCN-STP.pdf")


def test_the_configured_default_storage_stores_and_reads_back(tmp_path):
    """STORAGES["default"] is what the FileFields use: a file saved through a model comes back through it."""
    assert type(storages["default"]).__name__ == "FileSystemStorage"
    name = default_storage.save("probe/a.txt", ContentFile(b"abc"))
    with default_storage.open(name) as stored:
        assert stored.read() == b"abc"


@override_settings(
    STORAGES={
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": "/nonexistent-never-used"},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
)
def test_storage_options_come_from_the_setting_alone():
    assert str(storages["default"].location) == "/nonexistent-never-used"


def _stored_report_pdf():
    report = SemiannualReport(year=2026, number=3)
    report.pdf.save("2026/0003-BC-STP.pdf", ContentFile(b"%PDF-1.4 report"), save=False)
    return report


def test_streamed_by_django_by_default():
    report = _stored_report_pdf()
    response = stored_file_response(report.pdf, filename="bao-cao.pdf", content_type="application/pdf")

    assert b"".join(response.streaming_content) == b"%PDF-1.4 report"
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    assert "X-Accel-Redirect" not in response


def test_handed_to_nginx_when_the_prefix_is_set(settings):
    settings.LANTOA_FILES_X_ACCEL_PREFIX = "/protected-files/"
    report = _stored_report_pdf()
    response = stored_file_response(report.pdf, filename="báo cáo.pdf", content_type="application/pdf")

    assert response.content == b""
    assert response["X-Accel-Redirect"] == "/protected-files/" + report.pdf.name
    assert response["Content-Type"] == "application/pdf"
    assert "filename*=utf-8''b%C3%A1o%20c%C3%A1o.pdf" in response["Content-Disposition"]
