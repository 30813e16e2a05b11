"""The certificate register (DESIGN.md rule 6).

A `Certificate` is an entry in the issuing register: a yearly serial ("số vào sổ",
`0001/2026/GCN-STP`) allocated gap-free from `SerialCounter` in the transaction that
inserts it, an unguessable verification code, the facts printed on it (copied when it is
issued, so later roster or course edits never change it), and its PDF, rendered once and
stored with its SHA-256. Revoking keeps the row; re-issuing makes a new entry that
`replaces` the old one.

The PDF is a file in the default storage (`MEDIA_ROOT` or whatever `STORAGES` says), not
a database column: the register stays small enough to back up and query quickly, and the
files are backed up with the media directory; `pdf_sha256` lets a restore be checked
against the register.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.files import RandomisedUploadTo


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    REVOKED = "revoked", _("Revoked")


class CertificateTemplate(models.Model):
    """HTML and CSS for the certificate page, edited by the Office; rendered with Django's template engine.

    Trusted input from the Office only (the admin), rendered with a URL fetcher that reads
    nothing but the project's static files. Editing a template never touches an issued
    certificate: its PDF is stored.
    """

    name = models.CharField(_("name"), max_length=150, unique=True)
    html = models.TextField(_("HTML"))
    css = models.TextField(_("CSS"), blank=True)
    is_default = models.BooleanField(
        _("default template"), default=False, help_text=_("Used for courses that do not name a template.")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("certificate template")
        verbose_name_plural = _("certificate templates")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="certificate_one_default")
        ]

    def __str__(self) -> str:
        return self.name


class CourseCertificateSetting(models.Model):
    """Per course: whether a completion issues a certificate by itself, and with which template."""

    course = models.OneToOneField(
        "courses.Course", on_delete=models.CASCADE, related_name="certificate_setting", verbose_name=_("course")
    )
    issue_on_completion = models.BooleanField(
        _("issue on completion"),
        default=False,
        help_text=_("Issue a certificate automatically when someone completes the course."),
    )
    template = models.ForeignKey(
        CertificateTemplate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("template"),
        help_text=_("Empty: the default template."),
    )

    class Meta:
        verbose_name = _("course certificate setting")
        verbose_name_plural = _("course certificate settings")

    def __str__(self) -> str:
        return str(self.course_id)


class RegisterSettings(models.Model):
    """The register's own details, edited by the Office (one row): who signs, the serial suffix, the place.

    A model rather than settings: the signer changes when the director changes, and the
    Office should not need a deployment for that. Each certificate copies the values it
    was issued with.
    """

    signer_name = models.CharField(_("signer's name"), max_length=150)
    signer_title = models.CharField(
        _("signer's title"), max_length=150, help_text=_('As printed above the signature, e.g. "GIÁM ĐỐC".')
    )
    certifier = models.CharField(
        _("certifying authority"),
        max_length=255,
        help_text=_('The line before "chứng nhận:", e.g. "GIÁM ĐỐC SỞ TƯ PHÁP TỈNH ĐỒNG NAI".'),
    )
    serial_suffix = models.CharField(
        _("serial suffix"), max_length=32, help_text=_('The part after the year in "0001/2026/GCN-STP".')
    )
    place = models.CharField(_("place"), max_length=100, help_text=_('For the date line, e.g. "Đồng Nai".'))
    parent_agency = models.CharField(_("parent agency"), max_length=150)
    agency = models.CharField(_("agency"), max_length=150)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("register settings")
        verbose_name_plural = _("register settings")

    def __str__(self) -> str:
        return str(_("Register settings"))


class SerialCounter(models.Model):
    """The last serial number used in a year; locked with SELECT … FOR UPDATE while a certificate is inserted."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("serial counter")
        verbose_name_plural = _("serial counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class Certificate(models.Model):
    staff = models.ForeignKey(
        "orgchart.Staff", on_delete=models.PROTECT, related_name="certificates", verbose_name=_("person")
    )
    course = models.ForeignKey(
        "courses.Course", on_delete=models.PROTECT, related_name="certificates", verbose_name=_("course")
    )
    completion = models.ForeignKey(
        "courses.Completion", on_delete=models.PROTECT, related_name="certificates", verbose_name=_("completion")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    serial = models.CharField(_("register serial"), max_length=64, unique=True)
    code = models.CharField(_("verification code"), max_length=64, unique=True)
    issued_on = models.DateField(_("issued on"))
    status = models.CharField(
        _("status"), max_length=16, choices=CertificateStatus.choices, default=CertificateStatus.VALID
    )
    # What the certificate says, copied at issue.
    holder_name = models.CharField(_("holder"), max_length=150)
    unit_name = models.CharField(_("unit"), max_length=255, blank=True)
    position = models.CharField(pgettext_lazy("job", "position"), max_length=150, blank=True)
    course_title = models.CharField(_("course"), max_length=255)
    completed_on = models.DateField(_("completed on"))
    form = models.CharField(_("form"), max_length=64, blank=True)
    result = models.CharField(_("result"), max_length=64, blank=True)
    signer_name = models.CharField(_("signer's name"), max_length=150)
    signer_title = models.CharField(_("signer's title"), max_length=150)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("replaces"),
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)
    template = models.ForeignKey(
        CertificateTemplate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("template used"),
    )
    pdf = models.FileField(_("PDF"), upload_to=RandomisedUploadTo("certificates/"), blank=True)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="certificate_serial_unique"),
            models.UniqueConstraint(
                fields=["staff", "course"],
                condition=Q(status=CertificateStatus.VALID),
                name="certificate_one_valid_per_person_course",
            ),
            models.CheckConstraint(condition=Q(status__in=CertificateStatus.values), name="certificate_status_valid"),
            models.CheckConstraint(condition=Q(number__gte=1), name="certificate_number_positive"),
            models.CheckConstraint(
                condition=Q(status=CertificateStatus.VALID, revoked_at__isnull=True)
                | (Q(status=CertificateStatus.REVOKED, revoked_at__isnull=False) & ~Q(revocation_reason="")),
                name="certificate_revocation_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["course", "staff"], name="certificate_course_staff_idx")]

    def __str__(self) -> str:
        return self.serial

    @property
    def is_valid(self) -> bool:
        return self.status == CertificateStatus.VALID


class BulkIssueJobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Issuing and rendering")
    ASSEMBLING = "assembling", _("Assembling the ZIP")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class BulkIssueJob(models.Model):
    """The Office's "issue for everyone who completed this assignment" job (`certificates.services.bulk`).

    The job's list of completions is fixed once (`BulkIssueItem`, written in one transaction
    when the job plans); every later step (issue, render, ZIP) looks at the database to find
    what is missing, so a worker killed at any point loses nothing that a re-run does not redo.
    `total`, `issued` and `rendered` are refreshed from the items by the tasks (never
    incremented), for lists; the job page counts the items itself.
    """

    assignment = models.ForeignKey(
        "courses.Assignment", on_delete=models.PROTECT, related_name="+", verbose_name=_("assignment")
    )
    unit = models.ForeignKey(
        "orgchart.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("unit")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=BulkIssueJobStatus.choices, default=BulkIssueJobStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("certificates to issue"), null=True, blank=True)
    issued = models.PositiveIntegerField(_("issued"), default=0)
    rendered = models.PositiveIntegerField(_("rendered"), default=0)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    planned_at = models.DateTimeField(_("planned at"), null=True, blank=True)
    progress_at = models.DateTimeField(_("last progress at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    zip_file = models.FileField(_("ZIP file"), upload_to=RandomisedUploadTo("certificates/bulk/"), blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("bulk issue job")
        verbose_name_plural = _("bulk issue jobs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=BulkIssueJobStatus.values), name="bulk_job_status_valid"),
        ]
        indexes = [models.Index(fields=["status"], name="bulk_job_status_idx")]

    def __str__(self) -> str:
        return f"{self.assignment_id} #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (BulkIssueJobStatus.DONE, BulkIssueJobStatus.FAILED)


class BulkIssueItem(models.Model):
    """One completion a job certifies, and the certificate it got (the same one if the job runs again)."""

    job = models.ForeignKey(BulkIssueJob, on_delete=models.CASCADE, related_name="items")
    completion = models.ForeignKey("courses.Completion", on_delete=models.PROTECT, related_name="+")
    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("bulk issue item")
        verbose_name_plural = _("bulk issue items")
        constraints = [models.UniqueConstraint(fields=["job", "completion"], name="bulk_item_one_per_completion")]

    def __str__(self) -> str:
        return f"{self.job_id}: {self.completion_id}"
