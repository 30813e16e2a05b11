"""The site URL checked: with the production rule on, no certificate (nor bulk job) while LANTOA_SITE_URL is
unset, loopback or not https; `check --deploy` reports the same."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from certificates.apps import site_url_check
from certificates.models import BulkIssueJob, Certificate, SerialCounter
from certificates.services.bulk import bulk_job_start
from certificates.services.register import certificate_issue
from core.site import site_url_problem
from tests.factories import AssignmentFactory, CompletionFactory

pytestmark = pytest.mark.django_db

BAD = [
    "",
    "http://127.0.0.1:8000",
    "https://127.0.0.1",
    "https://localhost:8443",
    "https://[::1]/",
    "https://0.0.0.0",
    "http://lantoa.stp.dongnai.gov.vn",
    "lantoa.stp.dongnai.gov.vn",
    "https://",
]
GOOD = ["https://lantoa.stp.dongnai.gov.vn", "https://lantoa.stp.dongnai.gov.vn:8443/", "https://10.20.0.5"]


@pytest.mark.parametrize("url", BAD)
def test_bad_site_urls_are_named(url):
    assert site_url_problem(url)


@pytest.mark.parametrize("url", GOOD)
def test_public_https_site_urls_pass(url):
    assert site_url_problem(url) is None


@pytest.mark.parametrize("url", ["", "http://127.0.0.1:8000", "http://lantoa.stp.dongnai.gov.vn"])
def test_issuing_is_refused_in_production_and_nothing_is_written(settings, url):
    settings.LANTOA_SITE_URL_REQUIRED = True
    settings.SITE_URL = url
    completion = CompletionFactory()
    with pytest.raises(ValidationError, match="LANTOA_SITE_URL"):
        certificate_issue(completion=completion)
    with pytest.raises(ValidationError, match="LANTOA_SITE_URL"):
        bulk_job_start(assignment=AssignmentFactory(course=completion.course), started_by=None)
    assert not Certificate.objects.exists() and not SerialCounter.objects.exists()
    assert not BulkIssueJob.objects.exists()


def test_issuing_works_with_a_public_https_url_and_outside_production(settings):
    settings.LANTOA_SITE_URL_REQUIRED = True
    settings.SITE_URL = "https://lantoa.stp.dongnai.gov.vn"
    certificate, created = certificate_issue(completion=CompletionFactory())
    assert created and certificate.serial
    # The development settings keep their loopback default: nothing is refused there.
    settings.LANTOA_SITE_URL_REQUIRED = False
    settings.SITE_URL = "http://127.0.0.1:8000"
    assert certificate_issue(completion=CompletionFactory())[1]


def test_check_deploy_reports_the_site_url(settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    assert [message.id for message in site_url_check()] == ["lantoa.E001"]
    with pytest.raises(SystemCheckError, match="lantoa.E001"):
        call_command("check", "--deploy", stdout=StringIO(), stderr=StringIO())
    settings.SITE_URL = "https://lantoa.stp.dongnai.gov.vn"
    assert site_url_check() == []
    # Without --deploy, the check does not run (the development default stays quiet).
    settings.SITE_URL = "http://127.0.0.1:8000"
    call_command("check", stdout=StringIO())


def test_the_bulk_page_says_why(client, settings, office_admin):
    settings.LANTOA_SITE_URL_REQUIRED = True
    settings.SITE_URL = "http://127.0.0.1:8000"
    completion = CompletionFactory()
    assignment = AssignmentFactory(course=completion.course)
    client.force_login(office_admin)
    response = client.post("/certificates/bulk/", {"assignment": assignment.pk, "unit": "", "confirmed": "1"})
    assert response.status_code == 200 and "LANTOA_SITE_URL" in response.content.decode()
    assert not BulkIssueJob.objects.exists()
