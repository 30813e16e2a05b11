"""The reminder tasks: the names the beat schedule uses, today's date in Vietnam, safe to run twice."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail

from config.celery import app as celery_app
from notifications.models import ReminderLog
from notifications.tasks import digests_send_weekly, reminders_send_due

pytestmark = pytest.mark.django_db

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def test_the_beat_schedule_names_registered_tasks():
    celery_app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"courses.tasks.reminders_send_due", "courses.tasks.digests_send_weekly"} <= scheduled
    assert reminders_send_due.name in celery_app.tasks and digests_send_weekly.name in celery_app.tasks


def test_reminders_task_uses_todays_date_in_vietnam(people, assignment):
    # 23:30 UTC on the due date is already 06:30 the next morning in Vietnam: overdue day.
    with time_machine.travel(dt.datetime(2026, 3, 31, 23, 30, tzinfo=dt.UTC), tick=False):
        result = reminders_send_due.delay()
    assert result.get() == {"due_soon": 0, "overdue": 5, "digests": 0, "failed": 0}
    assert len(mail.outbox) == 5


def test_reminders_task_takes_a_date_and_is_safe_to_run_twice(people, assignment):
    first = reminders_send_due.delay(on_date="2026-03-28").get()
    second = reminders_send_due.delay(on_date="2026-03-28").get()
    assert (first["due_soon"], second["due_soon"]) == (5, 0)
    assert ReminderLog.objects.count() == len(mail.outbox) == 5


def test_digest_task_sends_each_head_one_digest_a_week(people, assignment):
    with time_machine.travel(dt.datetime(2026, 4, 6, 7, 30, tzinfo=VIETNAM), tick=False):
        first = digests_send_weekly.delay().get()
    with time_machine.travel(dt.datetime(2026, 4, 9, 7, 30, tzinfo=VIETNAM), tick=False):
        again = digests_send_weekly.delay().get()
    assert (first["digests"], again["digests"]) == (2, 0)
    assert sorted(message.to[0] for message in mail.outbox) == [
        "giam.doc.tgpl@stp.dongnai.gov.vn",
        "truong.vp@stp.dongnai.gov.vn",
    ]
