"""Progress toward 2030 against a hand-computed example: selector, page (scoped) and xlsx export.

Tree (tests/conftest.py): STP → VP → VP-TH; STP → TGPL. Communications staff, all on the
roster from 01/01/2025:
    A  VP     nominated 10/01/2026, approved, attending, completed 10/04/2026   → trained
    B  VP     nominated 01/02/2026, approved                                   → nominated
    C  VP-TH  nominated 05/01/2026, withdrawn 01/03/2026                       → neither
    D  VP-TH  never nominated
    E  TGPL   nominated 01/06/2025 … completed 15/11/2025                     → trained
    F  TGPL   nominated 01/04/2026, declined 25/05/2026 (after D)              → nominated on D
    G  TGPL   left on 31/01/2026; completed 01/10/2025                         → only in 2025's figure
Plus people who are not communications staff (the role fixtures, H in VP): never counted.

As of D = 20/05/2026:
    VP-TH  2 staff, 0 nominated, 0 trained
    VP     4 staff (A B C D), 2 nominated (A B), 1 trained (A)
    TGPL   2 staff (E F),     2 nominated (E F), 1 trained (E)
    STP    6 staff, 4 nominated, 2 trained → 33.33 %; the line expects 2/6 = 33.33 % by 31/12/2026
On 31/12/2025: 7 staff (A–G), trained E and G → 28.57 %; the line expected 1/6 = 16.67 %.
"""

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from nominations import services
from nominations.models import TrainingProgramme
from nominations.selectors import nomination_progress, trajectory_expected_percent
from tests.spreadsheets import assert_printable, assert_prints, table_rows

from .conftest import communications_person

pytestmark = pytest.mark.django_db

D = dt.date(2026, 5, 20)


@pytest.fixture
def example(tree, office_admin, unit_head, other_unit_head, learner):
    programme = TrainingProgramme.objects.create(
        title="Truyền thông số chuyên sâu",
        provider="Học viện",
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2026, 12, 31),
    )
    vp, team, tgpl = tree["vp"], tree["vp_team"], tree["tgpl"]
    people = {
        "A": communications_person(vp, code="A"),
        "B": communications_person(vp, code="B"),
        "C": communications_person(team, code="C"),
        "D": communications_person(team, code="D"),
        "E": communications_person(tgpl, code="E"),
        "F": communications_person(tgpl, code="F"),
        "G": communications_person(tgpl, code="G", valid_to=dt.date(2026, 1, 31)),
        "H": communications_person(vp, code="H", communications=False),
    }
    office = office_admin

    def through(code, *, nominated, approved=None, started=None, completed=None, withdrawn=None, declined=None):
        nomination = services.nomination_create(staff=people[code], programme=programme, by=office, on=nominated)
        if approved:
            services.nomination_approve(nomination=nomination, by=office, on=approved)
        if started:
            services.nomination_start(nomination=nomination, by=office, on=started)
        if completed:
            services.nomination_complete(nomination=nomination, by=office, on=completed)
        if withdrawn:
            services.nomination_withdraw(nomination=nomination, by=office, on=withdrawn)
        if declined:
            services.nomination_decline(nomination=nomination, by=office, on=declined, reason="Hết chỉ tiêu")

    with time_machine.travel(dt.datetime(2026, 5, 30, 9, 0), tick=False):
        through(
            "A",
            nominated=dt.date(2026, 1, 10),
            approved=dt.date(2026, 1, 15),
            started=dt.date(2026, 2, 1),
            completed=dt.date(2026, 4, 10),
        )
        through("B", nominated=dt.date(2026, 2, 1), approved=dt.date(2026, 2, 5))
        through("C", nominated=dt.date(2026, 1, 5), withdrawn=dt.date(2026, 3, 1))
        through(
            "E",
            nominated=dt.date(2025, 6, 1),
            approved=dt.date(2025, 6, 5),
            started=dt.date(2025, 7, 1),
            completed=dt.date(2025, 11, 15),
        )
        through("F", nominated=dt.date(2026, 4, 1), declined=dt.date(2026, 5, 25))
        through(
            "G",
            nominated=dt.date(2025, 5, 1),
            approved=dt.date(2025, 5, 2),
            started=dt.date(2025, 6, 1),
            completed=dt.date(2025, 10, 1),
        )
    return tree


def _figures(unit):
    f = unit.figures
    return (f.communications_staff, f.nominated, f.trained)


def test_the_line_to_2030():
    assert [trajectory_expected_percent(year=y) for y in range(2024, 2032)] == [
        0.0,
        16.67,
        33.33,
        50.0,
        66.67,
        83.33,
        100.0,
        100.0,
    ]


def test_progress_by_hand(example, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):  # the aggregate, the units, one year-end (2025)
        progress = nomination_progress(as_of=D)
    by_code = {unit.code: unit for unit in progress.units}
    assert _figures(by_code["VP-TH"]) == (2, 0, 0)
    assert _figures(by_code["VP"]) == (4, 2, 1)
    assert _figures(by_code["TGPL"]) == (2, 2, 1)
    assert _figures(by_code["STP"]) == (6, 4, 2)
    assert (progress.total.communications_staff, progress.total.nominated, progress.total.trained) == (6, 4, 2)
    assert progress.total.trained_percent == 33.33
    assert progress.expected_percent == 33.33
    assert progress.gap_points == 0.0
    assert progress.needed_this_year == 0
    assert progress.root.code == "STP"
    assert [unit.code for unit in progress.children()] == ["VP", "TGPL"]
    line = {point.year: point for point in progress.trajectory}
    assert (line[2025].actual_percent, line[2025].trained, line[2025].communications_staff) == (28.57, 2, 7)
    assert line[2025].expected_percent == 16.67
    assert (line[2026].actual_percent, line[2026].trained) == (33.33, 2)
    assert line[2027].actual_percent is None and line[2030].expected_percent == 100.0


def test_after_the_decline_f_no_longer_counts(example):
    progress = nomination_progress(as_of=dt.date(2026, 5, 26))
    assert _figures(progress.units[0]) == (6, 3, 2)


def test_behind_the_line(example):
    # On 31/12/2027 nobody else has been trained: 2 of 6 against an expected 50 % → 1 more needed.
    progress = nomination_progress(as_of=dt.date(2027, 12, 31))
    assert progress.expected_percent == 50.0
    assert progress.gap_points == -16.67
    assert progress.needed_this_year == 1


def test_page_for_the_office_and_a_head(client, example, office_admin, unit_head):
    client.force_login(office_admin)
    response = client.get(reverse("nominations:progress"), {"as_of": "20/05/2026"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "33,33%" in html and "On or ahead of the line" in html
    assert [row["unit"].code for row in response.context["rows"]] == ["VP", "TGPL"]
    svg = html.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "<title" in svg and "28.57%" in svg and "16.67%" in svg and "Target 100 %" in svg

    client.force_login(unit_head)
    response = client.get(reverse("nominations:progress"), {"as_of": "20/05/2026"})
    assert response.context["progress"].root.code == "VP"
    assert (response.context["progress"].total.communications_staff, response.context["progress"].total.trained) == (
        4,
        1,
    )
    assert "TGPL" not in response.content.decode().split('id="main"', 1)[1]
    assert client.get(reverse("nominations:progress"), {"unit": "TGPL"}).status_code == 404
    assert client.get(reverse("nominations:progress_export"), {"unit": "STP"}).status_code == 404


def test_export_numbers(client, example, office_admin, unit_head):
    client.force_login(office_admin)
    response = client.get(reverse("nominations:progress_export"), {"as_of": "20/05/2026"})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    units, line = workbook.worksheets
    rows = table_rows(units)
    # Shares are fractions shown 0.00% (33.33 % → 0.3333); the difference is in points.
    body = {row[0]: row[4:8] for row in rows[1:]}
    assert body["STP"] == (6, 4, 2, 0.3333)
    assert body["VP"] == (4, 2, 1, 0.25)
    assert body["VP-TH"] == (2, 0, 0, 0.0)
    assert body["TGPL"] == (2, 2, 1, 0.5)
    assert rows[-1][0] == "Total" and rows[-1][4:10] == (6, 4, 2, 0.3333, 0.3333, 0.0)
    assert table_rows(line)[1] == (2025, 0.1667, 0.2857, 2, 7)

    client.force_login(unit_head)
    response = client.get(reverse("nominations:progress_export"), {"as_of": "20/05/2026"})
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert [row[0] for row in table_rows(workbook.worksheets[0])[1:]] == ["VP", "VP-TH", "Total"]


@pytest.mark.libreoffice
def test_export_is_printable(client, example, office_admin, tmp_path):
    client.force_login(office_admin)
    response = client.get(reverse("nominations:progress_export"), {"as_of": "20/05/2026"})
    content = b"".join(response.streaming_content)
    units, line = load_workbook(io.BytesIO(content)).worksheets
    assert_printable(units, name="Units", title=["Communications staff trained", "20/05/2026"], percent_columns=[7, 8])
    assert units["J5"].number_format == "0.00"  # the difference, in percentage points
    assert_printable(line, name="Trajectory", title=["Trajectory to 2030", "20/05/2026"], percent_columns=[1])
    text = assert_prints(content, tmp_path, title="Communications staff trained, by unit", header=["Unit code", "Year"])
    assert "33.33%" in text and "Trajectory to 2030" in text


def test_export_keeps_formula_like_text_as_text(client, tree, office_admin):
    from orgchart.models import Unit, UnitVersion

    Unit.objects.filter(pk=tree["tgpl"].pk).update(name='=HYPERLINK("http://x")')
    UnitVersion.objects.filter(unit=tree["tgpl"]).update(name='=HYPERLINK("http://x")')
    client.force_login(office_admin)
    response = client.get(reverse("nominations:progress_export"))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = [row[1] for row in workbook.worksheets[0].iter_rows() if row[1].value == '=HYPERLINK("http://x")']
    assert len(cells) == 1 and cells[0].data_type == "s" and cells[0].quotePrefix
