"""A newcomer's first minutes: what `make run` installs and serves, the locks, `make audit` offline."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

PROJECT = Path(__file__).resolve().parents[2]


def _make_dry_run(*arguments: str, tmp_path: Path) -> str:
    """What make would run for a fresh clone (a venv that does not exist yet), without running it."""
    if shutil.which("make") is None:
        pytest.skip("needs make")
    result = subprocess.run(
        ["make", "--dry-run", "--always-make", f"VENV={tmp_path / 'venv'}", *arguments],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def test_make_run_installs_only_the_runtime_lock_with_hashes_and_no_npm(tmp_path):
    commands = _make_dry_run("run", tmp_path=tmp_path)

    assert "--require-hashes -r requirements.lock" in commands
    assert "requirements-dev" not in commands
    assert "npm" not in commands
    assert "DJANGO_DEBUG=false" in commands
    assert "manage.py runserver" in commands


def test_make_run_debug_1_turns_debug_on(tmp_path):
    assert "DJANGO_DEBUG=true" in _make_dry_run("run", "DEBUG=1", tmp_path=tmp_path)


def test_make_setup_installs_the_dev_lock_with_hashes(tmp_path):
    commands = _make_dry_run("setup", tmp_path=tmp_path)

    assert "--require-hashes -r requirements-dev.lock" in commands


def test_the_locks_match_the_requirements():
    result = subprocess.run([sys.executable, ".ci/check_lock.py"], cwd=PROJECT, capture_output=True, text=True)

    assert result.returncode == 0, result.stderr


def test_a_pin_missing_from_the_lock_is_reported(tmp_path):
    for name in ("requirements.txt", "requirements-dev.txt", "requirements.lock", "requirements-dev.lock"):
        shutil.copy(PROJECT / name, tmp_path / name)
    (tmp_path / ".ci").mkdir()
    shutil.copy(PROJECT / ".ci" / "check_lock.py", tmp_path / ".ci" / "check_lock.py")
    runtime = tmp_path / "requirements.txt"
    runtime.write_text(runtime.read_text() + "a-package-nobody-locked==1.0\n")
    lock = tmp_path / "requirements.lock"
    lock.write_text(lock.read_text().replace("django==", "django==0.0.1.dev0-", 1))

    result = subprocess.run([sys.executable, str(tmp_path / ".ci" / "check_lock.py")], capture_output=True, text=True)

    assert result.returncode == 1
    assert "a-package-nobody-locked==1.0, which requirements.lock lacks" in result.stderr
    assert "django" in result.stderr


def test_every_locked_package_has_hashes():
    text = (PROJECT / "requirements.lock").read_text()
    entries = [line for line in text.splitlines() if "==" in line and not line.startswith((" ", "#"))]
    assert len(entries) > 20
    assert text.count("--hash=sha256:") >= len(entries)


def test_the_tools_are_pinned():
    lines = [line for line in (PROJECT / "requirements-tools.txt").read_text().splitlines() if line and line[0] != "#"]
    assert {line.split("==")[0] for line in lines} == {"uv", "pip-audit"}
    assert all("==" in line for line in lines)


@pytest.mark.django_db
@pytest.mark.urls("tests.deploy.error_urls")
def test_with_debug_off_a_visitor_gets_the_friendly_404_and_500_pages(settings):
    assert settings.DEBUG is False
    client = Client(raise_request_exception=False)

    missing = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="vi")
    broken = client.get("/broken/", HTTP_ACCEPT_LANGUAGE="vi")

    assert missing.status_code == 404
    assert "404.html" in [template.name for template in missing.templates]
    assert broken.status_code == 500
    assert "500.html" in [template.name for template in broken.templates]
    body = broken.content.decode()
    assert "<h1>" in body
    assert "RuntimeError" not in body and "Traceback" not in body
