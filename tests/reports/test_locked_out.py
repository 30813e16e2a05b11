"""Out of quiz attempts ("Đã hết lượt làm bài") in the drill-down and the xlsx export, and the Office's way to
grant another (issue 13)."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from courses.services.grants import attempt_grant
from reports.selectors.people import coverage_people

from ..factories import give_totp
from ..spreadsheets import table_rows
from .conftest import LOCAL, take_quiz

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

AS_OF = "01/08/2025"


@pytest.fixture
def locked(scenario):
    khanh = scenario.staff("C2")
    for day in (10, 11, 12):
        take_quiz(staff=khanh, course=scenario.course, on=dt.datetime(2025, 7, day, 9, 0, tzinfo=LOCAL), right=0)
    return khanh


def _row(scenario, staff):
    people = coverage_people(assignment=scenario.assignment, as_of=dt.date(2025, 8, 1))
    return next(person for person in people if person.staff_id == staff.pk)


def test_the_drill_down_says_out_of_attempts_and_the_office_can_grant(client, scenario, locked):
    assert _row(scenario, locked).locked_out
    assert not _row(scenario, scenario.staff("C1")).locked_out  # one failed attempt of three
    url = reverse("reports:dashboard_people", args=[scenario.assignment.slug])
    give_totp(scenario.office)  # the Office signs in with a second factor
    client.force_login(scenario.office)

    html = client.get(url, {"as_of": AS_OF}).content.decode()
    assert html.count("Out of attempts") == 1
    grant_url = reverse("quizzes:grant", args=[locked.pk, scenario.course.slug])
    assert f'href="{grant_url}?next=' in html

    attempt_grant(staff=locked, course=scenario.course, reason="Lỗi đường truyền", granted_by=scenario.office)
    assert not _row(scenario, locked).locked_out
    assert "Out of attempts" not in client.get(url, {"as_of": AS_OF}).content.decode()


def test_the_xlsx_export_has_the_attempts_column(client, scenario, locked):
    give_totp(scenario.office)
    client.force_login(scenario.office)
    response = client.get(
        reverse("reports:coverage_export", args=[scenario.assignment.slug, "xlsx"]), {"as_of": "2025-08-01"}
    )
    rows = table_rows(load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[1])
    header, people = rows[0], rows[1:]
    column = header.index("Quiz attempts")
    assert {row[0]: row[column] for row in people if row[column]} == {"C2": "Out of attempts"}
