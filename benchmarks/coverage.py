"""Coverage at province scale (issue 5): the report, its query count and the xlsx export, in one run.

The data set is `generate_province --staff 100000 --units 2000 --depth 5 --assignments 30
--seed 57`, built once into its own PostgreSQL database (`lantoa_bench_province`, or
PROVINCE_DATABASE_URL; not DATABASE_URL, because `make bench` runs the roster import first,
which points DATABASE_URL at its own database and truncates the staff tables) and kept: a
`bench_meta` row records what was built and with which version of `demo/province.py`, and
later runs reuse the database when that row and the staff, unit and assignment counts still
match (otherwise it is rebuilt with `--reset`). A small data set (500 staff, 20 units,
depth 3, same seed) is kept the same way in `lantoa_bench_province_small`
(SMALL_DATABASE_URL) for the query count.

Figures, each against a baseline measured in the same run:

- **Coverage report** of the root-wide assignment with the most enrolments, as of several
  dates: `coverage_as_of(...).as_dict()` (what the JSON command and the API return) against
  the fastest of the hand-written single SQL statements in `benchmarks/sql/coverage_baseline.sql`
  (same per-unit rolled-up figures; checked equal, unit by unit, before timing). Warm-up,
  then the median of interleaved runs. Targets: under 1 s, and at most 1.5× the SQL.
- **Queries** of `coverage_as_of` (and of `coverage_people` read to the end) on the full and
  the small data set: they must be equal.
- **xlsx export** of every person's status: `manage.py coverage_report --format xlsx` in a
  subprocess, its peak RSS from `wait4`. Baselines, the same command in the same way: with
  the workbook writer replaced by a loop that only reads the people (Django, the query and
  the rows, nothing written: the difference is the export), and with openpyxl's ordinary
  in-memory workbook instead of write-only mode (what streaming saves). Target: under
  250 MB (10^6 bytes).

    .venv/bin/python benchmarks/coverage.py [--runs 15] [--export-runs 5] [--no-write]

The table is printed and written to benchmarks/results.md between its own markers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parents[1]
if __name__ == "__main__":
    # Run as a script, benchmarks/ comes first on sys.path and this file would shadow the
    # `coverage` package for anything that imports it; the repository root is what we need.
    sys.path[0] = str(REPO)

from benchmarks import _common  # noqa: E402 - after the path fix above

BASELINE_SQL = REPO / "benchmarks" / "sql" / "coverage_baseline.sql"
GENERATOR = REPO / "demo" / "province.py"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/lantoa_bench_province"
DEFAULT_SMALL_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/lantoa_bench_province_small"
SETTINGS = "config.settings.test"
DATES = [dt.date(2025, 6, 15), dt.date(2025, 12, 15), dt.date(2026, 6, 15)]
EXPORT_DATE = DATES[-1]
TARGET_SECONDS = 1.0
TARGET_RATIO = 1.5
TARGET_MB = 250
MARKERS = ("<!-- coverage:start -->", "<!-- coverage:end -->")


@dataclass(frozen=True)
class DataSet:
    staff: int
    units: int
    depth: int
    assignments: int
    seed: int

    def arguments(self) -> list[str]:
        return [
            f"--staff={self.staff}",
            f"--units={self.units}",
            f"--depth={self.depth}",
            f"--assignments={self.assignments}",
            f"--seed={self.seed}",
        ]

    def label(self) -> str:
        return f"{self.staff:,} staff, {self.units:,} units, depth {self.depth}, {self.assignments} assignments"


FULL = DataSet(staff=100_000, units=2_000, depth=5, assignments=30, seed=57)
SMALL = DataSet(staff=500, units=20, depth=3, assignments=30, seed=57)


# --- the data sets ---------------------------------------------------------------------------------


def _child_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = database_url
    env["DJANGO_SETTINGS_MODULE"] = SETTINGS
    env.pop("PYTHONPATH", None)
    return env


def _psycopg_url(database_url: str) -> str:
    return urlparse(database_url)._replace(scheme="postgresql").geturl()


def _generator_fingerprint() -> str:
    return hashlib.sha256(GENERATOR.read_bytes()).hexdigest()


def _stored_state(database_url: str) -> tuple[dict | None, dict[str, int]]:
    import psycopg

    with psycopg.connect(_psycopg_url(database_url), autocommit=True) as connection:
        connection.execute(
            "CREATE TABLE IF NOT EXISTS bench_meta (name text PRIMARY KEY, value jsonb NOT NULL, "
            "recorded_at timestamptz NOT NULL DEFAULT now())"
        )
        row = connection.execute("SELECT value FROM bench_meta WHERE name = 'province'").fetchone()
        counts = {
            table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608 - fixed names
            for table in ("orgchart_staff", "orgchart_unit", "courses_assignment")
        }
    return (row[0] if row else None), counts


def _store_meta(database_url: str, meta: dict) -> None:
    import psycopg
    from psycopg.types.json import Jsonb

    with psycopg.connect(_psycopg_url(database_url), autocommit=True) as connection:
        connection.execute(
            "INSERT INTO bench_meta (name, value) VALUES ('province', %s) "
            "ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, recorded_at = now()",
            [Jsonb(meta)],
        )


def dataset_ensure(*, database_url: str, spec: DataSet) -> dict:
    """Create, migrate and (only when it is not there yet) build the data set; returns its bench_meta."""
    name = urlparse(database_url).path.lstrip("/")
    _common.database_create(database_url)
    env = _child_env(database_url)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--verbosity=0", "--no-input"], cwd=REPO, env=env, check=True
    )
    fingerprint = _generator_fingerprint()
    meta, counts = _stored_state(database_url)
    wanted = {"orgchart_staff": spec.staff, "orgchart_unit": spec.units, "courses_assignment": spec.assignments}
    if meta and meta.get("spec") == asdict(spec) and meta.get("generator") == fingerprint and counts == wanted:
        print(
            f"{name}: reusing the data set ({spec.label()}, seed {spec.seed}) built {meta['built_at']} "
            f"in {meta['seconds']:.0f} s.",
            flush=True,
        )
        meta["reused"] = True
        return meta
    if not meta and not any(counts.values()):
        reason = "empty database"
    elif not meta:
        reason = "data of unknown origin"
    elif meta.get("spec") != asdict(spec):
        reason = "other sizes or seed"
    elif meta.get("generator") != fingerprint:
        reason = "demo/province.py changed since it was built"
    else:
        reason = f"counts differ ({counts})"
    print(
        f"{name}: building the data set ({spec.label()}, seed {spec.seed}; {reason}). Done once: later runs reuse it.",
        flush=True,
    )
    command = [sys.executable, "manage.py", "generate_province", *spec.arguments()]
    if any(counts.values()):
        command.append("--reset")
    started = time.perf_counter()
    subprocess.run(command, cwd=REPO, env=env, check=True)
    seconds = time.perf_counter() - started
    print(f"{name}: built in {seconds:.1f} s.", flush=True)
    meta = {
        "spec": asdict(spec),
        "generator": fingerprint,
        "built_at": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %z"),
        "seconds": round(seconds, 1),
    }
    _store_meta(database_url, meta)
    meta["reused"] = False
    return meta


# --- in the measuring process (Django set up on the full data set) -------------------------------------


def _setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    import django

    django.setup()
    from django.conf import settings

    assert not settings.DEBUG, "DEBUG keeps every query in memory; benchmark with DEBUG off"


def assignment_pick():
    """The assignment whose audience is the whole tree (one rule: the root with its sub-units, every
    category, no named people) with the most enrolments — the shape the hand-written SQL is written for."""
    from django.db.models import Count

    from courses.models import Assignment, AssignmentPerson, Enrolment
    from courses.selectors.audience import audience_unit_rules
    from orgchart.models import Unit

    assignments = {a.pk: a for a in Assignment.objects.select_related("course").order_by("pk")}
    rules = audience_unit_rules(assignment_ids=list(assignments))
    named = set(AssignmentPerson.objects.values_list("assignment_id", flat=True))
    enrolments = dict(
        Enrolment.objects.order_by().values("assignment_id").annotate(n=Count("pk")).values_list("assignment_id", "n")
    )
    root_wide = [
        pk
        for pk, assignment in assignments.items()
        if [(len(rule.path), rule.include_descendants) for rule in rules.get(pk, [])] == [(Unit.steplen, True)]
        and pk not in named
        and not assignment.categories
        and not assignment.communications_only
    ]
    if not root_wide:
        raise SystemExit("No assignment to the whole tree in this data set.")
    best = max(root_wide, key=lambda pk: (enrolments.get(pk, 0), -pk))
    return assignments[best], enrolments.get(best, 0)


def baseline_statements() -> list[tuple[str, str]]:
    """The `-- variant: <label>` statements of benchmarks/sql/coverage_baseline.sql, in file order."""
    text = BASELINE_SQL.read_text(encoding="utf-8")
    parts = re.split(r"^-- variant: (.+)$", text, flags=re.MULTILINE)
    statements = []
    for label, body in zip(parts[1::2], parts[2::2], strict=True):
        statements.append((label.strip(), body.strip().rstrip(";")))
    return statements


def baseline_run(*, statement: str, params: dict) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()


def _root_path(assignment) -> str:
    from courses.models import AssignmentUnit

    return AssignmentUnit.objects.select_related("unit").get(assignment=assignment).unit.path


def figures_compare(*, report: dict, rows: list[tuple]) -> list[str]:
    """Every unit's figures from the selector against the SQL's; the differences, if any."""
    ours = {
        unit["code"]: (unit["name"], unit["parent"], unit["staff"], unit["informed"], unit["exempt"], unit["percent"])
        for unit in report["units"]
    }
    theirs = {
        code: (name, parent, staff, informed, exempt, float(percent))
        for code, name, parent, staff, informed, exempt, percent in rows
    }
    problems = []
    if list(ours) != [row[0] for row in rows]:
        problems.append("units listed in a different order or set")
    for code in sorted(ours.keys() | theirs.keys()):
        if ours.get(code) != theirs.get(code):
            problems.append(f"{code}: selector {ours.get(code)} != SQL {theirs.get(code)}")
    root = rows[0] if rows else None
    total = report["total"]
    if root is None or (total["staff"], total["informed"], total["exempt"]) != tuple(root[3:6]):
        problems.append(f"total {total} != SQL root row {root}")
    return problems


@dataclass
class Timing:
    ours: float
    baseline: float
    baseline_label: str
    ours_runs: list[float]
    baseline_runs: dict[str, list[float]]
    people: int
    units: int


def report_time(*, assignment, as_of: dt.date, runs: int, warmup: int = 2) -> Timing:
    from courses.selectors.audience import audience_unit_rules  # noqa: F401 - imported before timing
    from reports.selectors.coverage import coverage_as_of

    params = {
        "as_of": as_of,
        "assignment": assignment.pk,
        "course": assignment.course_id,
        "root_pattern": _root_path(assignment) + "%",
    }
    statements = baseline_statements()

    def ours():
        return coverage_as_of(assignment=assignment, as_of=as_of).as_dict()

    report = ours()
    for label, statement in statements:
        problems = figures_compare(report=report, rows=baseline_run(statement=statement, params=params))
        if problems:
            shown = "\n  ".join(problems[:20])
            raise SystemExit(f"Hand-written SQL ({label}) and coverage_as_of differ on {as_of}:\n  {shown}")

    contenders = [("ours", ours)] + [
        (label, lambda statement=statement: baseline_run(statement=statement, params=params))
        for label, statement in statements
    ]
    samples: dict[str, list[float]] = {label: [] for label, _function in contenders}
    for repetition in range(warmup + runs):
        # Interleaved, the order rotated: a busy machine slows every contender alike.
        shift = repetition % len(contenders)
        for label, function in contenders[shift:] + contenders[:shift]:
            started = time.perf_counter()
            function()
            elapsed = time.perf_counter() - started
            if repetition >= warmup:
                samples[label].append(elapsed)
    medians = {label: statistics.median(values) for label, values in samples.items()}
    best = min((label for label, _statement in statements), key=lambda label: medians[label])
    total = report["total"]
    return Timing(
        ours=medians["ours"],
        baseline=medians[best],
        baseline_label=best,
        ours_runs=samples["ours"],
        baseline_runs={label: samples[label] for label, _statement in statements},
        people=total["staff"] + total["exempt"],
        units=len(report["units"]),
    )


def query_counts(*, as_of: dt.date) -> dict:
    """Queries of coverage_as_of and of coverage_people (read to the end) on this database."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports.selectors.coverage import coverage_as_of
    from reports.selectors.people import coverage_people

    assignment, _enrolments = assignment_pick()
    with CaptureQueriesContext(connection) as report_queries:
        report = coverage_as_of(assignment=assignment, as_of=as_of).as_dict()
    with CaptureQueriesContext(connection) as people_queries:
        people = sum(1 for _person in coverage_people(assignment=assignment, as_of=as_of))
    staff = connection.cursor()
    staff.execute("SELECT count(*) FROM orgchart_staff")
    return {
        "assignment": assignment.slug,
        "staff": staff.fetchone()[0],
        "units": len(report["units"]),
        "people": people,
        "report_queries": len(report_queries.captured_queries),
        "people_queries": len(people_queries.captured_queries),
    }


# --- the export, in subprocesses ------------------------------------------------------------------------


@dataclass
class Process:
    seconds: float
    peak_bytes: int
    stdout: str


# Forks and execs the command, then reports its wall time and maximum RSS. Why not wait4 on a
# child of this process: on Linux a process's ru_maxrss starts from the high-water mark of the
# address space it was forked (or vforked, or posix_spawned) from — exec keeps it — so every
# child of this benchmark, which holds Django and 90,000 report rows, would "peak" at least at
# this process's size. Forked from this small interpreter instead, the command's figure is its own.
_MEASURE = """
import json, os, sys, time
started = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
_pid, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - started
with open(sys.argv[1], "w") as report:
    json.dump({"exit": os.waitstatus_to_exitcode(status), "maxrss_kib": usage.ru_maxrss, "seconds": seconds}, report)
"""


def process_measure(command: list[str], *, env: dict[str, str]) -> Process:
    """Run `command` (absolute executable first); its wall time and peak resident set size."""
    with tempfile.TemporaryDirectory(prefix="lantoa-measure-") as directory:
        report = Path(directory) / "usage.json"
        completed = subprocess.run(
            [sys.executable, "-c", _MEASURE, str(report), *command],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        usage = json.loads(report.read_text()) if report.exists() else {"exit": completed.returncode}
    if completed.returncode or usage["exit"]:
        raise SystemExit(f"{' '.join(command)} failed ({usage['exit']}):\n{completed.stderr}{completed.stdout}")
    # ru_maxrss is in KiB on Linux.
    return Process(seconds=usage["seconds"], peak_bytes=usage["maxrss_kib"] * 1024, stdout=completed.stdout)


def xlsx_people_rows(path: Path) -> int:
    """Data rows of the workbook's second sheet (the people), counted in the XML without loading it."""
    with zipfile.ZipFile(path) as archive:
        names = sorted(name for name in archive.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", name))
        rows = 0
        tail = b""
        above = None
        with archive.open(names[1]) as sheet:
            while chunk := sheet.read(1 << 20):
                data = tail + chunk
                if above is None:
                    # The rows above the data (title block and header) are the frozen ones: <pane ySplit="N" …>.
                    above = int(re.search(rb'ySplit="(\d+)"', data).group(1))
                rows += data.count(b"<row ")
                tail = data[-4:]
                # a "<row " cut across two chunks is counted once: the kept tail is shorter than it
    return rows - above


def _export_command(kind: str, *, slug: str, as_of: dt.date, output: Path) -> list[str]:
    arguments = ["--assignment", slug, "--as-of", as_of.isoformat(), "--format", "xlsx", "--output", str(output)]
    if kind == "ours":
        return [sys.executable, "manage.py", "coverage_report", *arguments]
    return [sys.executable, "-m", "benchmarks.coverage", "--child", kind, *arguments]


@dataclass
class Export:
    seconds: float
    peak_bytes: int
    rows: int
    runs: list[tuple[float, int]]


def export_measure(
    kinds: list[str], *, database_url: str, slug: str, as_of: dt.date, runs: int, warmup: int = 1
) -> dict[str, Export]:
    """Each kind of export process `warmup + runs` times, interleaved: the median time of the timed runs,
    the largest peak of all (memory does not depend on a warm cache) and the rows written (or read)."""
    env = _child_env(database_url)
    samples: dict[str, list[tuple[float, int]]] = {kind: [] for kind in kinds}
    rows: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="lantoa-coverage-") as directory:
        output = Path(directory) / "bao-phu.xlsx"
        for repetition in range(warmup + runs):
            for kind in kinds:
                output.unlink(missing_ok=True)
                measured = process_measure(_export_command(kind, slug=slug, as_of=as_of, output=output), env=env)
                samples[kind].append((measured.seconds, measured.peak_bytes))
                if repetition == 0:
                    if kind == "people":
                        rows[kind] = json.loads(measured.stdout.strip().splitlines()[-1])["rows"]
                    else:
                        rows[kind] = xlsx_people_rows(output)
    return {
        kind: Export(
            seconds=statistics.median(seconds for seconds, _peak in samples[kind][warmup:]),
            peak_bytes=max(peak for _seconds, peak in samples[kind]),
            rows=rows[kind],
            runs=samples[kind],
        )
        for kind in kinds
    }


def _child(kind: str, argv: list[str]) -> None:
    """The baselines of the export: the real `coverage_report` command, run as `manage.py` runs it
    (system checks included), with only the writing changed."""
    import django

    django.setup()
    from django.core.management import execute_from_command_line

    if kind == "people":
        # The same command, query and rows, nothing written: what the export costs on top of it.
        from semiannual.management.commands import coverage_report as command_module

        counted = {"rows": 0}

        def read_only(*, report, people, output) -> int:
            for _person in people:
                counted["rows"] += 1
            return counted["rows"]

        command_module.coverage_xlsx_write = read_only
        execute_from_command_line(["manage.py", "coverage_report", *argv])
        print(json.dumps(counted))
    elif kind == "workbook":
        # The same writer, with openpyxl's ordinary workbook (every cell kept in memory) instead of write-only.
        from openpyxl import Workbook

        import reports.exports as exports

        def in_memory(write_only: bool = False) -> Workbook:
            workbook = Workbook()
            workbook.remove(workbook.active)
            return workbook

        exports.Workbook = in_memory
        execute_from_command_line(["manage.py", "coverage_report", *argv])
    else:
        raise SystemExit(f"unknown child {kind!r}")


# --- the report ---------------------------------------------------------------------------------------------


def _mb(value: int) -> float:
    return value / 1_000_000


def machine() -> str:
    from django.db import connection

    ram, nproc = _common.ram_text(), _common.nproc_text()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
        cursor.execute("SHOW jit")
        jit = cursor.fetchone()[0]
    import django
    import openpyxl

    return (
        f"{dt.datetime.now().astimezone():%Y-%m-%d %H:%M %z}; nproc {nproc}; RAM {ram}; "
        f"Python {platform.python_version()}; PostgreSQL {postgres} (jit {jit}, server defaults); "
        f"Django {django.get_version()}; openpyxl {openpyxl.__version__}"
    )


def _load() -> str:
    try:
        return " / ".join(f"{value:.1f}" for value in os.getloadavg())
    except OSError:
        return "?"


def _verdict(passed: bool) -> str:
    return "pass" if passed else "**FAIL**"


def table(rows: list[tuple[str, str, str, str, str, str]]) -> str:
    lines = [
        "| figure | Lan Tỏa | baseline (same run) | ratio | target | result |",
        "| --- | ---: | ---: | ---: | --- | --- |",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def write_results(text: str) -> None:
    start, end = MARKERS
    _common.results_write(f"{start}\n{text}\n{end}", start=start, end=end)


def run(
    *,
    database_url: str | None = None,
    small_database_url: str | None = None,
    runs: int = 15,
    export_runs: int = 5,
    write: bool = True,
) -> str:
    database_url = database_url or os.environ.get("PROVINCE_DATABASE_URL") or DEFAULT_DATABASE_URL
    small_database_url = small_database_url or os.environ.get("SMALL_DATABASE_URL") or DEFAULT_SMALL_DATABASE_URL
    if urlparse(database_url).path == urlparse(small_database_url).path:
        raise SystemExit("The full and the small data sets need two databases.")
    full_meta = dataset_ensure(database_url=database_url, spec=FULL)
    small_meta = dataset_ensure(database_url=small_database_url, spec=SMALL)
    _setup_django(database_url)
    load_before = _load()

    from django.db import connection

    from courses.models import Completion, Enrolment
    from orgchart.models import Membership
    from reports.models import Exemption

    assignment, enrolments = assignment_pick()
    print(f"Assignment {assignment.slug} ({enrolments:,} enrolments); timing the report…", flush=True)
    rows: list[tuple[str, str, str, str, str, str]] = []
    timings = {}
    for as_of in DATES:
        timing = report_time(assignment=assignment, as_of=as_of, runs=runs)
        timings[as_of] = timing
        ratio = timing.ours / timing.baseline
        rows.append(
            (
                f"coverage report as of {as_of:%d/%m/%Y}: {timing.units:,} units, {timing.people:,} people"
                f" (median of {runs})",
                f"{timing.ours:.3f} s",
                f"{timing.baseline:.3f} s (hand-written SQL)",
                f"{ratio:.2f}×",
                f"< {TARGET_SECONDS:g} s and ≤ {TARGET_RATIO:g}×",
                _verdict(timing.ours < TARGET_SECONDS and ratio <= TARGET_RATIO),
            )
        )

    print("Counting queries on both data sets…", flush=True)
    full_counts = query_counts(as_of=EXPORT_DATE)
    small_process = process_measure(
        [sys.executable, "-m", "benchmarks.coverage", "--child", "queries", "--as-of", EXPORT_DATE.isoformat()],
        env=_child_env(small_database_url),
    )
    small_counts = json.loads(small_process.stdout.strip().splitlines()[-1])
    for key, label in (("report_queries", "coverage_as_of"), ("people_queries", "coverage_people, read to the end")):
        ours, small = full_counts[key], small_counts[key]
        rows.append(
            (
                f"queries, {label}: {full_counts['staff']:,} staff vs {small_counts['staff']:,} staff",
                f"{ours}",
                f"{small} (small data set)",
                f"{ours / small:.2f}×",
                "equal",
                _verdict(ours == small),
            )
        )

    slug = assignment.slug
    print(f"Exporting every person's status as of {EXPORT_DATE:%d/%m/%Y} (xlsx, subprocesses)…", flush=True)
    measured = export_measure(
        ["ours", "people"], database_url=database_url, slug=slug, as_of=EXPORT_DATE, runs=export_runs
    )
    ours_export, read_only = measured["ours"], measured["people"]
    in_memory = export_measure(["workbook"], database_url=database_url, slug=slug, as_of=EXPORT_DATE, runs=1, warmup=0)[
        "workbook"
    ]
    django_only = process_measure([sys.executable, "manage.py", "check"], env=_child_env(database_url))
    expected = timings[EXPORT_DATE].people
    for export, label in ((ours_export, "export"), (read_only, "rows read only"), (in_memory, "in-memory workbook")):
        if export.rows != expected:
            raise SystemExit(f"{label}: {export.rows} rows, the report counts {expected} people")
    rows += [
        (
            f"xlsx export as of {EXPORT_DATE:%d/%m/%Y}, {ours_export.rows:,} people: time (median of {export_runs})",
            f"{ours_export.seconds:.1f} s",
            f"{read_only.seconds:.1f} s (same command, rows read, nothing written)",
            f"{ours_export.seconds / read_only.seconds:.2f}×",
            "—",
            "—",
        ),
        (
            f"xlsx export: peak memory (max RSS of the process, largest of {export_runs + 1})",
            f"{_mb(ours_export.peak_bytes):.0f} MB",
            f"{_mb(read_only.peak_bytes):.0f} MB (same command, rows read, nothing written)",
            f"{ours_export.peak_bytes / read_only.peak_bytes:.2f}×",
            f"< {TARGET_MB} MB",
            _verdict(_mb(ours_export.peak_bytes) < TARGET_MB),
        ),
        (
            "xlsx export: peak memory against a workbook held in memory",
            f"{_mb(ours_export.peak_bytes):.0f} MB",
            f"{_mb(in_memory.peak_bytes):.0f} MB, {in_memory.seconds:.0f} s (openpyxl ordinary workbook, 1 run)",
            f"{ours_export.peak_bytes / in_memory.peak_bytes:.2f}×",
            "(what streaming saves)",
            "—",
        ),
    ]

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    counts = (
        f"{full_counts['staff']:,} staff, {full_counts['units']:,} units, {Membership.objects.count():,} memberships, "
        f"{Enrolment.objects.count():,} enrolments, {Completion.objects.count():,} completions, "
        f"{Exemption.objects.count():,} exemptions; {size}"
    )
    built = (
        f"built {full_meta['built_at']} in {full_meta['seconds']:.0f} s, reused"
        if full_meta["reused"]
        else f"built in this run in {full_meta['seconds']:.0f} s"
    )
    spreads = "; ".join(
        f"{as_of:%d/%m/%Y} ours {min(t.ours_runs):.3f}–{max(t.ours_runs):.3f} s, "
        + ", ".join(f"SQL “{label}” {statistics.median(v):.3f} s" for label, v in t.baseline_runs.items())
        for as_of, t in timings.items()
    )
    text = "\n".join(
        [
            "## Coverage at province scale (`benchmarks/coverage.py`)",
            "",
            f"Machine: {machine()}; load average {load_before} at the start, {_load()} at the end.",
            "",
            f"Data set: `generate_province {' '.join(FULL.arguments())}` in its own database ({built}): "
            f"{counts}. Small data set for the query count: "
            f"{SMALL.label()}, seed {SMALL.seed} ({'reused' if small_meta['reused'] else 'built in this run'}; "
            f"its assignment `{small_counts['assignment']}`, {small_counts['people']:,} people on "
            f"{EXPORT_DATE:%d/%m/%Y}). "
            f"Assignment `{slug}` (whole tree, {enrolments:,} enrolments).",
            "",
            table(rows),
            "",
            "Lan Tỏa = `reports.selectors.coverage.coverage_as_of(...).as_dict()`: the audience rules, one"
            " aggregate over the memberships open on D grouped by unit, the units of the scope, then the roll-up"
            " in Python and the"
            " JSON contract's dict (3 queries). Baseline = the fastest of the single statements (1 query) in"
            " `benchmarks/sql/coverage_baseline.sql` (per-unit figures with sub-units, rolled up in SQL), run"
            " through the same connection and fetched; both checked equal for every unit before timing. Two warm-up"
            " runs, then runs interleaved with the order rotated. Per date (ours min–max, SQL medians): "
            f"{spreads}.",
            "",
            "Export = `manage.py coverage_report --format xlsx --output F` in a subprocess (units sheet + one row per"
            " person, openpyxl write-only, people fetched in chunks of 2,000); peak memory = the process's maximum"
            " resident set size (`wait4` from a small parent that forks it: a child of the benchmark process itself"
            " would inherit that process's high-water mark), the largest of the runs, in MB of 10^6 bytes."
            " Baselines run the same command the same way with only the writer changed: a loop that reads every"
            " person and writes nothing"
            " (Django, the query and the row objects: the ratio isolates the workbook), and openpyxl's ordinary"
            " workbook instead of write-only mode (what streaming saves). Rows checked against the report's count."
            f" For scale: `manage.py check` alone (Django with every app and the system checks, which"
            f" `manage.py coverage_report` runs too) peaks at {_mb(django_only.peak_bytes):.0f} MB.",
        ]
    )
    if write:
        write_results(text)
    return text


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--database-url", default=None, help=f"default $PROVINCE_DATABASE_URL or {DEFAULT_DATABASE_URL}"
    )
    parser.add_argument(
        "--small-database-url", default=None, help=f"default $SMALL_DATABASE_URL or {DEFAULT_SMALL_DATABASE_URL}"
    )
    parser.add_argument("--runs", type=int, default=15, help="timed runs of the report per date (after 2 warm-ups)")
    parser.add_argument(
        "--export-runs", type=int, default=5, help="timed export processes per variant (after 1 warm-up)"
    )
    parser.add_argument("--no-write", action="store_true", help="print only; leave benchmarks/results.md alone")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args(argv)
    if args.child == "queries":
        as_of = dt.date.fromisoformat(rest[rest.index("--as-of") + 1])
        import django

        django.setup()
        print(json.dumps(query_counts(as_of=as_of)))
        return
    if args.child:
        _child(args.child, rest)
        return
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    print(
        run(
            database_url=args.database_url,
            small_database_url=args.small_database_url,
            runs=args.runs,
            export_runs=args.export_runs,
            write=not args.no_write,
        )
    )


if __name__ == "__main__":
    main()
