"""Changing an assignment's dates (`assignment_update`): one rule per assignment, so the own due dates of those who
joined after its start are recomputed from the day each joined; those enrolled with it keep its date."""

import datetime as dt
import importlib

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from courses.models import Assignment, Completion, CompletionEvidence, CompletionReview, Course, Enrolment
from courses.services.assignments import assignment_create, assignment_update, enrolment_sync
from courses.services.completions import completion_record
from notifications.models import ReminderKind, ReminderLog
from notifications.services.reminders import reminders_send_due
from orgchart.services.roster import roster_import
from quizzes.services.course_import import course_import

from ..factories import MembershipFactory, StaffFactory
from ..orgchart.files import person

pytestmark = pytest.mark.django_db

START = dt.date(2025, 9, 1)
DUE = dt.date(2025, 12, 15)
JOINED = dt.date(2025, 12, 1)  # after the start: 30 days → 31/12/2025, later than the due date


@pytest.fixture
def assignment(tree, course_data):
    course_import(data=course_data)
    roster_import(
        rows=[
            person("CB001", "Nguyễn Văn An", "VP", category="Lãnh đạo"),
            person("CB002", "Trần Thị Bình", "VP-TH"),
        ],
        effective_date=dt.date(2025, 7, 1),
    )
    # Made today, long after its start: those in the audience now are enrolled today, after the start, and
    # still have the assignment's due date (they were there when it was made).
    return assignment_create(
        slug="nq57-2025",
        course=Course.objects.get(slug=course_data["slug"]),
        units=[(tree["root"], True)],
        categories=[],
        communications_only=False,
        people=[],
        starts_on=START,
        due_on=DUE,
        due_days=30,
    )


def join(assignment, unit, on_date: dt.date, count: int = 1) -> list[int]:
    """`count` people join `unit` on `on_date` and the sync enrols them (as the roster import does)."""
    people = [StaffFactory() for _ in range(count)]
    for staff in people:
        MembershipFactory(staff=staff, unit=unit, valid_from=on_date)
    enrolment_sync(assignment=assignment, on_date=on_date)
    return [staff.pk for staff in people]


def own_due_on(staff_id: int) -> dt.date | None:
    return Enrolment.objects.get(staff_id=staff_id).due_on


def update(assignment, **changes) -> int:
    fields = {
        "title": assignment.title,
        "starts_on": assignment.starts_on,
        "due_on": assignment.due_on,
        "completions_from": assignment.completions_from,
        "due_days": assignment.due_days,
    }
    return assignment_update(assignment=assignment, **{**fields, **changes})


def from_the_start(assignment) -> list[tuple]:
    return list(
        Enrolment.objects.filter(assignment=assignment, joined_after_creation=False)
        .order_by("pk")
        .values_list("staff_id", "enrolled_on", "due_on")
    )


def test_the_sync_marks_those_who_join_after_the_assignment_was_made(assignment, tree):
    [late] = join(assignment, tree["vp"], JOINED)
    today = timezone.localdate()
    assert {(e.enrolled_on, e.due_on) for e in Enrolment.objects.filter(joined_after_creation=False)} == {(today, None)}
    assert own_due_on(late) == dt.date(2025, 12, 31)
    assert Enrolment.objects.get(staff_id=late).joined_after_creation


@pytest.mark.parametrize(
    ("due_days", "expected"),
    [
        (60, dt.date(2026, 1, 30)),  # later
        (20, dt.date(2025, 12, 21)),  # earlier
        (10, None),  # earlier than the assignment's due date: the assignment's
        (None, None),  # no relative due date any more
    ],
)
def test_changing_due_days_recomputes_late_joiners_only(assignment, tree, due_days, expected):
    [before_start] = join(assignment, tree["tgpl"], dt.date(2025, 8, 20))  # enrolled by the sync, before the start
    [on_start] = join(assignment, tree["tgpl"], START)
    [late] = join(assignment, tree["vp"], JOINED)
    initial = from_the_start(assignment)

    assert update(assignment, due_days=due_days) == 1

    assert own_due_on(late) == expected
    # Those enrolled with the assignment keep its date though their enrolment is dated after the start;
    # those who joined on or before the start are untouched.
    assert from_the_start(assignment) == initial
    assert own_due_on(before_start) is None and own_due_on(on_start) is None


def test_changing_due_days_back_restores_the_dates(assignment, tree):
    [late] = join(assignment, tree["vp"], JOINED)
    assert update(assignment, due_days=None) == 1
    assert update(assignment, due_days=30) == 1
    assert own_due_on(late) == dt.date(2025, 12, 31)
    assert update(assignment, due_days=30) == 0  # nothing to change: nobody counted


def test_changing_the_due_date_recomputes_late_joiners(assignment, tree):
    [november] = join(assignment, tree["vp"], dt.date(2025, 11, 10))  # 10/12/2025: the assignment's 15/12
    [december] = join(assignment, tree["vp"], JOINED)  # 31/12/2025

    # Later than the own date: it goes back to the assignment's.
    assert update(assignment, due_on=dt.date(2026, 1, 15)) == 1
    assert (own_due_on(december), own_due_on(november)) == (None, None)

    # And the reverse: earlier, so the own dates are later than the assignment's again.
    assert update(assignment, due_on=dt.date(2025, 12, 1)) == 2
    assert (own_due_on(december), own_due_on(november)) == (dt.date(2025, 12, 31), dt.date(2025, 12, 10))


def test_changing_the_start_decides_who_joined_late(assignment, tree):
    [late] = join(assignment, tree["vp"], JOINED)
    # Joined on the (new) start date: not late, the assignment's due date.
    assert update(assignment, starts_on=JOINED, due_on=dt.date(2025, 12, 20)) == 1
    assert own_due_on(late) is None
    assert update(assignment, starts_on=START) == 1
    assert own_due_on(late) == dt.date(2025, 12, 31)


def test_completions_are_not_touched(assignment, tree):
    [late] = join(assignment, tree["vp"], JOINED)
    completion_record(
        staff=Enrolment.objects.get(staff_id=late).staff,
        course=assignment.course,
        completed_on=dt.date(2025, 12, 20),
        evidence=CompletionEvidence.EXTERNAL,
        review=CompletionReview.ACCEPTED,
        external_reference="QĐ 1",
    )
    before = list(Completion.objects.values_list())
    update(assignment, due_days=5, due_on=dt.date(2025, 12, 10))
    assert list(Completion.objects.values_list()) == before


@pytest.mark.parametrize("late_joiners", [1, 50])
def test_recomputing_takes_as_many_queries_for_1_or_50_late_joiners(
    assignment, tree, late_joiners, django_assert_max_num_queries
):
    days = [JOINED + dt.timedelta(days=index % 5) for index in range(late_joiners)]
    for day in sorted(set(days)):
        join(assignment, tree["vp"], day, count=days.count(day))
    # The transaction's savepoint and its release, the row lock, the save (auditlog reads the row before it and
    # writes its entry), two for the due dates: the same for 1 and for 50.
    with django_assert_max_num_queries(10):
        changed = update(assignment, due_days=45)
    assert changed == late_joiners
    assert set(
        Enrolment.objects.filter(joined_after_creation=True).values_list("enrolled_on", "due_on").distinct()
    ) == {(day, day + dt.timedelta(days=45)) for day in days}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"due_on": dt.date(2025, 8, 31)}, "due_on", "sớm hơn ngày bắt đầu"),
        ({"starts_on": dt.date(2025, 12, 16)}, "due_on", "sớm hơn ngày bắt đầu"),
        ({"due_days": 0}, "due_days", "từ 1 đến 3650"),
        ({"completions_from": dt.date(2025, 12, 16)}, "completions_from", "muộn hơn hạn hoàn thành"),
        ({"title": "Lª ThÞ Thu"}, "title", "bảng mã cũ"),
    ],
)
def test_bad_dates_are_refused_and_nothing_is_written(assignment, tree, changes, field, message):
    join(assignment, tree["vp"], JOINED)
    before = (list(Assignment.objects.values_list()), list(Enrolment.objects.values_list()), LogEntry.objects.count())
    with pytest.raises(ValidationError) as refused:
        update(assignment, **{"due_days": 60, **changes})
    assert message in " ".join(refused.value.message_dict[field])
    after = (list(Assignment.objects.values_list()), list(Enrolment.objects.values_list()), LogEntry.objects.count())
    assert after == before


# --- the admin ---------------------------------------------------------------------------------------------


def _change_form(assignment, **overrides):
    data = {
        "title": assignment.title,
        "starts_on": assignment.starts_on.strftime("%d/%m/%Y"),
        "due_on": assignment.due_on.strftime("%d/%m/%Y"),
        "completions_from": assignment.completions_from.strftime("%d/%m/%Y"),
        "due_days": str(assignment.due_days or ""),
        "audience_units-TOTAL_FORMS": "1",
        "audience_units-INITIAL_FORMS": "1",
        "audience_people-TOTAL_FORMS": "0",
        "audience_people-INITIAL_FORMS": "0",
    }
    return {**data, **overrides}


def test_the_admin_change_recomputes_says_how_many_and_is_audited(assignment, tree, client, office_admin):
    [late] = join(assignment, tree["vp"], JOINED)
    client.force_login(office_admin)
    url = reverse("admin:courses_assignment_change", args=[assignment.pk])

    page = client.get(url).text
    assert "hạn hoàn thành riêng của mọi người vào sau ngày bắt đầu được tính lại" in page  # said before saving

    response = client.post(url, _change_form(assignment, due_days="60"), follow=True)

    assert response.redirect_chain, response.text[:3000]
    assert "Đã tính lại hạn hoàn thành của 1 người vào sau ngày bắt đầu." in response.text
    assert own_due_on(late) == dt.date(2026, 1, 30)
    entry = LogEntry.objects.get_for_object(assignment).order_by("-timestamp", "-pk").first()
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.actor == office_admin
    assert entry.changes["due_days"] == [30, 60]


def test_the_admin_counts_with_thousands_separators(assignment, tree, client, office_admin, monkeypatch):
    # 1.234 people would take a while to enrol: the count is the service's, the wording the admin's.
    monkeypatch.setattr("courses.admin_assignments.assignment_update", lambda **kwargs: 1234)
    client.force_login(office_admin)
    url = reverse("admin:courses_assignment_change", args=[assignment.pk])
    response = client.post(url, _change_form(assignment, due_on="20/12/2025"), follow=True)
    assert "Đã tính lại hạn hoàn thành của 1.234 người vào sau ngày bắt đầu." in response.text


def test_the_admin_says_nothing_of_due_dates_when_only_the_title_changes(assignment, tree, client, office_admin):
    client.force_login(office_admin)
    url = reverse("admin:courses_assignment_change", args=[assignment.pk])
    response = client.post(url, _change_form(assignment, title="Quán triệt đợt 1"), follow=True)
    assert response.redirect_chain, response.text[:3000]
    assert "Đã tính lại" not in response.text
    assignment.refresh_from_db()
    assert assignment.title == "Quán triệt đợt 1"


def test_the_admin_refuses_bad_dates_and_writes_nothing(assignment, tree, client, office_admin):
    [late] = join(assignment, tree["vp"], JOINED)
    client.force_login(office_admin)
    url = reverse("admin:courses_assignment_change", args=[assignment.pk])
    response = client.post(url, _change_form(assignment, due_on="31/08/2025", due_days="60"))
    assert response.status_code == 200
    assert "sớm hơn ngày bắt đầu" in response.text
    assignment.refresh_from_db()
    assert (assignment.due_on, assignment.due_days, own_due_on(late)) == (DUE, 30, dt.date(2025, 12, 31))


# --- the migration that marked existing enrolments ----------------------------------------------------------


def test_existing_enrolments_are_marked_by_their_own_date_or_their_time(assignment, tree):
    migration = importlib.import_module("courses.migrations.0009_enrolment_joined_after_creation")
    [without] = join(assignment, tree["vp"], dt.date(2025, 11, 1))  # 01/12 < 15/12: the assignment's date
    [with_own_date] = join(assignment, tree["vp"], JOINED)
    Enrolment.objects.filter(staff_id=without).update(created_at=assignment.created_at + dt.timedelta(days=2))
    Enrolment.objects.update(joined_after_creation=False)

    migration.mark_existing(apps, None)

    marked = dict(Enrolment.objects.values_list("staff_id", "joined_after_creation"))
    assert marked.pop(with_own_date) and marked.pop(without)
    assert set(marked.values()) == {False}  # enrolled with the assignment, in its transaction


# --- reminders read the recomputed date ---------------------------------------------------------------------


def test_reminders_follow_the_recomputed_due_date(assignment, tree, mailoutbox):
    [late] = join(assignment, tree["vp"], JOINED)
    update(assignment, due_days=60)  # 31/12/2025 → 30/01/2026

    summary = reminders_send_due(on_date=dt.date(2026, 1, 2))  # overdue under the old rule, not the new one
    assert (summary.due_soon, summary.overdue) == (0, 0)

    reminders_send_due(on_date=dt.date(2026, 1, 29))
    log = ReminderLog.objects.get(enrolment__staff_id=late)
    assert (log.kind, log.event_date) == (ReminderKind.DUE_SOON, dt.date(2026, 1, 30))
    assert len(mailoutbox) == 1 and "30/01/2026" in mailoutbox[0].body


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_date_change_during_a_sync_reaches_the_joiner_it_enrols(assignment, tree, monkeypatch):
    """A roster import's sync is enrolling a late joiner by the old rule when the Office changes `due_days`: the
    assignment's row lock makes the change wait for the sync, so its recompute sees the joiner (PostgreSQL; real
    threads and connections). Without the lock the change commits first and the joiner keeps the old date."""
    import threading
    import time

    from django.db import connection

    from courses.services import assignments as assignments_module

    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    staff = StaffFactory()
    MembershipFactory(staff=staff, unit=tree["vp"], valid_from=JOINED)
    enrolling = threading.Event()
    real_insert = assignments_module.enrolment_insert_missing

    def slow_insert(**kwargs):
        enrolling.set()  # the sync has read the assignment's rule and is about to enrol the joiner
        time.sleep(0.5)
        return real_insert(**kwargs)

    monkeypatch.setattr(assignments_module, "enrolment_insert_missing", slow_insert)
    errors = []

    def in_thread(work):
        def run():
            try:
                work()
            except Exception as error:  # noqa: BLE001 - reported by the test
                errors.append(error)
            finally:
                connection.close()

        return threading.Thread(target=run)

    def change():
        assert enrolling.wait(timeout=10)
        update(Assignment.objects.get(pk=assignment.pk), due_days=60)

    threads = [in_thread(lambda: enrolment_sync(on_date=JOINED)), in_thread(change)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert own_due_on(staff.pk) == JOINED + dt.timedelta(days=60)
