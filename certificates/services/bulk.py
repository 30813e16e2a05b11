"""Bulk issue: certificates for everyone who completed an assignment, rendered in parallel, then one ZIP.

A job goes queued → running → assembling → done (or failed). Every step looks at the
database for what is still missing and does only that, so any step can run twice, or
again after a worker was killed in the middle of it:

1. **Plan** (`bulk_job_advance`, once): the completions awaiting a certificate are written
   as the job's items in one transaction.
2. **Issue**: each item's certificate in its own short transaction (the year's serial
   counter is locked only while one certificate is inserted; `certificate_issue` returns
   the existing certificate if the person already has one, so a re-run issues nothing
   twice). After each chunk, one render task for that chunk is enqueued, so rendering on
   the other workers overlaps issuing.
3. **Render** (`bulk_job_render`, one task per chunk, on any worker): `certificate_pdf_ensure`
   for each certificate of the chunk still without a PDF. The task that finds every item
   rendered moves the job to "assembling" (one conditional UPDATE decides which task) and
   enqueues the ZIP.
4. **Assemble** (`bulk_job_assemble`): one ZIP of the PDFs (named after their serials) and
   the register book, stored once under the job's row lock.

No chord: a chord waits for results a killed worker never reports. Instead,
`bulk_jobs_resume` runs `bulk_job_advance` again for unfinished jobs: when a worker starts
(the `worker_ready` signal in `certificates.tasks`: tasks a SIGKILLed worker held are not
redelivered by Redis until its visibility timeout) and periodically for jobs without
progress for a while. `bulk_job_advance` re-enqueues renders for every certificate still
without a PDF; a render that arrives after another did the work finds the PDF and returns.

With Celery eager (the embedded default, the tests) the same functions run in-process,
one after the other, and the job is done when `bulk_job_start`'s transaction commits.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import zipfile
from collections.abc import Iterable

from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from certificates.models import BulkIssueItem, BulkIssueJob, BulkIssueJobStatus, Certificate
from certificates.selectors.bulk import bulk_job_progress
from certificates.selectors.register import certificate_list_for_register, completion_list_awaiting_certificate
from certificates.services import register
from certificates.services.register import REGISTER_FILE_NAME
from core.task_queue import task_send, task_send_on_commit
from courses.models import Assignment
from orgchart.models import Unit

RENDER_CHUNK = 10  # certificates per render task: small enough to spread, large enough to keep the broker quiet
UNFINISHED = (BulkIssueJobStatus.QUEUED, BulkIssueJobStatus.RUNNING, BulkIssueJobStatus.ASSEMBLING)
# Errors worth a retry of the task (the database went away for a moment), not a failed job.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)
# The tasks (certificates.tasks) that call the steps below, sent by name: they import this module, so it imports
# nothing from them (core.task_queue). A step a task is running sends the next one at once: it is in no transaction.
TASK_ADVANCE = "certificates.tasks.bulk_job_advance"
TASK_RENDER = "certificates.tasks.bulk_job_render"
TASK_ASSEMBLE = "certificates.tasks.bulk_job_assemble"


def bulk_job_start(*, assignment: Assignment, unit: Unit | None = None, started_by: User | None) -> BulkIssueJob:
    """Record a job and, after commit, enqueue its coordinator (`bulk_job_advance`).

    Refused, with nothing written, while the site URL cannot go on a certificate (`core.site`).
    """
    register.require_site_url_for_certificates()
    job = BulkIssueJob.objects.create(assignment=assignment, unit=unit, started_by=started_by)
    task_send_on_commit(TASK_ADVANCE, job.pk)
    return job


def bulk_job_retry(*, job: BulkIssueJob) -> BulkIssueJob:
    """Run a failed job again (after the Office fixed the template, say): only the missing work is done."""
    updated = BulkIssueJob.objects.filter(pk=job.pk, status=BulkIssueJobStatus.FAILED).update(
        status=BulkIssueJobStatus.RUNNING, error="", finished_at=None, progress_at=timezone.now()
    )
    if not updated:
        raise ValidationError("Only a failed job can be run again.")
    task_send_on_commit(TASK_ADVANCE, job.pk)
    job.refresh_from_db()
    return job


def _plan(job: BulkIssueJob) -> None:
    """Fix the job's completions, once (one transaction: a worker killed here leaves no half list)."""
    with transaction.atomic():
        locked = BulkIssueJob.objects.select_for_update().get(pk=job.pk)
        if locked.planned_at is not None:
            return
        completions = completion_list_awaiting_certificate(assignment=job.assignment, unit=job.unit)
        BulkIssueItem.objects.bulk_create(
            [BulkIssueItem(job_id=job.pk, completion_id=completion.pk) for completion in completions],
            batch_size=1000,
        )
        now = timezone.now()
        BulkIssueJob.objects.filter(pk=job.pk).update(total=len(completions), planned_at=now, progress_at=now)


def _chunks(values: list, size: int) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _enqueue_render(job_id: int, certificate_ids: list[int]) -> None:
    task_send(TASK_RENDER, job_id, certificate_ids)


def _refresh_counters(job_id: int) -> dict:
    """Write the job's counters from its items (a count, never an increment: a killed worker cannot skew it)."""
    progress = bulk_job_progress(job_id=job_id)
    BulkIssueJob.objects.filter(pk=job_id).update(
        issued=progress["issued"], rendered=progress["rendered"], progress_at=timezone.now()
    )
    return progress


def _finish_if_rendered(job_id: int, progress: dict) -> None:
    """Every item rendered: the one caller whose UPDATE moves the job to "assembling" enqueues the ZIP."""
    if progress["total"] is None or progress["rendered"] < progress["total"]:
        return
    if progress["total"] == 0:  # nobody awaited a certificate: done, without a ZIP
        BulkIssueJob.objects.filter(pk=job_id, status__in=UNFINISHED).update(
            status=BulkIssueJobStatus.DONE, finished_at=timezone.now()
        )
        return
    moved = BulkIssueJob.objects.filter(pk=job_id, status=BulkIssueJobStatus.RUNNING).update(
        status=BulkIssueJobStatus.ASSEMBLING
    )
    if moved:
        task_send(TASK_ASSEMBLE, job_id)


def bulk_job_fail(*, job_id: int, message: str) -> None:
    """Stop a job with one message for the Office (a finished job stays finished)."""
    BulkIssueJob.objects.filter(pk=job_id, status__in=UNFINISHED).update(
        status=BulkIssueJobStatus.FAILED, error=message, finished_at=timezone.now()
    )


def bulk_job_advance(*, job_id: int) -> BulkIssueJob | None:
    """Do whatever the job still lacks: plan, issue, (re-)enqueue renders, or the ZIP. Safe to run any time."""
    job = BulkIssueJob.objects.select_related("assignment", "unit", "started_by").filter(pk=job_id).first()
    if job is None or job.is_finished:
        return job
    if job.status == BulkIssueJobStatus.ASSEMBLING:
        task_send(TASK_ASSEMBLE, job_id)
        return job
    BulkIssueJob.objects.filter(pk=job_id, status=BulkIssueJobStatus.QUEUED).update(
        status=BulkIssueJobStatus.RUNNING, progress_at=timezone.now()
    )
    _plan(job)

    enqueued: set[int] = set()
    unissued = BulkIssueItem.objects.filter(job_id=job_id, certificate__isnull=True)
    pending = list(unissued.order_by("pk").values_list("pk", flat=True))
    for chunk in _chunks(pending, RENDER_CHUNK):
        items = BulkIssueItem.objects.filter(pk__in=chunk).select_related(
            "completion__staff", "completion__course", "completion__attempt", "completion__version"
        )
        certificate_ids = []
        for item in sorted(items, key=lambda row: row.pk):
            try:
                with transaction.atomic():
                    certificate, _created = register.certificate_issue(
                        completion=item.completion, issued_by=job.started_by
                    )
                    BulkIssueItem.objects.filter(pk=item.pk).update(certificate=certificate)
            except ValidationError as error:
                bulk_job_fail(job_id=job_id, message=f"{item.completion.staff.full_name}: {'; '.join(error.messages)}")
                return BulkIssueJob.objects.get(pk=job_id)
            certificate_ids.append(certificate.pk)
        _refresh_counters(job_id)
        _enqueue_render(job_id, certificate_ids)
        enqueued.update(certificate_ids)

    # Certificates issued earlier whose PDF is still missing: their render task may have died with a worker.
    missing = [
        certificate_id
        for certificate_id in BulkIssueItem.objects.filter(job_id=job_id, certificate__isnull=False)
        .filter(certificate__pdf="")
        .order_by("certificate_id")
        .values_list("certificate_id", flat=True)
        .distinct()
        if certificate_id not in enqueued
    ]
    for chunk in _chunks(missing, RENDER_CHUNK):
        _enqueue_render(job_id, chunk)

    _finish_if_rendered(job_id, _refresh_counters(job_id))
    return BulkIssueJob.objects.get(pk=job_id)


def bulk_job_render(*, job_id: int, certificate_ids: list[int]) -> int:
    """Render and store the PDFs still missing among these certificates; returns how many this call rendered.

    A rendering error that a retry cannot fix (the template reaches outside the static
    files, say) fails the job with a message naming the certificate; database hiccups are
    raised for the task to retry, and so is the task's soft time limit (what is rendered is
    stored; the task hands the rest of the chunk to a fresh one).
    """
    if not BulkIssueJob.objects.filter(pk=job_id, status__in=UNFINISHED).exists():
        return 0
    rendered = 0
    unrendered = Certificate.objects.filter(pk__in=certificate_ids, pdf="").select_related("staff")
    for certificate in unrendered.order_by("pk"):
        try:
            register.certificate_pdf_ensure(certificate=certificate)
        except (*TRANSIENT_ERRORS, SoftTimeLimitExceeded):
            # Not the certificate's fault: the task retries, or carries the rest of the chunk on.
            raise
        except Exception as error:
            bulk_job_fail(job_id=job_id, message=f"{certificate.serial}: {type(error).__name__}: {error}")
            return rendered
        rendered += 1
    _finish_if_rendered(job_id, _refresh_counters(job_id))
    return rendered


def _zip_date(on_date: dt.date) -> tuple[int, int, int, int, int, int]:
    return (on_date.year, on_date.month, on_date.day, 0, 0, 0)


def bulk_job_assemble(*, job_id: int) -> BulkIssueJob | None:
    """Write the job's ZIP once: each PDF named after its serial, and the register book of the job's certificates.

    The entries are stored, not deflated (PDF and xlsx are compressed already), and dated
    the day the job was started, so the same job gives the same entries.
    """
    job = BulkIssueJob.objects.select_related("assignment", "unit").filter(pk=job_id).first()
    if job is None or job.status != BulkIssueJobStatus.ASSEMBLING or job.zip_file:
        return job
    certificate_ids = BulkIssueItem.objects.filter(job_id=job_id).values("certificate_id")
    certificates = list(certificate_list_for_register().filter(pk__in=certificate_ids))
    missing = [certificate.serial for certificate in certificates if not certificate.pdf]
    if missing or len(certificates) != (job.total or 0):
        # Cannot happen through `_finish_if_rendered`; back to rendering rather than a ZIP with holes.
        BulkIssueJob.objects.filter(pk=job_id, status=BulkIssueJobStatus.ASSEMBLING).update(
            status=BulkIssueJobStatus.RUNNING
        )
        return bulk_job_advance(job_id=job_id)

    stamp = _zip_date(timezone.localtime(job.created_at).date())
    with tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024) as buffer:
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
            for certificate in certificates:
                entry = zipfile.ZipInfo(register.serial_file_name(certificate.serial), stamp)
                with certificate.pdf.open("rb") as source:
                    archive.writestr(entry, source.read())
            with tempfile.TemporaryFile() as book:
                register.register_export_xlsx(certificates=certificates, target=book)
                book.seek(0)
                archive.writestr(zipfile.ZipInfo(REGISTER_FILE_NAME, stamp), book.read())
        buffer.seek(0)
        with transaction.atomic():
            locked = BulkIssueJob.objects.select_for_update().get(pk=job_id)
            if locked.zip_file or locked.status != BulkIssueJobStatus.ASSEMBLING:
                return locked
            locked.zip_file.save(bulk_job_zip_name(job=job), File(buffer), save=False)
            locked.status = BulkIssueJobStatus.DONE
            locked.finished_at = timezone.now()
            locked.progress_at = locked.finished_at
            locked.save(update_fields=["zip_file", "status", "finished_at", "progress_at"])
    return locked


def bulk_job_zip_name(*, job: BulkIssueJob) -> str:
    """ "giay-chung-nhan-nq57-2025-VP-12.zip": the assignment, the unit when there is one, the job."""
    parts = ["giay-chung-nhan", job.assignment.slug, *([job.unit.code] if job.unit_id else []), str(job.pk)]
    return register.file_name_safe("-".join(parts)) + ".zip"


def bulk_jobs_resume(*, stalled_for: dt.timedelta | None = None) -> list[int]:
    """Advance unfinished jobs again (those without progress for `stalled_for`, or all); returns their ids."""
    jobs = BulkIssueJob.objects.filter(status__in=UNFINISHED)
    if stalled_for is not None:
        before = timezone.now() - stalled_for
        jobs = jobs.filter(Q(progress_at__lt=before) | Q(progress_at__isnull=True, created_at__lt=before))
    job_ids = list(jobs.order_by("pk").values_list("pk", flat=True))
    for job_id in job_ids:
        task_send(TASK_ADVANCE, job_id)
    return job_ids
