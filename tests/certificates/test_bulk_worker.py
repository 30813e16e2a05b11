"""Bulk issue on real Celery workers (subprocesses) through the real broker, with a worker SIGKILLed mid-job.

Runs when CELERY_BROKER_URL is set (CI's PostgreSQL + Redis run). The workers read the
test database (the test commits its data: transaction=True) and write the PDFs into the
test's media directory; they and this process use a queue of the test's own, so no other
worker takes the tasks.

The scenario the issue asks for: a job of 48 certificates starts on a prefork worker with
two processes; once a few PDFs are stored, the worker's whole process group gets SIGKILL
(tasks in flight and prefetched are lost with it: Redis would hand them out again only
after its visibility timeout, an hour). A new worker starts; the job must finish with
every certificate exactly once, one stored PDF each, serials gap-free, and a complete ZIP.
"""

from __future__ import annotations

import hashlib
import io
import os
import signal
import subprocess
import sys
import time
import uuid
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count

from certificates.models import BulkIssueItem, BulkIssueJob, BulkIssueJobStatus, Certificate
from certificates.selectors import certificate_template_default, register_settings_get
from certificates.selectors.bulk import bulk_job_progress
from certificates.services import bulk, serial_file_name
from config.celery import app as celery_app

from .conftest import assignment_for, person, quiz_completion

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not os.environ.get("CELERY_BROKER_URL"), reason="needs CELERY_BROKER_URL (a real broker)"),
]

PROJECT = Path(__file__).resolve().parents[2]
PEOPLE = 48
READY_TIMEOUT = 60
FINISH_TIMEOUT = 180


def _database_url() -> str:
    database = connection.settings_dict
    credentials = database["USER"] + (f":{database['PASSWORD']}" if database["PASSWORD"] else "")
    return f"postgres://{credentials}@{database['HOST']}:{database['PORT'] or 5432}/{database['NAME']}"


class Workers:
    """Start Celery workers as process-group leaders, so one SIGKILL takes a worker and its pool children."""

    def __init__(self, *, queue: str, media_root: Path, log_dir: Path):
        self.queue = queue
        self.log_dir = log_dir
        self.processes: list[subprocess.Popen] = []
        self.environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.certificates.worker_settings",
            "DATABASE_URL": _database_url(),
            "LANTOA_TEST_QUEUE": queue,
            "LANTOA_MEDIA_ROOT": str(media_root),
            "LANTOA_SITE_URL": settings.SITE_URL,
            "PYTHONPATH": str(PROJECT),
        }

    def start(self, name: str) -> tuple[subprocess.Popen, Path]:
        log_path = self.log_dir / f"{name}.log"
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork", "--concurrency=2",
                   "--queues", self.queue, "--hostname", f"{name}-{uuid.uuid4().hex[:8]}@%h", "--loglevel=INFO",
                   "--without-gossip", "--without-mingle", "--without-heartbeat"]  # fmt: skip
        with log_path.open("w") as log:
            process = subprocess.Popen(
                command, cwd=PROJECT, env=self.environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.processes.append(process)
        deadline = time.monotonic() + READY_TIMEOUT
        while " ready." not in log_path.read_text():
            assert process.poll() is None, f"worker {name} exited:\n{log_path.read_text()}"
            assert time.monotonic() < deadline, f"worker {name} not ready in {READY_TIMEOUT} s:\n{log_path.read_text()}"
            time.sleep(0.1)
        return process, log_path

    def kill(self, process: subprocess.Popen) -> None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=20)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is not None:
                continue
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        for log_path in sorted(self.log_dir.glob("*.log")):
            print(f"==== {log_path.name}\n{log_path.read_text()}")  # shown by pytest only when the test fails


@pytest.fixture
def workers(tmp_path, media_root):
    if connection.vendor != "postgresql":
        pytest.skip("the workers need a database another process can open (PostgreSQL)")
    queue = f"lantoa-test-bulk-{uuid.uuid4().hex}"
    previous_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    log_dir = tmp_path / "logs"
    log_dir.mkdir()
    pool = Workers(queue=queue, media_root=Path(media_root), log_dir=log_dir)
    try:
        yield pool
    finally:
        pool.stop_all()
        celery_app.conf.task_default_queue = previous_queue
        with celery_app.connection_for_write() as broker:
            broker.default_channel.queue_purge(queue)


@pytest.fixture
def cohort(tree, version):
    people = [person(tree["vp"] if n % 2 else tree["tgpl"], name=f"Nguyễn Thị Đồng Bộ {n:02d}") for n in range(PEOPLE)]
    for staff in people:
        quiz_completion(staff=staff, version=version)
    return assignment_for(course=version.course, unit=tree["root"], staff=people)


def _wait(predicate, *, timeout: float, interval: float = 0.05, message: str):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        assert time.monotonic() < deadline, message
        time.sleep(interval)


@pytest.mark.django_db(transaction=True)
def test_a_job_survives_a_killed_worker_and_issues_every_certificate_once(workers, cohort, office_admin):
    # Created here, once: otherwise two worker processes create the register defaults at the same moment.
    certificate_template_default()
    register_settings_get()
    first, _log = workers.start("first")

    job = bulk.bulk_job_start(assignment=cohort, started_by=office_admin)  # autocommit: enqueued at once
    _wait(
        lambda: bulk_job_progress(job_id=job.pk)["rendered"] >= 4,
        timeout=FINISH_TIMEOUT,
        message="the first worker rendered nothing",
    )
    workers.kill(first)

    at_kill = bulk_job_progress(job_id=job.pk)
    assert at_kill["total"] == PEOPLE
    assert 4 <= at_kill["rendered"] < PEOPLE, f"the job was not mid-way when the worker died: {at_kill}"
    job.refresh_from_db()
    assert job.status == BulkIssueJobStatus.RUNNING

    workers.start("second")
    _wait(
        lambda: BulkIssueJob.objects.filter(pk=job.pk, status__in=bulk.UNFINISHED).count() == 0,
        timeout=FINISH_TIMEOUT,
        interval=0.2,
        message=f"the job did not finish after the restart: {bulk_job_progress(job_id=job.pk)}",
    )

    job.refresh_from_db()
    assert job.status == BulkIssueJobStatus.DONE, job.error
    assert (job.total, job.issued, job.rendered) == (PEOPLE, PEOPLE, PEOPLE)

    # Every certificate exactly once: one per person, serials unique and gap-free.
    certificates = list(Certificate.objects.select_related("staff").order_by("number"))
    assert len(certificates) == PEOPLE
    assert not Certificate.objects.values("staff_id").annotate(n=Count("pk")).filter(n__gt=1).exists()
    assert [c.number for c in certificates] == list(range(1, PEOPLE + 1))
    assert len({c.serial for c in certificates}) == PEOPLE
    assert BulkIssueItem.objects.filter(job=job, certificate__isnull=True).count() == 0
    assert len(set(BulkIssueItem.objects.filter(job=job).values_list("certificate_id", flat=True))) == PEOPLE

    # Exactly one stored PDF each, and the register's hash matches the file.
    assert len({c.pdf.name for c in certificates}) == PEOPLE
    stored = {}
    for certificate in certificates:
        with certificate.pdf.open("rb") as pdf:
            stored[certificate.serial] = pdf.read()
        assert hashlib.sha256(stored[certificate.serial]).hexdigest() == certificate.pdf_sha256
        assert stored[certificate.serial].startswith(b"%PDF-")

    # The ZIP: every PDF once, named after its serial, as stored, and the register book.
    with job.zip_file.open("rb") as archive_file, zipfile.ZipFile(io.BytesIO(archive_file.read())) as archive:
        names = archive.namelist()
        assert names == [*(serial_file_name(c.serial) for c in certificates), bulk.REGISTER_FILE_NAME]
        for certificate in certificates:
            assert archive.read(serial_file_name(certificate.serial)) == stored[certificate.serial]

    # Started again on the workers: nobody awaits a certificate any more; nothing new is issued.
    again = bulk.bulk_job_start(assignment=cohort, started_by=office_admin)
    _wait(
        lambda: BulkIssueJob.objects.filter(pk=again.pk, status=BulkIssueJobStatus.DONE).exists(),
        timeout=FINISH_TIMEOUT,
        interval=0.2,
        message="the second job did not finish",
    )
    again.refresh_from_db()
    assert again.total == 0 and not again.zip_file
    assert list(Certificate.objects.order_by("number").values_list("serial", flat=True)) == [
        c.serial for c in certificates
    ]
