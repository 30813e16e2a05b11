"""Reminder emails: before the due date, on the day a course becomes overdue, and a weekly digest for heads.

Never to someone who has completed the course or has left the audience, and never twice
for the same event. Each event is claimed first: a `notifications.ReminderLog` row is
inserted and committed (its unique constraints refuse a second row for the same event),
and only the rows this run inserted are sent. A repeated or concurrent run finds the
rows already there and sends nothing for them. A send that fails releases its claim so
the next run tries again; a run that stops between the send and marking it sent leaves
the claim in place, so the person gets at most one copy.

Missed days catch up: the reminder before the due date is sent on the first run within
`LANTOA_REMINDER_DAYS_BEFORE` days of it (someone who joins two days before the due date
is reminded then), and the overdue one on the first run within a week after the due date.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import uuid
from dataclasses import asdict, dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import CharField, Exists, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from courses.models import CourseVersion, CourseVersionStatus
from courses.rules import enrolment_due_on, enrolment_due_on_expression
from courses.selectors.learning import enrolment_list_overdue_in_units, enrolment_list_to_remind
from notifications.models import ReminderKind, ReminderLog
from orgchart.models import Staff
from orgchart.roles import head_unit_paths_on

logger = logging.getLogger(__name__)

# The overdue reminder is still sent if the daily run missed a few days, but not for a
# deadline long past (say, a person who joins an old assignment's audience).
OVERDUE_CATCH_UP_DAYS = 6
# A digest lists at most this many people and says how many more there are.
DIGEST_MAX_ROWS = 200
_BATCH = 500
_TEMPLATES = {
    ReminderKind.DUE_SOON: "notifications/email/due_soon",
    ReminderKind.OVERDUE: "notifications/email/overdue",
    ReminderKind.HEAD_DIGEST: "notifications/email/head_digest",
}


@dataclass
class ReminderSummary:
    due_soon: int = 0
    overdue: int = 0
    digests: int = 0
    failed: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def _address(prefix: str = "") -> Coalesce:
    """The roster email, or the account's when the roster has none."""
    return Coalesce(NullIf(F(f"{prefix}email"), Value("")), F(f"{prefix}user__email"), output_field=CharField())


def _learner_window(kind: ReminderKind, on_date: dt.date) -> tuple[dt.date, dt.date]:
    """The due dates that make an enrolment due for `kind` on `on_date`."""
    if kind == ReminderKind.DUE_SOON:
        return on_date, on_date + dt.timedelta(days=settings.LANTOA_REMINDER_DAYS_BEFORE)
    yesterday = on_date - dt.timedelta(days=1)
    return yesterday - dt.timedelta(days=OVERDUE_CATCH_UP_DAYS), yesterday


def _claim(logs: list[ReminderLog]) -> None:
    # Committed before anything is sent: the claim must be visible to any other run first.
    with transaction.atomic():
        ReminderLog.objects.bulk_create(logs, batch_size=_BATCH, ignore_conflicts=True)


def _render(kind: ReminderKind, context: dict) -> tuple[str, str]:
    base = _TEMPLATES[kind]
    context = {"agency_name": settings.LANTOA_AGENCY_NAME, **context}
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"{base}_subject.txt", context).split())
        body = render_to_string(f"{base}_body.txt", context)
    return subject, body


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _deliver(messages: list[tuple[int, EmailMessage]]) -> tuple[int, int]:
    """Send each claimed message; mark the sent ones, release the claims of the failed ones."""
    if not messages:
        return 0, 0
    sent: list[int] = []
    failed: list[int] = []
    connection = get_connection()
    try:
        connection.open()
    except (smtplib.SMTPException, OSError):
        logger.exception("Reminders: the mail server is unreachable; %d reminders will be retried", len(messages))
        failed = [log_id for log_id, _message in messages]
    else:
        try:
            for log_id, message in messages:
                message.connection = connection
                try:
                    message.send()
                except (smtplib.SMTPException, OSError):
                    logger.exception("Reminders: sending reminder %s failed; it will be retried", log_id)
                    failed.append(log_id)
                else:
                    sent.append(log_id)
        finally:
            connection.close()
    now = timezone.now()
    for start in range(0, len(sent), _BATCH):
        ReminderLog.objects.filter(pk__in=sent[start : start + _BATCH]).update(sent_at=now)
    for start in range(0, len(failed), _BATCH):
        ReminderLog.objects.filter(pk__in=failed[start : start + _BATCH], sent_at__isnull=True).delete()
    return len(sent), len(failed)


def _learner_reminders_send(*, kind: ReminderKind, on_date: dt.date) -> tuple[int, int]:
    first, last = _learner_window(kind, on_date)
    already = ReminderLog.objects.filter(kind=kind, enrolment_id=OuterRef("pk"), event_date=OuterRef("own_due_on"))
    due = (
        enrolment_list_to_remind(on_date=on_date)
        .annotate(own_due_on=enrolment_due_on_expression())
        .filter(own_due_on__range=(first, last))
        .exclude(Exists(already))
        .annotate(address=_address("staff__"))
        .filter(address__isnull=False)
        .values_list("pk", "own_due_on")
    )
    claim = uuid.uuid4()
    _claim([ReminderLog(kind=kind, enrolment_id=pk, event_date=due_on, claim=claim) for pk, due_on in due])

    claimed = (
        ReminderLog.objects.filter(claim=claim)
        .select_related("enrolment__staff", "enrolment__assignment__course")
        .annotate(
            address=_address("enrolment__staff__"),
            course_title=Subquery(
                CourseVersion.objects.filter(
                    course_id=OuterRef("enrolment__assignment__course_id"), status=CourseVersionStatus.PUBLISHED
                ).values("title")[:1]
            ),
        )
        .order_by("pk")
    )
    messages = []
    for log in claimed:
        enrolment = log.enrolment
        assignment = enrolment.assignment
        due_on = enrolment_due_on(enrolment)
        subject, body = _render(
            kind,
            {
                "full_name": enrolment.staff.full_name,
                "course_title": log.course_title or assignment.title or assignment.course.slug,
                "due_on": due_on,
                "days_left": (due_on - on_date).days,
                "course_url": _absolute(reverse("courses:course", args=[assignment.course.slug])),
            },
        )
        messages.append((log.pk, EmailMessage(subject=subject, body=body, to=[log.address])))
    return _deliver(messages)


def reminders_send_due(*, on_date: dt.date) -> ReminderSummary:
    """Send the reminders due on `on_date`: before the due date, and once overdue. Safe to run again."""
    summary = ReminderSummary()
    summary.due_soon, failed_soon = _learner_reminders_send(kind=ReminderKind.DUE_SOON, on_date=on_date)
    summary.overdue, failed_overdue = _learner_reminders_send(kind=ReminderKind.OVERDUE, on_date=on_date)
    summary.failed = failed_soon + failed_overdue
    return summary


def week_of(on_date: dt.date) -> dt.date:
    """The Monday of `on_date`'s week: a digest's event date."""
    return on_date - dt.timedelta(days=on_date.weekday())


def digests_send_weekly(*, on_date: dt.date) -> ReminderSummary:
    """Send each unit head the list of their unit trees' overdue people, once a week. Safe to run again."""
    week = week_of(on_date)
    already = set(
        ReminderLog.objects.filter(kind=ReminderKind.HEAD_DIGEST, event_date=week).values_list(
            "recipient_id", flat=True
        )
    )
    heads = {head_id: paths for head_id, paths in head_unit_paths_on(on_date=on_date).items() if head_id not in already}
    addresses = dict(
        Staff.objects.filter(pk__in=list(heads))
        .annotate(address=_address())
        .filter(address__isnull=False)
        .values_list("pk", "address")
    )
    pending = {}
    for head_id, paths in heads.items():
        if head_id not in addresses:
            continue
        overdue = enrolment_list_overdue_in_units(unit_paths=paths, on_date=on_date)
        rows = list(overdue[:DIGEST_MAX_ROWS])
        # Counted apart only when the list is cut short: one query per head otherwise.
        total = overdue.count() if len(rows) == DIGEST_MAX_ROWS else len(rows)
        if total:
            pending[head_id] = (total, rows)
    claim = uuid.uuid4()
    _claim(
        [
            ReminderLog(kind=ReminderKind.HEAD_DIGEST, recipient_id=head_id, event_date=week, claim=claim)
            for head_id in pending
        ]
    )
    claimed = ReminderLog.objects.filter(claim=claim).select_related("recipient").order_by("pk")
    messages = []
    for log in claimed:
        total, rows = pending[log.recipient_id]
        subject, body = _render(
            ReminderKind.HEAD_DIGEST,
            {
                "full_name": log.recipient.full_name,
                "week": week,
                "on_date": on_date,
                "total": total,
                "rows": rows,
                "more": total - len(rows),
                "people_url": _absolute(reverse("orgchart:people")),
            },
        )
        messages.append((log.pk, EmailMessage(subject=subject, body=body, to=[addresses[log.recipient_id]])))
    sent, failed = _deliver(messages)
    return ReminderSummary(digests=sent, failed=failed)
