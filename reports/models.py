"""Coverage reports: exemptions, API tokens for the monitoring system, frozen snapshots.

The figures themselves are never stored except in a snapshot: coverage as of a date is
computed from the effective-dated memberships, the completions and the exemptions
(`reports.selectors.coverage.coverage_as_of`, the rule itself in `reports.selectors.rules`, DESIGN.md rule 4).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Exemption(models.Model):
    """Staff member X is excused from assignment A from `valid_from` to `valid_to` (inclusive).

    Long leave, secondment…: on a date inside the range the person leaves the denominator
    and is listed as exempt. Recorded by the Office, with the reason and who approved it.
    """

    staff = models.ForeignKey(
        "orgchart.Staff", on_delete=models.PROTECT, related_name="exemptions", verbose_name=_("person")
    )
    assignment = models.ForeignKey(
        "courses.Assignment", on_delete=models.PROTECT, related_name="exemptions", verbose_name=_("assignment")
    )
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("to"))
    reason = models.TextField(_("reason"))
    approver_name = models.CharField(
        _("approved by"), max_length=150, help_text=_("Name and position of the person who approved the exemption.")
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approver's account"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("exemption")
        verbose_name_plural = _("exemptions")
        ordering = ["assignment_id", "staff_id", "valid_from"]
        indexes = [models.Index(fields=["staff", "assignment"], name="exemption_staff_assignment_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__gte=F("valid_from")), name="exemption_valid_range"),
        ]

    def __str__(self) -> str:
        return f"{self.staff_id} / {self.assignment_id} {self.valid_from}–{self.valid_to}"


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its SHA-256 is stored; the token is shown once, when made."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    token_hash = models.CharField(_("token hash (SHA-256)"), max_length=64, unique=True, editable=False)
    # The first characters, so the Office can tell tokens apart without the secret.
    prefix = models.CharField(_("prefix"), max_length=8, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    # Every token expires (a year by default); tokens made before were given a year from when they were made.
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class CoverageSnapshot(models.Model):
    """A coverage report frozen at a reporting date (DESIGN.md rule 5).

    `content` is canonical JSON (sorted keys, no spaces, fixed number formatting) of the
    report's figures and the people behind them; `sha256` is the hash of its UTF-8 bytes.
    What a snapshot shows is always `content`, never a recomputation, so it stays the same
    whatever happens to the roster, the completions or the exemptions later.
    """

    assignment = models.ForeignKey(
        "courses.Assignment", on_delete=models.PROTECT, related_name="snapshots", verbose_name=_("assignment")
    )
    as_of = models.DateField(_("as of"))
    content = models.TextField(_("content (canonical JSON)"), editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("coverage snapshot")
        verbose_name_plural = _("coverage snapshots")
        ordering = ["assignment_id", "-as_of"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "as_of"], name="coverage_snapshot_one_per_date"),
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id} @ {self.as_of} ({self.sha256[:12]})"
