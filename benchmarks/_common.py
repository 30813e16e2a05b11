"""Helpers the benchmark scripts share: their database, their server processes, the machine line, results.md.

Imported as `_common` by the scripts run from `benchmarks/` (the directory is first on
`sys.path` for a script and `run.py` puts it there), and as `benchmarks._common` by
`coverage.py`, which runs as `python -m benchmarks.coverage` from the repository root.
Standard library only at import time: the scripts import this before Django is set up.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results.md"


# --- the database -------------------------------------------------------------------------------------


def database_create(database_url: str) -> None:
    """Create the PostgreSQL database of this URL unless it exists (connecting to the `postgres` database)."""
    import psycopg
    from psycopg import sql

    url = urlparse(database_url)
    if not url.scheme.startswith("postgres"):
        raise SystemExit("This benchmark is about PostgreSQL: give a postgres:// DATABASE_URL.")
    name = url.path.lstrip("/")
    maintenance = url._replace(scheme="postgresql", path="/postgres").geturl()
    with psycopg.connect(maintenance, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


# --- server processes ---------------------------------------------------------------------------------


def wait_for(url: str, process: subprocess.Popen, *, timeout: float, name: str = "server") -> None:
    """Poll `url` until it answers 200; fail if the process exits first or the time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback only
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise TimeoutError(url)


def stop(process: subprocess.Popen, *, timeout: float = 30) -> None:
    """SIGTERM to the process group (started with `start_new_session=True`), SIGKILL if it hangs.

    The group is signalled even when its leader has exited: a server's children may outlive it.
    """
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=timeout)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


# --- the report ---------------------------------------------------------------------------------------


def ram_text() -> str:
    """Total memory as "7.8 GiB" (from /proc/meminfo), "?" where that cannot be read."""
    try:
        with open("/proc/meminfo") as meminfo:
            kib = int(next(line for line in meminfo if line.startswith("MemTotal")).split()[1])
    except (OSError, StopIteration, ValueError):
        return "?"
    return f"{kib / 1024 / 1024:.1f} GiB"


def nproc_text() -> str:
    """The CPUs this process may use (`nproc`), else the machine's count."""
    try:
        return subprocess.run(["nproc"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return str(os.cpu_count())


def results_write(block: str, *, start: str, end: str) -> None:
    """Put `block` (from the `start` marker to the `end` marker) in benchmarks/results.md, replacing the last one."""
    current = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmarks\n"
    if start in current and end in current:
        before, rest = current.split(start, 1)
        current = before + block + rest.split(end, 1)[1]
    else:
        current = current.rstrip("\n") + "\n\n" + block + "\n"
    RESULTS.write_text(current, encoding="utf-8")
