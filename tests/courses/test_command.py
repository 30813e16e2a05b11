"""`import_course FILE [--dry-run]`: exit codes, the one-line summary, nothing written on failure."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from courses.models import Course, CourseVersion, Lesson
from quizzes.models import Question

from ..commands import run
from .conftest import NQ57_PATH

pytestmark = pytest.mark.django_db


def _run(*args):
    out = StringIO()
    call_command("import_course", *args, stdout=out)
    return out.getvalue()


def test_import_prints_one_line_summary():
    output = _run(str(NQ57_PATH))

    questions = Question.objects.count()
    assert output == f'Đã nhập và xuất bản khóa học "nq57", phiên bản 1: 4 bài học, {questions} câu hỏi.\n'
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
def test_exit_codes_from_the_shell(tmp_path, capsys):
    """As manage.py runs it: 0 with the summary on stdout, non-zero with the problems on stderr.

    In-process (`tests.commands.run`, manage.py's own entry point) on the test database:
    a child process would need a database of its own, migrated for it (18 s on SQLite).
    """
    good = run("import_course", str(NQ57_PATH), capsys=capsys)
    bad_path = tmp_path / "hong.json"
    bad_path.write_text('{"slug": "x"', encoding="utf-8")
    bad = run("import_course", str(bad_path), capsys=capsys)

    good_status, good_stdout, good_stderr = good
    bad_status, _bad_stdout, bad_stderr = bad
    assert good_status == 0, good_stderr
    assert good_stdout.startswith('Đã nhập và xuất bản khóa học "nq57", phiên bản 1: 4 bài học,')
    assert len(good_stdout.strip().splitlines()) == 1
    assert bad_status != 0
    assert "Tệp không phải JSON hợp lệ" in bad_stderr
