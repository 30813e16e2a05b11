"""Nominations of communications staff to specialist training, toward the 2030 target.

The department's plan says that by 2030 the staff who do communications work
(`orgchart.Staff.is_communications`) are nominated for in-depth training. A unit head
nominates one of their communications staff to a `TrainingProgramme`; the Office
approves or declines; the person attends and completes it (optionally with the
certificate of the external training), or the nomination is withdrawn.

A `Nomination` keeps the date of each step it has reached (`nominated_on`,
`approved_on`, `started_on`, `completed_on`, `closed_on`), so "where did it stand on
date D" is a comparison of dates in one query; `NominationEvent` is the history of who
did what and when (it is never edited).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.files import RandomisedUploadTo


class TrainingProgramme(models.Model):
    """A specialist training programme run by an outside provider (e.g. a digital-communication course)."""

    title = models.CharField(_("title"), max_length=255)
    provider = models.CharField(_("provider"), max_length=255)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("training programme")
        verbose_name_plural = _("training programmes")
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="programme_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.provider})"


class NominationStatus(models.TextChoices):
    NOMINATED = "nominated", _("Nominated")
    APPROVED = "approved", _("Approved")
    ATTENDING = "attending", _("Attending")
    COMPLETED = "completed", _("Completed")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# A person has at most one of these per programme; declined and withdrawn ones are history.
ACTIVE_STATUSES = (
    NominationStatus.NOMINATED,
    NominationStatus.APPROVED,
    NominationStatus.ATTENDING,
    NominationStatus.COMPLETED,
)


class Nomination(models.Model):
    staff = models.ForeignKey(
        "orgchart.Staff", on_delete=models.PROTECT, related_name="nominations", verbose_name=_("person")
    )
    programme = models.ForeignKey(
        TrainingProgramme, on_delete=models.PROTECT, related_name="nominations", verbose_name=_("programme")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=NominationStatus.choices, default=NominationStatus.NOMINATED
    )
    nominated_on = models.DateField(_("nominated on"))
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    # Declined or withdrawn on this date (the status says which).
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    certificate = models.FileField(
        _("certificate of the training (PDF)"), upload_to=RandomisedUploadTo("nominations/certificates/%Y/"), blank=True
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("nominated by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["-nominated_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "programme"],
                condition=Q(status__in=[status.value for status in ACTIVE_STATUSES]),
                name="nomination_one_active_per_programme",
            ),
        ]
        indexes = [models.Index(fields=["staff", "status"], name="nomination_staff_status_idx")]

    def __str__(self) -> str:
        return f"{self.staff_id} → {self.programme_id} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def status_since(self):
        """The day the current status began (nominated, approved, started, completed, or declined/withdrawn)."""
        since = {
            NominationStatus.APPROVED: self.approved_on,
            NominationStatus.ATTENDING: self.started_on,
            NominationStatus.COMPLETED: self.completed_on,
            NominationStatus.DECLINED: self.closed_on,
            NominationStatus.WITHDRAWN: self.closed_on,
        }.get(self.status)
        return since or self.nominated_on


class NominationEvent(models.Model):
    """One step of a nomination: the status it moved to, the date it took effect, who recorded it."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(_("status"), max_length=16, choices=NominationStatus.choices)
    on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("nomination event")
        verbose_name_plural = _("nomination events")
        ordering = ["nomination_id", "recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.nomination_id}: {self.status} {self.on}"
