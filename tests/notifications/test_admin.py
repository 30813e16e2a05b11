"""The reminder log in the admin: read-only, the Office only, one query for the list whatever its length."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.models import ReminderKind, ReminderLog
from notifications.services.reminders import digests_send_weekly, reminders_send_due

LIST = "admin:notifications_reminderlog_changelist"


@pytest.fixture
def logged(people):
    reminders_send_due(on_date=dt.date(2026, 3, 28))  # due soon
    reminders_send_due(on_date=dt.date(2026, 4, 1))  # overdue
    digests_send_weekly(on_date=dt.date(2026, 4, 6))
    assert ReminderLog.objects.filter(kind=ReminderKind.HEAD_DIGEST).exists()
    return ReminderLog.objects.count()


def test_the_office_sees_who_was_reminded_of_what(client, office_admin, people, logged):
    client.force_login(office_admin)
    response = client.get(reverse(LIST))
    assert response.status_code == 200
    html = response.content.decode()
    assert people["tgpl_officer"].full_name in html and "nq57-2026" in html
    assert people["vp_head"].full_name in html  # the digest's recipient
    assert response.context["cl"].result_count == logged
    searched = client.get(reverse(LIST), {"q": people["tgpl_officer"].code})
    assert {log.enrolment.staff_id for log in searched.context["cl"].result_list} == {people["tgpl_officer"].pk}


def test_the_list_costs_the_same_queries_for_more_rows(client, office_admin, people, logged):
    client.force_login(office_admin)
    client.get(reverse(LIST))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse(LIST), {"kind__exact": ReminderKind.HEAD_DIGEST})
    with CaptureQueriesContext(connection) as many:
        client.get(reverse(LIST))
    assert len(many.captured_queries) == len(few.captured_queries)


def test_nobody_edits_or_adds_the_log(client, office_admin, logged):
    client.force_login(office_admin)
    log = ReminderLog.objects.first()
    assert client.get(reverse("admin:notifications_reminderlog_add")).status_code == 403
    change = reverse("admin:notifications_reminderlog_change", args=[log.pk])
    assert client.post(change, {"event_date": "2020-01-01"}).status_code == 403
    assert (
        client.post(reverse("admin:notifications_reminderlog_delete", args=[log.pk]), {"post": "yes"}).status_code
        == 403
    )
    log.refresh_from_db()
    assert log.event_date != dt.date(2020, 1, 1)


def test_a_unit_head_cannot_open_it(client, unit_head, logged):
    client.force_login(unit_head)
    response = client.get(reverse(LIST))
    assert response.status_code == 404
    assert "nq57-2026" not in response.content.decode()
