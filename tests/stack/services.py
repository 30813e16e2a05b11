"""Private PostgreSQL and Redis instances and the project's own processes, for the stack test.

Nothing here touches the machine's shared PostgreSQL (5432) or Redis (6379): the test makes a
PostgreSQL cluster with `initdb` in a temporary folder and starts a Redis server without
persistence, each on a free loopback port, and stops them at the end. PostgreSQL refuses to
run as root, so as root the cluster belongs to the `postgres` user and its commands run through
`runuser`.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

RESTART_PAUSE = 2  # seconds, as RestartSec= in the units (shorter: the test waits)
POSTGRES_BIN = Path(os.environ.get("LANTOA_POSTGRES_BIN", "/usr/lib/postgresql/15/bin"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def missing_tools() -> list[str]:
    missing = []
    if not (POSTGRES_BIN / "initdb").is_file():
        missing.append(f"PostgreSQL's initdb in {POSTGRES_BIN} (set LANTOA_POSTGRES_BIN)")
    if shutil.which("redis-server") is None:
        missing.append("redis-server")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        missing.append("runuser (PostgreSQL will not run as root)")
    return missing


def wait_until(predicate, *, timeout: float, message: str, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(message() if callable(message) else message)
        time.sleep(interval)


def _port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class PrivatePostgres:
    """A throwaway cluster: trust authentication on loopback, fsync off (test data only).

    Its folder is a fresh one under the system's temporary directory, not pytest's (which only
    root may enter), since the server runs as `postgres`; `remove()` deletes it.
    """

    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="lantoa-stack-postgres-")))
    port: int = field(default_factory=free_port)

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/lantoa"

    def _run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess:
        if os.geteuid() == 0:
            command = ("runuser", "-u", "postgres", "--", *command)
        result = subprocess.run(command, capture_output=True, text=True, cwd="/")
        if check and result.returncode != 0:
            raise AssertionError(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def init(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(str(POSTGRES_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "--encoding=UTF8", "--locale=C.UTF-8")  # fmt: skip
        self.start()
        self._run(str(POSTGRES_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "lantoa")

    def start(self) -> None:
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.root} -c fsync=off"
        )
        self._run(str(POSTGRES_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "postgres.log"),
                  "-o", options, "-w", "start")  # fmt: skip

    def stop(self, *, mode: str = "fast") -> None:
        self._run(str(POSTGRES_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def restart(self) -> None:
        self.stop()
        self.start()

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def log(self) -> str:
        path = self.root / "postgres.log"
        return path.read_text(errors="replace") if path.exists() else ""


@dataclass
class PrivateRedis:
    """`redis-server` in the foreground, as a child of the test, with nothing persisted."""

    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    def url(self, database: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],  # fmt: skip
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_until(lambda: _port_open(self.port), timeout=20, message="redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)

    def restart(self) -> None:
        self.stop()
        self.start()


@dataclass
class Processes:
    """The project's servers (gunicorn, Celery worker, beat), each leading its own process group.

    Like systemd with `Restart=always` (deploy/systemd/), a server that exits is started again
    after a pause, and each such restart is counted: the test reports them.
    """

    log_dir: Path
    environment: dict[str, str]
    cwd: Path
    running: dict[str, subprocess.Popen] = field(default_factory=dict)
    commands: dict[str, list[str]] = field(default_factory=dict)
    restarts: dict[str, int] = field(default_factory=dict)
    stopping: threading.Event = field(default_factory=threading.Event)

    def start(self, name: str, command: list[str]) -> subprocess.Popen:
        self.commands[name] = command
        self.restarts.setdefault(name, 0)
        process = self._spawn(name)
        if len(self.commands) == 1:
            threading.Thread(target=self._supervise, daemon=True).start()
        return process

    def _spawn(self, name: str) -> subprocess.Popen:
        with (self.log_dir / f"{name}.log").open("a") as log:
            process = subprocess.Popen(
                self.commands[name], cwd=self.cwd, env=self.environment, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        self.running[name] = process
        return process

    def _supervise(self) -> None:
        while not self.stopping.wait(1):
            for name, process in list(self.running.items()):
                if process.poll() is not None and not self.stopping.is_set():
                    time.sleep(RESTART_PAUSE)
                    self.restarts[name] += 1
                    with (self.log_dir / f"{name}.log").open("a") as log:
                        log.write(f"==== exited with {process.returncode}; restarted by the supervisor\n")
                    self._spawn(name)

    def log(self, name: str) -> str:
        path = self.log_dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def children(self, name: str) -> set[int]:
        """The process ids in a server's group (gunicorn's workers, the Celery pool)."""
        group = self.running[name].pid
        pids = set()
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if os.getpgid(int(entry.name)) == group:
                        pids.add(int(entry.name))
                except ProcessLookupError:
                    continue
        return pids

    def stop_all(self) -> None:
        self.stopping.set()
        for process in self.running.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.running.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def http_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0
