"""`make test` wall time of a tree (the pytest run only, its virtualenv already set up), before and after.

`make test` first makes sure the virtualenv and node_modules are installed, then runs pytest. Only the
pytest run is timed: the command is the pytest line of the tree's own `make -n test` (so a change to
the target's arguments is measured too), run in the tree with the tree's `.venv` and a clean
environment (the tree's test settings; DATABASE_URL and the like removed). The setup steps are never
run: they would install into the shared virtualenv.

Per tree and database: the wall time (s), the CPU time of pytest and its children (s, user + system:
steadier than the wall time on a machine that runs other work), and pytest's closing line. SQLite
always; with `--postgres`, also on PostgreSQL (DATABASE_URL; pytest-django creates and drops its
`test_<name>` database) with Redis as cache and Celery broker, as the PostgreSQL-only tests need.

    .venv/bin/python benchmarks/test_walltime.py --before /work/base [--after .] [--postgres] [--runs 1]

Printed; with --before, also written to benchmarks/results.md (unless --no-write).
"""

from __future__ import annotations

import argparse
import os
import resource
import shlex
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import _common

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/lantoa_cap_after"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/3"


@dataclass
class Timing:
    label: str
    tree: Path
    commit: str
    database: str
    command: str
    wall: list[float]
    cpu: list[float]
    closing: str
    exit_code: int


def pytest_command(tree: Path) -> list[str]:
    """The pytest line of the tree's `make -n test` (dry run: nothing is installed), else the plain one."""
    dry = subprocess.run(["make", "--no-print-directory", "-n", "test"], cwd=tree, capture_output=True, text=True)
    for line in dry.stdout.splitlines():
        if "pytest" in line and not line.lstrip().startswith(("test ", "if ", "echo")):
            return shlex.split(line)
    return [".venv/bin/python", "-m", "pytest"]


def _environment(database_url: str | None, redis_url: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "CACHE_", "CELERY_", "LANTOA_", "PYTEST_"))
    }
    if database_url:
        env |= {
            "DATABASE_URL": database_url,
            "CACHE_URL": redis_url,
            "CELERY_BROKER_URL": redis_url,
            "CELERY_RESULT_BACKEND": redis_url,
        }
    return env


def time_tests(label: str, tree: Path, *, database_url: str | None, redis_url: str, runs: int) -> Timing:
    command = pytest_command(tree)
    commit = subprocess.run(["git", "-C", str(tree), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    walls, cpus, closing, exit_code = [], [], "", 0
    for number in range(1, runs + 1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.monotonic()
        done = subprocess.run(
            command, cwd=tree, env=_environment(database_url, redis_url), capture_output=True, text=True
        )
        wall = time.monotonic() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        lines = [line.strip("= ") for line in done.stdout.strip().splitlines() if line.strip()]
        closing, exit_code = (lines[-1] if lines else done.stderr.strip()[-200:]), done.returncode
        walls.append(wall)
        cpus.append(cpu)
        where = "PostgreSQL" if database_url else "SQLite"
        print(f"[{label} {where} run {number}] {wall:.1f} s wall, {cpu:.1f} s CPU: {closing}", file=sys.stderr)
    return Timing(
        label=label,
        tree=tree,
        commit=commit.stdout.strip() or "?",
        database="PostgreSQL" if database_url else "SQLite",
        command=" ".join(command),
        wall=walls,
        cpu=cpus,
        closing=closing,
        exit_code=exit_code,
    )


def report(timings: list[Timing], note: str) -> str:
    load = " / ".join(f"{value:.1f}" for value in os.getloadavg())
    lines = [
        "## `make test` wall time (`benchmarks/test_walltime.py`)",
        "",
        f"Machine: nproc {_common.nproc_text()}; RAM {_common.ram_text()}; load average at the end {load}.",
    ]
    if note:
        lines += ["", f"**{note}**"]
    lines += [
        "",
        "| tree | commit | database | wall time (s) | CPU time (s) | pytest's closing line | command |",
        "| --- | --- | --- | ---: | ---: | --- | --- |",
    ]
    for timing in timings:
        wall = " / ".join(f"{value:.1f}" for value in timing.wall)
        cpu = " / ".join(f"{value:.1f}" for value in timing.cpu)
        if len(timing.wall) > 1:
            wall += f" (median {statistics.median(timing.wall):.1f})"
            cpu += f" (median {statistics.median(timing.cpu):.1f})"
        closing = timing.closing if timing.exit_code == 0 else f"exit {timing.exit_code}: {timing.closing}"
        lines.append(
            f"| {timing.label} (`{timing.tree}`) | {timing.commit} | {timing.database} | {wall} | {cpu} | "
            f"{closing} | `{timing.command}` |"
        )
    pairs = {(timing.label, timing.database): statistics.median(timing.wall) for timing in timings}
    for database in ("SQLite", "PostgreSQL"):
        if ("before", database) in pairs and ("after", database) in pairs:
            ratio = pairs[("after", database)] / pairs[("before", database)]
            lines += ["", f"{database}: after ÷ before (wall time) = **{ratio:.2f}**."]
    lines += [
        "",
        "Only the pytest run of `make test` is timed (the setup steps are up to date). CPU time = user + system "
        "time of pytest and its children (Chromium for the browser tests included).",
    ]
    return "\n".join(lines)


def write_results(text: str) -> None:
    start, end = "<!-- test_walltime:start -->", "<!-- test_walltime:end -->"
    _common.results_write(f"{start}\n{text}\n{end}", start=start, end=end)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", type=Path, help="the tree before the change (e.g. /work/base)")
    parser.add_argument("--after", type=Path, default=REPO, help="the tree after the change (default: this one)")
    parser.add_argument("--no-after", action="store_true", help="time --before only")
    parser.add_argument("--postgres", action="store_true", help="also on PostgreSQL")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL, help="with --postgres (test_<name> is used)")
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL, help="with --postgres: cache and Celery broker")
    parser.add_argument("--runs", type=int, default=1, help="runs per tree and database")
    parser.add_argument("--note", default="", help="a line printed with the figures")
    parser.add_argument("--no-write", action="store_true", help="print only; leave benchmarks/results.md alone")
    options = parser.parse_args(argv)
    trees = ([("before", options.before)] if options.before else []) + (
        [] if options.no_after else [("after", options.after)]
    )
    databases = [None, options.database_url] if options.postgres else [None]
    timings = [
        time_tests(label, tree.resolve(), database_url=database, redis_url=options.redis_url, runs=options.runs)
        for database in databases
        for label, tree in trees
    ]
    text = report(timings, options.note)
    print(text)
    if options.before and not options.no_write:
        write_results(text)


if __name__ == "__main__":
    main()
