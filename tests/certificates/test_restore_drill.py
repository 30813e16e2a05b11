"""deploy/restore_drill.sh on PostgreSQL: back up, wipe, restore; coverage and certificates identical.

The drill runs on a scratch copy of the test database (pg_dump → pg_restore into
`<test database>_drill`) with a copy of the media folder, so the drill's real DROP DATABASE
never touches the test's own database. Needs pg_dump, pg_restore and psql (the machine's
PostgreSQL client, the server's major version).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from psycopg import sql

from certificates import services

from .conftest import assignment_for, person, quiz_completion

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PROJECT = Path(__file__).resolve().parents[2]
PEOPLE = 3


def _url(name: str) -> str:
    database = connection.settings_dict
    credentials = database["USER"] + (f":{database['PASSWORD']}" if database["PASSWORD"] else "")
    return f"postgres://{credentials}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{name}"


@pytest.fixture
def scratch(tmp_path, media_root):
    """A copy of the test database and media folder for the drill to wipe; dropped afterwards."""
    if connection.vendor != "postgresql":
        pytest.skip("the restore drill is pg_dump/pg_restore: PostgreSQL only")
    missing = [tool for tool in ("pg_dump", "pg_restore", "psql") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"the restore drill needs {', '.join(missing)}")
    source = connection.settings_dict["NAME"]
    name = f"{source}_drill"
    maintenance = _url("postgres").replace("postgres://", "postgresql://", 1)
    with psycopg.connect(maintenance, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    dump = tmp_path / "copy.dump"
    subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", f"--dbname={_url(source)}"],
                   check=True)  # fmt: skip
    subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={_url(name)}", str(dump)], check=True)
    media = tmp_path / "drill-media"
    shutil.copytree(media_root, media)
    yield {"url": _url(name), "media": media}
    with psycopg.connect(maintenance, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def issued(tree, version):
    people = [person(tree["vp"] if n % 2 else tree["tgpl"], name=f"Nguyễn Văn Sao Lưu {n}") for n in range(PEOPLE)]
    completions = [quiz_completion(staff=staff, version=version, on_date=dt.date(2026, 6, 5)) for staff in people]
    assignment_for(course=version.course, unit=tree["root"], staff=people)
    certificates = [services.certificate_issue_for_completion(completion_id=c.pk) for c in completions]
    for certificate in certificates:
        services.certificate_pdf_ensure(certificate=certificate)
    return certificates


def _drill(scratch, *arguments: str) -> subprocess.CompletedProcess:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": scratch["url"],
        "LANTOA_MEDIA_ROOT": str(scratch["media"]),
        "PYTHON": sys.executable,
    }
    return subprocess.run(
        ["bash", "deploy/restore_drill.sh", *arguments], cwd=PROJECT, env=environment, capture_output=True, text=True
    )


def test_backup_wipe_restore_gives_the_same_coverage_and_certificate_hashes(issued, scratch):
    result = _drill(scratch, "--wipe-this-database")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "wiping database" in result.stdout  # it really dropped the database and the files
    assert "coverage of 1 assignment(s)" in result.stdout
    assert f"{PEOPLE} certificate(s) with the same SHA-256" in result.stdout
    # The files are back where the register says, byte for byte.
    for certificate in issued:
        restored = scratch["media"] / certificate.pdf.name
        assert restored.is_file()


def test_the_drill_refuses_to_run_without_the_wipe_flag(issued, scratch):
    result = _drill(scratch)

    assert result.returncode == 2
    assert "usage" in result.stderr


def test_the_drill_fails_when_a_stored_pdf_no_longer_matches_the_register(issued, scratch):
    tampered = scratch["media"] / issued[0].pdf.name
    tampered.write_bytes(tampered.read_bytes() + b"\n% changed")

    result = _drill(scratch, "--wipe-this-database")

    assert result.returncode != 0
    assert issued[0].serial in result.stderr + result.stdout
    assert "wiping database" not in result.stdout  # found before anything was wiped
