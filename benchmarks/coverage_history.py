"""Coverage over a reorganised province (issue 11): this tree, the code before it, and hand-written SQL, in one run.

The data set: `generate_province --staff 100000 --units 2000 --depth 5 --assignments 30
--seed 57` (history from 01/07/2024 to 30/06/2026), then **three dated reorganisations**
through the real `units_import` (01/01/2025, 01/07/2025, 01/01/2026): each moves about 5% of
the units at depth 3 or more, with their subtrees, under another unit of their parent's level,
and renames about 2%. It is built once into its own database (default `lantoa_i11a_bench`)
and reused while its `bench_meta` row matches.

For the root-wide assignment with the most enrolments and one date in each of the four
periods (15/12/2024, 15/06/2025, 15/12/2025, 15/06/2026), each in its own process:

- **this tree**: `coverage_as_of(...).as_dict()` — the tree as it stood on the date;
- **before** (`--before PATH`, a checkout of the code before this change, e.g.
  `git archive 90e423b | tar -x -C PATH`): the same call of that code on the same database
  (it reads only the latest tree, so for dates before a reorganisation its units and
  parents are today's: the drift the issue is about; its totals are the same);
- **hand-written SQL**: one statement over the versions open on the date (two variants below,
  the faster one per date), checked equal to this tree's report unit by unit.

Each process warms up, then times `--runs` reports per date; the rounds alternate the
processes. Prints the median seconds and the queries per report, and how many units of
the code before differ (name, parent or figures) from the tree of the date.

    .venv/bin/python benchmarks/coverage_history.py --before /tmp/lantoa-before [--runs 7]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from random import Random
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/lantoa_i11a_bench"
SETTINGS = "config.settings.test"
SPEC = {"staff": 100_000, "units": 2_000, "depth": 5, "assignments": 30, "seed": 57}
REORGANISATIONS = [dt.date(2025, 1, 1), dt.date(2025, 7, 1), dt.date(2026, 1, 1)]
DATES = [dt.date(2024, 12, 15), dt.date(2025, 6, 15), dt.date(2025, 12, 15), dt.date(2026, 6, 15)]
META_VERSION = 1

HAND_WRITTEN_SQL = """
WITH tree AS (
    SELECT v.unit_id, v.path, v.depth, v.name, u.code, p.code AS parent
    FROM orgchart_unitversion v
    JOIN orgchart_unit u ON u.id = v.unit_id
    LEFT JOIN orgchart_unit p ON p.id = v.parent_id
    WHERE (v.valid_from IS NULL OR v.valid_from <= %(as_of)s) AND (v.valid_to IS NULL OR v.valid_to >= %(as_of)s)
), exempt AS (
    SELECT DISTINCT staff_id FROM reports_exemption
    WHERE assignment_id = %(assignment)s AND valid_from <= %(as_of)s AND valid_to >= %(as_of)s
), completed AS (
    SELECT DISTINCT staff_id FROM courses_completion WHERE course_id = %(course)s AND completed_on <= %(as_of)s
), own AS (
    SELECT m.unit_id, count(*) AS people, count(x.staff_id) AS exempt,
           count(c.staff_id) FILTER (WHERE x.staff_id IS NULL) AS informed
    FROM orgchart_membership m
    LEFT JOIN exempt x ON x.staff_id = m.staff_id
    LEFT JOIN completed c ON c.staff_id = m.staff_id
    WHERE m.valid_from <= %(as_of)s AND (m.valid_to IS NULL OR m.valid_to >= %(as_of)s)
    GROUP BY m.unit_id
), rolled AS (
    SELECT left(t.path, 8 * level.depth) AS path,
           sum(own.people) AS people, sum(own.exempt) AS exempt, sum(own.informed) AS informed
    FROM own
    JOIN tree t ON t.unit_id = own.unit_id
    JOIN (SELECT DISTINCT depth FROM tree) level ON level.depth <= t.depth
    GROUP BY 1
)
SELECT t.code, t.name, t.parent,
       coalesce(r.people - r.exempt, 0)::int AS staff, coalesce(r.informed, 0)::int AS informed,
       coalesce(r.exempt, 0)::int AS exempt
FROM tree t LEFT JOIN rolled r ON r.path = t.path
ORDER BY t.path
"""

# The shape of the ORM's aggregate (hashed IN sets inside FILTER), with the same dated tree.
HAND_WRITTEN_SQL_IN_FILTER = HAND_WRITTEN_SQL.replace(
    """    SELECT m.unit_id, count(*) AS people, count(x.staff_id) AS exempt,
           count(c.staff_id) FILTER (WHERE x.staff_id IS NULL) AS informed
    FROM orgchart_membership m
    LEFT JOIN exempt x ON x.staff_id = m.staff_id
    LEFT JOIN completed c ON c.staff_id = m.staff_id
""",
    """    SELECT m.unit_id, count(*) AS people,
           count(*) FILTER (WHERE m.staff_id IN (SELECT staff_id FROM exempt)) AS exempt,
           count(*) FILTER (WHERE m.staff_id IN (SELECT staff_id FROM completed)
                            AND m.staff_id NOT IN (SELECT staff_id FROM exempt)) AS informed
    FROM orgchart_membership m
""",
)
SQL_VARIANTS = {"joins": HAND_WRITTEN_SQL, "in-filter": HAND_WRITTEN_SQL_IN_FILTER}
assert HAND_WRITTEN_SQL_IN_FILTER != HAND_WRITTEN_SQL


# --- building the data set (this tree) ---------------------------------------------------------------


def _env(database_url: str) -> dict[str, str]:
    env = dict(os.environ, DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE=SETTINGS)
    env.pop("PYTHONPATH", None)
    return env


def _psql(database_url: str, sql: str) -> str:
    url = urlparse(database_url)
    result = subprocess.run(
        ["psql", "-h", url.hostname or "127.0.0.1", "-U", url.username or "postgres", "-p", str(url.port or 5432)]
        + ["-tAc", sql, url.path.lstrip("/")],
        capture_output=True,
        text=True,
    )
    return result.stdout.strip() if result.returncode == 0 else ""


def dataset_ensure(database_url: str) -> None:
    url = urlparse(database_url)
    name = url.path.lstrip("/")
    wanted = json.dumps({"spec": SPEC, "reorganisations": [d.isoformat() for d in REORGANISATIONS], "v": META_VERSION})
    stored = _psql(database_url, "SELECT value FROM bench_meta WHERE name = 'history'")
    if stored and json.loads(stored) == json.loads(wanted):
        print(f"{name}: reusing the reorganised province.", flush=True)
        return
    subprocess.run(
        ["dropdb", "--if-exists", "-h", url.hostname or "127.0.0.1", "-U", url.username or "postgres", name], check=True
    )
    subprocess.run(["createdb", "-h", url.hostname or "127.0.0.1", "-U", url.username or "postgres", name], check=True)
    env = _env(database_url)
    started = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0", "--no-input"], cwd=REPO, env=env, check=True)
    subprocess.run(
        [sys.executable, "manage.py", "generate_province", *[f"--{key}={value}" for key, value in SPEC.items()]],
        cwd=REPO,
        env=env,
        check=True,
    )
    print(f"{name}: generated in {time.perf_counter() - started:.0f} s; reorganising…", flush=True)
    subprocess.run(
        [sys.executable, __file__, "--reorganise", "--database-url", database_url], cwd=REPO, env=env, check=True
    )
    _psql(
        database_url,
        "CREATE TABLE IF NOT EXISTS bench_meta (name text PRIMARY KEY, value jsonb NOT NULL); "
        f"INSERT INTO bench_meta VALUES ('history', '{wanted}') "
        "ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value",
    )
    _psql(database_url, "VACUUM ANALYZE")
    print(f"{name}: built in {time.perf_counter() - started:.0f} s.", flush=True)


def reorganise() -> None:
    """Three dated imports of the whole tree, each moving ~5% of the deep units and renaming ~2%."""
    import django

    django.setup()
    from orgchart.selectors import unit_tree_on
    from orgchart.services.units import KIND_LABELS, units_import

    rng = Random(11)
    for day in REORGANISATIONS:
        tree = unit_tree_on(on_date=day)
        by_code = {unit.code: unit for unit in tree.values()}
        parent = {unit.code: unit.parent for unit in tree.values()}
        names = {unit.code: unit.name for unit in tree.values()}
        by_depth: dict[int, list[str]] = {}
        for unit in tree.values():
            by_depth.setdefault(unit.depth, []).append(unit.code)
        movable = [unit.code for unit in tree.values() if unit.depth >= 3]
        for code in rng.sample(movable, k=len(movable) // 20):
            level = by_code[parent[code]].depth
            choices = [other for other in by_depth[level] if other != parent[code]]
            parent[code] = rng.choice(choices)
        for code in rng.sample(list(names), k=len(names) // 50):
            names[code] = f"{names[code]} (tổ chức lại {day:%m/%Y})"
        rows = [
            {
                "Mã đơn vị": code,
                "Tên đơn vị": names[code],
                "Mã đơn vị cấp trên": parent[code] or "",
                "Loại đơn vị": KIND_LABELS[by_code[code].kind],
            }
            for code in by_code
        ]
        started = time.perf_counter()
        summary = units_import(rows=rows, effective_date=day)
        print(f"  {day}: {summary} ({time.perf_counter() - started:.1f} s)", flush=True)


# --- measuring (one process per path) ---------------------------------------------------------------


def child(*, tree: Path, kind: str, assignment_id: int, runs: int) -> None:
    sys.path[:] = [str(tree)] + [entry for entry in sys.path if Path(entry).resolve() != REPO / "benchmarks"]
    os.chdir(tree)
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from courses.models import Assignment

    assignment = Assignment.objects.select_related("course").get(pk=assignment_id)

    def report(day: dt.date, variant: str = ""):
        if kind == "sql":
            with connection.cursor() as cursor:
                params = {"as_of": day, "assignment": assignment.pk, "course": assignment.course_id}
                cursor.execute(SQL_VARIANTS[variant], params)
                return [
                    {"code": c, "name": n, "parent": p, "staff": s, "informed": i, "exempt": e}
                    for c, n, p, s, i, e in cursor.fetchall()
                ]
        from reports.selectors.coverage import coverage_as_of

        return coverage_as_of(assignment=assignment, as_of=day).as_dict()["units"]

    out = {}
    for day in DATES:
        best = None
        for variant in SQL_VARIANTS if kind == "sql" else [""]:
            for _ in range(2):
                report(day, variant)
            with CaptureQueriesContext(connection) as queries:
                units = report(day, variant)
            seconds = []
            for _ in range(runs):
                started = time.perf_counter()
                report(day, variant)
                seconds.append(time.perf_counter() - started)
            figures = {"seconds": seconds, "queries": len(queries), "units": units, "variant": variant}
            if best is None or statistics.median(seconds) < statistics.median(best["seconds"]):
                best = figures
            elif best["units"] != units:
                raise SystemExit(f"{day}: the SQL variants disagree")
        out[day.isoformat()] = best
    print(json.dumps(out))


def pick_assignment(database_url: str) -> int:
    """The root-wide assignment (one rule: the root with its sub-units, no filters) with the most enrolments."""
    row = _psql(
        database_url,
        "SELECT a.id FROM courses_assignment a JOIN courses_assignmentunit r ON r.assignment_id = a.id "
        "JOIN orgchart_unit u ON u.id = r.unit_id "
        "WHERE u.depth = 1 AND r.include_descendants AND NOT a.communications_only "
        "AND a.categories::text IN ('[]', '') "
        "AND (SELECT count(*) FROM courses_assignmentunit x WHERE x.assignment_id = a.id) = 1 "
        "AND NOT EXISTS (SELECT 1 FROM courses_assignmentperson p WHERE p.assignment_id = a.id) "
        "ORDER BY (SELECT count(*) FROM courses_enrolment e WHERE e.assignment_id = a.id) DESC, a.id LIMIT 1",
    )
    if not row:
        raise SystemExit("No root-wide assignment in the data set.")
    return int(row)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("HISTORY_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--before", type=Path, help="a checkout of the code before this change")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--reorganise", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child", choices=["this", "before", "sql"], help=argparse.SUPPRESS)
    parser.add_argument("--tree", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--assignment", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    if args.reorganise:
        sys.path[0] = str(REPO)
        reorganise()
        return
    if args.child:
        child(tree=args.tree, kind=args.child, assignment_id=args.assignment, runs=args.runs)
        return

    dataset_ensure(args.database_url)
    assignment_id = pick_assignment(args.database_url)
    paths = [("this", REPO), ("sql", REPO)] + ([("before", args.before.resolve())] if args.before else [])
    results: dict[str, dict] = {}
    for round_number in range(args.rounds):
        for kind, tree in paths if round_number % 2 == 0 else list(reversed(paths)):
            command = [sys.executable, __file__, "--child", kind, "--tree", str(tree)]
            command += ["--assignment", str(assignment_id), "--runs", str(args.runs)]
            command += ["--database-url", args.database_url]
            output = subprocess.run(command, cwd=tree, env=_env(args.database_url), capture_output=True, text=True)
            if output.returncode:
                raise SystemExit(f"{kind}: {output.stderr[-3000:]}")
            data = json.loads(output.stdout.strip().splitlines()[-1])
            for day, figures in data.items():
                entry = results.setdefault(kind, {}).setdefault(day, {"seconds": [], **figures})
                if round_number:
                    entry["seconds"] += figures["seconds"]

    def strip(units: list[dict]) -> list[tuple]:
        keys = ("code", "name", "parent", "staff", "informed", "exempt")
        return [tuple(unit[key] for key in keys) for unit in units]

    print(f"\nCoverage, 100,000 staff / 2,000 units, reorganised 3 times; assignment id {assignment_id}")
    print(f"{platform.node()}, {os.cpu_count()} cores, {dt.datetime.now():%Y-%m-%d %H:%M}")
    header = "| as of | this tree: s (queries) | hand-written SQL: s | ratio | before: s (queries) | ratio |"
    header += " units of 'before' not as the tree stood |"
    print(header)
    print("|" + " --- |" * 7)
    for day in DATES:
        key = day.isoformat()
        this, sql = results["this"][key], results["sql"][key]
        if strip(this["units"]) != strip(sql["units"]):
            raise SystemExit(f"{key}: the hand-written SQL and this tree disagree")
        this_s, sql_s = statistics.median(this["seconds"]), statistics.median(sql["seconds"])
        line = f"| {day:%d/%m/%Y} | {this_s:.3f} ({this['queries']}) | {sql_s:.3f} | {this_s / sql_s:.2f}× |"
        if "before" in results:
            before = results["before"][key]
            before_s = statistics.median(before["seconds"])
            mine = {unit[0]: unit for unit in strip(this["units"])}
            differ = sum(1 for unit in strip(before["units"]) if mine.get(unit[0]) != unit)
            differ += len(set(mine) - {unit[0] for unit in strip(before["units"])})
            line += f" {before_s:.3f} ({before['queries']}) | {this_s / before_s:.2f}× | {differ} of {len(mine)} |"
        print(line, flush=True)


if __name__ == "__main__":
    main()
