"""The Office's admin for assignments, enrolments, in-person sessions and completions.

An assignment is created here with its audience (unit rules and named people, as
inlines) through `assignment_create`, which enrols everyone in the audience at once;
afterwards its rules are read-only (the dates and title can still change, through
`assignment_update`, which recomputes late joiners' due dates). Enrolments,
sessions and completions are records, written by the services (the roster import's
enrolment sync, `import_attendance`, grading): the admin only shows them — except the
Office's decision on an external completion (accepted or rejected, and why).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib import messages as admin_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.admin_site import OfficeOnlyAdminMixin
from accounts.roles import is_office
from core.dates import format_date
from core.importing import ImportRefused, read_table
from courses.models import (
    Assignment,
    AssignmentPerson,
    AssignmentUnit,
    AttemptGrant,
    Attendance,
    Completion,
    CompletionEvidence,
    CompletionReview,
    Course,
    Enrolment,
    InPersonSession,
)
from courses.services.assignments import (
    assignment_create,
    assignment_create_problems,
    assignment_update,
    assignment_update_problems,
    category_label,
)
from courses.services.completions import completion_review, completion_review_problems
from courses.services.external_completions import external_completions_import
from orgchart.models import StaffCategory

UNITS_PREFIX = "audience_units"
PEOPLE_PREFIX = "audience_people"


def _posted_rows(data, *, prefix: str, field: str) -> list[str]:
    """The non-deleted, filled rows of an inline formset in the POST data."""
    try:
        total = int(data.get(f"{prefix}-TOTAL_FORMS", 0))
    except (TypeError, ValueError):
        return []
    return [
        data[f"{prefix}-{index}-{field}"]
        for index in range(total)
        if data.get(f"{prefix}-{index}-{field}") and not data.get(f"{prefix}-{index}-DELETE")
    ]


class AssignmentForm(forms.ModelForm):
    categories = forms.MultipleChoiceField(
        label=_("staff categories"),
        choices=StaffCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked = every category. Named people are included whatever their category."),
    )

    class Meta:
        model = Assignment
        fields = (
            "slug",
            "title",
            "course",
            "starts_on",
            "due_on",
            "completions_from",
            "due_days",
            "categories",
            "communications_only",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            # Said before saving: `assignment_update` recomputes the own due dates these decide.
            self.fields["due_on"].help_text = gettext(
                "Everyone in the audience from the start is due on this date. Changing it, the start date or the "
                "days below recomputes the own due dates of those who joined after the start."
            )
            self.fields["due_days"].help_text = "{} {}".format(
                self.fields["due_days"].help_text,
                gettext(
                    "Changing it recomputes the own due date of everyone who joined after the start date, from "
                    "the day each of them joined."
                ),
            )

    def clean(self):
        data = super().clean()
        if self.instance.pk is None:
            problems = assignment_create_problems(
                slug=data.get("slug", ""),
                course=data.get("course"),
                units=[],
                categories=data.get("categories") or [],
                people=[],
                starts_on=data.get("starts_on"),
                due_on=data.get("due_on"),
                title=data.get("title", ""),
                completions_from=data.get("completions_from"),
                due_days=data.get("due_days"),
            )
            # The audience lives in the inlines, checked by their formset.
            problems.pop("units", None)
            problems.pop("people", None)
        else:
            problems = assignment_update_problems(
                title=data.get("title", ""),
                starts_on=data.get("starts_on"),
                due_on=data.get("due_on"),
                completions_from=data.get("completions_from"),
                due_days=data.get("due_days"),
            )
        if not data.get("completions_from") and data.get("starts_on"):
            # Left empty: completions count from the start (the default of `assignment_create`).
            data["completions_from"] = data["starts_on"]
        for name, messages in problems.items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)
        return data

    def validate_constraints(self, exclude=None):
        # due ≥ start is worded by `assignment_create_problems` above, not by the database constraint.
        return None


class AudienceUnitFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if self.instance.pk is not None:
            return
        units = _posted_rows(self.data, prefix=self.prefix, field="unit")
        people = _posted_rows(self.data, prefix=PEOPLE_PREFIX, field="staff")
        if not units and not people:
            raise ValidationError(_("Give the course to at least one unit or one named person."))


class _AddOnlyInline:
    """The audience is set when the assignment is created; afterwards it is shown, not edited.

    Permissions follow the role (as `OfficeOnlyAdminMixin`), not Django's per-model table.
    """

    extra = 1

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_office(request.user)

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return obj is None and is_office(request.user)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return obj is None and is_office(request.user)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return obj is None and is_office(request.user)

    def get_extra(self, request: HttpRequest, obj=None, **kwargs) -> int:
        return 1 if obj is None else 0


class AssignmentUnitInline(_AddOnlyInline, admin.TabularInline):
    model = AssignmentUnit
    formset = AudienceUnitFormSet
    fields = ("unit", "include_descendants")
    autocomplete_fields = ("unit",)


class AssignmentPersonInline(_AddOnlyInline, admin.TabularInline):
    model = AssignmentPerson
    fields = ("staff",)
    autocomplete_fields = ("staff",)


@admin.register(Assignment)
class AssignmentAdmin(OfficeOnlyAdminMixin, admin.ModelAdmin):
    form = AssignmentForm
    inlines = [AssignmentUnitInline, AssignmentPersonInline]
    list_display = ("slug", "title", "course", "starts_on", "due_on", "audience_label", "enrolled_count")
    list_filter = ("course",)
    search_fields = ("slug", "title")
    list_select_related = ("course",)
    date_hierarchy = "due_on"

    def get_queryset(self, request: HttpRequest):
        return (
            super()
            .get_queryset(request)
            .annotate(enrolled_total=Count("enrolments", filter=Q(enrolments__left_audience_on__isnull=True)))
        )

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        if obj is None:
            return ()
        return ("slug", "course", "categories_label", "communications_only", "created_by", "created_at")

    def get_fields(self, request: HttpRequest, obj=None):
        if obj is None:
            return AssignmentForm.Meta.fields
        return (
            "slug",
            "title",
            "course",
            "starts_on",
            "due_on",
            "completions_from",
            "due_days",
            "categories_label",
            "communications_only",
            "created_by",
            "created_at",
        )

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # Enrolments and reports point at it: an assignment is history once made.
        return False

    @admin.display(description=_("staff categories"))
    def categories_label(self, obj: Assignment) -> str:
        return ", ".join(category_label(category) for category in obj.categories) or _("Every category")

    @admin.display(description=_("audience"))
    def audience_label(self, obj: Assignment) -> str:
        parts = [category_label(category) for category in obj.categories]
        if obj.communications_only:
            parts.append(str(_("communications staff")))
        return ", ".join(parts) or str(_("Every category"))

    @admin.display(description=_("enrolled"), ordering="enrolled_total")
    def enrolled_count(self, obj: Assignment) -> int:
        return obj.enrolled_total

    def save_model(self, request: HttpRequest, obj: Assignment, form, change: bool) -> None:
        # A new assignment is created with its audience in save_related, through the service.
        if not change:
            return
        data = form.cleaned_data
        recomputed = assignment_update(
            assignment=obj,
            title=data.get("title", ""),
            starts_on=data["starts_on"],
            due_on=data["due_on"],
            completions_from=data.get("completions_from"),
            due_days=data.get("due_days"),
        )
        if {"starts_on", "due_on", "due_days"} & set(form.changed_data):
            self.message_user(
                request,
                ngettext(
                    "Recomputed the due date of %(count)s person who joined after the start date.",
                    "Recomputed the due dates of %(count)s people who joined after the start date.",
                    recomputed,
                )
                % {"count": number_format(recomputed, force_grouping=True)},
                admin_messages.INFO,
            )

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        if change:
            super().save_related(request, form, formsets, change)
            return
        units, people = [], []
        for formset in formsets:
            for inline_form in formset.forms:
                data = inline_form.cleaned_data
                if not data or data.get("DELETE"):
                    continue
                if formset.prefix == UNITS_PREFIX and data.get("unit"):
                    units.append((data["unit"], data.get("include_descendants", True)))
                elif formset.prefix == PEOPLE_PREFIX and data.get("staff"):
                    people.append(data["staff"])
        data = form.cleaned_data
        assignment = assignment_create(
            slug=data["slug"],
            course=data["course"],
            units=units,
            categories=data.get("categories") or [],
            communications_only=data.get("communications_only", False),
            people=people,
            starts_on=data["starts_on"],
            due_on=data["due_on"],
            completions_from=data.get("completions_from"),
            due_days=data.get("due_days"),
            title=data.get("title", ""),
            created_by=request.user,
        )
        # The admin logs and redirects with the instance it built from the form: make it the saved one.
        instance = form.instance
        for name in ("id", "slug", "title", "categories", "created_by_id", "created_at"):
            setattr(instance, name, getattr(assignment, name))
        instance._state.adding = False
        instance._state.db = assignment._state.db
        for formset in formsets:
            related = assignment.audience_units if formset.prefix == UNITS_PREFIX else assignment.audience_people
            formset.new_objects, formset.changed_objects, formset.deleted_objects = list(related.all()), [], []


# --- records ------------------------------------------------------------------------------


@admin.register(Enrolment)
class EnrolmentAdmin(OfficeOnlyAdminMixin, admin.ModelAdmin):
    """Who was given which assignment, and when they left its audience (written by the enrolment sync)."""

    read_only = True
    list_display = ("staff", "assignment", "enrolled_on", "due_on", "left_audience_on")
    list_filter = ("assignment", "joined_after_creation", ("left_audience_on", admin.EmptyFieldListFilter))
    list_select_related = ("staff", "assignment")
    search_fields = ("staff__code", "staff__full_name", "assignment__slug")
    ordering = ("assignment", "staff__sort_key")
    date_hierarchy = "enrolled_on"


@admin.register(AttemptGrant)
class AttemptGrantAdmin(OfficeOnlyAdminMixin, admin.ModelAdmin):
    """Extra quiz attempts granted, with their reasons: a record. They are granted on the Office's page
    (`quizzes:grant`, linked from the drill-down), through `courses.services.grants.attempt_grant`."""

    read_only = True
    list_display = ("staff", "course", "extra_attempts", "reason", "granted_by", "granted_at")
    list_filter = ("course",)
    list_select_related = ("staff", "course", "granted_by")
    search_fields = ("staff__code", "staff__full_name", "reason")
    date_hierarchy = "granted_at"


class AttendanceInline(admin.TabularInline):
    model = Attendance
    fields = ("staff", "present")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).select_related("staff").order_by("staff__sort_key")

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_office(request.user)

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(InPersonSession)
class InPersonSessionAdmin(OfficeOnlyAdminMixin, admin.ModelAdmin):
    """Briefings recorded with `import_attendance`; shown with their attendance sheet."""

    read_only = True
    inlines = [AttendanceInline]
    list_display = ("title", "course", "held_on_label", "present_count", "absent_count", "recorded_by")
    list_filter = ("course",)
    search_fields = ("title",)
    date_hierarchy = "held_on"
    list_select_related = ("course", "recorded_by")

    def get_queryset(self, request: HttpRequest):
        return (
            super()
            .get_queryset(request)
            .annotate(
                present_total=Count("attendances", filter=Q(attendances__present=True)),
                absent_total=Count("attendances", filter=Q(attendances__present=False)),
            )
        )

    @admin.display(description=_("date"), ordering="held_on")
    def held_on_label(self, obj: InPersonSession) -> str:
        return format_date(obj.held_on)

    @admin.display(description=_("present"), ordering="present_total")
    def present_count(self, obj: InPersonSession) -> int:
        return obj.present_total

    @admin.display(description=_("absent"), ordering="absent_total")
    def absent_count(self, obj: InPersonSession) -> int:
        return obj.absent_total


class CompletionReviewForm(forms.ModelForm):
    """The Office's decision on an external completion: accept or reject, and why (who and when are recorded)."""

    review = forms.ChoiceField(
        label=_("Office's decision"),
        choices=[(CompletionReview.ACCEPTED, _("Accepted")), (CompletionReview.REJECTED, _("Rejected"))],
        widget=forms.RadioSelect,
    )
    review_reason = forms.CharField(
        label=_("reason for the decision"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the acceptance rests on, or why it is rejected."),
    )

    class Meta:
        model = Completion
        fields = ("review", "review_reason")

    def clean(self):
        data = super().clean()
        for message in completion_review_problems(
            completion=self.instance, review=data.get("review", ""), reason=data.get("review_reason", "")
        ):
            self.add_error(None, message)
        return data


class ExternalCompletionsUploadForm(forms.Form):
    course = forms.ModelChoiceField(label=_("course"), queryset=Course.objects.order_by("slug"))
    import_file = forms.FileField(label=_("file (.xlsx or UTF-8 .csv)"))
    dry_run = forms.BooleanField(label=_("check only, write nothing"), required=False)


@admin.register(Completion)
class CompletionAdmin(OfficeOnlyAdminMixin, admin.ModelAdmin):
    """Completions belong to the person (rule 3); recorded by grading, attendance imports and the Office.

    They are records: nobody adds or deletes one here. An external completion counts only once
    the Office accepts it: its page takes the decision and its reason (`completion_review`,
    which records who and when); `import_external_completions` does the same from a sheet.
    """

    form = CompletionReviewForm
    list_display = ("staff", "course", "completed_on", "evidence", "review", "reviewed_by", "reviewed_at", "version")
    list_filter = ("review", "evidence", "course", "completed_on")
    list_select_related = ("staff", "course", "version", "reviewed_by")
    search_fields = ("staff__code", "staff__full_name", "external_reference")
    date_hierarchy = "completed_on"
    ordering = ("-completed_on", "staff__code")
    RECORD_FIELDS = (
        "staff",
        "course",
        "version",
        "completed_on",
        "evidence",
        "external_reference",
        "recorded_by",
        "created_at",
    )
    DECISION_FIELDS = ("reviewed_by", "reviewed_at")

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # Only an external completion has a decision to take.
        editable = obj is None or obj.evidence == CompletionEvidence.EXTERNAL
        return editable and super().has_change_permission(request, obj)

    def get_fields(self, request: HttpRequest, obj=None):
        if obj is not None and obj.evidence == CompletionEvidence.EXTERNAL:
            return self.RECORD_FIELDS + ("review", "review_reason") + self.DECISION_FIELDS
        return self.RECORD_FIELDS + ("review",)

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        if obj is not None and obj.evidence == CompletionEvidence.EXTERNAL and self.has_change_permission(request, obj):
            return self.RECORD_FIELDS + self.DECISION_FIELDS
        return self.RECORD_FIELDS + ("review", "review_reason") + self.DECISION_FIELDS

    def get_urls(self):
        own = [
            path(
                "import-external/",
                self.admin_site.admin_view(self.import_external_view),
                name="courses_completion_import_external",
            )
        ]
        return own + super().get_urls()

    def import_external_view(self, request: HttpRequest):
        """External completions and the decisions on them from a sheet (`external_completions_import`)."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        problems: list[str] = []
        form = ExternalCompletionsUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["import_file"]
            try:
                rows = read_table(content=upload.read(), filename=upload.name)
                summary = external_completions_import(
                    rows=rows, course=form.cleaned_data["course"], by=request.user, dry_run=form.cleaned_data["dry_run"]
                )
            except ImportRefused as refused:
                problems = [str(problem) for problem in refused.problems]
            else:
                self.message_user(request, str(summary), admin_messages.SUCCESS)
                return redirect("admin:courses_completion_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import external completions and decisions"),
            "form": form,
            "problems": problems,
        }
        return TemplateResponse(request, "admin/courses/external_completions_import.html", context)

    def save_model(self, request: HttpRequest, obj: Completion, form, change: bool) -> None:
        saved = completion_review(
            completion=obj,
            review=form.cleaned_data["review"],
            reason=form.cleaned_data["review_reason"],
            by=request.user,
        )
        obj.reviewed_by, obj.reviewed_at = saved.reviewed_by, saved.reviewed_at
