"""Relative due dates for late joiners (`--due-days N`, issue 13): someone who joins the audience after the start
is due N days after joining, never before the assignment's due date; my courses shows one line per course."""

import datetime as dt

import pytest
from django.urls import reverse

from courses.models import Enrolment
from courses.selectors.learning import enrolment_list_for_staff, enrolment_list_overdue_in_units
from orgchart.models import Staff
from orgchart.services.roster import roster_import

from ..factories import UserFactory
from ..orgchart.files import person
from .test_commands_learning import ASSIGN, refused, run, setup  # noqa: F401 - the fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("setup")]

JOINED = dt.date(2025, 12, 1)  # after the start (15/08/2025) and the due date (30/09/2025)
ROWS = [
    person("CB001", "Nguyễn Văn An", "VP", category="Lãnh đạo"),
    person("CB002", "Trần Thị Bình", "VP-TH"),
    person("CB003", "Lê Minh Châu", "TGPL", category="Viên chức", communications="Có"),
    person("CB004", "Phạm Thu Dung", "TGPL", category="Người lao động"),
]


def _join_late():
    roster_import(rows=[*ROWS, person("CB005", "Võ Văn Mới", "VP-TH")], effective_date=JOINED)
    return Staff.objects.get(code="CB005")


def test_a_late_joiner_is_due_n_days_after_joining():
    output = run(*ASSIGN, "--unit", "STP", "--due", "2025-09-30", "--due-days", "30")
    assert "người được bổ sung sau ngày bắt đầu có hạn 30 ngày kể từ ngày được bổ sung" in output
    # Those in the audience when it was created keep the assignment's date, though enrolled after its start.
    assert set(Enrolment.objects.values_list("due_on", flat=True)) == {None}

    newcomer = _join_late()

    enrolment = Enrolment.objects.get(staff=newcomer)
    assert (enrolment.enrolled_on, enrolment.due_on) == (JOINED, JOINED + dt.timedelta(days=30))
    [row] = enrolment_list_for_staff(staff=newcomer, on_date=dt.date(2025, 12, 5))
    assert row.due_on == dt.date(2025, 12, 31) and not row.is_overdue
    # Not on the unit heads' overdue list on day one, but after the 30 days.
    overdue = enrolment_list_overdue_in_units(unit_paths=[""], on_date=dt.date(2025, 12, 5))
    assert newcomer.pk not in {e.staff_id for e in overdue}
    overdue = enrolment_list_overdue_in_units(unit_paths=[""], on_date=dt.date(2026, 1, 2))
    assert newcomer.pk in {e.staff_id for e in overdue}


def test_without_due_days_a_late_joiner_inherits_the_assignment_date():
    run(*ASSIGN, "--unit", "STP", "--due", "2025-09-30")
    newcomer = _join_late()
    assert Enrolment.objects.get(staff=newcomer).due_on is None
    [row] = enrolment_list_for_staff(staff=newcomer, on_date=dt.date(2025, 12, 5))
    assert row.due_on == dt.date(2025, 9, 30) and row.is_overdue


def test_due_days_never_bring_the_date_forward():
    run(*ASSIGN, "--unit", "STP", "--due", "2026-06-30", "--due-days", "10")
    newcomer = _join_late()
    assert Enrolment.objects.get(staff=newcomer).due_on is None  # 11/12/2025 would be earlier than 30/06/2026


@pytest.mark.parametrize("days", ["0", "4000"])
def test_bad_due_days_are_refused(days):
    message = refused(*ASSIGN, "--unit", "STP", "--due", "2025-09-30", "--due-days", days)
    assert "từ 1 đến 3650" in message


def test_my_courses_shows_one_line_per_course_with_the_assignments_behind_it(client):
    run(*ASSIGN, "--unit", "STP", "--due", "2025-09-30")
    run(
        "create_assignment", "--slug", "nq57-2026", "--course", "an-toan-thong-tin", "--start", "2026-01-01",
        "--unit", "VP", "--due", "2026-03-31",
    )  # fmt: skip
    staff = Staff.objects.get(code="CB002")
    staff.user = UserFactory(email="binh@example.gov.vn")
    staff.save()
    client.force_login(staff.user)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("courses:my_courses")).content.decode()

    assert html.count('class="course-card') == 1
    assert "nq57-2025 — due 30/09/2025" in html and "nq57-2026 — due 31/03/2026" in html
