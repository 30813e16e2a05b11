"""The Office's admin for the org chart: units (tree), staff, memberships (history, read-only).

Imports use django-import-export's own pages (upload → preview → confirm), answered by the
org-chart services through `orgchart.resources`; exports use its export page and escape
every cell. Only the Office and superusers get in (`accounts.admin_site`).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats
from treebeard.admin import TreeAdmin

from accounts.admin_site import OfficeOnlyAdminMixin
from accounts.roles import is_office
from core.importing import ImportRefused
from core.spreadsheets import PrintableXLSX
from orgchart.admin_actions import invite_selected_staff
from orgchart.admin_forms import (
    ColumnNameExportForm,
    RosterConfirmImportForm,
    RosterImportForm,
    SpreadsheetImportForm,
    StaffAdminForm,
    UnitAdminForm,
    UnitsConfirmImportForm,
    UnitsImportForm,
)
from orgchart.models import Membership, Staff, StaffCategory, Unit, UnitVersion
from orgchart.resources import IMPORT_FORMATS, RosterResource, ServiceResult, UnitResource
from orgchart.selectors import staff_list_with_current_membership, staff_search_terms, unit_ids_matching
from orgchart.services.roster import CATEGORY_LABELS, RosterMode
from orgchart.services.staff import staff_update
from orgchart.services.unit_history import unit_history_record_edit
from orgchart.services.units import KIND_LABELS


class ServiceImportExportMixin(ImportExportMixin):
    """import-export's import and export pages, with our reader, our refusals and our summary."""

    import_template_name = "admin/orgchart/import.html"
    import_form_class = SpreadsheetImportForm
    export_form_class = ColumnNameExportForm
    # Excel opens a CSV as UTF-8 only when it starts with a byte-order mark.
    to_encoding = "utf-8-sig"

    # Classes, not the dotted strings of settings.IMPORT_EXPORT_FORMATS (import-export's admin calls them).
    # The xlsx is a printable sheet (core.spreadsheets): title row, frozen header, A4, date cells.
    export_formats = [PrintableXLSX, base_formats.CSV]

    @property
    def import_formats(self):
        return IMPORT_FORMATS

    def has_import_permission(self, request: HttpRequest) -> bool:
        return is_office(request.user)

    def has_export_permission(self, request: HttpRequest) -> bool:
        return is_office(request.user)

    def get_export_data(self, file_format, request: HttpRequest, queryset, **kwargs):
        """Native values (dates as dates) for our xlsx too: import-export gives them only to its own classes."""
        if not isinstance(file_format, PrintableXLSX):
            return super().get_export_data(file_format, request, queryset, **kwargs)
        if not self.has_export_permission(request):
            raise PermissionDenied
        return file_format.export_data(self.get_data_for_export(request, queryset, force_native_type=True, **kwargs))

    def add_data_read_fail_error_to_form(self, form, e) -> None:
        if isinstance(e, ImportRefused):
            for problem in e.problems:
                form.add_error("import_file", str(problem))
            return
        super().add_data_read_fail_error_to_form(form, e)

    def process_result(self, result: ServiceResult, request: HttpRequest):
        """On confirm: if the service refused after all (the data changed since the preview), say so."""
        if result.has_errors() or result.has_validation_errors():
            form_class = self.get_import_form_class(request)
            form = form_class(
                self.get_import_formats(),
                self.get_import_resource_classes(request),
                initial=self.get_import_form_initial(request),
            )
            context = {
                **self.admin_site.each_context(request),
                **self.get_import_context_data(),
                "title": _("Import"),
                "form": form,
                "opts": self.model._meta,
                "media": self.media + form.media,
                "result": result,
                "import_error_display": self.import_error_display,
            }
            request.current_app = self.admin_site.name
            return TemplateResponse(request, [self.import_template_name], context)
        return super().process_result(result, request)

    def generate_log_entries(self, result: ServiceResult, request: HttpRequest) -> None:
        """One admin-log entry for the whole import (the rows are not model saves)."""
        if self.get_skip_admin_log() or result.summary is None:
            return
        summary = str(result.summary)
        LogEntry.objects.create(
            user_id=request.user.pk,
            content_type_id=ContentType.objects.get_for_model(self.model).pk,
            object_repr=summary[:200],
            action_flag=CHANGE,
            change_message=summary,
        )

    def add_success_message(self, result: ServiceResult, request: HttpRequest) -> None:
        messages.success(request, str(result.summary))


# --- units ----------------------------------------------------------------------------------


class UnitVersionInline(admin.TabularInline):
    """The unit's dated history (name, kind, parent per period), read-only: the imports and this form write it."""

    model = UnitVersion
    fk_name = "unit"
    fields = ("valid_from", "valid_to", "name", "kind", "parent")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("-valid_to",)

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Unit)
class UnitAdmin(OfficeOnlyAdminMixin, ServiceImportExportMixin, TreeAdmin):
    form = UnitAdminForm
    inlines = [UnitVersionInline]
    import_form_class = UnitsImportForm
    confirm_form_class = UnitsConfirmImportForm
    list_display = ("name", "code", "kind_label", "head_names", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name")
    autocomplete_fields = ("heads",)
    resource_classes = [UnitResource]

    def changelist_view(self, request: HttpRequest, extra_context=None):
        # treebeard sets which level of the tree to list only on GET; a POST (an action sent without a
        # selection, or with junk) then failed with AttributeError. The whole list is the root level.
        request._treebeard_parent_id = None
        return super().changelist_view(request, extra_context)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Unit]:
        return super().get_queryset(request).prefetch_related("heads")

    def get_import_resource_kwargs(self, request: HttpRequest, form=None, **kwargs) -> dict:
        cleaned = getattr(form, "cleaned_data", None) or {}
        return {"effective_date": cleaned.get("effective_date")}

    def get_confirm_form_initial(self, request: HttpRequest, import_form) -> dict:
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["effective_date"] = import_form.cleaned_data.get("effective_date")
        return initial

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        """After treebeard has written the latest tree: the same change, dated, in the tree's history."""
        super().save_related(request, form, formsets, change)
        unit_history_record_edit(unit=form.instance, on=form.cleaned_data["effective_date"])

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Unit], search_term: str):
        """The list's search and every unit autocomplete: accents and case ignored, like the staff search."""
        if not search_term.strip():
            return queryset, False
        return queryset.filter(pk__in=unit_ids_matching(search_term)), False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # Units keep their history; a closed unit is marked inactive, not deleted.
        return False

    @admin.display(description=_("kind"), ordering="kind")
    def kind_label(self, unit: Unit) -> str:
        return KIND_LABELS.get(unit.kind, unit.kind)

    @admin.display(description=_("unit heads"))
    def head_names(self, unit: Unit) -> str:
        return ", ".join(head.full_name for head in unit.heads.all()) or "—"


# --- staff ----------------------------------------------------------------------------------


class MembershipInline(admin.TabularInline):
    """Where the person worked, and as what: the effective-dated history, read-only."""

    model = Membership
    fields = ("unit", "position", "category", "valid_from", "valid_to")
    readonly_fields = fields
    ordering = ("-valid_from",)
    extra = 0
    can_delete = False
    show_change_link = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Membership]:
        return super().get_queryset(request).select_related("unit")

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_office(request.user)

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class OnRosterFilter(admin.SimpleListFilter):
    title = _("on the roster")
    parameter_name = "on_roster"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No (left)"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(current_unit_code__isnull=False)
        if self.value() == "no":
            return queryset.filter(current_unit_code__isnull=True)
        return queryset


class CurrentCategoryFilter(admin.SimpleListFilter):
    title = _("category")
    parameter_name = "category"

    def lookups(self, request, model_admin):
        return StaffCategory.choices

    def queryset(self, request, queryset):
        if self.value() in StaffCategory.values:
            return queryset.filter(current_category=self.value())
        return queryset


@admin.register(Staff)
class StaffAdmin(OfficeOnlyAdminMixin, ServiceImportExportMixin, admin.ModelAdmin):
    """People on the roster. They join, move and leave through the roster import (the Import button)."""

    form = StaffAdminForm
    import_form_class = RosterImportForm
    confirm_form_class = RosterConfirmImportForm
    resource_classes = [RosterResource]
    list_display = (
        "code",
        "full_name",
        "email",
        "current_unit",
        "current_position",
        "current_category_label",
        "is_communications",
        "has_account",
    )
    list_display_links = ("code", "full_name")
    list_filter = (OnRosterFilter, CurrentCategoryFilter, "is_communications")
    # The search itself runs on the accent-folded index (see get_search_results).
    search_fields = ("code", "full_name", "email")
    search_help_text = _("Code, name or email; with or without diacritics.")
    ordering = ("sort_key", "code")
    raw_id_fields = ("user",)
    inlines = [MembershipInline]
    actions = [invite_selected_staff]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Staff]:
        return staff_list_with_current_membership(super().get_queryset(request))

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Staff], search_term: str):
        for term in staff_search_terms(search_term):
            queryset = queryset.filter(search_text__contains=term)
        return queryset, False

    def has_add_permission(self, request: HttpRequest) -> bool:
        # People join through the roster import, which also gives them their unit.
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # Nobody is deleted: leavers are end-dated by the roster import.
        return False

    def save_model(self, request: HttpRequest, obj: Staff, form: StaffAdminForm, change: bool) -> None:
        fields = form.service_fields()
        if fields:
            staff_update(staff=Staff.objects.get(pk=obj.pk), **fields)

    def get_import_resource_kwargs(self, request: HttpRequest, form=None, **kwargs) -> dict:
        cleaned = getattr(form, "cleaned_data", None) or {}
        names = ("effective_date", "mode", "confirm_leavers", "code_changes")
        return {name: cleaned[name] for name in names if cleaned.get(name) not in (None, "")}

    def get_confirm_form_initial(self, request: HttpRequest, import_form) -> dict:
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["effective_date"] = import_form.cleaned_data["effective_date"]
            initial["mode"] = import_form.cleaned_data.get("mode") or RosterMode.FULL
        return initial

    @admin.display(description=_("unit"), ordering="current_unit_code")
    def current_unit(self, staff: Staff) -> str:
        if staff.current_unit_code is None:
            return "—"
        return f"{staff.current_unit_name} ({staff.current_unit_code})"

    @admin.display(description=pgettext_lazy("job", "position"), ordering="current_position")
    def current_position(self, staff: Staff) -> str:
        return staff.current_position or "—"

    @admin.display(description=_("category"), ordering="current_category")
    def current_category_label(self, staff: Staff) -> str:
        return CATEGORY_LABELS.get(staff.current_category, "—")

    @admin.display(boolean=True, description=_("account"), ordering="user")
    def has_account(self, staff: Staff) -> bool:
        return staff.user_id is not None


# --- memberships ------------------------------------------------------------------------------


@admin.register(Membership)
class MembershipAdmin(OfficeOnlyAdminMixin, admin.ModelAdmin):
    """The history, for looking things up. It changes only through the roster import."""

    read_only = True
    list_display = ("staff", "unit", "position", "category", "valid_from", "valid_to")
    list_filter = (("unit", admin.RelatedOnlyFieldListFilter), "category")
    list_select_related = ("staff", "unit")
    search_fields = ("staff__code", "staff__full_name", "unit__code", "unit__name")
    date_hierarchy = "valid_from"
    ordering = ("-valid_from", "staff__code")
