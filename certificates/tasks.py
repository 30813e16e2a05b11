"""Certificate tasks: each takes ids, fetches, calls one service, and is safe to run twice.

This module imports the services; the services import nothing from it and enqueue these
tasks by their names (`core.task_queue`), which are the constants the services define.
`CertificatesConfig.ready()` imports this module so that every process has them registered.
"""

import datetime as dt

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_ready
from django.db import InterfaceError, OperationalError

from certificates.models import Certificate
from certificates.services import bulk, register

_OPTIONS = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 10,
    "max_retries": 3,
    "acks_late": True,
    "soft_time_limit": 60,
    "time_limit": 90,
}


@shared_task(name=register.TASK_ISSUE_FOR_COMPLETION, **_OPTIONS)
def certificate_issue_for_completion(completion_id: int) -> str | None:
    """After a completion commits: the certificate, if its course issues one on completion."""
    certificate = register.certificate_issue_for_completion(completion_id=completion_id, only_if_course_says_so=True)
    return certificate.serial if certificate else None


@shared_task(name="certificates.tasks.certificate_render", **_OPTIONS)
def certificate_render(certificate_id: int) -> str | None:
    """Render and store one certificate's PDF if it is missing."""
    certificate = Certificate.objects.filter(pk=certificate_id).first()
    if certificate is None:
        return None
    return register.certificate_pdf_ensure(certificate=certificate).pdf_sha256


# Bulk issue (`certificates.services.bulk`). Each task is idempotent and looks at the database for the missing work,
# so `acks_late` + `reject_on_worker_lost` (a task whose worker died is delivered again) can only repeat finished work.
_BULK = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 5,
    "max_retries": 3,
    "acks_late": True,
    "reject_on_worker_lost": True,
}


@shared_task(name=bulk.TASK_ADVANCE, soft_time_limit=20 * 60, time_limit=21 * 60, **_BULK)
def bulk_job_advance(job_id: int) -> str | None:
    """The job's coordinator: plan, issue, fan out the renders (again, for any still missing), or the ZIP."""
    try:
        job = bulk.bulk_job_advance(job_id=job_id)
    except SoftTimeLimitExceeded:
        # A very large job: what is issued is committed; a fresh task carries on from there.
        bulk_job_advance.delay(job_id)
        return "continued"
    return job.status if job else None


@shared_task(name=bulk.TASK_RENDER, soft_time_limit=120, time_limit=150, **_BULK)
def bulk_job_render(job_id: int, certificate_ids: list[int]) -> int:
    """Render the PDFs still missing among a chunk of the job's certificates."""
    try:
        return bulk.bulk_job_render(job_id=job_id, certificate_ids=certificate_ids)
    except SoftTimeLimitExceeded:
        # A slow chunk: what is rendered is stored; a fresh task renders the rest (it skips the stored PDFs).
        bulk_job_render.delay(job_id, certificate_ids)
        return 0


@shared_task(name=bulk.TASK_ASSEMBLE, soft_time_limit=10 * 60, time_limit=11 * 60, **_BULK)
def bulk_job_assemble(job_id: int) -> str | None:
    """The job's ZIP (PDFs and register), once."""
    job = bulk.bulk_job_assemble(job_id=job_id)
    return job.status if job else None


@shared_task(name="certificates.tasks.bulk_jobs_resume", soft_time_limit=60, time_limit=90, **_BULK)
def bulk_jobs_resume(stalled_seconds: int | None = None) -> list[int]:
    """Advance unfinished jobs: all of them (a worker just started), or those without progress for a while."""
    stalled_for = dt.timedelta(seconds=stalled_seconds) if stalled_seconds is not None else None
    return bulk.bulk_jobs_resume(stalled_for=stalled_for)


@worker_ready.connect
def _resume_bulk_jobs_when_a_worker_starts(sender=None, **kwargs) -> None:
    """A SIGKILLed worker's tasks stay unacknowledged in Redis until the visibility timeout (an hour):
    the next worker to start puts unfinished jobs back on track at once."""
    bulk_jobs_resume.delay()
