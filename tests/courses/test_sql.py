"""courses.sql: the enrolment INSERT … SELECT, run on the database the suite runs on (SQLite in `make test`,
PostgreSQL when DATABASE_URL points there)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.models import Assignment, Enrolment
from courses.services import course_create
from courses.sql import enrolment_insert_missing
from orgchart.models import Membership

from ..factories import MembershipFactory, UnitFactory

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 3, 2)


@pytest.fixture
def assignment():
    course = course_create(slug="nq57")
    return Assignment.objects.create(
        slug="nq57-2026",
        course=course,
        starts_on=dt.date(2026, 3, 1),
        due_on=dt.date(2026, 6, 30),
        completions_from=dt.date(2026, 3, 1),
    )


def test_it_enrols_everyone_the_queryset_yields_in_one_statement(assignment):
    unit = UnitFactory()
    people = [MembershipFactory(unit=unit).staff for _ in range(5)]
    staff_ids = Membership.objects.filter(unit=unit).order_by().values_list("staff_id", flat=True)

    with CaptureQueriesContext(connection) as captured:
        inserted = enrolment_insert_missing(assignment=assignment, staff_ids=staff_ids, on_date=ON)

    assert inserted == 5
    assert len(captured.captured_queries) == 1
    assert captured.captured_queries[0]["sql"].startswith("INSERT INTO")
    rows = Enrolment.objects.filter(assignment=assignment).order_by("staff_id")
    assert [(row.staff_id, row.enrolled_on, row.left_audience_on) for row in rows] == [
        (person.pk, ON, None) for person in sorted(people, key=lambda person: person.pk)
    ]
    assert all(row.created_at is not None for row in rows)


def test_people_enrolled_already_are_skipped_not_refused(assignment):
    unit = UnitFactory()
    first, second = (MembershipFactory(unit=unit).staff for _ in range(2))
    Enrolment.objects.create(assignment=assignment, staff=first, enrolled_on=dt.date(2026, 1, 5))
    staff_ids = Membership.objects.filter(unit=unit).order_by().values_list("staff_id", flat=True)

    assert enrolment_insert_missing(assignment=assignment, staff_ids=staff_ids, on_date=ON) == 1
    assert enrolment_insert_missing(assignment=assignment, staff_ids=staff_ids, on_date=ON) == 0
    enrolled = dict(Enrolment.objects.filter(assignment=assignment).values_list("staff_id", "enrolled_on"))
    assert enrolled == {first.pk: dt.date(2026, 1, 5), second.pk: ON}


def test_an_empty_audience_inserts_nothing(assignment):
    staff_ids = Membership.objects.none().values_list("staff_id", flat=True)
    assert enrolment_insert_missing(assignment=assignment, staff_ids=staff_ids, on_date=ON) == 0
    assert not Enrolment.objects.exists()
