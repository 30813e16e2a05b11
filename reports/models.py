"""Coverage reports: exemptions, API tokens for the monitoring system, frozen snapshots.

The figures themselves are never stored except in a snapshot: coverage as of a date is
computed from the effective-dated memberships, the completions and the exemptions
(`reports.selectors.coverage_as_of`, DESIGN.md rule 4).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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


class Publication(models.Model):
    """Headline figures of a reporting period on the public indicators page (`/indicators/`).

    Published from a snapshot, and the figures are copied here when the publication is
    prepared, so what the public sees never changes afterwards: the coverage figures are
    the snapshot's (themselves frozen), the nomination figures are those of the
    snapshot's date at the moment of preparing. Only aggregates, never a person.
    The Office chooses what appears: only rows with `is_published` are shown.
    """

    snapshot = models.OneToOneField(
        CoverageSnapshot, on_delete=models.PROTECT, related_name="publication", verbose_name=_("snapshot")
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

    def __str__(self) -> str:
        return f"{self.assignment_id} @ {self.as_of}"


class SemiannualReportStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("document", "Draft")
    ISSUED = "issued", _("Issued")


class SemiannualReport(models.Model):
    """The Office's semiannual report (Báo cáo định kỳ 6 tháng) to the provincial People's Committee.

    Kế hoạch 26/KH-STP asks for it before 15/6 and before 15/12; `period_end` is the date the
    figures are counted on (one of those two by default; another date needs a reason).
    While a draft, the Office fills in the narrative and previews the PDF from the live
    figures. Issuing freezes it: the coverage of `period_end` is taken from a snapshot
    (`snapshot`), the PDF is rendered once from that snapshot (and from the previous
    report's snapshot, for the change since then) and stored with its SHA-256; it is never
    rendered again. "Số" is `number`/BC-STP, unique within the year of the document date.
    """

    assignment = models.ForeignKey(
        "courses.Assignment",
        on_delete=models.PROTECT,
        related_name="semiannual_reports",
        verbose_name=_("assignment"),
    )
    period_end = models.DateField(_("figures as of"))
    period_end_reason = models.TextField(
        _("reason for another reporting date"),
        blank=True,
        help_text=_("Needed only when the figures are not counted on 15/6 or 15/12."),
    )
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    number = models.PositiveIntegerField(_("number"))
    document_date = models.DateField(_("document date"))
    subject = models.CharField(_("subject"), max_length=500)
    opening = models.TextField(_("opening paragraph"))
    results_summary = models.TextField(_("results"), blank=True)
    limitations = models.TextField(_("limitations and difficulties"), blank=True)
    next_tasks = models.TextField(_("tasks for the next period"), blank=True)
    proposals = models.TextField(_("proposals"), blank=True)
    recipients = models.TextField(_("recipients"), help_text=_("One per line, as printed under “Nơi nhận:”."))
    signer_title = models.CharField(
        _("signer's title"),
        max_length=150,
        help_text=_("One line per printed line, e.g. “KT. GIÁM ĐỐC” then “PHÓ GIÁM ĐỐC”."),
    )
    signer_name = models.CharField(_("signer's name"), max_length=150)
    status = models.CharField(
        _("status"), max_length=16, choices=SemiannualReportStatus.choices, default=SemiannualReportStatus.DRAFT
    )
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_reports",
        verbose_name=_("previous report"),
    )
    snapshot = models.ForeignKey(
        CoverageSnapshot,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="semiannual_reports",
        verbose_name=_("snapshot"),
    )
    pdf = models.FileField(_("PDF"), upload_to="reports/semiannual/", blank=True)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)

    class Meta:
        verbose_name = _("semiannual report")
        verbose_name_plural = _("semiannual reports")
        ordering = ["-period_end", "-year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="semiannual_report_number_per_year"),
            models.CheckConstraint(
                condition=Q(status=SemiannualReportStatus.DRAFT)
                | (Q(snapshot__isnull=False) & ~Q(pdf="") & ~Q(pdf_sha256="")),
                name="semiannual_report_issued_is_frozen",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}/BC-STP ({self.year})"

    @property
    def is_issued(self) -> bool:
        return self.status == SemiannualReportStatus.ISSUED
