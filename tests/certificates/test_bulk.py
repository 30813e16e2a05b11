"""Bulk issue with Celery eager (the embedded default): the job, its ZIP, running twice, the Office's pages."""

import io
import zipfile

import pytest
from openpyxl import load_workbook

from certificates.models import BulkIssueItem, BulkIssueJob, BulkIssueJobStatus, Certificate
from certificates.selectors import certificate_template_default
from certificates.selectors.bulk import bulk_job_progress
from certificates.services import bulk, serial_file_name
from tests.factories import BulkIssueJobFactory
from tests.spreadsheets import table_rows

from .conftest import assignment_for, in_person_completion, person, quiz_completion

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(tree, version):
    vp_people = [person(tree["vp"], name=f"Lê Thị Văn {n}") for n in range(3)]
    tgpl_people = [person(tree["tgpl"], name=f"Võ Minh Trợ {n}") for n in range(2)]
    not_done = person(tree["vp"], name="Chưa Học Xong")
    for staff in vp_people + tgpl_people[:1]:
        quiz_completion(staff=staff, version=version)
    in_person_completion(staff=tgpl_people[1], course=version.course)
    assignment = assignment_for(course=version.course, unit=tree["root"], staff=[*vp_people, *tgpl_people, not_done])
    return {"assignment": assignment, "vp": vp_people, "tgpl": tgpl_people, "not_done": not_done}


def _start(django_capture_on_commit_callbacks, **kwargs) -> BulkIssueJob:
    with django_capture_on_commit_callbacks(execute=True):
        job = bulk.bulk_job_start(**kwargs)
    job.refresh_from_db()
    return job


def _zip_entries(job: BulkIssueJob) -> dict[str, bytes]:
    with job.zip_file.open("rb") as stored, zipfile.ZipFile(io.BytesIO(stored.read())) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_job_issues_renders_and_zips_every_certificate(cohort, office_admin, django_capture_on_commit_callbacks):
    job = _start(django_capture_on_commit_callbacks, assignment=cohort["assignment"], started_by=office_admin)

    certificates = list(Certificate.objects.order_by("number"))
    assert job.status == BulkIssueJobStatus.DONE
    assert (job.total, job.issued, job.rendered) == (5, 5, 5)
    assert [c.number for c in certificates] == [1, 2, 3, 4, 5]
    assert not Certificate.objects.filter(staff=cohort["not_done"]).exists()
    assert all(c.issued_by == office_admin for c in certificates)

    entries = _zip_entries(job)
    pdf_names = [serial_file_name(c.serial) for c in certificates]
    assert list(entries) == [*pdf_names, bulk.REGISTER_FILE_NAME]
    for certificate in certificates:
        with certificate.pdf.open("rb") as stored:
            assert entries[serial_file_name(certificate.serial)] == stored.read()
    register = load_workbook(io.BytesIO(entries[bulk.REGISTER_FILE_NAME])).active
    rows = table_rows(register)
    assert [row[0] for row in rows[1:]] == [c.serial for c in certificates]
    assert rows[1][3] == certificates[0].holder_name
    assert job.zip_file.name.endswith(".zip") and "nq57-2025" in job.zip_file.name


def test_running_twice_issues_nothing_twice(cohort, office_admin, django_capture_on_commit_callbacks):
    first = _start(django_capture_on_commit_callbacks, assignment=cohort["assignment"], started_by=office_admin)
    serials = set(Certificate.objects.values_list("serial", flat=True))

    second = _start(django_capture_on_commit_callbacks, assignment=cohort["assignment"], started_by=office_admin)

    assert first.status == second.status == BulkIssueJobStatus.DONE
    assert second.total == 0 and not second.zip_file
    assert set(Certificate.objects.values_list("serial", flat=True)) == serials
    assert Certificate.objects.count() == 5


def test_advancing_a_job_again_does_only_missing_work(cohort, office_admin, django_capture_on_commit_callbacks):
    job = _start(django_capture_on_commit_callbacks, assignment=cohort["assignment"], started_by=office_admin)
    zip_name = job.zip_file.name
    hashes = dict(Certificate.objects.values_list("serial", "pdf_sha256"))

    # What a redelivered coordinator, render or assemble task does after the job finished: nothing.
    bulk.bulk_job_advance(job_id=job.pk)
    bulk.bulk_job_render(job_id=job.pk, certificate_ids=list(Certificate.objects.values_list("pk", flat=True)))
    bulk.bulk_job_assemble(job_id=job.pk)

    job.refresh_from_db()
    assert job.zip_file.name == zip_name
    assert dict(Certificate.objects.values_list("serial", "pdf_sha256")) == hashes
    assert BulkIssueItem.objects.filter(job=job).count() == 5


def test_a_job_killed_after_issuing_finishes_when_resumed(cohort, office_admin):
    """A worker died after the certificates were issued and before their render tasks ran: resuming renders them."""
    job = BulkIssueJobFactory(
        assignment=cohort["assignment"], started_by=office_admin, status=BulkIssueJobStatus.RUNNING
    )
    bulk._plan(job)
    from certificates import services

    for item in BulkIssueItem.objects.filter(job=job).select_related("completion"):
        certificate, _created = services.certificate_issue(completion=item.completion)
        item.certificate = certificate
        item.save()
    assert bulk_job_progress(job_id=job.pk) == {"total": 5, "issued": 5, "rendered": 0, "percent": 0}

    assert bulk.bulk_jobs_resume() == [job.pk]

    job.refresh_from_db()
    assert job.status == BulkIssueJobStatus.DONE
    assert len([name for name in _zip_entries(job) if name.endswith(".pdf")]) == 5
    assert Certificate.objects.count() == 5


def test_resume_only_stalled_jobs(cohort, office_admin):
    import datetime as dt

    from django.utils import timezone

    fresh = BulkIssueJobFactory(assignment=cohort["assignment"], progress_at=timezone.now())
    BulkIssueJobFactory(assignment=cohort["assignment"], status=BulkIssueJobStatus.FAILED, error="x")
    stale = BulkIssueJobFactory(assignment=cohort["assignment"], progress_at=timezone.now() - dt.timedelta(minutes=30))

    assert bulk.bulk_jobs_resume(stalled_for=dt.timedelta(minutes=10)) == [stale.pk]
    fresh.refresh_from_db()
    assert fresh.status == BulkIssueJobStatus.QUEUED


def test_unit_limits_the_job(cohort, tree, office_admin, django_capture_on_commit_callbacks):
    job = _start(
        django_capture_on_commit_callbacks, assignment=cohort["assignment"], unit=tree["tgpl"], started_by=office_admin
    )

    assert job.total == 2
    assert set(Certificate.objects.values_list("staff_id", flat=True)) == {s.pk for s in cohort["tgpl"]}
    assert len(_zip_entries(job)) == 3
    assert "TGPL" in job.zip_file.name


def test_a_render_error_fails_the_job_with_a_message_and_retry_finishes(
    cohort, office_admin, django_capture_on_commit_callbacks
):
    template = certificate_template_default()
    original = template.html
    template.html += '{% if serial == "0002/2026/GCN-STP" %}<img src="file:///etc/hostname">{% endif %}'
    template.save()

    job = _start(django_capture_on_commit_callbacks, assignment=cohort["assignment"], started_by=office_admin)

    assert job.status == BulkIssueJobStatus.FAILED
    assert job.error.startswith("0002/2026/GCN-STP: ")
    assert not job.zip_file
    assert Certificate.objects.count() == 5  # issued; the PDFs render when the job runs again

    template.html = original
    template.save()
    with django_capture_on_commit_callbacks(execute=True):
        bulk.bulk_job_retry(job=job)
    job.refresh_from_db()
    assert job.status == BulkIssueJobStatus.DONE and job.error == ""
    assert len(_zip_entries(job)) == 6
    assert sorted(Certificate.objects.values_list("number", flat=True)) == [1, 2, 3, 4, 5]


def test_only_a_failed_job_can_be_retried(cohort, office_admin, django_capture_on_commit_callbacks):
    from django.core.exceptions import ValidationError

    job = _start(django_capture_on_commit_callbacks, assignment=cohort["assignment"], started_by=office_admin)
    with pytest.raises(ValidationError):
        bulk.bulk_job_retry(job=job)


# ---- pages ----


@pytest.fixture
def office(client, office_admin):
    client.force_login(office_admin)
    return client


def test_office_starts_a_job_and_downloads_the_zip(office, cohort, django_capture_on_commit_callbacks):
    page = office.get("/certificates/bulk/")
    assert page.status_code == 200
    assert "nq57-2025" in page.content.decode()

    # First the confirmation step: how many certificates, nothing written yet.
    confirm = office.post("/certificates/bulk/", {"assignment": cohort["assignment"].pk, "unit": ""})
    assert confirm.status_code == 200 and "Cấp 5 giấy chứng nhận?" in confirm.content.decode()
    assert not BulkIssueJob.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(
            "/certificates/bulk/", {"assignment": cohort["assignment"].pk, "unit": "", "confirmed": "1"}
        )
    job = BulkIssueJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/certificates/bulk/{job.pk}/"

    page = office.get(f"/certificates/bulk/{job.pk}/").content.decode()
    assert 'id="bulk-progress" aria-live="polite"' in page
    assert '<progress max="5" value="5"' in page
    assert 'hx-trigger="every 2s"' not in page  # finished: no more polling
    assert f'href="/certificates/bulk/{job.pk}/download/"' in page

    download = office.get(f"/certificates/bulk/{job.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert len(archive.namelist()) == 6


def test_start_form_refuses_an_unknown_assignment(office, cohort):
    response = office.post("/certificates/bulk/", {"assignment": 999999})
    assert response.status_code == 200
    assert not BulkIssueJob.objects.exists()


def test_progress_partial_polls_while_running(office, cohort, office_admin, settings):
    office.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the page is translated; this test reads its English source
    job = BulkIssueJobFactory(assignment=cohort["assignment"], started_by=office_admin)

    partial = office.get(f"/certificates/bulk/{job.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert partial.startswith('<div class="bulk-progress" hx-get="/certificates/bulk/')
    assert 'hx-trigger="every 2s"' in partial
    assert "<progress aria-label=" in partial  # not planned yet: indeterminate
    assert "<html" not in partial

    bulk._plan(job)
    partial = office.get(f"/certificates/bulk/{job.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert '<progress max="5" value="0"' in partial
    assert "0 of 5 certificates rendered (0%)" in partial


PAGES = ["/certificates/bulk/", "/certificates/bulk/{job}/", "/certificates/bulk/{job}/download/"]


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 302), ("learner", 404), ("unit_head", 404), ("office_admin", 200), ("superuser", 200)],
)
def test_pages_are_for_the_office_only(request, client, cohort, office_admin, django_capture_on_commit_callbacks, url,
                                       role, expected):  # fmt: skip
    job = _start(django_capture_on_commit_callbacks, assignment=cohort["assignment"], started_by=office_admin)
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    response = client.get(url.format(job=job.pk))
    assert response.status_code == expected
    if role == "anonymous":
        assert response["Location"].startswith("/accounts/login/")


def test_retry_is_for_the_office_only(client, learner, cohort, office_admin):
    job = BulkIssueJobFactory(
        assignment=cohort["assignment"], status=BulkIssueJobStatus.FAILED, error="x", started_by=office_admin
    )
    client.force_login(learner)
    assert client.post(f"/certificates/bulk/{job.pk}/retry/").status_code == 404
    job.refresh_from_db()
    assert job.status == BulkIssueJobStatus.FAILED


def test_a_render_chunk_out_of_time_carries_on_instead_of_failing_the_job(
    cohort, office_admin, django_capture_on_commit_callbacks, monkeypatch
):
    """The task's soft time limit is not the certificate's fault: the rest of the chunk goes to a fresh task."""
    from celery.exceptions import SoftTimeLimitExceeded

    from certificates.services import register

    ensure = register.certificate_pdf_ensure
    calls = {"n": 0}

    def slow_once(*, certificate):
        calls["n"] += 1
        if calls["n"] == 2:
            raise SoftTimeLimitExceeded
        return ensure(certificate=certificate)

    monkeypatch.setattr(register, "certificate_pdf_ensure", slow_once)
    job = _start(django_capture_on_commit_callbacks, assignment=cohort["assignment"], started_by=office_admin)

    assert job.status == BulkIssueJobStatus.DONE and job.error == ""
    assert len(_zip_entries(job)) == 6
    assert not Certificate.objects.filter(pdf="").exists()
