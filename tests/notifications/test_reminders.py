"""Reminders: before the due date, on the overdue day, weekly digests; never after completion, never twice."""

import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import IntegrityError, transaction

from courses.models import Enrolment
from notifications.models import ReminderKind, ReminderLog
from notifications.services.reminders import digests_send_weekly, reminders_send_due, week_of
from tests.factories import ReminderLogFactory, StaffFactory

from .builders import assign, complete_externally, enrol, publish_course
from .conftest import DUE, move

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def _recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def _only_learner(people, assignment):
    """Keep only the learner's enrolment in the audience, to read one email at a time."""
    Enrolment.objects.exclude(staff=people["learner"]).update(left_audience_on=dt.date(2026, 3, 2))


# --- before the due date --------------------------------------------------------------------------


def test_reminder_is_sent_three_days_before_the_due_date(people, assignment, settings):
    settings.LANTOA_REMINDER_DAYS_BEFORE = 3
    _only_learner(people, assignment)

    assert reminders_send_due(on_date=DUE - 4 * DAY).due_soon == 0
    assert mail.outbox == []

    summary = reminders_send_due(on_date=DUE - 3 * DAY)

    assert (summary.due_soon, summary.overdue, summary.failed) == (1, 0, 0)
    [message] = mail.outbox
    assert message.to == ["hoc.vien@stp.dongnai.gov.vn"]
    assert "Quán triệt Nghị quyết 57" in message.subject and "31/03/2026" in message.subject
    assert "Trần Thị Học" in message.body
    assert "http://127.0.0.1:8000/courses/nq57-test/" in message.body
    log = ReminderLog.objects.get()
    assert (log.kind, log.enrolment.staff, log.event_date) == (ReminderKind.DUE_SOON, people["learner"], DUE)
    assert log.sent_at is not None


def test_the_days_before_are_a_setting(people, assignment, settings):
    settings.LANTOA_REMINDER_DAYS_BEFORE = 7
    _only_learner(people, assignment)
    assert reminders_send_due(on_date=DUE - 7 * DAY).due_soon == 1


def test_reminder_before_the_due_date_is_sent_once(people, assignment):
    _only_learner(people, assignment)
    for day in range(3, -1, -1):
        reminders_send_due(on_date=DUE - day * DAY)

    assert len(mail.outbox) == 1
    assert ReminderLog.objects.filter(kind=ReminderKind.DUE_SOON).count() == 1


def test_a_missed_daily_run_catches_up(people, assignment):
    """The run of three days before did not happen; the next one sends the reminder."""
    _only_learner(people, assignment)
    assert reminders_send_due(on_date=DUE - 1 * DAY).due_soon == 1


def test_everyone_in_the_audience_with_an_email_is_reminded(people, assignment):
    summary = reminders_send_due(on_date=DUE - 3 * DAY)
    assert summary.due_soon == 5
    assert _recipients() == sorted(
        ["hoc.vien@stp.dongnai.gov.vn", "vp2@stp.dongnai.gov.vn", "tg2@stp.dongnai.gov.vn",
         "truong.vp@stp.dongnai.gov.vn", "giam.doc.tgpl@stp.dongnai.gov.vn"]
    )  # fmt: skip


def test_the_account_email_is_used_when_the_roster_has_none(people, assignment):
    _only_learner(people, assignment)
    people["learner"].email = ""
    people["learner"].save(update_fields=["email"])
    reminders_send_due(on_date=DUE - 3 * DAY)
    assert _recipients() == ["hoc.vien@stp.dongnai.gov.vn"]


def test_someone_without_any_email_is_skipped_and_not_logged(tree, assignment):
    nobody = StaffFactory(email="")
    enrol(assignment=assignment, staff=nobody, enrolled_on=dt.date(2026, 3, 1))
    assert reminders_send_due(on_date=DUE - 3 * DAY).due_soon == 0
    assert not ReminderLog.objects.exists()


def test_no_reminder_before_the_assignment_starts(tree, learner, version):
    early = assign(version=version, slug="som", starts_on=dt.date(2026, 4, 1), due_on=dt.date(2026, 4, 2))
    enrol(assignment=early, staff=learner.staff, enrolled_on=dt.date(2026, 3, 20))
    assert reminders_send_due(on_date=dt.date(2026, 3, 30)).due_soon == 0
    assert reminders_send_due(on_date=dt.date(2026, 4, 1)).due_soon == 1


# --- overdue --------------------------------------------------------------------------------------


def test_overdue_reminder_on_the_day_after_the_due_date_and_only_once(people, assignment):
    _only_learner(people, assignment)
    reminders_send_due(on_date=DUE - 3 * DAY)
    mail.outbox.clear()

    assert reminders_send_due(on_date=DUE).overdue == 0
    summary = reminders_send_due(on_date=DUE + DAY)
    assert (summary.due_soon, summary.overdue) == (0, 1)
    [message] = mail.outbox
    assert message.to == ["hoc.vien@stp.dongnai.gov.vn"]
    assert "31/03/2026" in message.body and "Quán triệt Nghị quyết 57" in message.subject

    for later in range(2, 10):
        reminders_send_due(on_date=DUE + later * DAY)
    assert len(mail.outbox) == 1
    assert list(ReminderLog.objects.order_by("kind").values_list("kind", flat=True)) == ["due_soon", "overdue"]


def test_overdue_catches_up_for_a_week_but_not_for_old_deadlines(people, assignment):
    _only_learner(people, assignment)
    assert reminders_send_due(on_date=DUE + 8 * DAY).overdue == 0
    assert reminders_send_due(on_date=DUE + 7 * DAY).overdue == 1


def test_a_new_due_date_is_a_new_event(people, assignment):
    _only_learner(people, assignment)
    reminders_send_due(on_date=DUE + DAY)
    assignment.due_on = dt.date(2026, 4, 30)
    assignment.save(update_fields=["due_on"])

    assert reminders_send_due(on_date=dt.date(2026, 4, 27)).due_soon == 1
    assert reminders_send_due(on_date=dt.date(2026, 5, 1)).overdue == 1
    assert len(mail.outbox) == 3


# --- never after completion, never after leaving, never twice --------------------------------------


def test_not_sent_after_completion_by_any_evidence(people, assignment, version):
    _only_learner(people, assignment)
    complete_externally(staff=people["learner"], version=version, on=dt.date(2026, 3, 20))

    assert reminders_send_due(on_date=DUE - 3 * DAY).due_soon == 0
    assert reminders_send_due(on_date=DUE + DAY).overdue == 0
    assert mail.outbox == []


def test_completion_of_the_course_under_another_assignment_counts(people, assignment, version):
    """Completion belongs to the person and the course, not to one assignment (within its window)."""
    _only_learner(people, assignment)
    complete_externally(staff=people["learner"], version=version, on=dt.date(2026, 3, 5))
    assert reminders_send_due(on_date=DUE + DAY).overdue == 0


def test_a_completion_before_the_assignments_window_does_not_stop_reminders(people, assignment, version):
    """A completion dated before the assignment's completions-from date (its start) does not count (issue 11)."""
    _only_learner(people, assignment)
    complete_externally(staff=people["learner"], version=version, on=dt.date(2025, 12, 1))
    assert reminders_send_due(on_date=DUE + DAY).overdue == 1


def test_other_courses_do_not_count_as_completion(people, assignment):
    _only_learner(people, assignment)
    other = publish_course(slug="khac", title="Khóa khác", lessons=1)
    complete_externally(staff=people["learner"], version=other, on=dt.date(2026, 3, 20))
    assert reminders_send_due(on_date=DUE + DAY).overdue == 1


def test_people_who_left_the_audience_are_not_reminded(people, assignment):
    Enrolment.objects.filter(staff=people["vp_officer"]).update(left_audience_on=dt.date(2026, 3, 15))
    reminders_send_due(on_date=DUE - 3 * DAY)
    reminders_send_due(on_date=DUE + DAY)
    assert "vp2@stp.dongnai.gov.vn" not in _recipients()
    assert not ReminderLog.objects.filter(enrolment__staff=people["vp_officer"]).exists()


def test_running_twice_on_the_same_day_sends_once(people, assignment):
    first = reminders_send_due(on_date=DUE + DAY)
    second = reminders_send_due(on_date=DUE + DAY)

    assert (first.overdue, second.overdue) == (5, 0)
    assert len(mail.outbox) == 5
    assert ReminderLog.objects.count() == 5


def test_an_event_claimed_by_another_run_is_not_sent(people, assignment):
    """Another worker inserted the claim first: this run inserts nothing and sends nothing for it."""
    _only_learner(people, assignment)
    enrolment = Enrolment.objects.get(staff=people["learner"])
    ReminderLogFactory(kind=ReminderKind.OVERDUE, enrolment=enrolment, event_date=DUE)
    assert reminders_send_due(on_date=DUE + DAY).overdue == 0
    assert mail.outbox == []


class FlakyBackend(LocmemBackend):
    """The mail server refuses one address (what leaves the process is the only thing faked)."""

    refused = "vp2@stp.dongnai.gov.vn"

    def send_messages(self, messages):
        for message in messages:
            if self.refused in message.to:
                raise smtplib.SMTPRecipientsRefused({self.refused: (550, b"mailbox unavailable")})
        return super().send_messages(messages)


def test_a_failed_send_is_released_and_retried_by_the_next_run(people, assignment, settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_reminders.FlakyBackend"
    first = reminders_send_due(on_date=DUE + DAY)
    assert (first.overdue, first.failed) == (4, 1)
    assert "vp2@stp.dongnai.gov.vn" not in _recipients()
    assert not ReminderLog.objects.filter(enrolment__staff=people["vp_officer"]).exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    second = reminders_send_due(on_date=DUE + 2 * DAY)
    assert (second.overdue, second.failed) == (1, 0)
    assert _recipients().count("vp2@stp.dongnai.gov.vn") == 1
    assert len(mail.outbox) == 5


def test_the_log_refuses_a_second_row_for_the_same_event(people, assignment):
    enrolment = Enrolment.objects.get(staff=people["learner"])
    ReminderLog.objects.create(kind=ReminderKind.OVERDUE, enrolment=enrolment, event_date=DUE)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderLog.objects.create(kind=ReminderKind.OVERDUE, enrolment=enrolment, event_date=DUE)
    head = people["vp_head"]
    ReminderLog.objects.create(kind=ReminderKind.HEAD_DIGEST, recipient=head, event_date=dt.date(2026, 3, 30))
    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderLog.objects.create(kind=ReminderKind.HEAD_DIGEST, recipient=head, event_date=dt.date(2026, 3, 30))
    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderLog.objects.create(kind=ReminderKind.HEAD_DIGEST, enrolment=enrolment, event_date=DUE)


# --- weekly digests for unit heads ----------------------------------------------------------------


def _digest_for(address: str):
    [message] = [message for message in mail.outbox if message.to == [address]]
    return message


def test_digest_lists_only_the_heads_unit_tree(people, assignment):
    monday = dt.date(2026, 4, 6)
    summary = digests_send_weekly(on_date=monday)

    assert summary.digests == 2
    vp = _digest_for("truong.vp@stp.dongnai.gov.vn").body
    # VP's tree: VP itself and its team VP-TH (the head is overdue too, and sees it).
    assert "Trần Thị Học (CB-HV), Tổ Tổng hợp" in vp
    assert "Ngô Thị Văn Phòng (CB-VP2), Văn phòng Sở" in vp
    assert "Lê Văn Trưởng (CB-VP)" in vp
    assert "Đỗ Văn Trợ Giúp" not in vp and "CB-TG" not in vp
    assert "31/03/2026" in vp
    tgpl = _digest_for("giam.doc.tgpl@stp.dongnai.gov.vn").body
    assert "Đỗ Văn Trợ Giúp (CB-TG2)" in tgpl
    assert "CB-HV" not in tgpl and "CB-VP2" not in tgpl
    assert "3" in _digest_for("truong.vp@stp.dongnai.gov.vn").subject


def test_digest_leaves_out_completed_and_departed_people(people, assignment, version):
    complete_externally(staff=people["learner"], version=version, on=dt.date(2026, 4, 2))
    Enrolment.objects.filter(staff=people["vp_officer"]).update(left_audience_on=dt.date(2026, 4, 1))
    digests_send_weekly(on_date=dt.date(2026, 4, 6))
    body = _digest_for("truong.vp@stp.dongnai.gov.vn").body
    assert "CB-HV" not in body and "CB-VP2" not in body and "CB-VP)" in body


def test_a_person_who_moved_is_in_the_new_heads_digest(people, assignment, tree):
    move(people["vp_officer"], unit=tree["tgpl"], on=dt.date(2026, 4, 1))
    digests_send_weekly(on_date=dt.date(2026, 4, 6))
    assert "CB-VP2" not in _digest_for("truong.vp@stp.dongnai.gov.vn").body
    assert (
        "Ngô Thị Văn Phòng (CB-VP2), Trung tâm Trợ giúp pháp lý nhà nước"
        in _digest_for("giam.doc.tgpl@stp.dongnai.gov.vn").body
    )


def test_no_digest_before_anything_is_overdue_or_for_a_head_with_nobody_overdue(people, assignment, version):
    assert digests_send_weekly(on_date=DUE).digests == 0
    for key in ("tgpl_officer", "tgpl_head"):
        complete_externally(staff=people[key], version=version, on=dt.date(2026, 3, 30))
    assert digests_send_weekly(on_date=DUE + DAY).digests == 1
    assert _recipients() == ["truong.vp@stp.dongnai.gov.vn"]
    assert list(ReminderLog.objects.values_list("recipient__code", flat=True)) == ["CB-VP"]


def test_one_digest_per_head_per_week(people, assignment):
    wednesday = dt.date(2026, 4, 8)
    assert week_of(wednesday) == dt.date(2026, 4, 6)
    assert digests_send_weekly(on_date=dt.date(2026, 4, 6)).digests == 2
    assert digests_send_weekly(on_date=wednesday).digests == 0
    assert digests_send_weekly(on_date=dt.date(2026, 4, 13)).digests == 2
    assert len(mail.outbox) == 4
    assert set(ReminderLog.objects.values_list("event_date", flat=True)) == {dt.date(2026, 4, 6), dt.date(2026, 4, 13)}


def test_a_long_digest_is_cut_and_says_how_many_more(people, assignment, tree, monkeypatch, settings):
    import notifications.services.reminders as reminders

    settings.LANGUAGE_CODE = "en"  # read the English source wording
    monkeypatch.setattr(reminders, "DIGEST_MAX_ROWS", 2)
    digests_send_weekly(on_date=dt.date(2026, 4, 6))
    body = _digest_for("truong.vp@stp.dongnai.gov.vn").body
    assert body.count("\n- ") == 2
    assert "and 1 more" in body
