"""The Office's admin for exemptions, API tokens and snapshots.

Exemptions are recorded through `exemption_create` (every rule checked, nothing written
on a problem) and edited with the same checks. Tokens are made with the
`api_token_create` command (the token is printed once); here the Office sees them and
revokes them. Snapshots are made with `snapshot_create` and are read-only: the admin
shows them and checks their hash. The audit trail (django-auditlog's entries) is read
here too, by person and by date.
"""

from __future__ import annotations

from auditlog.admin import LogEntryAdmin
from auditlog.filters import CIDFilter, ResourceTypeFilter
from auditlog.models import LogEntry
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.admin_site import OfficeOnlyAdminMixin
from core.models import ImportRecord, import_cid_expression
from orgchart.models import Staff
from reports.models import ApiToken, CoverageSnapshot, Exemption
from reports.selectors.audit import audit_person_q
from reports.selectors.snapshots import snapshot_verify
from reports.services.api_tokens import api_token_revoke
from reports.services.exemptions import exemption_create, exemption_problems, exemption_update


class ExemptionForm(forms.ModelForm):
    class Meta:
        model = Exemption
        fields = ("staff", "assignment", "valid_from", "valid_to", "reason", "approver_name", "approver")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            # Who and what an exemption is about is fixed; a wrong one is deleted and recorded again.
            for name in ("staff", "assignment"):
                self.fields[name].disabled = True

    def clean(self):
        data = super().clean()
        problems = exemption_problems(
            staff=data.get("staff"),
            assignment=data.get("assignment"),
            valid_from=data.get("valid_from"),
            valid_to=data.get("valid_to"),
            reason=data.get("reason") or "",
            approver_name=data.get("approver_name") or "",
            exclude_pk=self.instance.pk,
        )
        for name, field_problems in problems.items():
            # A field Django already refused (empty, not a date) keeps its own message only.
            if name in self.errors:
                continue
            for problem in field_problems:
                self.add_error(name, ValidationError(problem))
        return data


@admin.register(Exemption)
class ExemptionAdmin(OfficeOnlyAdminMixin, admin.ModelAdmin):
    form = ExemptionForm
    list_display = ("staff", "assignment", "valid_from", "valid_to", "approver_name", "recorded_by", "created_at")
    list_filter = ("assignment",)
    search_fields = ("staff__code", "staff__full_name", "reason", "approver_name")
    autocomplete_fields = ("staff", "assignment")
    raw_id_fields = ("approver",)
    date_hierarchy = "valid_from"
    list_select_related = ("staff", "assignment", "recorded_by")

    def save_model(self, request: HttpRequest, obj: Exemption, form: ExemptionForm, change: bool) -> None:
        if change:
            exemption_update(
                exemption=obj,
                valid_from=obj.valid_from,
                valid_to=obj.valid_to,
                reason=obj.reason,
                approver_name=obj.approver_name,
                approver=obj.approver,
            )
            return
        created = exemption_create(
            staff=obj.staff,
            assignment=obj.assignment,
            valid_from=obj.valid_from,
            valid_to=obj.valid_to,
            reason=obj.reason,
            approver_name=obj.approver_name,
            approver=obj.approver,
            recorded_by=request.user,
        )
        obj.pk = created.pk
        obj.created_at = created.created_at
        obj.recorded_by = created.recorded_by


@admin.register(ApiToken)
class ApiTokenAdmin(OfficeOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "prefix", "created_by", "created_at", "expires_at", "last_used_at", "revoked_at")
    readonly_fields = ("name", "prefix", "created_by", "created_at", "expires_at", "last_used_at", "revoked_at")
    list_select_related = ("created_by",)
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        # The token is made by `manage.py api_token_create NAME`, which prints it once.
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.action(description=_("Revoke the selected tokens"), permissions=["view"])
    def revoke(self, request: HttpRequest, queryset) -> None:
        tokens = list(queryset.filter(revoked_at__isnull=True))
        for token in tokens:
            api_token_revoke(token=token)
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", len(tokens)) % {"count": len(tokens)},
            messages.SUCCESS,
        )


@admin.register(CoverageSnapshot)
class CoverageSnapshotAdmin(OfficeOnlyAdminMixin, admin.ModelAdmin):
    read_only = True
    list_display = ("assignment", "as_of", "sha256", "created_by", "created_at")
    list_filter = ("assignment",)
    readonly_fields = ("assignment", "as_of", "sha256", "created_by", "created_at", "hash_check")
    exclude = ("content",)
    list_select_related = ("assignment", "created_by")

    @admin.display(description=_("hash check"))
    def hash_check(self, snapshot: CoverageSnapshot) -> str:
        return _("content matches its SHA-256") if snapshot_verify(snapshot=snapshot) else _("CONTENT ALTERED")


# --- the audit trail ---------------------------------------------------------------------------


class AuditPersonFilter(admin.SimpleListFilter):
    """ "By person": a staff code (typed in the search box, or chosen here among those with recorded changes)."""

    title = _("person (staff code)")
    parameter_name = "person"

    def lookups(self, request: HttpRequest, model_admin):
        # The choice list would be the whole roster: the code is typed instead (`?person=CODE`).
        value = self.value()
        return [(value, value)] if value else []

    def queryset(self, request: HttpRequest, queryset):
        code = (self.value() or "").strip()
        if not code:
            return queryset
        staff_ids = list(Staff.objects.filter(code__iexact=code).values_list("pk", flat=True))
        return queryset.filter(audit_person_q(staff_ids=staff_ids)) if staff_ids else queryset.none()


admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class AuditEntryAdmin(OfficeOnlyAdminMixin, LogEntryAdmin):
    """Who changed what, when, with the values before and after (read-only, for the Office).

    Filter by person (`?person=CODE`, or a staff code in the search box: every record about
    them) and by date (the date list and the timestamp filter).
    """

    read_only = True
    list_filter = [
        "action",
        ResourceTypeFilter,
        ("timestamp", admin.DateFieldListFilter),
        AuditPersonFilter,
        CIDFilter,  # `?cid=import-N`: every change one import made (the imports' list links here)
    ]
    search_help_text = _("A staff code finds every change about that person; other words search the changes.")

    def get_search_results(self, request: HttpRequest, queryset, search_term: str):
        term = search_term.strip()
        staff_ids = list(Staff.objects.filter(code__iexact=term).values_list("pk", flat=True)) if term else []
        if staff_ids:
            return queryset.filter(audit_person_q(staff_ids=staff_ids)), False
        return super().get_search_results(request, queryset, search_term)


@admin.register(ImportRecord)
class ImportRecordAdmin(OfficeOnlyAdminMixin, admin.ModelAdmin):
    """Every import that wrote something: who, when, the file and its SHA-256, and a link to each change it made."""

    read_only = True
    list_display = ("created_at", "kind", "filename", "effective_date", "actor_label", "changes_link")
    list_filter = ("kind", ("created_at", admin.DateFieldListFilter))
    search_fields = ("filename", "sha256", "actor_label")
    date_hierarchy = "created_at"
    fields = (
        "kind",
        "filename",
        "sha256",
        "effective_date",
        "options",
        "summary",
        "actor_label",
        "created_at",
        "changes_link",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest):
        # The count of each import's entries in the list's one query (LogEntry.cid is indexed).
        entries = (
            LogEntry.objects.filter(cid=import_cid_expression(OuterRef("pk")))
            .order_by()
            .values("cid")
            .annotate(total=Count("pk"))
            .values("total")
        )
        return super().get_queryset(request).annotate(change_count=Coalesce(Subquery(entries[:1]), 0))

    @admin.display(description=_("changes recorded"))
    def changes_link(self, record: ImportRecord) -> str:
        url = reverse("admin:auditlog_logentry_changelist") + "?" + urlencode({"cid": record.cid})
        count = record.change_count
        return format_html(
            '<a href="{}">{}</a>', url, ngettext("%(count)d change", "%(count)d changes", count) % {"count": count}
        )
