"""Time from `git clone` to a served page with `make run`, against a bare Django project; the venv's size.

For each pip cache (warm: what a developer's machine has; cold: `PIP_NO_CACHE_DIR=1`, a brand-new
machine), in the same run: a bare Django project (fresh venv with only Django, `startproject`,
`migrate`, `runserver`, first page) as the baseline, then `git clone` of this repository and
`make run` (the runtime lock only, migrate SQLite, `seed_demo`, runserver) until the sign-in page
answers. Then the size of the venv `make run` made, beside the same venv after `make setup`'s dev
lock (the test and lint tools, which `make run` installed before issue 14, npm aside).

    .venv/bin/python benchmarks/clone_to_page.py [--only warm|cold] [--before COMMIT]
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


def directory_megabytes(path: Path) -> float:
    total = sum(entry.stat().st_size for entry in path.rglob("*") if entry.is_file() and not entry.is_symlink())
    return total / 1_000_000


def time_lantoa(workdir: Path, env: dict[str, str], port: int, *, revision: str | None = None) -> float:
    start = time.monotonic()
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(workdir)], check=True, env=env)
    if revision:
        subprocess.run(["git", "checkout", "--quiet", revision], cwd=workdir, check=True, env=env)
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


def _environment(*, cold: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "VIRTUAL_ENV"))}
    env.pop("PIP_NO_CACHE_DIR", None)
    if cold:
        env["PIP_NO_CACHE_DIR"] = "1"
    return env


def measure(*, caches: tuple[str, ...] = ("warm", "cold"), before: str | None = None) -> list[tuple[str, float, float]]:
    """Rows of (figure, Lan Tỏa, baseline): seconds per pip cache, then megabytes of the venv.

    With `before` (a commit, e.g. the one before issue 14), that tree's `make run` is timed too, with a
    warm cache, right after this tree's: the "before" row's baseline is this tree.
    """
    rows = []
    runtime_venv = dev_venv = None
    with tempfile.TemporaryDirectory(prefix="lantoa-clone-") as tmp:
        for cache in caches:
            env = _environment(cold=cache == "cold")
            baseline = time_bare_django(Path(tmp) / f"bare-{cache}", env, 8766)
            ours = time_lantoa(Path(tmp) / f"lantoa-{cache}", env, 8765)
            rows.append((f"git clone → first page, `make run` (s, {cache} pip cache)", ours, baseline))
            if before and cache == "warm":
                old = time_lantoa(Path(tmp) / "lantoa-before", env, 8767, revision=before)
                rows.append((f"… the same with `make run` of {before[:10]} (s, warm; baseline: this tree)", old, ours))
        clone = Path(tmp) / f"lantoa-{caches[-1]}"
        runtime_venv = directory_megabytes(clone / ".venv")
        subprocess.run(
            [str(clone / ".venv/bin/pip"), "install", "--quiet", "--require-hashes", "-r", "requirements-dev.lock"],
            cwd=clone,
            check=True,
            env=_environment(cold=False),
        )
        dev_venv = directory_megabytes(clone / ".venv")
    rows.append(
        ("venv made by `make run` (MB; baseline: with the dev lock, as before issue 14)", runtime_venv, dev_venv)
    )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", choices=["warm", "cold"])
    parser.add_argument(
        "--before", help="also time `make run` of this commit (warm cache), e.g. the one before a change"
    )
    args = parser.parse_args()
    caches = (args.only,) if args.only else ("warm", "cold")
    for label, value, baseline in measure(caches=caches, before=args.before):
        print(f"{label}: {value:.1f}; baseline {baseline:.1f}; ratio {value / baseline:.2f}×")


if __name__ == "__main__":
    main()
