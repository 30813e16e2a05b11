"""The log of reminder emails: what makes "never twice for the same event" hold.

A row is inserted, and committed, before its email is sent (`notifications.services.reminders`).
The unique constraints make the insert the claim: a second run, or a concurrent worker,
inserts nothing for an event that already has a row, so it sends nothing for it.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("Due date approaching")
    OVERDUE = "overdue", _("Overdue")
    HEAD_DIGEST = "head_digest", _("Weekly digest for a unit head")


_LEARNER_KINDS = [ReminderKind.DUE_SOON, ReminderKind.OVERDUE]


class ReminderLog(models.Model):
    """One reminder event: an email about an enrolment, or a unit head's digest for a week.

    `event_date` is the enrolment's due date for learner reminders (a changed due date is a
    new event) and the Monday of the week for digests. `sent_at` stays empty when the
    process stopped between the claim and the send: such a reminder is not sent again.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=ReminderKind.choices)
    enrolment = models.ForeignKey(
        "courses.Enrolment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reminders",
        verbose_name=_("enrolment"),
    )
    recipient = models.ForeignKey(
        "orgchart.Staff",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="digests",
        verbose_name=_("unit head"),
    )
    event_date = models.DateField(_("event date"))
    # The run that inserted the row: it reads back its own rows to know what to send.
    claim = models.UUIDField(_("claim"), default=uuid.uuid4, editable=False, db_index=True)
    created_at = models.DateTimeField(_("claimed at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-event_date", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "enrolment", "event_date"],
                condition=Q(enrolment__isnull=False),
                name="reminder_once_per_enrolment_event",
            ),
            models.UniqueConstraint(
                fields=["kind", "recipient", "event_date"],
                condition=Q(recipient__isnull=False),
                name="reminder_digest_once_per_head_week",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind__in=_LEARNER_KINDS, enrolment__isnull=False, recipient__isnull=True)
                    | Q(kind=ReminderKind.HEAD_DIGEST, enrolment__isnull=True, recipient__isnull=False)
                ),
                name="reminder_has_its_subject",
            ),
        ]

    def __str__(self) -> str:
        subject = f"enrolment {self.enrolment_id}" if self.enrolment_id else f"head {self.recipient_id}"
        return f"{self.kind} {subject} {self.event_date}"
