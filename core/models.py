"""What the project records about its own work, whatever the app: the files the Office imported."""

from django.conf import settings
from django.db import models
from django.db.models import Expression, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ImportKind(models.TextChoices):
    ROSTER = "roster", _("Roster")
    UNITS = "units", _("Org chart")
    EXTERNAL_COMPLETIONS = "external_completions", _("External completions")


class ImportRecord(models.Model):
    """One import that wrote something: who, when, which file (its SHA-256), as of which date, what it did.

    Written by the import services in the import's own transaction (a refused import or a
    dry run leaves none). Every audit entry (django-auditlog's `LogEntry`) the import wrote,
    one per row changed with its values before and after, carries the record's `cid`.
    """

    kind = models.CharField(_("kind"), max_length=32, choices=ImportKind.choices)
    filename = models.CharField(_("file"), max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    effective_date = models.DateField(_("effective date"), null=True, blank=True)
    options = models.JSONField(pgettext_lazy("import record", "options"), default=dict, blank=True)
    summary = models.TextField(_("result"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    # The account's name when imported on the site, the system account for a management command.
    actor_label = models.CharField(_("imported by"), max_length=255)
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filename or ''} ({self.created_at:%d/%m/%Y %H:%M})".replace("  ", " ")

    @property
    def cid(self) -> str:
        """The correlation id carried by the audit entries of this import."""
        return import_cid(self.pk)


IMPORT_CID_PREFIX = "import-"


def import_cid(pk: int) -> str:
    return f"{IMPORT_CID_PREFIX}{pk}"


def import_cid_expression(pk: Expression | str) -> Concat:
    """`import_cid` in SQL, e.g. for an `OuterRef("pk")` of `ImportRecord`."""
    return Concat(Value(IMPORT_CID_PREFIX), Cast(pk, models.CharField()))


def import_record_pk(cid: str | None) -> int | None:
    """The import a correlation id names (None: an id of something else, or none)."""
    number = (cid or "").removeprefix(IMPORT_CID_PREFIX)
    return int(number) if cid and cid.startswith(IMPORT_CID_PREFIX) and number.isdigit() else None
