"""Time from `git clone` to a served page with `make run`, against a bare Django project.

Baseline (same run, same pip cache): a fresh venv with only Django, `startproject`,
`migrate`, `runserver`, first page. Prints seconds for both and the ratio.

    .venv/bin/python benchmarks/clone_to_page.py [--cold]

`--cold` disables pip's cache for both (what a brand-new machine sees).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _common

REPO = Path(__file__).resolve().parents[1]
PYTHON = shutil.which("python3.11") or sys.executable


def _serve_until_answered(command: list[str], *, cwd: Path, env: dict[str, str], url: str, start: float) -> float:
    """Start the server, wait for its first page, stop it; seconds since `start` when the page came."""
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        _common.wait_for(url, process, timeout=900)
        return time.monotonic() - start
    finally:
        _common.stop(process, timeout=10)


def time_lantoa(workdir: Path, env: dict[str, str], port: int) -> float:
    start = time.monotonic()
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(workdir)], check=True, env=env)
    return _serve_until_answered(
        ["make", "run", f"PORT={port}"],
        cwd=workdir,
        env=env,
        url=f"http://127.0.0.1:{port}/accounts/login/",
        start=start,
    )


def time_bare_django(workdir: Path, env: dict[str, str], port: int) -> float:
    django_pin = next(
        line.strip() for line in (REPO / "requirements.txt").read_text().splitlines() if line.startswith("Django==")
    )
    start = time.monotonic()
    workdir.mkdir()
    subprocess.run([PYTHON, "-m", "venv", ".venv"], cwd=workdir, check=True, env=env)
    pip = [str(workdir / ".venv/bin/pip"), "install", "--quiet"]
    subprocess.run([*pip, django_pin], cwd=workdir, check=True, env=env)
    python = str(workdir / ".venv/bin/python")
    subprocess.run([python, "-m", "django", "startproject", "bare", "."], cwd=workdir, check=True, env=env)
    subprocess.run(
        [python, "manage.py", "migrate", "--noinput"], cwd=workdir, check=True, env=env, stdout=subprocess.DEVNULL
    )
    return _serve_until_answered(
        [python, "manage.py", "runserver", f"127.0.0.1:{port}"],
        cwd=workdir,
        env=env,
        url=f"http://127.0.0.1:{port}/admin/login/",
        start=start,
    )


def measure(*, cold: bool = False) -> list[tuple[str, float, float]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "VIRTUAL_ENV"))}
    if cold:
        env["PIP_NO_CACHE_DIR"] = "1"
    with tempfile.TemporaryDirectory(prefix="lantoa-clone-") as tmp:
        baseline = time_bare_django(Path(tmp) / "bare", env, 8766)
        ours = time_lantoa(Path(tmp) / "lantoa", env, 8765)
    label = "git clone → first page, `make run` (s, " + ("cold" if cold else "warm") + " pip cache)"
    return [(label, ours, baseline)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cold", action="store_true")
    args = parser.parse_args()
    for label, value, baseline in measure(cold=args.cold):
        print(f"{label}: {value:.1f} s; bare Django baseline {baseline:.1f} s; ratio {value / baseline:.2f}×")


if __name__ == "__main__":
    main()
