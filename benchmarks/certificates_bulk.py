"""Bulk issue of 1,000 certificates: two real Celery workers against one process, same job code, one run.

- **2 workers**: two `celery worker --pool=prefork --concurrency=1` processes (two workers
  of one process each, as on two machines; the machine has 2 cores), Redis broker (db 12),
  PostgreSQL. Timed from `bulk_job_start` (committed and enqueued) until the job is done
  (its ZIP of 1,000 PDFs and the register stored), polled in the database every 0.1 s.
  The workers are started and ready before the clock starts; their first render (fonts
  loaded into the process) is inside the timing.
- **One process**: the same job with Celery eager, in this process: the same coordinator,
  render and ZIP functions run one after the other.

Between the two the register is emptied (certificates, serial counter, jobs, media), so
both issue serials 0001–1000 for the same 1,000 completions. Both runs are checked:
1,000 certificates numbered 1–1000, each with its PDF, and a ZIP of 1,000 PDFs + the xlsx.

The data (own database `lantoa_bench_certs`, dropped and created): a department with 4
units, 1,000 staff, a published course, an assignment to all of them, 500 quiz
completions and 500 at an in-person briefing, all written with bulk_create.

    .venv/bin/python benchmarks/certificates_bulk.py [--count 1000] [--rounds 1] [--results]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import _common

REPO = Path(__file__).resolve().parents[1]
DATABASE_URL = "postgres://postgres@127.0.0.1:5432/lantoa_bench_certs"
BROKER_URL = "redis://127.0.0.1:6379/12"
WORKERS = 2
MEDIA_ROOT = Path(tempfile.gettempdir()) / "lantoa_bench_certs_media"


def _environment() -> None:
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ["CELERY_BROKER_URL"] = BROKER_URL
    os.environ["CELERY_RESULT_BACKEND"] = BROKER_URL
    os.environ["LANTOA_MEDIA_ROOT"] = str(MEDIA_ROOT)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"


def _create_database() -> None:
    import psycopg
    from psycopg import sql

    url = urlsplit(DATABASE_URL)
    name = url.path.lstrip("/")
    with psycopg.connect(url._replace(path="/postgres").geturl(), autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _setup() -> None:
    _environment()
    sys.path.insert(0, str(REPO))
    _create_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _generate(count: int):
    """Org chart, staff, course, assignment and completions, in a few bulk inserts."""
    from django.utils import timezone

    from core.text import name_sort_key
    from courses.models import (
        Assignment,
        AssignmentUnit,
        Attendance,
        Completion,
        CompletionEvidence,
        Course,
        CourseVersion,
        CourseVersionStatus,
        Enrolment,
        InPersonSession,
    )
    from orgchart.models import Membership, Staff, StaffCategory, Unit, UnitKind
    from quizzes.models import Attempt, AttemptStatus

    root = Unit.objects.add_root(
        create_kwargs={"code": "STP", "name": "Sở Tư pháp tỉnh Đồng Nai", "kind": UnitKind.DEPARTMENT}
    )
    units = [
        Unit.objects.add_child(root, create_kwargs={"code": code, "name": name, "kind": kind})
        for code, name, kind in [
            ("VP", "Văn phòng Sở", UnitKind.DIVISION),
            ("PBGDPL", "Phòng Phổ biến, giáo dục pháp luật", UnitKind.DIVISION),
            ("TGPL", "Trung tâm Trợ giúp pháp lý nhà nước tỉnh Đồng Nai", UnitKind.PUBLIC_SERVICE_UNIT),
            ("CC1", "Phòng Công chứng số 1", UnitKind.PUBLIC_SERVICE_UNIT),
        ]
    ]
    family = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi"]
    middle = ["Thị Hồng", "Văn", "Minh", "Thị Bích", "Đức", "Thị Ngọc", "Quốc"]
    given = ["Nhung", "Đạt", "Thủy", "Hương", "Khải", "Ánh", "Dũng", "Yến", "Lộc", "Trường", "Phượng"]
    staff = []
    for n in range(count):
        name = f"{family[n % 8]} {middle[n % 7]} {given[n % 11]}"
        staff.append(
            Staff(
                code=f"CB{n:05d}",
                full_name=name,
                date_of_birth=dt.date(1970 + n % 30, 1 + n % 12, 1 + n % 28),
                sort_key=name_sort_key(name),
                search_text=name.lower(),
            )
        )
    staff = Staff.objects.bulk_create(staff, batch_size=1000)
    Membership.objects.bulk_create(
        [
            Membership(
                staff=person,
                unit=units[n % len(units)],
                position="Chuyên viên",
                category=StaffCategory.CIVIL_SERVANT,
                valid_from=dt.date(2025, 1, 1),
            )
            for n, person in enumerate(staff)
        ],
        batch_size=1000,
    )
    course = Course.objects.create(slug="nq57")
    version = CourseVersion.objects.create(
        course=course,
        number=1,
        title="Quán triệt Nghị quyết 57-NQ/TW về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo "
        "và chuyển đổi số quốc gia",
        estimated_minutes=60,
        status=CourseVersionStatus.PUBLISHED,
        published_at=timezone.now(),
    )
    assignment = Assignment.objects.create(
        slug="nq57-2025",
        course=course,
        starts_on=dt.date(2025, 7, 1),
        due_on=dt.date(2026, 12, 31),
        completions_from=dt.date(2025, 7, 1),
    )
    AssignmentUnit.objects.create(assignment=assignment, unit=root, include_descendants=True)
    Enrolment.objects.bulk_create(
        [Enrolment(assignment=assignment, staff=person, enrolled_on=dt.date(2025, 7, 1)) for person in staff],
        batch_size=1000,
    )
    quiz_people, briefing_people = staff[0::2], staff[1::2]
    started = timezone.make_aware(dt.datetime(2026, 6, 1, 9))
    attempts = Attempt.objects.bulk_create(
        [
            Attempt(
                staff=person,
                version=version,
                number=1,
                status=AttemptStatus.SUBMITTED,
                started_at=started,
                deadline_at=started + dt.timedelta(minutes=20),
                closed_at=started + dt.timedelta(minutes=10),
                correct_count=8 + n % 3,
                question_count=10,
                score_percent=Decimal(80 + 10 * (n % 3)),
                passed=True,
            )
            for n, person in enumerate(quiz_people)
        ],
        batch_size=1000,
    )
    session = InPersonSession.objects.create(course=course, held_on=dt.date(2026, 5, 20), title="Hội nghị quán triệt")
    attendances = Attendance.objects.bulk_create(
        [Attendance(session=session, staff=person, present=True) for person in briefing_people], batch_size=1000
    )
    Completion.objects.bulk_create(
        [
            Completion(
                staff_id=attempt.staff_id,
                course=course,
                version=version,
                completed_on=dt.date(2026, 6, 1),
                evidence=CompletionEvidence.QUIZ,
                attempt=attempt,
            )
            for attempt in attempts
        ]
        + [
            Completion(
                staff_id=attendance.staff_id,
                course=course,
                completed_on=dt.date(2026, 5, 20),
                evidence=CompletionEvidence.IN_PERSON,
                attendance=attendance,
            )
            for attendance in attendances
        ],
        batch_size=1000,
    )
    return assignment


def _reset_register() -> None:
    from certificates.models import BulkIssueItem, BulkIssueJob, Certificate, SerialCounter

    BulkIssueItem.objects.all().delete()
    BulkIssueJob.objects.all().delete()
    Certificate.objects.all().delete()
    SerialCounter.objects.all().delete()
    shutil.rmtree(MEDIA_ROOT, ignore_errors=True)
    MEDIA_ROOT.mkdir(parents=True)


def _check(job, count: int) -> None:
    from certificates.models import BulkIssueJobStatus, Certificate

    job.refresh_from_db()
    assert job.status == BulkIssueJobStatus.DONE, (job.status, job.error)
    numbers = list(Certificate.objects.order_by("number").values_list("number", flat=True))
    assert numbers == list(range(1, count + 1)), "serials are not 1..count"
    assert not Certificate.objects.filter(pdf="").exists(), "a certificate without its PDF"
    with job.zip_file.open("rb") as stored, zipfile.ZipFile(stored) as archive:
        names = archive.namelist()
    assert len(names) == count + 1 and sum(name.endswith(".pdf") for name in names) == count, len(names)


def _one_process(assignment, count: int) -> dict:
    from certificates.services import bulk
    from config.celery import app

    _reset_register()
    app.conf.task_always_eager = True
    try:
        start = time.perf_counter()
        job = bulk.bulk_job_start(assignment=assignment, started_by=None)  # autocommit: runs to the end here
        seconds = time.perf_counter() - start
    finally:
        app.conf.task_always_eager = False
    _check(job, count)
    return {"seconds": seconds}


def _start_workers(log_dir: Path) -> list[subprocess.Popen]:
    processes = []
    for number in range(1, WORKERS + 1):
        log_path = log_dir / f"worker{number}.log"
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork", "--concurrency=1",
                   "--hostname", f"bench{number}@%h", "--loglevel=INFO", "--without-gossip", "--without-mingle",
                   "--without-heartbeat"]  # fmt: skip
        with log_path.open("w") as log:
            processes.append(
                subprocess.Popen(
                    command,
                    cwd=REPO,
                    env=dict(os.environ),
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
    deadline = time.monotonic() + 60
    for number, process in enumerate(processes, start=1):
        log_path = log_dir / f"worker{number}.log"
        while " ready." not in log_path.read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"worker {number} did not start:\n{log_path.read_text()}")
            time.sleep(0.1)
    return processes


def _stop_workers(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _on_workers(assignment, count: int) -> dict:
    from certificates.models import BulkIssueJob
    from certificates.selectors.bulk import bulk_job_progress
    from certificates.services import bulk
    from config.celery import app

    _reset_register()
    with app.connection_for_write() as broker:
        broker.default_channel.queue_purge(app.conf.task_default_queue)
    log_dir = Path(tempfile.mkdtemp(prefix="lantoa-bench-workers-"))
    processes = _start_workers(log_dir)
    time.sleep(1)  # each worker's start-up resume task has run (there is no job yet)
    try:
        start = time.perf_counter()
        job = bulk.bulk_job_start(assignment=assignment, started_by=None)
        issued_at = None
        deadline = start + 1800
        while BulkIssueJob.objects.filter(pk=job.pk, status__in=bulk.UNFINISHED).exists():
            if issued_at is None:
                progress = bulk_job_progress(job_id=job.pk)
                if progress["total"] and progress["issued"] == progress["total"]:
                    issued_at = time.perf_counter() - start
            if time.perf_counter() > deadline:
                raise RuntimeError(f"the job did not finish: {bulk_job_progress(job_id=job.pk)}")
            time.sleep(0.1)
        seconds = time.perf_counter() - start
    finally:
        _stop_workers(processes)
    _check(job, count)
    shutil.rmtree(log_dir, ignore_errors=True)
    return {"seconds": seconds, "issued_at": issued_at}


def measure(count: int = 1000, rounds: int = 1) -> dict:
    _setup()
    from django.db import connection

    assignment = _generate(count)
    results = {"one": [], "workers": []}
    for _round in range(rounds):
        results["one"].append(_one_process(assignment, count))
        results["workers"].append(_on_workers(assignment, count))
    results["postgres"] = connection.cursor().connection.info.server_version
    return results


def table(results: dict, count: int) -> str:
    one = statistics.mean(run["seconds"] for run in results["one"])
    workers = statistics.mean(run["seconds"] for run in results["workers"])
    issued = [run["issued_at"] for run in results["workers"] if run["issued_at"] is not None]
    rounds = len(results["one"])

    def each(key: str) -> str:
        return ", ".join(f"{run['seconds']:.1f}" for run in results[key])

    lines = [
        f"{count:,} certificates (issue + render + store + one ZIP of the PDFs and the register), "
        f"mean of {rounds} round{'s' if rounds > 1 else ''}.",
        "",
        "| path | seconds | certificates / s | s / certificate | speed-up | each round (s) |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
        f"| one process, in order (Celery eager, same job code) | {one:.1f} | {count / one:.1f} | {one / count:.4f} "
        f"| 1.00× | {each('one')} |",
        f"| {WORKERS} Celery workers (prefork, concurrency 1 each), Redis broker | {workers:.1f} | "
        f"{count / workers:.1f} | {workers / count:.4f} | {one / workers:.2f}× | {each('workers')} |",
    ]
    if issued:
        lines += [
            "",
            f"On the workers, all {count:,} register entries were committed {statistics.mean(issued):.1f} s after "
            "the start (one coordinator task issuing, one short transaction each, while the other worker was "
            "already rendering).",
        ]
    return "\n".join(lines)


def _write_results(text: str, results: dict) -> None:
    start, end = "<!-- certificates_bulk:start -->", "<!-- certificates_bulk:end -->"
    machine = (
        f"Machine: {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %z}; nproc {os.cpu_count()}; "
        f"load average at the end {os.getloadavg()[0]:.1f}; Python {platform.python_version()}; "
        f"PostgreSQL {results['postgres'] // 10000}.{results['postgres'] % 10000}; "
        f"Celery {__import__('celery').__version__}; Redis broker."
    )
    section = (
        f"{start}\n## Bulk issue of certificates (`benchmarks/certificates_bulk.py`)\n\n{machine}\n\n{text}\n\n"
        "Both rows run `certificates.services.bulk`: plan the job's completions, issue each certificate in its own "
        "transaction (the year's serial counter locked for one insert), render the PDFs in chunks of "
        f"{10} (`certificate_pdf_ensure`), then one ZIP. The workers row is wall-clock time from "
        "`bulk_job_start` to the job marked done; the workers were started and idle before the clock started "
        "(their first render, loading the fonts, is inside). The speed-up cannot exceed the 2 cores, and "
        "PostgreSQL, Redis and the polling share them.\n"
        f"{end}"
    )
    _common.results_write(section, start=start, end=end)


def run(count: int = 1000, rounds: int = 1, results: bool = False) -> str:
    measured = measure(count, rounds)
    text = table(measured, count)
    if results:
        _write_results(text, measured)
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--results", action="store_true", help="also write the table to benchmarks/results.md")
    options = parser.parse_args()
    print(run(options.count, options.rounds, options.results))


if __name__ == "__main__":
    main()
