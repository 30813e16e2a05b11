"""The ND-30 semiannual report (Báo cáo định kỳ 6 tháng) the Office sends to the province."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.files import RandomisedUploadTo


class SemiannualReportStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("document", "Draft")
    ISSUED = "issued", _("Issued")


class SemiannualReport(models.Model):
    """The Office's semiannual report (Báo cáo định kỳ 6 tháng) to the provincial People's Committee.

    Kế hoạch 26/KH-STP asks for it before 15/6 and before 15/12; `period_end` is the reporting
    deadline of the half-year reported on (one of those two by default; another date needs a
    reason). It can be issued from the first working day of the deadline's month
    (`semiannual.selectors.issue_opens_on`). While a draft, the Office fills in the narrative
    and previews the PDF from the live figures. Issuing freezes it: the coverage of the day it
    is issued (`figures_on`; the deadline itself when issued late) is taken from a snapshot
    (`snapshot`), the PDF is rendered once from that snapshot (and from the previous
    report's snapshot, for the change since then) and stored with its SHA-256; it is never
    rendered again. "Số" is `number`/BC-STP, unique within the year of the document date.
    An issued report can be corrected: a new draft (`corrects`) with its own number, issued
    the same way, which says in its text which report it replaces.
    """

    assignment = models.ForeignKey(
        "courses.Assignment",
        on_delete=models.PROTECT,
        related_name="semiannual_reports",
        verbose_name=_("assignment"),
    )
    period_end = models.DateField(_("reporting deadline"))
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
        "reports.CoverageSnapshot",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="semiannual_reports",
        verbose_name=_("snapshot"),
    )
    figures_on = models.DateField(
        _("figures as of"),
        null=True,
        blank=True,
        help_text=_("Set when the report is issued: the day its figures were frozen (at the latest its deadline)."),
    )
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects report"),
    )
    pdf = models.FileField(_("PDF"), upload_to=RandomisedUploadTo("reports/semiannual/"), blank=True)
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
        # Made in the reports app before the split (migrations.SeparateDatabaseAndState kept the table).
        db_table = "reports_semiannualreport"
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
