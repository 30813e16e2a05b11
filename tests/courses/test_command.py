"""`import_course FILE [--dry-run]`: exit codes, the one-line summary, nothing written on failure."""

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from courses.models import Course, CourseVersion, Lesson
from quizzes.models import Question

from .conftest import NQ57_PATH

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def _run(*args):
    out = StringIO()
    call_command("import_course", *args, stdout=out)
    return out.getvalue()


def test_import_prints_one_line_summary():
    output = _run(str(NQ57_PATH))

    questions = Question.objects.count()
    assert output == f'Khóa học "nq57" phiên bản 1: 4 bài học, {questions} câu hỏi.\n'
    assert questions >= 14


def test_same_file_twice_reports_no_change():
    _run(str(NQ57_PATH))
    output = _run(str(NQ57_PATH))
    assert "không thay đổi" in output
    assert CourseVersion.objects.count() == 1


def test_dry_run_writes_nothing():
    output = _run(str(NQ57_PATH), "--dry-run")

    assert output.startswith('Kiểm tra xong, chưa ghi gì: khóa học "nq57" sẽ có phiên bản 1: 4 bài học,')
    assert (Course.objects.count(), Lesson.objects.count(), Question.objects.count()) == (0, 0, 0)


def test_a_bad_file_lists_every_problem(tmp_path, course_data):
    course_data["quiz"]["pass_percent"] = 150
    course_data["lessons"] = []
    path = tmp_path / "khoa-hoc.json"
    path.write_text(json.dumps(course_data, ensure_ascii=False), encoding="utf-8")

    with pytest.raises(CommandError) as excinfo:
        _run(str(path))

    message = str(excinfo.value)
    assert "bị từ chối, không ghi gì (2 lỗi)" in message
    assert "- lessons: khóa học phải có ít nhất 1 bài học" in message
    assert "- quiz.pass_percent: phải từ 1 đến 100 (đang là 150)" in message
    assert Course.objects.count() == 0


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Không đọc được tệp"):
        _run(str(tmp_path / "khong-co.json"))


@pytest.mark.django_db(transaction=True)
def test_exit_codes_from_the_shell(tmp_path):
    """The real process: 0 with the summary on stdout, non-zero with the problems on stderr."""
    database = connection.settings_dict
    manage = [sys.executable, str(ROOT / "manage.py")]
    env = {"DJANGO_SETTINGS_MODULE": "config.settings.test", "PATH": "/usr/bin:/bin"}
    if connection.vendor == "postgresql":
        # The committed test database itself (transaction=True), already migrated.
        env["DATABASE_URL"] = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    else:
        # The SQLite test database lives in memory; the child migrates a file of its own.
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
        subprocess.run([*manage, "migrate", "-v0"], check=True, env=env, cwd=ROOT)

    good = subprocess.run([*manage, "import_course", str(NQ57_PATH)], env=env, cwd=ROOT, capture_output=True, text=True)
    bad_path = tmp_path / "hong.json"
    bad_path.write_text('{"slug": "x"', encoding="utf-8")
    bad = subprocess.run([*manage, "import_course", str(bad_path)], env=env, cwd=ROOT, capture_output=True, text=True)

    assert good.returncode == 0, good.stderr
    assert good.stdout.startswith('Khóa học "nq57" phiên bản 1: 4 bài học,')
    assert len(good.stdout.strip().splitlines()) == 1
    assert bad.returncode != 0
    assert "Tệp không phải JSON hợp lệ" in bad.stderr
