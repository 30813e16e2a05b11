"""Instructions per request of the learner journey and of the one-row view, counted by valgrind: an A/B figure.

`page_cpu.py` times the same requests with the CPU clock, which a shared virtual machine makes
noisy: on some machines the one-row view's own time moves by half between two runs a minute
apart. valgrind's callgrind counts the instructions the process executes instead, which does not
depend on what else the machine does: repeated runs agreed within 0.5% (8.21, 8.21, 8.23 and
8.23 M a journey page), so two versions of the code can be compared by running this script in
each (a `git worktree` of the other version; both use this checkout's virtualenv and
`lantoa_bench_load`). One run straight after the load benchmark had used the database came out a
third higher (10.9 M; the next, 8.21 M): run it twice and compare the second runs. It counts only
this process (Django, the ORM, psycopg, the templates): PostgreSQL, the kernel and the network are
left out, and on a machine where system calls are dear (a virtual machine) they are a large share
of a request: fewer statements and round trips help the server more than the instructions show.

How: for each kind of request (the journey's eight pages in turn, the anonymous one-row view, the
same view signed in) a child Python process runs under `valgrind --tool=callgrind` with counting
off, signs learners in and warms up like `page_cpu.py` (templates compiled, statements prepared),
then asks for counting to be switched on (`callgrind_control -i on`), runs `--loops` loops of eight
requests and exits; the count over those requests is divided by their number. The children run one
after the other (they share the learners' attempts). About a minute per kind.

    .venv/bin/python benchmarks/page_instructions.py [--loops 5] [--kinds journey baseline signed_in]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
KINDS = ("journey", "baseline", "signed_in")
REQUESTS_PER_LOOP = 8
WARMUP_LOOPS = 25


def child(kind: str, loops: int) -> None:
    """Runs inside valgrind: warm up with counting off, wait for it to be switched on, then `loops` loops."""
    sys.path.insert(0, str(REPO))
    sys.path.insert(0, str(REPO / "benchmarks"))
    import load_learners
    import page_cpu

    page_cpu._setup(database_url=load_learners.DEFAULT_DATABASE_URL, collect=False)
    seeded = load_learners.seed(learners=200)
    load_learners.reset_state(seeded=seeded)
    journey = page_cpu.Journey(seeded=seeded, learners=20)

    def run(name, call, status, contains):
        return page_cpu._checked(name, call(), status, contains)

    for turn in range(WARMUP_LOOPS):
        journey.loop(run)
        journey.baseline(run)
        journey.signed_in(run, turn)
    go = Path(tempfile.gettempdir()) / f"lantoa-instructions-go.{os.getpid()}"
    print(f"READY {os.getpid()}", flush=True)
    while not go.exists():
        time.sleep(0.2)
    go.unlink()
    for turn in range(loops):
        if kind == "journey":
            journey.loop(run)
        else:
            for _ in range(REQUESTS_PER_LOOP):
                if kind == "baseline":
                    journey.baseline(run)
                else:
                    journey.signed_in(run, turn)
    os._exit(0)  # no teardown inside the count


def count(kind: str, loops: int) -> int:
    """Instructions executed by `loops` loops of `kind`, in a valgrind child."""
    with tempfile.TemporaryDirectory() as work:
        out = Path(work) / "callgrind.out"
        log = Path(work) / "child.log"
        with log.open("w") as handle:
            process = subprocess.Popen(
                [
                    "valgrind",
                    "--tool=callgrind",
                    "--instr-atstart=no",
                    f"--callgrind-out-file={out}",
                    sys.executable,
                    __file__,
                    "--child",
                    kind,
                    "--loops",
                    str(loops),
                ],
                cwd=REPO,
                stdout=handle,
                stderr=subprocess.STDOUT,
            )
            while True:
                ready = re.search(r"READY (\d+)", log.read_text())
                if ready or process.poll() is not None:
                    break
                time.sleep(1)
            if not ready:
                raise SystemExit(f"{kind}: the child stopped before it was ready:\n{log.read_text()[-3000:]}")
            subprocess.run(["callgrind_control", "-i", "on", ready.group(1)], check=True, capture_output=True)
            (Path(tempfile.gettempdir()) / f"lantoa-instructions-go.{ready.group(1)}").touch()
            if process.wait() != 0:
                raise SystemExit(f"{kind}: the child failed:\n{log.read_text()[-3000:]}")
        totals = re.search(r"^(?:summary|totals): (\d+)", out.read_text(), flags=re.M)
        return int(totals.group(1))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--loops", type=int, default=5, help="measured loops of eight requests per kind")
    parser.add_argument("--kinds", nargs="+", choices=KINDS, default=list(KINDS))
    parser.add_argument("--child", choices=KINDS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.loops)
        return
    per_request = {}
    for kind in args.kinds:
        per_request[kind] = count(kind, args.loops) / (args.loops * REQUESTS_PER_LOOP)
        print(f"{kind}: {per_request[kind] / 1e6:.2f} M instructions per request", flush=True)
    if "journey" in per_request and "baseline" in per_request:
        print(f"one-row view ÷ journey page: {per_request['baseline'] / per_request['journey']:.3f}")


if __name__ == "__main__":
    main()
