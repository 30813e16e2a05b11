"""The periodic tasks' schedules (django-celery-beat) are editable by the Office, as the README says."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_celery_beat.models import CrontabSchedule, PeriodicTask

pytestmark = pytest.mark.django_db


@pytest.fixture
def reminders_task():
    schedule = CrontabSchedule.objects.create(minute="0", hour="7", timezone="Asia/Ho_Chi_Minh")
    return PeriodicTask.objects.create(name="Nhắc hạn", task="courses.tasks.reminders_send_due", crontab=schedule)


def test_office_edits_a_schedule(client, office_admin, reminders_task):
    client.force_login(office_admin)
    assert client.get(reverse("admin:django_celery_beat_periodictask_changelist")).status_code == 200
    page = client.get(reverse("admin:django_celery_beat_crontabschedule_change", args=[reminders_task.crontab_id]))
    assert page.status_code == 200
    response = client.post(
        reverse("admin:django_celery_beat_crontabschedule_change", args=[reminders_task.crontab_id]),
        {
            "minute": "30",
            "hour": "6",
            "day_of_week": "*",
            "day_of_month": "*",
            "month_of_year": "*",
            "timezone": "Asia/Ho_Chi_Minh",
        },
    )
    assert response.status_code == 302, response.content[:500]
    reminders_task.crontab.refresh_from_db()
    assert (reminders_task.crontab.minute, reminders_task.crontab.hour) == ("30", "6")


@pytest.mark.parametrize("role", ["learner", "unit_head"])
def test_others_do_not_get_in(client, request, role, reminders_task):
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("admin:django_celery_beat_periodictask_changelist"))
    assert response.status_code in (302, 404)
