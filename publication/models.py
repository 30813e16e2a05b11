"""The public indicators: headline figures of a reporting period, frozen when prepared (`/indicators/`)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Publication(models.Model):
    """Headline figures of a reporting period on the public indicators page (`/indicators/`).

    Published from a snapshot, and the figures are copied here when the publication is
    prepared, so what the public sees never changes afterwards: the coverage figures are
    the snapshot's (themselves frozen), the nomination figures are those of the
    snapshot's date at the moment of preparing. Only aggregates, never a person.
    The Office chooses what appears: only rows with `is_published` are shown.
    """

    snapshot = models.OneToOneField(
        "reports.CoverageSnapshot", on_delete=models.PROTECT, related_name="publication", verbose_name=_("snapshot")
    )
    assignment = models.ForeignKey(
        "courses.Assignment", on_delete=models.PROTECT, related_name="publications", verbose_name=_("assignment")
    )
    as_of = models.DateField(_("reporting date"))
    title = models.CharField(_("title"), max_length=255)
    staff = models.PositiveIntegerField(_("people to inform"))
    informed = models.PositiveIntegerField(_("informed"))
    exempt = models.PositiveIntegerField(_("exempt"))
    percent_informed = models.DecimalField(_("percent informed"), max_digits=5, decimal_places=2)
    communications_staff = models.PositiveIntegerField(_("communications staff"))
    nominated = models.PositiveIntegerField(_("nominated to specialist training"))
    trained = models.PositiveIntegerField(_("trained (specialist training completed)"))
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("prepared by"),
    )
    created_at = models.DateTimeField(_("prepared at"), auto_now_add=True)

    class Meta:
        verbose_name = _("published indicator")
        verbose_name_plural = _("published indicators")
        ordering = ["-as_of", "assignment_id"]
        indexes = [models.Index(fields=["is_published", "as_of"], name="publication_published_idx")]
        # Made in the reports app before the split (migrations.SeparateDatabaseAndState kept the table).
        db_table = "reports_publication"

    def __str__(self) -> str:
        return f"{self.assignment_id} @ {self.as_of}"
