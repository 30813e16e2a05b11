"""issue_certificates --assignment S [--unit U] [--output DIR]."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from certificates.models import Certificate
from tests.spreadsheets import table_rows

from .conftest import assignment_for, in_person_completion, person, quiz_completion

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(tree, version):
    vp_people = [person(tree["vp"], name=f"Lê Thị Văn {n}") for n in range(2)]
    tgpl_people = [person(tree["tgpl"], name=f"Võ Minh Trợ {n}") for n in range(2)]
    not_done = person(tree["vp"], name="Chưa Học Xong")
    for staff in vp_people + tgpl_people[:1]:
        quiz_completion(staff=staff, version=version)
    in_person_completion(staff=tgpl_people[1], course=version.course)
    assignment = assignment_for(course=version.course, unit=tree["root"], staff=[*vp_people, *tgpl_people, not_done])
    return {"assignment": assignment, "vp": vp_people, "tgpl": tgpl_people, "not_done": not_done}


def _run(*args):
    out = StringIO()
    call_command("issue_certificates", *args, stdout=out)
    return out.getvalue().strip()


def test_issues_for_everyone_who_completed(cohort):
    summary = _run("--assignment", "nq57-2025")

    assert summary == 'Đã cấp 4 giấy chứng nhận (đợt giao "nq57-2025").'
    assert Certificate.objects.count() == 4
    assert not Certificate.objects.filter(staff=cohort["not_done"]).exists()
    assert sorted(Certificate.objects.values_list("number", flat=True)) == [1, 2, 3, 4]
    assert all(certificate.pdf_sha256 for certificate in Certificate.objects.all())


def test_running_twice_issues_nothing_more(cohort):
    _run("--assignment", "nq57-2025")
    serials = set(Certificate.objects.values_list("serial", flat=True))

    assert _run("--assignment", "nq57-2025") == 'Đã cấp 0 giấy chứng nhận (đợt giao "nq57-2025").'
    assert set(Certificate.objects.values_list("serial", flat=True)) == serials


def test_unit_limits_to_people_in_that_unit_when_they_completed(cohort):
    assert _run("--assignment", "nq57-2025", "--unit", "TGPL").endswith('(đợt giao "nq57-2025", đơn vị TGPL).')
    assert set(Certificate.objects.values_list("staff_id", flat=True)) == {s.pk for s in cohort["tgpl"]}


def test_output_writes_one_pdf_per_certificate_and_the_register(cohort, tmp_path):
    output = tmp_path / "gcn"
    summary = _run("--assignment", "nq57-2025", "--output", str(output))

    names = sorted(path.name for path in output.iterdir())
    assert names == [
        "0001-2026-GCN-STP.pdf",
        "0002-2026-GCN-STP.pdf",
        "0003-2026-GCN-STP.pdf",
        "0004-2026-GCN-STP.pdf",
        "so-cap-giay-chung-nhan.xlsx",
    ]
    assert summary.endswith(f"đã ghi 4 tệp PDF và sổ cấp vào {output}.")
    first = Certificate.objects.get(number=1)
    with first.pdf.open("rb") as stored:
        assert (output / "0001-2026-GCN-STP.pdf").read_bytes() == stored.read()
    rows = table_rows(load_workbook(output / "so-cap-giay-chung-nhan.xlsx").active)
    assert [row[0] for row in rows[1:]] == [c.serial for c in Certificate.objects.order_by("number")][:4] or len(
        rows
    ) == 5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--assignment", "khong-co"], 'Không có đợt giao khóa học nào có mã "khong-co".'),
        (["--assignment", "nq57-2025", "--unit", "XYZ"], 'Không có đơn vị nào có mã "XYZ".'),
    ],
)
def test_bad_arguments_are_refused_and_nothing_written(cohort, args, message):
    with pytest.raises(CommandError) as error:
        _run(*args)
    assert message in str(error.value)
    assert "chưa ghi gì" in str(error.value)
    assert not Certificate.objects.exists()


def test_output_that_is_a_file_is_refused(cohort, tmp_path):
    output = tmp_path / "a-file"
    output.write_text("x")
    with pytest.raises(CommandError):
        _run("--assignment", "nq57-2025", "--output", str(output))
    assert not Certificate.objects.exists()


def test_a_failing_render_leaves_nothing_behind(cohort, tmp_path, media_root):
    from certificates.selectors import certificate_template_default

    template = certificate_template_default()
    # The second certificate's render fails: the Office template asks for a file outside the static files.
    template.html += '{% if serial == "0002/2026/GCN-STP" %}<img src="file:///etc/hostname">{% endif %}'
    template.save()
    output = tmp_path / "gcn"

    with pytest.raises(CommandError) as error:
        _run("--assignment", "nq57-2025", "--output", str(output))

    assert "chưa ghi gì" in str(error.value)
    assert not Certificate.objects.exists()
    assert not any(path.is_file() for path in media_root.rglob("*"))
    assert not output.exists() or not any(output.iterdir())


def test_dry_run_counts_without_writing(cohort):
    assert _run("--assignment", "nq57-2025", "--dry-run").startswith("Chạy thử: sẽ cấp 4 giấy chứng nhận")
    assert not Certificate.objects.exists()


def test_completion_dates_before_the_issue_year_still_issue(cohort, version, tree):
    late = person(tree["vp"])
    quiz_completion(staff=late, version=version, on_date=dt.date(2025, 12, 31))
    cohort["assignment"].enrolments.create(staff=late, enrolled_on=dt.date(2025, 7, 1))
    _run("--assignment", "nq57-2025")
    assert Certificate.objects.filter(staff=late).exists()
