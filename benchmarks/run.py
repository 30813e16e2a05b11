"""`make bench`: run the benchmarks and print their tables.

    .venv/bin/python benchmarks/run.py                 # roster import, certificate rendering, coverage
    .venv/bin/python benchmarks/run.py roster_import clone_to_page
    .venv/bin/python benchmarks/run.py load_learners   # needs requirements-bench.txt (locust)
    .venv/bin/python benchmarks/run.py all

roster_import: 10,000-row roster import against django-import-export's defaults
(DATABASE_URL, default postgres://postgres@127.0.0.1:5432/lantoa_bench); also written to
benchmarks/results.md. certificates_render: one certificate rendered 50 times on WeasyPrint's default path and
ours, each in its own process (also written to benchmarks/results.md; run the script itself with `--tree PATH` to
add another checkout, e.g. the code before a change, to the same run). clone_to_page: `git clone` → first page
with `make run` (slow: it builds a fresh virtualenv), against a bare Django project. load_learners: gunicorn
(5 workers) on PostgreSQL with 50 signed-in learners through my courses → lesson → quiz → submit (locust), against a
one-row view in the same run; also written to benchmarks/results.md. coverage: issue 5 at province scale
(100,000 staff, built once into lantoa_bench_province and kept): the coverage report against hand-written
SQL, its query count against a small data set, the xlsx export's time and peak memory; also written to
benchmarks/results.md.

page_cpu: the server CPU of each learner page in process (Django and its PostgreSQL backend), against the
one-row view and, as a reference, the same view signed in: the stable figure behind the load test's
throughput; also written to benchmarks/results.md.

page_instructions: instructions per request of the journey and of the one-row view, counted by valgrind
(callgrind): the same from run to run on a noisy machine, for comparing two versions of the code.

certificates_bulk: 1,000 certificates issued by the bulk job on 2 Celery workers against one process
(PostgreSQL + Redis broker, its own database lantoa_bench_certs); also written to benchmarks/results.md.

Issue 10's figures, each comparing this tree with the tree named by $LANTOA_BENCH_BEFORE (e.g. an
untouched checkout of the code before a change) when it is set, else this tree alone:
learner_capacity: concurrent learners (10 s think time) gunicorn + PostgreSQL serve with p95 ≤ 500 ms,
median of 3 ramps per tree (slow: about 5 minutes a run); layout_figures: lines of code by app, modules
importing upward (import-linter), modules with hand-written SQL; test_walltime: the pytest run of
`make test` on SQLite. Each script takes more options (`--help`); with a before tree they also write
benchmarks/results.md.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def roster_import() -> None:
    import roster_import as benchmark

    print(benchmark.run())


def certificates_render() -> None:
    import certificates_render as benchmark

    print(benchmark.run(count=50, results=True))


def certificates_bulk() -> None:
    # Its own process: it sets Django up on its own database (lantoa_bench_certs) with a Redis broker.
    subprocess.run([sys.executable, str(Path(__file__).with_name("certificates_bulk.py")), "--results"], check=True)


def clone_to_page() -> None:
    import clone_to_page as benchmark

    print("| figure | Lan Tỏa | baseline | ratio (ours ÷ baseline) |")
    print("| --- | ---: | ---: | ---: |")
    for label, ours, baseline in benchmark.measure():
        print(f"| {label} | {ours:.1f} | {baseline:.1f} | {ours / baseline:.2f}× |")


def load_learners() -> None:
    # Its own process: it configures Django with config.settings.bench, the others with the test settings.
    subprocess.run([sys.executable, str(Path(__file__).with_name("load_learners.py"))], check=True)


def page_cpu() -> None:
    # Its own process: config.settings.bench on the load benchmark's database.
    subprocess.run([sys.executable, str(Path(__file__).with_name("page_cpu.py")), "--results"], check=True)


def page_instructions() -> None:
    # Its own process: each kind runs in a valgrind child with config.settings.bench.
    subprocess.run([sys.executable, str(Path(__file__).with_name("page_instructions.py"))], check=True)


def coverage() -> None:
    # Its own process: it sets Django up on its own database (the roster import's is another).
    subprocess.run([sys.executable, "-m", "benchmarks.coverage"], cwd=Path(__file__).resolve().parents[1], check=True)


def _before_after(script: str) -> None:
    """Run one of issue 10's before/after scripts in its own process, against $LANTOA_BENCH_BEFORE if set."""
    before = os.environ.get("LANTOA_BENCH_BEFORE")
    arguments = ["--before", before] if before else []
    subprocess.run([sys.executable, str(Path(__file__).with_name(script)), *arguments], check=True)


def learner_capacity() -> None:
    _before_after("learner_capacity.py")


def layout_figures() -> None:
    _before_after("layout_figures.py")


def test_walltime() -> None:
    _before_after("test_walltime.py")


BENCHMARKS = {
    "roster_import": roster_import,
    "certificates_render": certificates_render,
    "certificates_bulk": certificates_bulk,
    "clone_to_page": clone_to_page,
    "load_learners": load_learners,
    "page_cpu": page_cpu,
    "page_instructions": page_instructions,
    "coverage": coverage,
    "learner_capacity": learner_capacity,
    "layout_figures": layout_figures,
    "test_walltime": test_walltime,
}
DEFAULT = ["roster_import", "certificates_render", "coverage"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", choices=[*BENCHMARKS, "all", []], metavar="NAME")
    names = parser.parse_args(argv).names or DEFAULT
    if "all" in names:
        names = list(BENCHMARKS)
    for name in names:
        BENCHMARKS[name]()
        print()


if __name__ == "__main__":
    main()
