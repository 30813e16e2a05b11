from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from treebeard.mp_tree import MP_Node


class UnitKind(models.TextChoices):
    DEPARTMENT = "department", _("Department")
    DIVISION = "division", _("Division")
    PUBLIC_SERVICE_UNIT = "public_service_unit", _("Public-service unit")
    TEAM = "team", _("Team")


class StaffCategory(models.TextChoices):
    LEADER = "leader", _("Leader")
    CIVIL_SERVANT = "civil_servant", _("Civil servant")
    PUBLIC_EMPLOYEE = "public_employee", _("Public employee")
    CONTRACT_WORKER = "contract_worker", _("Contract worker")


class Unit(MP_Node):
    """A node of the org chart. The materialized path makes "X and its sub-units" one prefix match."""

    code = models.CharField(_("unit code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=32, choices=UnitKind.choices)
    is_active = models.BooleanField(_("active"), default=True)
    heads = models.ManyToManyField(
        "orgchart.Staff", blank=True, related_name="headed_units", verbose_name=_("unit heads")
    )

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Staff(models.Model):
    """A person on the roster. Where they work, and as what, lives in `Membership`."""

    code = models.CharField(_("staff code"), max_length=32, unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    email = models.EmailField(_("email"), blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    # The communications role on the latest record (what the admin lists); every "as of D" question
    # reads `Membership.is_communications` instead.
    is_communications = models.BooleanField(_("communications staff"), default=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("account"),
    )
    # Indexes for listing: ICU `vi` collation key of "given name + rest", and the
    # accent-folded name/code/email for diacritic-insensitive search. Set by services.
    sort_key = models.BinaryField(_("sort key"), default=b"", editable=False)
    search_text = models.CharField(_("search text"), max_length=400, default="", editable=False)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        indexes = [models.Index(fields=["sort_key"], name="staff_sort_key_idx")]
        constraints = [
            models.UniqueConstraint(fields=["email"], condition=~Q(email=""), name="staff_email_unique_when_set")
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.code})"


class Membership(models.Model):
    """Staff member X was in unit U, as position P and category C, from `valid_from` to `valid_to` (inclusive).

    Moving or leaving end-dates the open record; nothing is ever deleted.
    """

    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("person"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("unit"))
    # "position" alone is also a lesson's or question's place in a list (thứ tự), not a job.
    position = models.CharField(pgettext_lazy("job", "position"), max_length=150, blank=True)
    category = models.CharField(_("category"), max_length=32, choices=StaffCategory.choices)
    # Dated like the unit and the category: an audience of communications staff on D reads D's record.
    is_communications = models.BooleanField(_("communications staff"), default=False)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["staff_id", "valid_from"]
        indexes = [
            models.Index(fields=["unit", "valid_from"], name="membership_unit_from_idx"),
            models.Index(fields=["staff", "valid_from"], name="membership_staff_from_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="membership_valid_range",
            ),
            models.UniqueConstraint(
                fields=["staff"], condition=Q(valid_to__isnull=True), name="membership_one_open_per_staff"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff_id} @ {self.unit_id} {self.valid_from}–{self.valid_to or ''}"


UNIT_KEY_WIDTH = 8


def unit_key(unit_id: int) -> str:
    """A unit's step in a dated path: its id, zero-padded, so a path never changes meaning when the tree does."""
    return f"{unit_id:0{UNIT_KEY_WIDTH}d}"


class UnitVersion(models.Model):
    """Unit U, on the days `valid_from` … `valid_to` (inclusive), was named N, of kind K, under parent P.

    A null `valid_from` means "since before anything is known" (a unit imported without an
    effective date); a null `valid_to` means still open. `path` is the unit's materialized
    path **on those days** (`unit_key` of each ancestor on those days, root first), so "X and
    its sub-units as the tree stood on D" is one prefix match among the versions open on D,
    whatever the size of the tree. A move of X ends the open version of X and of everything
    under it the day before, and opens new ones: one row per (unit, period of an unchanged
    path, name and kind). The periods of a unit never overlap (a PostgreSQL exclusion
    constraint, migration 0004; `orgchart.periods` checks the same on SQLite).
    `Unit` itself (treebeard) holds the latest tree: the one access rules read.
    """

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="versions", verbose_name=_("unit"))
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    parent = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("parent unit")
    )
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=32, choices=UnitKind.choices)
    path = models.CharField(_("path"), max_length=255, db_index=True)
    depth = models.PositiveIntegerField(_("depth"))

    class Meta:
        verbose_name = _("unit version")
        verbose_name_plural = _("unit versions")
        ordering = ["unit_id", "valid_from"]
        indexes = [models.Index(fields=["unit", "valid_from"], name="unitversion_unit_from_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True) | Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="unitversion_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.name} {self.valid_from or ''}–{self.valid_to or ''}"
