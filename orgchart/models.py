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
