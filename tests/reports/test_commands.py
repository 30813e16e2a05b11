"""coverage_report: json (stdout and file), xlsx (units + people, escaped cells), pdf hook, every problem listed."""

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from openpyxl import load_workbook

from orgchart.models import Staff
from reports.selectors.coverage import coverage_as_of
from reports.services.exemptions import exemption_create
from tests.spreadsheets import assert_printable, assert_prints, table_rows

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_json_to_stdout_is_the_contract(scenario, capsys):
    call_command("coverage_report", "--assignment", "nq57-2025", "--as-of", "2025-03-15", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert data == coverage_as_of(assignment=scenario.assignment, as_of=dt.date(2025, 3, 15)).as_dict()
    assert data["total"] == {"staff": 6, "informed": 4, "exempt": 0, "percent": 66.67}


def test_json_to_a_file_with_a_unit(scenario, tmp_path, capsys):
    output = tmp_path / "bao-cao.json"
    call_command(
        "coverage_report",
        *("--assignment", "nq57-2025", "--as-of", "2025-09-01", "--format", "json"),
        *("--output", str(output), "--unit", "PB"),
    )
    data = json.loads(output.read_text(encoding="utf-8"))
    assert data["total"] == {"staff": 3, "informed": 2, "exempt": 0, "percent": 66.67}
    assert [u["code"] for u in data["units"]] == ["PB"]
    summary = capsys.readouterr().out
    assert "2/3" in summary and "66,67%" in summary and str(output) in summary


def test_xlsx_has_units_and_every_person_with_cells_escaped(scenario, tmp_path):
    # A reason that a spreadsheet would run as a formula.
    exemption_create(
        staff=Staff.objects.get(code="B1"),
        assignment=scenario.assignment,
        valid_from=dt.date(2025, 9, 1),
        valid_to=dt.date(2025, 9, 30),
        reason='=HYPERLINK("http://evil.example","bấm vào")',
        approver_name="Giám đốc Sở",
    )
    output = tmp_path / "bao-cao.xlsx"
    call_command(
        "coverage_report",
        *("--assignment", "nq57-2025", "--as-of", "2025-09-01", "--format", "xlsx", "--output", str(output)),
    )
    workbook = load_workbook(output)
    assert workbook.sheetnames == ["Units", "People"]
    units = table_rows(workbook["Units"])
    assert units[0][:2] == ("Unit code", "Unit")
    # 01/09/2025 with B1 now exempt: STP audience 6, exempt 1, staff 5, informed 3 (A1, A3, B3) → 60.0 %.
    assert units[1][0] == "STP" and units[1][4:] == (5, 3, 2, 1, 0.6)
    assert units[-1][0] == "Total" and units[-1][4:] == (5, 3, 2, 1, 0.6)
    # Above the table: which completions count (issue 11 item 4).
    notes = [row[0] for row in workbook["Units"].iter_rows(max_row=4, values_only=True) if row and row[0]]
    assert any(str(note).startswith("Completions count from 01/01/2025") for note in notes)
    people = table_rows(workbook["People"])
    assert people[0][0] == "Staff code"
    by_code = {row[0]: row for row in people[1:]}
    assert set(by_code) == {"A1", "A3", "B1", "B3", "C1", "C2"}
    assert by_code["B1"][6] == "Exempt"
    # Kept as typed, in a text cell (never a formula, no apostrophe shown).
    assert by_code["B1"][9] == '=HYPERLINK("http://evil.example","bấm vào")'
    assert by_code["A1"][6] == "Informed" and by_code["A1"][7] == dt.datetime(2025, 2, 10)
    assert by_code["C1"][6] == "Not informed" and by_code["C1"][13] == 0.5


@pytest.mark.libreoffice
def test_xlsx_is_printable(scenario, tmp_path):
    output = tmp_path / "bao-cao.xlsx"
    call_command(
        "coverage_report",
        *("--assignment", "nq57-2025", "--as-of", "2025-09-01", "--format", "xlsx", "--output", str(output)),
    )
    workbook = load_workbook(output)
    what = str(scenario.assignment)
    assert_printable(
        workbook["Units"], name="Units", title=["Coverage by unit", what, "01/09/2025"], percent_columns=[8]
    )
    assert_printable(
        workbook["People"],
        name="People",
        title=["Coverage by person", what, "01/09/2025"],
        date_columns=[7, 10],
        percent_columns=[13],
    )
    text = assert_prints(output, tmp_path, title="Coverage by unit", header=["Unit code", "Staff code"])
    assert "Coverage by person" in text and "10/02/2025" in text and "66.67%" in text


def test_every_problem_is_listed_and_nothing_written(db, tmp_path):
    output = tmp_path / "x.json"
    with pytest.raises(CommandError) as caught:
        call_command(
            "coverage_report",
            *("--assignment", "khong-co", "--as-of", "2025-13-01", "--format", "docx", "--output", str(output)),
            *("--unit", "KHONG"),
        )
    message = str(caught.value)
    assert "(4 lỗi" in message
    assert '"khong-co"' in message and "2025-13-01" in message and '"docx"' in message and '"KHONG"' in message
    assert not output.exists()


def test_missing_output_directory_is_a_problem(scenario, tmp_path):
    with pytest.raises(CommandError, match="không tồn tại"):
        call_command(
            "coverage_report",
            *("--assignment", "nq57-2025", "--as-of", "2025-06-15", "--format", "xlsx"),
            *("--output", str(tmp_path / "khong" / "x.xlsx")),
        )
