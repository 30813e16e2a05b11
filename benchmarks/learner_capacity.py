"""Learner capacity: how many concurrent learners one 2-core box serves, for a tree before and after a change.

For each tree given (`--before PATH`, `--after PATH`; by default only this repository, as "after"), the
tree's own code is run: its `manage.py` (with the tree's `.venv` if it has one) migrates its own
PostgreSQL database (`lantoa_cap_before` / `lantoa_cap_after`, created if missing) and seeds it with
public, contract-level commands only: `seed_demo`; `import_course` with a copy of the nq57 course
(slug `nq57-bench`, 1,000 attempts allowed); `import_roster` with the roster as it stands plus the
learners (`HVC0001`…, one per simulated user, spread over the demo's units); `create_assignment` of
the copy to the whole department. Accounts and signed-in sessions are made in the tree's
`manage.py shell` (`benchmarks/_capacity_shell.py`: allauth's and Django's public APIs).

A session is made for every learner once, before the runs (signing in is not measured: no PBKDF2 per
simulated learner). Then, per run: the benchmark course's attempts and readings and the cache are
cleared (the sessions stay in the database); gunicorn starts from the tree (5 sync workers, loopback)
with the tree's `config.settings.production` plus what plain HTTP on loopback needs (no HTTPS
redirect, cookies not secure-only, static files collected to a temporary directory, persistent
database connections, e-mail kept in memory: `SETTINGS_OVERLAY`, the same for every tree), on
PostgreSQL and the Redis cache (db 2 before, db 3 after). A short warm-up (a few learners, no think
time, not judged) lets every worker compile its templates; then locust (`benchmarks/locust_capacity.py`,
headless, one process) ramps signed-in learners, each going my courses → a lesson → quiz start →
POST start → attempt page → autosaved answer → POST submit → result with a think time of 8–12 s
(10 s on average) after every request: `--start-users`, then `--step` more every `--step-seconds`,
until a step's p95 passes `--p95-ms` (500 ms) or a request fails (checked every second over the last
10 s too, so a run stops as soon as it is past the limit), or `--max-users` is reached. A run's
capacity is the user count of its last step sustained with p95 ≤ 500 ms and no failure; each tree's
figure is the median of `--runs` runs (3). The runs of the two trees alternate (before, after,
before, …) so a change in the machine's other load hits both alike. The ramp adds about one request/s
every second: a server just past its limit takes a few seconds to build a queue worth 500 ms, so a
run may credit up to about one step more than a slow ramp would, alike for both trees.

While locust runs, the CPU of gunicorn (master and workers), locust, the run's PostgreSQL backends,
Redis and the whole machine is read from /proc twice a second, and reported per step in cores: the
load generator shares the 2 cores with the server, and that is where the time goes when the
capacity is short. Printed, and written to benchmarks/results.md.

    .venv/bin/python benchmarks/learner_capacity.py --before /work/base --after . \\
        [--runs 3] [--start-users 300] [--step 100] [--step-seconds 10] [--max-users 2500]

locust is not in the project's virtualenv: `--locust PATH`, else $LANTOA_LOCUST, else `.venv/bin/locust`,
else a virtualenv of its own in /tmp/lantoa-locust-venv, made on first use with the locust pinned in
requirements-bench.txt.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import _common

REPO = Path(__file__).resolve().parents[1]
SHELL_SCRIPT = REPO / "benchmarks" / "_capacity_shell.py"
LOCUSTFILE = REPO / "benchmarks" / "locust_capacity.py"
LOCUST_VENV = Path(tempfile.gettempdir()) / "lantoa-locust-venv"
POSTGRES = "postgres://postgres@127.0.0.1:5432/"
REDIS = "redis://127.0.0.1:6379/"
SETTINGS_MODULE = "lantoa_capacity_settings"
WORKERS = 5

LEARNER_PREFIX = "HVC"
LEARNER_PASSWORD = "HocVien@2026-capacity"  # noqa: S105 - benchmark accounts in the benchmark's own database
BENCH_COURSE = "nq57-bench"
BENCH_ASSIGNMENT = "nq57-bench-capacity"
BENCH_MAX_ATTEMPTS = 1000
WARMUP_USERS = 10
OTHERS_WARNING_CORES = 0.25  # the machine's other load above which the report says the figure is not to be trusted
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Thanh", "Ngọc", "Đức", "Thu", "Quốc", "Hoài"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Lan", "Linh", "Mai", "Nam", "Phúc"]

# Production's settings, with only what plain HTTP on 127.0.0.1 needs changed; the same for every tree.
SETTINGS_OVERLAY = '''"""The learner capacity benchmark's settings: the tree's production ones on plain HTTP."""

import os

from config.settings.production import *  # noqa: F403
from config.settings.production import DATABASES

DEBUG = False
SECURE_SSL_REDIRECT = False  # no TLS on 127.0.0.1
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False  # cookies a client sends back over plain HTTP
CSRF_COOKIE_SECURE = False
STATIC_ROOT = os.environ["LANTOA_CAPACITY_STATIC_ROOT"]  # collectstatic writes here, whitenoise serves it
DATABASES["default"]["CONN_MAX_AGE"] = 600  # one connection per gunicorn worker, kept
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
'''


@dataclass
class Tree:
    label: str
    path: Path
    database: str
    redis_db: int
    python: str = ""
    commit: str = ""
    env: dict[str, str] = field(default_factory=dict)
    version_id: int = 0
    lesson_count: int = 0
    runs: list[dict] = field(default_factory=list)

    @property
    def database_url(self) -> str:
        return POSTGRES + self.database


# --- the tree's own commands -----------------------------------------------------------------------


def _tree_env(tree: Tree, workdir: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CELERY_", "DJANGO_", "DATABASE_", "CACHE_", "LANTOA_"))
    }
    static = workdir / f"static-{tree.label}"
    static.mkdir(exist_ok=True)
    return env | {
        "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE,
        "PYTHONPATH": str(workdir),
        "DATABASE_URL": tree.database_url,
        "CACHE_URL": f"{REDIS}{tree.redis_db}",
        "DJANGO_SECRET_KEY": "capacity-bench-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LANTOA_CAPACITY_STATIC_ROOT": str(static),
    }


def manage(tree: Tree, *arguments: str, check: bool = True) -> subprocess.CompletedProcess:
    started = time.monotonic()
    done = subprocess.run(
        [tree.python, "manage.py", *arguments], cwd=tree.path, env=tree.env, capture_output=True, text=True
    )
    if check and done.returncode != 0:
        raise RuntimeError(f"{tree.label}: manage.py {' '.join(arguments)} failed:\n{done.stdout}\n{done.stderr}")
    last = (done.stdout.strip().splitlines() or [""])[-1]
    _log(f"{tree.label}: manage.py {arguments[0]} ({time.monotonic() - started:.1f} s) {last[:150]}")
    return done


def shell(tree: Tree, step: str, **arguments: object) -> dict:
    """One step of `_capacity_shell.py` in the tree's `manage.py shell`; its JSON answer."""
    code = f"import runpy; runpy.run_path({str(SHELL_SCRIPT)!r}, run_name='__main__')"
    env = tree.env | {"LANTOA_CAPACITY_STEP": step, "LANTOA_CAPACITY_ARGS": json.dumps(arguments)}
    started = time.monotonic()
    for attempt in (1, 2):
        done = subprocess.run(
            [tree.python, "manage.py", "shell", "-c", code], cwd=tree.path, env=env, capture_output=True, text=True
        )
        answer = next((line for line in done.stdout.splitlines() if line.startswith("LANTOA_CAPACITY ")), None)
        if done.returncode == 0 and answer is not None:
            break
        failure = f"{tree.label}: shell step {step} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
        if attempt == 2:
            raise RuntimeError(failure)
        # Every step is idempotent: once more, in case the failure was passing (a virtualenv being updated).
        _log(failure + "\n... trying once more in 15 s")
        time.sleep(15)
    result = json.loads(answer.removeprefix("LANTOA_CAPACITY "))
    shown = {key: value for key, value in result.items() if key != "rows"}
    _log(f"{tree.label}: {step} ({time.monotonic() - started:.1f} s) {json.dumps(shown)[:150]}")
    return result


def _sql(database_url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(database_url.replace("postgres://", "postgresql://"), autocommit=True) as connection:
        connection.execute(statement)


def _drop_database(name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(POSTGRES.replace("postgres://", "postgresql://") + "postgres", autocommit=True) as c:
        c.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


# --- seeding -----------------------------------------------------------------------------------------


def _course_file(tree: Tree, workdir: Path) -> Path:
    """The tree's nq57 course file (wherever the tree keeps it) as the benchmark's copy."""
    skip = {".venv", "node_modules", "tests", ".git"}
    found = sorted(
        (path for path in tree.path.rglob("nq57.json") if not skip & set(path.relative_to(tree.path).parts)),
        key=lambda path: len(path.parts),
    )
    source = found[0] if found else next(REPO.rglob("courses/content/nq57.json"))
    course = json.loads(source.read_text(encoding="utf-8"))
    course["slug"] = BENCH_COURSE
    course["title"] += " (bản đo tải)"
    course["quiz"]["max_attempts"] = BENCH_MAX_ATTEMPTS
    target = workdir / f"course-{tree.label}.json"
    target.write_text(json.dumps(course, ensure_ascii=False), encoding="utf-8")
    return target


def _learner_rows(count: int, units: list[str]) -> list[dict[str, str]]:
    """`count` learners with Vietnamese names spread over `units`; the same every time."""
    rng = random.Random(2026)  # noqa: S311 - test data
    rows = []
    for number in range(1, count + 1):
        rows.append(
            {
                "Mã cán bộ": f"{LEARNER_PREFIX}{number:04d}",
                "Họ và tên": f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
                "Email": f"hocvien.capacity.{number:04d}@stp.dongnai.gov.vn",
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


def _commit(path: Path) -> str:
    done = subprocess.run(["git", "-C", str(path), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return done.stdout.strip() or "?"


def prepare(tree: Tree, *, learners: int, workdir: Path, fresh: bool) -> None:
    """The tree's database migrated and seeded for `learners` simulated learners (idempotent)."""
    tree.python = str(tree.path / ".venv" / "bin" / "python")
    if not Path(tree.python).exists():
        tree.python = sys.executable
    tree.commit = _commit(tree.path)
    tree.env = _tree_env(tree, workdir)
    if fresh:
        _drop_database(tree.database)
    _common.database_create(tree.database_url)
    if manage(tree, "migrate", "--noinput", check=False).returncode != 0:
        # A database left by another version of the tree (its migrations renamed, say): start again.
        _log(f"{tree.label}: migrate failed on the existing database; recreating {tree.database}")
        _drop_database(tree.database)
        _common.database_create(tree.database_url)
        manage(tree, "migrate", "--noinput")
    manage(tree, "collectstatic", "--noinput", "--verbosity", "0")
    arguments = {"prefix": LEARNER_PREFIX, "course": BENCH_COURSE, "assignment": BENCH_ASSIGNMENT}
    state = shell(tree, "state", **arguments)
    if state["staff"] == 0:
        manage(tree, "seed_demo")
    if not state["course"]:
        manage(tree, "import_course", str(_course_file(tree, workdir)))
    if state["learners"] < learners:
        roster = shell(tree, "roster")
        rows = roster["rows"]
        present = {row["Mã cán bộ"] for row in rows}
        units = sorted({row["Mã đơn vị"] for row in rows if not row["Mã cán bộ"].startswith(LEARNER_PREFIX)})
        rows += [row for row in _learner_rows(learners, units) if row["Mã cán bộ"] not in present]
        roster_file = workdir / f"roster-{tree.label}.csv"
        with open(roster_file, "w", newline="", encoding="utf-8") as file:
            writer = csv.DictWriter(file, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        manage(tree, "import_roster", str(roster_file), "--effective-date", roster["effective_date"])
    shell(tree, "accounts", prefix=LEARNER_PREFIX, password=LEARNER_PASSWORD)
    if not state["assignment"]:
        manage(
            tree,
            "create_assignment",
            "--slug",
            BENCH_ASSIGNMENT,
            "--course",
            BENCH_COURSE,
            "--unit",
            "STP",
            "--start",
            "2025-09-01",
            "--due",
            "2030-12-31",
        )
    state = shell(tree, "state", **arguments)
    if state["learners_with_account"] < learners or not state.get("version_id"):
        raise RuntimeError(f"{tree.label}: seeding left {state}")
    tree.version_id, tree.lesson_count = state["version_id"], state["lesson_count"]
    # Signed in once for all the runs (each run clears the cache; the sessions stay in the database).
    sessions = workdir / f"sessions-{tree.label}.json"
    shell(tree, "sessions", prefix=LEARNER_PREFIX, count=learners, output=str(sessions))


# --- CPU, read from /proc ----------------------------------------------------------------------------

_TICK = os.sysconf("SC_CLK_TCK")


def _processes() -> list[tuple[int, str, int, float]]:
    """(pid, name, session id, CPU seconds) of every process that can be read."""
    result = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as stat:
                text = stat.read()
        except OSError:
            continue
        name = text[text.index("(") + 1 : text.rindex(")")]
        fields = text[text.rindex(")") + 2 :].split()
        result.append((int(entry.name), name, int(fields[3]), (int(fields[11]) + int(fields[12])) / _TICK))
    return result


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as file:
            return file.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _machine_busy() -> float:
    with open("/proc/stat") as stat:
        values = [int(value) for value in stat.readline().split()[1:]]
    return (sum(values) - values[3] - values[4]) / _TICK  # all but idle and iowait


class CpuSampler:
    """CPU seconds twice a second: gunicorn, locust (each a session of its own), the run's PostgreSQL
    backends, Redis, and the machine as a whole (whatever else runs on it included)."""

    PARTS = ("gunicorn", "locust", "postgres", "redis")

    def __init__(self, *, gunicorn: int, database: str):
        self.sessions = {"gunicorn": gunicorn}
        self.database = database
        self.samples: list[tuple[float, dict[str, float]]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._postgres: set[int] = set()

    def watch_locust(self, pid: int) -> None:
        self.sessions["locust"] = pid

    def _run(self) -> None:
        while not self._stop.is_set():
            sample = dict.fromkeys(self.PARTS, 0.0)
            for pid, name, session, seconds in _processes():
                if session == self.sessions["gunicorn"]:
                    sample["gunicorn"] += seconds
                elif session == self.sessions.get("locust"):
                    sample["locust"] += seconds
                elif name.startswith("redis-server"):
                    sample["redis"] += seconds
                elif name.startswith("postgres") and (pid in self._postgres or self.database in _cmdline(pid)):
                    self._postgres.add(pid)
                    sample["postgres"] += seconds
            sample["machine"] = _machine_busy()
            self.samples.append((time.time(), sample))
            self._stop.wait(0.5)

    def start(self) -> CpuSampler:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def cores(self, started: float, finished: float) -> dict[str, float]:
        """Average cores busy between the two instants, per part; "others" is the rest of the machine."""
        inside = [sample for sample in self.samples if started <= sample[0] <= finished]
        if len(inside) < 2:
            return {}
        (t0, first), (t1, last) = inside[0], inside[-1]
        cores = {key: max(0.0, (last[key] - first[key]) / (t1 - t0)) for key in first}
        cores["others"] = max(0.0, cores["machine"] - sum(cores[part] for part in self.PARTS))
        return cores


# --- one run -----------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _locust(locust: str, *, data: dict, host: str, workdir: Path, label: str, timeout: float, on_start=None) -> None:
    data_file = workdir / f"{label}-input.json"
    data_file.write_text(json.dumps(data))
    command = [locust, "-f", str(LOCUSTFILE), "--headless", "--host", host, "--only-summary", "--loglevel", "WARNING"]
    with open(workdir / f"{label}.log", "w") as log:
        process = subprocess.Popen(
            command,
            env={**os.environ, "LANTOA_CAPACITY_DATA": str(data_file)},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        if on_start is not None:
            on_start(process.pid)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _log(f"{label}: locust still running after {timeout:.0f} s; stopped")
        finally:
            _common.stop(process, timeout=10)


def run_once(tree: Tree, number: int, *, options: argparse.Namespace, locust: str, workdir: Path) -> dict:
    started = time.monotonic()
    shell(tree, "reset", course=BENCH_COURSE)
    _sql(tree.database_url, "VACUUM ANALYZE")
    sessions = json.loads((workdir / f"sessions-{tree.label}.json").read_text())
    port = _free_port()
    host = f"http://127.0.0.1:{port}"
    label = f"{tree.label}-{number}"
    gunicorn = subprocess.Popen(
        [tree.python, "-m", "gunicorn", "config.wsgi:application", "--workers", str(WORKERS)]
        + ["--worker-class", "sync", "--bind", f"127.0.0.1:{port}", "--chdir", str(tree.path)]
        + ["--log-level", "warning"],
        env=tree.env,
        stdout=open(workdir / f"gunicorn-{label}.log", "w"),  # noqa: SIM115 - closed with the process
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        _common.wait_for(host + "/accounts/login/", gunicorn, timeout=90, name="gunicorn")
        steps = -(-(options.max_users - options.start_users) // options.step) + 1
        data = {
            "cookie_name": sessions["cookie_name"],
            "sessions": sessions["sessions"],
            "users_max": options.max_users,
            "course_slug": BENCH_COURSE,
            "version_id": tree.version_id,
            "lesson_count": tree.lesson_count,
            "think_min_seconds": options.think_min,
            "think_max_seconds": options.think_max,
            "warmup_users": WARMUP_USERS,
            "warmup_seconds": options.warmup_seconds,
            "start_users": options.start_users,
            "step": options.step,
            "step_seconds": options.step_seconds,
            "max_users": options.max_users,
            "p95_limit_ms": options.p95_ms,
            "window_seconds": 10.0,
            "time_limit_seconds": steps * options.step_seconds + 5,
        }
        _locust(
            locust,
            data=data | {"phase": "warmup", "result_file": ""},
            host=host,
            workdir=workdir,
            label=f"{label}-warmup",
            timeout=options.warmup_seconds + 60,
        )
        result_file = workdir / f"{label}.json"
        sampler = CpuSampler(gunicorn=gunicorn.pid, database=tree.database).start()
        try:
            _locust(
                locust,
                data=data | {"phase": "ramp", "result_file": str(result_file)},
                host=host,
                workdir=workdir,
                label=label,
                timeout=data["time_limit_seconds"] + 60,
                on_start=sampler.watch_locust,
            )
        finally:
            sampler.stop()
    finally:
        _common.stop(gunicorn)
    if not result_file.exists():
        raise RuntimeError(f"{label}: locust ended without a result:\n{(workdir / f'{label}.log').read_text()[-3000:]}")
    result = json.loads(result_file.read_text())
    for step in result["steps"]:
        step["cores"] = sampler.cores(step["started"], step["finished"])
    result["seconds"] = time.monotonic() - started
    result_file.write_text(json.dumps(result, indent=2))  # with the CPU, for a look afterwards (LANTOA_BENCH_KEEP)
    _log(f"{label}: capacity {result['capacity']} learners ({result['reason']}); {result['seconds']:.0f} s")
    return result


# --- the report --------------------------------------------------------------------------------------


def machine() -> str:
    import psycopg

    with psycopg.connect(POSTGRES.replace("postgres://", "postgresql://") + "postgres") as connection:
        postgres = connection.execute("SHOW server_version").fetchone()[0]
    load = " / ".join(f"{value:.1f}" for value in os.getloadavg())
    return (
        f"{dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}; nproc {_common.nproc_text()}; RAM "
        f"{_common.ram_text()}; load average at the end {load}; Python {platform.python_version()}; "
        f"PostgreSQL {postgres}"
    )


def _median_run(tree: Tree) -> dict:
    median = statistics.median_low([run["capacity"] for run in tree.runs])
    return next(run for run in tree.runs if run["capacity"] == median)


def _cores_text(cores: dict[str, float]) -> str:
    if not cores:
        return "not sampled"
    return (
        f"gunicorn {cores['gunicorn']:.2f}, locust {cores['locust']:.2f}, PostgreSQL {cores['postgres']:.2f}, "
        f"Redis {cores['redis']:.2f}, other processes {cores['others']:.2f} (machine {cores['machine']:.2f} of "
        f"{os.cpu_count()})"
    )


def _server_ms(step: dict) -> str:
    value = _cpu_ms(step, ("gunicorn", "postgres", "redis"))
    return "" if value is None else f"{value:.1f}"


def step_table(run: dict) -> str:
    lines = [
        "| users | requests | requests/s | median (ms) | p95 (ms) | failures | sustained | server CPU ms / request "
        "| gunicorn | locust | PostgreSQL | Redis | others | machine (cores) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for step in run["steps"]:
        cores = step.get("cores") or {}
        shares = " | ".join(
            f"{cores[key]:.2f}" if cores else "" for key in ("gunicorn", "locust", "postgres", "redis", "others")
        )
        lines.append(
            f"| {step['users']:,} | {step['requests']:,} | {step['requests_per_second']:.1f} | "
            f"{step['median_ms']:.0f} | {step['p95_ms']:.0f} | {step['failures']} | "
            f"{'✓' if step['sustained'] else '✗'} | {_server_ms(step)} | {shares} | "
            f"{cores.get('machine', 0):.2f} |"
        )
    return "\n".join(lines)


PART_NAMES = {
    "gunicorn": "gunicorn",
    "locust": "locust",
    "postgres": "PostgreSQL",
    "redis": "Redis",
    "others": "the machine's other processes",
}


def _cpu_ms(step: dict, parts: tuple[str, ...]) -> float | None:
    """CPU ms per request of these parts during the step."""
    cores = step.get("cores") or {}
    if not cores or not step["requests"]:
        return None
    return sum(cores[part] for part in parts) * (step["finished"] - step["started"]) * 1000 / step["requests"]


def _last_sustained_ms(run: dict) -> float | None:
    sustained = [step for step in run["steps"] if step["sustained"]] or run["steps"]
    return _cpu_ms(sustained[-1], ("gunicorn", "postgres", "redis"))


def _number(value: float | None, spec: str) -> str:
    return "" if value is None else format(value, spec)


PAGES = ["my courses", "lesson", "quiz start", "POST start", "attempt", "POST autosave", "POST submit", "result"]


def _pages_line(run: dict) -> str:
    pages = run.get("pages") or {}
    if not pages:
        return ""
    shown = ", ".join(
        f"{name} {pages[name]['median_ms']:.0f} / {pages[name]['p95_ms']:.0f}" for name in PAGES if name in pages
    )
    return f"Per page up to the last sustained step, median / p95 (ms): {shown}."


def _where_the_time_goes(run: dict, think_seconds: float) -> str:
    last = run["steps"][-1]
    cores = last.get("cores") or {}
    if not cores:
        return ""
    busiest = max(PART_NAMES, key=lambda key: cores[key])
    text = (
        f"At its last step ({last['users']:,} users, {last['requests_per_second']:.1f} requests/s, p95 "
        f"{last['p95_ms']:.0f} ms), in cores: {_cores_text(cores)}; the largest share is that of {PART_NAMES[busiest]}."
    )
    sustained = [step for step in run["steps"] if step["sustained"]] or run["steps"]
    server = _cpu_ms(sustained[-1], ("gunicorn", "postgres", "redis"))
    locust = _cpu_ms(sustained[-1], ("locust",))
    if server and locust is not None:
        requests = (os.cpu_count() or 1) * 1000 / (server + locust)
        text += (
            f" At the last sustained step a request cost {server:.1f} ms of server CPU (gunicorn + PostgreSQL + "
            f"Redis) and {locust:.1f} ms of locust's: with nothing else running, the {os.cpu_count()} cores would "
            f"carry at most ≈ {requests:,.0f} requests/s, i.e. ≈ {requests * think_seconds:,.0f} learners at "
            f"{think_seconds:g} s think time (a ceiling: it leaves out queueing, so the p95 limit comes earlier)."
        )
    return text


def report(trees: list[Tree], options: argparse.Namespace) -> str:
    lines = [
        "## Learner capacity: gunicorn + PostgreSQL, 10 s think time (`benchmarks/learner_capacity.py`)",
        "",
        f"Machine: {machine()}" + (" (when reported from the kept runs)." if options.report_from else "."),
    ]
    if options.note:
        lines += ["", f"**{options.note}**"]
    lines += [
        "",
        "| tree | commit | capacity of each run (learners) | median | server CPU ms / request | other processes "
        "(cores) | minutes per run |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: |",
    ]
    medians, server, busy = {}, {}, []
    for tree in trees:
        capacities = [run["capacity"] for run in tree.runs]
        medians[tree.label] = statistics.median(capacities)
        costs = [cost for run in tree.runs if (cost := _last_sustained_ms(run)) is not None]
        server[tree.label] = statistics.median(costs) if costs else None
        others = [step["cores"]["others"] for run in tree.runs for step in run["steps"] if step.get("cores")]
        busy += others
        minutes = statistics.mean(run["seconds"] for run in tree.runs) / 60
        lines.append(
            f"| {tree.label} (`{tree.path}`) | {tree.commit} | {' / '.join(f'{c:,}' for c in capacities)} | "
            f"**{medians[tree.label]:,.0f}** | {_number(server[tree.label], '.1f')} | "
            f"{_number(statistics.mean(others) if others else None, '.2f')} | {minutes:.1f} |"
        )
    if "before" in medians and "after" in medians and medians["before"]:
        lines += ["", f"Ratio after ÷ before (medians): **{medians['after'] / medians['before']:.2f}**."]
        if server["before"] and server["after"]:
            lines[-1] += f" Server CPU per request, after ÷ before: {server['after'] / server['before']:.2f}."
    if busy and statistics.mean(busy) > OTHERS_WARNING_CORES:
        lines += [
            "",
            f"**Other processes used {statistics.mean(busy):.2f} cores on average during the runs: the capacity "
            "depends on them more than on the code. Measure on a quiet machine; until then the server CPU per "
            "request is the steadier figure.**",
        ]
    lines += [
        "",
        "Server CPU ms / request: (gunicorn + PostgreSQL + Redis) core-seconds ÷ requests at each run's last "
        "sustained step, median of the runs. Other processes: the machine's busy cores outside the benchmark, "
        "mean of every step.",
    ]
    lines += [
        "",
        f"Setup: each tree's own code on its own database, gunicorn {WORKERS} sync workers on 127.0.0.1 with the "
        "tree's `config.settings.production` on plain HTTP (PostgreSQL, Redis cache, cached_db sessions), "
        f"seeded by the tree's management commands (seed_demo, import_course, import_roster, create_assignment). "
        f"Locust (one process, FastHttpUser) runs **on the same {_common.nproc_text()}-core machine** as the server "
        "and takes its share of the CPU (the locust column). Each simulated user is one learner, signed in before "
        "the run (sessions made in the tree, not measured), going my courses → lesson → quiz start → POST start → "
        f"attempt → autosave → POST submit → result with {options.think_min:g}–{options.think_max:g} s of think "
        f"time after every request, and answering 1 question of 10 so it may always start again. Ramp: "
        f"{options.start_users:,} users, then {options.step:,} more every {options.step_seconds:g} s up to "
        f"{options.max_users:,}, after {options.warmup_seconds:g} s of warm-up ({WARMUP_USERS} users, no think "
        f"time, not judged). A step is sustained when its requests' p95 ≤ {options.p95_ms:g} ms and none failed "
        "(also checked every second over the last 10 s); the run stops at the first step that is not. Capacity = "
        f"the last sustained step's users; {options.runs} runs per tree, alternating trees, median reported. "
        "Percentiles over every request of the step (all pages).",
    ]
    for tree in trees:
        run = _median_run(tree)
        lines += [
            "",
            f"### {tree.label}: the median run, step by step (CPU in cores)",
            "",
            step_table(run),
            "",
            f"Stopped: {run['reason']}. {_where_the_time_goes(run, (options.think_min + options.think_max) / 2)}",
            _pages_line(run),
        ]
        if run["errors"]:
            errors = "; ".join(f"{text} ×{count}" for text, count in list(run["errors"].items())[:6])
            lines.append(f"Failures: {errors}.")
    lines += [
        "",
        "Server CPU ms / request = (gunicorn + PostgreSQL + Redis) core-seconds ÷ requests in the step: the "
        "server's cost of an average journey request, whatever else the machine runs. With a think time of "
        f"~{(options.think_min + options.think_max) / 2:g} s each learner sends about one request per "
        f"{(options.think_min + options.think_max) / 2:g} s, so requests/s ≈ users ÷ "
        f"{(options.think_min + options.think_max) / 2:g} while the server keeps up.",
    ]
    return "\n".join(lines)


def write_results(text: str) -> None:
    start, end = "<!-- learner_capacity:start -->", "<!-- learner_capacity:end -->"
    _common.results_write(f"{start}\n{text}\n{end}", start=start, end=end)


# --- the command -------------------------------------------------------------------------------------


def _log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def find_locust(given: str | None) -> str:
    for candidate in (given, os.environ.get("LANTOA_LOCUST"), str(REPO / ".venv" / "bin" / "locust")):
        if candidate and Path(candidate).exists():
            return candidate
    locust = LOCUST_VENV / "bin" / "locust"
    if not locust.exists():
        pin = next(
            line.strip()
            for line in (REPO / "requirements-bench.txt").read_text().splitlines()
            if line.startswith("locust")
        )
        _log(f"locust is not installed: making {LOCUST_VENV} with {pin}")
        subprocess.run([sys.executable, "-m", "venv", str(LOCUST_VENV)], check=True)
        subprocess.run([str(LOCUST_VENV / "bin" / "pip"), "install", "--quiet", pin], check=True)
    return str(locust)


def measure(trees: list[Tree], options: argparse.Namespace) -> None:
    locust = find_locust(options.locust)
    workdir = Path(tempfile.mkdtemp(prefix="lantoa-capacity-"))
    (workdir / f"{SETTINGS_MODULE}.py").write_text(SETTINGS_OVERLAY)
    try:
        for tree in trees:
            prepare(tree, learners=options.max_users + WARMUP_USERS, workdir=workdir, fresh=options.fresh)
        for number in range(1, options.runs + 1):
            for tree in trees:
                tree.runs.append(run_once(tree, number, options=options, locust=locust, workdir=workdir))
    finally:
        if os.environ.get("LANTOA_BENCH_KEEP"):
            _log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", type=Path, help="the tree before the change (e.g. /work/base)")
    parser.add_argument("--after", type=Path, default=REPO, help="the tree after the change (default: this one)")
    parser.add_argument("--no-after", action="store_true", help="measure --before only")
    parser.add_argument("--runs", type=int, default=3, help="runs per tree; the median is reported")
    parser.add_argument("--max-users", type=int, default=2500, help="stop the ramp here (one learner account each)")
    parser.add_argument("--step", type=int, default=100, help="users added at each step")
    parser.add_argument("--start-users", type=int, default=300, help="users of the first step")
    parser.add_argument("--step-seconds", type=float, default=10, help="how long each step lasts")
    parser.add_argument("--think-min", type=float, default=8, help="think time after each request, from")
    parser.add_argument("--think-max", type=float, default=12, help="think time after each request, to")
    parser.add_argument("--p95-ms", type=float, default=500, help="the latency limit of a sustained step")
    parser.add_argument("--warmup-seconds", type=float, default=20)
    parser.add_argument("--before-database", default="lantoa_cap_before")
    parser.add_argument("--after-database", default="lantoa_cap_after")
    parser.add_argument("--before-redis-db", type=int, default=2)
    parser.add_argument("--after-redis-db", type=int, default=3)
    parser.add_argument("--fresh", action="store_true", help="drop the benchmark databases and seed them again")
    parser.add_argument("--locust", help="the locust executable (see above)")
    parser.add_argument("--note", default="", help="a line printed with the figures (e.g. why they are provisional)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave benchmarks/results.md alone")
    parser.add_argument(
        "--report-from",
        type=Path,
        metavar="DIR",
        help="measure nothing: report the runs kept in DIR (LANTOA_BENCH_KEEP=1), given the same options",
    )
    options = parser.parse_args(argv)

    trees = []
    if options.before:
        trees.append(Tree("before", options.before.resolve(), options.before_database, options.before_redis_db))
    if not options.no_after:
        trees.append(Tree("after", options.after.resolve(), options.after_database, options.after_redis_db))
    if not trees:
        raise SystemExit("Nothing to measure: give --before, or leave out --no-after.")
    if options.report_from:
        for tree in trees:
            tree.commit = _commit(tree.path)
            for number in range(1, options.runs + 1):
                tree.runs.append(json.loads((options.report_from / f"{tree.label}-{number}.json").read_text()))
    else:
        measure(trees, options)
    text = report(trees, options)
    print(text)
    if not options.no_write:
        write_results(text)


if __name__ == "__main__":
    main()
