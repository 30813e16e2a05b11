"""Learners under load: gunicorn (5 sync workers) on PostgreSQL, 50 concurrent signed-in learners.

In one run, on one machine:

1. **Baseline**: 50 locust users GET a minimal Django view that reads one row
   (`benchmarks.views.one_row`, through the full middleware stack, no session, no template).
2. **Journey**: 50 locust users, each signed in (once, beforehand, not measured) as several of
   the N learners in turn, loop through my courses → a lesson → the quiz start page → POST
   start → the attempt page → one autosaved answer → POST submit → the result.
3. **Reference** (not the issue's baseline): the same one-row view requested by 50 signed-in
   learners, i.e. what the session and the user cost every signed-in page before its own work.

Both with no think time (closed loop: each user sends its next request when the last one
is answered), a warm-up, then a measured window. Per page: requests/s, median, p95,
failures; the journey's throughput as a share of the baseline's, and each page's p95
against the issue's 150 ms target. Printed and written to benchmarks/results.md.

The database `lantoa_bench_load` (DATABASE_URL) is created if missing and migrated; the
demo org chart and the nq57 course (`demo.demo.demo_seed`) are seeded once, plus N
learners with accounts (a roster import, so the enrolment rules run as in production), a
benchmark copy of the course (slug `nq57-bench`, 1,000 attempts allowed: the simulated
learners answer one question of ten, so they never pass and may always start again) and
an assignment of it to the learners. Each run starts from the same state: earlier runs'
attempts, readings and sessions are deleted first.

    .venv/bin/python benchmarks/load_learners.py [--learners 200] [--users 50] [--seconds 60]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import _common

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/lantoa_bench_load"
DEFAULT_CACHE_URL = "redis://127.0.0.1:6379/13"
LOCUSTFILE = REPO / "benchmarks" / "locustfile.py"
BASELINE_PATH = "/bench/one-row/"
WORKERS = 5
TARGET_P95_MS = 150.0
TARGET_SHARE = 0.40

BENCH_PASSWORD = "HocVien@2026-bench"  # noqa: S105 - benchmark accounts in the benchmark's own database
BENCH_COURSE = "nq57-bench"
BENCH_ASSIGNMENT = "nq57-bench-load"
BENCH_MAX_ATTEMPTS = 1000
BENCH_CODE_PREFIX = "HVB"
PAGES = ["my courses", "lesson", "quiz start", "POST start", "attempt", "POST autosave", "POST submit", "result"]


# --- setup ---------------------------------------------------------------------------------------------


def _setup_django(database_url: str, static_root: Path) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("CACHE_URL", DEFAULT_CACHE_URL)
    os.environ["LANTOA_BENCH_STATIC_ROOT"] = str(static_root)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.bench"
    sys.path.insert(0, str(REPO))
    _common.database_create(database_url)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    assert not settings.DEBUG, "DEBUG keeps every query in memory; benchmark with DEBUG off"
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)


# --- seeding -------------------------------------------------------------------------------------------


@dataclass
class Seeded:
    emails: list[str]
    course_slug: str
    version_id: int
    lesson_count: int
    question_count: int
    questions_per_attempt: int
    staff_total: int
    enrolments: int


def _bench_roster_rows(count: int) -> list[dict[str, object]]:
    """`count` learners with Vietnamese names spread over the demo's units; the same every time."""
    from demo import demo

    rng = random.Random(2026)  # noqa: S311 - test data
    units = [code for code, _name, parent, _kind, _count in demo.UNITS if parent]
    rows = []
    for number in range(1, count + 1):
        female = rng.random() < 0.55
        full_name = " ".join(
            [
                demo._pick(rng, demo.FAMILY_NAMES),
                demo._pick(rng, demo.MIDDLE_FEMALE if female else demo.MIDDLE_MALE),
                demo._pick(rng, demo.GIVEN_FEMALE if female else demo.GIVEN_MALE),
            ]
        )
        rows.append(
            {
                "Mã cán bộ": f"{BENCH_CODE_PREFIX}{number:04d}",
                "Họ và tên": full_name,
                "Email": f"hocvien.{number:04d}@{demo.EMAIL_DOMAIN}",
                "Mã đơn vị": units[number % len(units)],
                "Chức vụ": "Chuyên viên",
                "Đối tượng": rng.choice(["Công chức", "Viên chức"]),
                "Công tác truyền thông": "Không",
                "Ngày sinh": dt.date(rng.randint(1970, 2000), rng.randint(1, 12), rng.randint(1, 28)).strftime(
                    "%d/%m/%Y"
                ),
            }
        )
    return rows


def _bench_course_file() -> bytes:
    from demo import demo

    course = json.loads(demo.DEMO_COURSE_FILE.read_text())
    course["slug"] = BENCH_COURSE
    course["title"] = course["title"] + " (bản đo tải)"
    course["quiz"]["max_attempts"] = BENCH_MAX_ATTEMPTS
    return json.dumps(course, ensure_ascii=False).encode()


def seed(*, learners: int) -> Seeded:
    """Demo org chart and course, `learners` accounts, the benchmark course and its assignment; idempotent."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from accounts.models import User
    from courses.models import Assignment, Course, CourseVersion, CourseVersionStatus, Enrolment
    from courses.services.assignments import assignment_create, enrolment_sync
    from demo import demo
    from orgchart.models import Staff, Unit
    from orgchart.services.roster import roster_import
    from quizzes.services.course_import import course_import

    with transaction.atomic():
        bench_staff = Staff.objects.filter(code__startswith=BENCH_CODE_PREFIX)
        if not bench_staff.exists():
            # The demo's own roster import would make the benchmark's learners leave: run it only once.
            demo.demo_seed()
        if bench_staff.count() < learners:
            # The whole roster (the demo's people and the learners) as of the demo's date: learners join,
            # and the roster import's enrolment sync gives them the department-wide demo assignment.
            rows = demo.demo_roster_rows() + _bench_roster_rows(learners)
            roster_import(rows=rows, effective_date=demo.DEMO_EFFECTIVE_DATE)
        course_import(data=_bench_course_file())
        people = list(bench_staff.order_by("code")[:learners])
        without_account = [person for person in people if person.user_id is None]
        if without_account:
            # One real (PBKDF2) hash for every learner: signing in costs what it costs in production,
            # seeding does not pay it hundreds of times.
            password = make_password(BENCH_PASSWORD)
            users = User.objects.bulk_create(
                [User(email=p.email, password=password, display_name=p.full_name) for p in without_account]
            )
            for person, user in zip(without_account, users, strict=True):
                person.user = user
            Staff.objects.bulk_update(without_account, ["user"])
            EmailAddress.objects.bulk_create(
                [EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users]
            )
        course = Course.objects.get(slug=BENCH_COURSE)
        assignment = Assignment.objects.filter(slug=BENCH_ASSIGNMENT).first()
        if assignment is None:
            assignment = assignment_create(
                slug=BENCH_ASSIGNMENT,
                course=course,
                units=[(Unit.objects.get(code="STP"), True)],
                categories=[],
                communications_only=False,
                people=[],
                starts_on=dt.date(2025, 9, 1),
                due_on=dt.date(2030, 12, 31),
                title="Đo tải: quán triệt Nghị quyết 57-NQ/TW",
            )
        enrolment_sync(assignment=assignment)
        version = CourseVersion.objects.get(course=course, status=CourseVersionStatus.PUBLISHED)
        return Seeded(
            emails=[person.email for person in people],
            course_slug=course.slug,
            version_id=version.pk,
            lesson_count=version.lessons.count(),
            question_count=version.questions.count(),
            questions_per_attempt=version.questions_per_attempt,
            staff_total=Staff.objects.count(),
            enrolments=Enrolment.objects.filter(staff__in=people).count(),
        )


def reset_state(*, seeded: Seeded) -> None:
    """The same starting state for every run: no attempts at the benchmark course, nothing read, no sessions."""
    from django.contrib.sessions.models import Session
    from django.core.cache import cache
    from django.db import connection, transaction

    from courses.models import LessonProgress
    from quizzes.models import Attempt

    with transaction.atomic():
        Attempt.objects.filter(version__course__slug=seeded.course_slug).delete()
        LessonProgress.objects.filter(lesson__version__course__slug=seeded.course_slug).delete()
        Session.objects.all().delete()
    cache.clear()  # the benchmark's own Redis database: sessions, rate-limit counters
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    connection.close()


# --- processes -----------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class CpuSampler:
    """CPU seconds, twice a second: gunicorn (master and workers), locust, this database's PostgreSQL
    backends, Redis, and the whole machine (whatever else runs on it included)."""

    def __init__(self, gunicorn: subprocess.Popen, *, database: str):
        import psutil

        self.psutil = psutil
        self.gunicorn = psutil.Process(gunicorn.pid)
        self.database = database
        self.locust: psutil.Process | None = None
        self.samples: list[tuple[float, dict[str, float]]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _seconds(self, processes) -> float:
        total = 0.0
        for each in processes:
            try:
                times = each.cpu_times()
                total += times.user + times.system
            except self.psutil.Error:
                pass
        return total

    def _tree(self, process) -> list:
        if process is None:
            return []
        try:
            return [process, *process.children(recursive=True)]
        except self.psutil.Error:
            return []

    def _run(self) -> None:
        while not self._stop.is_set():
            postgres, redis = [], []
            for process in self.psutil.process_iter(["name", "cmdline"]):
                name = process.info["name"] or ""
                if name.startswith("postgres") and self.database in " ".join(process.info["cmdline"] or []):
                    postgres.append(process)
                elif name.startswith("redis-server"):
                    redis.append(process)
            machine = self.psutil.cpu_times()
            sample = {
                "gunicorn": self._seconds(self._tree(self.gunicorn)),
                "locust": self._seconds(self._tree(self.locust)),
                "postgres": self._seconds(postgres),
                "redis": self._seconds(redis),
                "machine": sum(machine) - machine.idle - getattr(machine, "iowait", 0.0),
            }
            self.samples.append((time.time(), sample))
            self._stop.wait(0.5)

    def start(self) -> CpuSampler:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def cores_used(self, started: float, finished: float) -> dict[str, float]:
        """Average cores busy between the two instants, per part; "others" is the rest of the machine."""
        inside = [sample for sample in self.samples if started <= sample[0] <= finished]
        if len(inside) < 2:
            return {}
        (t0, first), (t1, last) = inside[0], inside[-1]
        cores = {key: max(0.0, (last[key] - first[key]) / (t1 - t0)) for key in first}
        ours = cores["gunicorn"] + cores["locust"] + cores["postgres"] + cores["redis"]
        cores["others"] = max(0.0, cores["machine"] - ours)
        return cores


def run_locust(
    *,
    user_class: str,
    label: str,
    host: str,
    users: int,
    data: dict,
    workdir: Path,
    sampler: CpuSampler,
    timeout: float,
) -> dict:
    result_file = workdir / f"{label}.json"
    data_file = workdir / f"{label}-input.json"
    data_file.write_text(json.dumps({**data, "users": users, "result_file": str(result_file)}))
    command = [
        str(BIN / "locust"),
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(users),
        "--run-time",
        f"{int(timeout)}s",
        "--host",
        host,
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--csv",
        str(workdir / label),
        user_class,
    ]
    env = {**os.environ, "LANTOA_BENCH_DATA": str(data_file)}
    with open(workdir / f"{label}.log", "w") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        import psutil

        sampler.locust = psutil.Process(process.pid)
        try:
            process.wait(timeout=timeout + 60)
        finally:
            _common.stop(process, timeout=10)
            sampler.locust = None
    if not result_file.exists():
        log_tail = (workdir / f"{label}.log").read_text()[-3000:]
        raise RuntimeError(f"locust ({user_class}) ended without a measurement:\n{log_tail}")
    result = json.loads(result_file.read_text())
    result["cores"] = sampler.cores_used(result["started"], result["finished"])
    return result


# --- the report ----------------------------------------------------------------------------------------


def machine() -> str:
    from django.db import connection

    ram, nproc = _common.ram_text(), _common.nproc_text()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    connection.close()
    import django
    import gunicorn
    import locust

    return (
        f"{dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}; nproc {nproc}; RAM {ram}; "
        f"Python {platform.python_version()}; PostgreSQL {postgres}; Django {django.get_version()}; "
        f"gunicorn {gunicorn.__version__}; locust {locust.__version__}"
    )


def _entry(result: dict, name: str) -> dict:
    for entry in result["entries"]:
        if entry["name"] == name:
            return entry
    return {"name": name, "requests": 0, "failures": 0, "median_ms": 0, "p95_ms": 0}


def _mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def _row(label: str, entry: dict, seconds: float, base_rps: float) -> str:
    rps = entry["requests"] / seconds
    return (
        f"| {label} | {entry['requests']:,} | {rps:,.1f} | {entry['median_ms']:.0f} | {entry['p95_ms']:.0f} "
        f"| {entry['failures']} | {rps / base_rps:.2f} | {entry['p95_ms'] / TARGET_P95_MS:.2f}× "
        f"{_mark(entry['p95_ms'] < TARGET_P95_MS)} |"
    )


def baseline_rps(baselines: list[dict]) -> float:
    """The one-row view's requests/s: the mean of its runs before and after the journey."""
    return sum(_entry(b, "one-row view")["requests"] / b["seconds"] for b in baselines) / len(baselines)


SIGNED_IN = "one-row view, signed in"


def table(baselines: list[dict], journey: dict, signed_in: dict | None = None) -> str:
    base_rps = baseline_rps(baselines)
    lines = [
        "| page | requests | requests/s | median (ms) | p95 (ms) | failures | requests/s ÷ baseline "
        f"| p95 ÷ {TARGET_P95_MS:.0f} ms target |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    labels = ["baseline: one-row view, before the journey", "baseline: one-row view, after the journey"]
    for label, baseline in zip(labels, baselines, strict=False):
        lines.append(_row(label, _entry(baseline, "one-row view"), baseline["seconds"], base_rps))
    if signed_in is not None:
        lines.append(
            _row("reference: one-row view, signed in", _entry(signed_in, SIGNED_IN), signed_in["seconds"], base_rps)
        )
    total_requests = total_failures = 0
    worst_p95 = 0.0
    for name in PAGES:
        entry = _entry(journey, name)
        total_requests += entry["requests"]
        total_failures += entry["failures"]
        worst_p95 = max(worst_p95, entry["p95_ms"])
        lines.append(_row(name, entry, journey["seconds"], base_rps))
    journey_rps = total_requests / journey["seconds"]
    share = journey_rps / base_rps
    lines.append(
        f"| **journey, all pages** | {total_requests:,} | {journey_rps:,.1f} | | worst {worst_p95:.0f} "
        f"| {total_failures} | **{share:.2f}** {_mark(share >= TARGET_SHARE)} (target ≥ {TARGET_SHARE:.2f}) "
        f"| {_mark(worst_p95 < TARGET_P95_MS)} |"
    )
    return "\n".join(lines)


def _cores(result: dict) -> str:
    cores = result.get("cores") or {}
    if not cores:
        return "not sampled"
    return (
        f"gunicorn {cores['gunicorn']:.2f}, locust {cores['locust']:.2f}, PostgreSQL {cores['postgres']:.2f}, "
        f"Redis {cores['redis']:.2f}, other processes {cores['others']:.2f} (machine {cores['machine']:.2f} "
        f"of {os.cpu_count()})"
    )


def _server_ms(result: dict, names: list[str]) -> float | None:
    """Server CPU per request (gunicorn + PostgreSQL + Redis), in ms: robust to whatever else the machine runs."""
    cores = result.get("cores") or {}
    requests = sum(_entry(result, name)["requests"] for name in names)
    if not cores or not requests:
        return None
    return (cores["gunicorn"] + cores["postgres"] + cores["redis"]) * result["seconds"] * 1000 / requests


def cpu_line(baselines: list[dict], journey: dict) -> str:
    base = [ms for ms in (_server_ms(b, ["one-row view"]) for b in baselines) if ms is not None]
    ours = _server_ms(journey, PAGES)
    if not base or ours is None:
        return "Server CPU per request: not sampled."
    mean = sum(base) / len(base)
    return (
        f"Server CPU per request (gunicorn + PostgreSQL + Redis core-seconds ÷ requests): one-row view "
        f"{mean:.2f} ms, journey pages {ours:.2f} ms on average, i.e. {mean / ours:.2f} of the baseline's "
        "requests per CPU-second: the same ratio with the other processes' share of the machine taken out."
    )


def _errors(result: dict) -> str:
    if not result["errors"]:
        return "none"
    return "; ".join(f"{e['method']} {e['name']}: {e['error']} ×{e['occurrences']}" for e in result["errors"][:8])


def signed_in_line(baselines: list[dict], journey: dict, signed_in: dict | None) -> str:
    """The journey against the signed-in one-row view: the share of the floor every signed-in page pays."""
    if signed_in is None:
        return ""
    base_rps = baseline_rps(baselines)
    floor_rps = _entry(signed_in, SIGNED_IN)["requests"] / signed_in["seconds"]
    journey_rps = sum(_entry(journey, name)["requests"] for name in PAGES) / journey["seconds"]
    floor_ms = _server_ms(signed_in, [SIGNED_IN])
    cpu = f"; its server CPU is {floor_ms:.2f} ms per request" if floor_ms is not None else ""
    return (
        f"Reference, not the issue's baseline: the same one-row view requested by signed-in learners (measured "
        f"after the journey, same users and sessions) runs at {floor_rps:,.1f} requests/s, "
        f"{floor_rps / base_rps:.2f} of the anonymous one{cpu}. Every journey page pays that much before its own "
        f"work; the journey runs at {journey_rps / floor_rps:.2f} of it."
    )


def report(
    *, baselines: list[dict], journey: dict, seeded: Seeded, users: int, warmup: float, signed_in: dict | None = None
) -> str:
    per_user = -(-len(seeded.emails) // users)
    before, after = baselines[0], baselines[-1]
    return "\n".join(
        [
            "## Learners under load: gunicorn + PostgreSQL (`benchmarks/load_learners.py`)",
            "",
            f"Machine: {machine()}.",
            "",
            table(baselines, journey, signed_in),
            "",
            f"Setup: gunicorn {WORKERS} sync workers on 127.0.0.1, `config.settings.bench` (production settings, DEBUG "
            "off, Redis cache, persistent PostgreSQL connections, cached templates, whitenoise); locust on the same "
            f"machine, one process (FastHttpUser, gevent), {users} users started at once, no think time (closed loop), "
            f"{warmup:.0f} s warm-up after every user is signed in, then {journey['seconds']:.0f} s measured. "
            "The one-row view is measured the same way just before and just after the journey; its requests/s is "
            "the mean of the two.",
            f"Data: {seeded.staff_total} staff; {len(seeded.emails)} learners with accounts, {per_user} per "
            f"locust user taken in turn, {seeded.enrolments} enrolments between them (the department-wide demo "
            f"assignment and the benchmark's); course `{seeded.course_slug}`, {seeded.lesson_count} lessons, "
            f"{seeded.questions_per_attempt} of {seeded.question_count} questions per attempt.",
            f"Sign-in: {len(seeded.emails)} sign-ins through the allauth page in {journey['sign_in_seconds']:.1f} s "
            "before the measurement (real PBKDF2 cost; not in the table).",
            "The learners answer 1 question of 10 on purpose, so they never pass and may start again (the benchmark "
            f"course allows {BENCH_MAX_ATTEMPTS} attempts); every loop is start → autosave → submit → result.",
            f"CPU during the measured windows, in cores: baseline before: {_cores(before)}; journey: "
            f"{_cores(journey)}; baseline after: {_cores(after)}. The load generator shares the "
            f"{os.cpu_count()} cores with the server, so every figure is lower than with the client on another "
            'machine; "other processes" is whatever else the machine ran meanwhile (not part of the benchmark).',
            cpu_line(baselines, journey),
            signed_in_line(baselines, journey, signed_in),
            f"Failures: baseline: {_errors(before)} / {_errors(after)}; journey: {_errors(journey)}.",
            "",
            "Each loop requests every page once, so in the journey every page has the loop's rate: the pages' "
            "throughput target is the **journey, all pages** row (all journey requests/s ÷ the one-row view's "
            "requests/s, both with the server saturated by 50 users). With no think time latency follows Little's "
            "law (50 users ÷ requests/s), so p95 and throughput are two sides of the same measurement. "
            "Percentiles come from locust's histogram (rounded to 10 ms above 100 ms).",
        ]
    )


def write_results(text: str) -> None:
    start, end = "<!-- load_learners:start -->", "<!-- load_learners:end -->"
    _common.results_write(f"{start}\n{text}\n{end}", start=start, end=end)


def run(
    *,
    learners: int = 200,
    users: int = 50,
    seconds: float = 60,
    warmup: float = 10,
    database_url: str | None = None,
    write: bool = True,
) -> str:
    if learners < users:
        raise SystemExit("Give at least one learner per locust user.")
    workdir = Path(tempfile.mkdtemp(prefix="lantoa-load-"))
    static_root = workdir / "static"
    gunicorn = None
    try:
        _setup_django(database_url or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL, static_root)
        seeded = seed(learners=learners)
        reset_state(seeded=seeded)
        port = _free_port()
        host = f"http://127.0.0.1:{port}"
        gunicorn = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "config.wsgi:application",
                "--workers",
                str(WORKERS),
                "--worker-class",
                "sync",
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
                "--chdir",
                str(REPO),
            ],
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.bench"},
            stdout=open(workdir / "gunicorn.log", "w"),  # noqa: SIM115 - closed with the process
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        _common.wait_for(host + BASELINE_PATH, gunicorn, timeout=60, name="gunicorn")
        sampler = CpuSampler(gunicorn, database=urlparse(os.environ["DATABASE_URL"]).path.lstrip("/")).start()
        data = {
            "baseline_path": BASELINE_PATH,
            "learners": seeded.emails,
            "password": BENCH_PASSWORD,
            "course_slug": seeded.course_slug,
            "version_id": seeded.version_id,
            "lesson_count": seeded.lesson_count,
            "warmup_seconds": warmup,
            "measure_seconds": seconds,
        }
        budget = seconds + warmup + 300
        common = {"host": host, "users": users, "workdir": workdir, "sampler": sampler, "timeout": budget}
        before = run_locust(user_class="BaselineVisitor", label="baseline-before", data=data, **common)
        journey = run_locust(user_class="Learner", label="journey", data=data, **common)
        signed_in = run_locust(user_class="SignedInVisitor", label="signed-in", data=data, **common)
        after = run_locust(user_class="BaselineVisitor", label="baseline-after", data=data, **common)
        sampler.stop()
        _common.stop(gunicorn)
        text = report(
            baselines=[before, after], journey=journey, seeded=seeded, users=users, warmup=warmup, signed_in=signed_in
        )
    finally:
        if gunicorn is not None:
            _common.stop(gunicorn)
        if os.environ.get("LANTOA_BENCH_KEEP"):
            print(f"(kept {workdir})", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    if write:
        write_results(text)
    return text


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", type=int, default=200, help="learner accounts (at least 200 for the issue)")
    parser.add_argument("--users", type=int, default=50, help="concurrent locust users")
    parser.add_argument("--seconds", type=float, default=60, help="measured window of each run")
    parser.add_argument("--warmup", type=float, default=10, help="seconds of load before measuring")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--no-write", action="store_true", help="print only; leave benchmarks/results.md alone")
    args = parser.parse_args(argv)
    print(
        run(
            learners=args.learners,
            users=args.users,
            seconds=args.seconds,
            warmup=args.warmup,
            database_url=args.database_url,
            write=not args.no_write,
        )
    )


if __name__ == "__main__":
    main()
