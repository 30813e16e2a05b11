"""Questions and their options in the admin; only a draft course version's questions can change.

The Import button reads a question spreadsheet into a draft version (`quizzes.resources`,
through `quizzes.services.question_import`), with import-export's upload → preview → confirm.
"""

from django.contrib import admin
from django.http import HttpRequest
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from accounts.admin_site import OfficeOnlyAdminMixin
from courses.admin import CourseVersionAdmin, DraftOnlyInlineMixin, DraftOnlyMixin, LessonInline
from courses.models import CourseVersion, CourseVersionStatus
from orgchart.admin import ServiceImportExportMixin
from quizzes.forms import QuestionConfirmImportForm, QuestionImportForm
from quizzes.models import Option, Question
from quizzes.resources import QuestionResource
from quizzes.services.questions import option_delete, option_save, question_delete, question_save


class _QuestionDraftOnly:
    """A question, and its options, change only while its course version is a draft."""

    def version_of(self, obj: Question) -> CourseVersion:
        return obj.version


class OptionInline(_QuestionDraftOnly, DraftOnlyInlineMixin, OfficeOnlyAdminMixin, admin.TabularInline):
    model = Option
    extra = 0
    fields = ("position", "text", "is_correct")
    ordering = ("position",)


@admin.register(Question)
class QuestionAdmin(
    _QuestionDraftOnly, DraftOnlyMixin, ServiceImportExportMixin, OfficeOnlyAdminMixin, admin.ModelAdmin
):
    list_display = ("short_text", "version", "position", "kind")
    list_filter = ("kind", "version__status", "version__course")
    search_fields = ("text", "version__course__slug")
    list_select_related = ("version", "version__course")
    fields = ("version", "position", "text", "kind", "explanation")
    inlines = [OptionInline]
    resource_classes = [QuestionResource]
    import_form_class = QuestionImportForm
    confirm_form_class = QuestionConfirmImportForm

    def has_export_permission(self, request: HttpRequest) -> bool:
        # Import only: nothing needs the bank as a spreadsheet (course files carry it whole).
        return False

    def get_import_resource_kwargs(self, request: HttpRequest, form=None, **kwargs) -> dict:
        cleaned = getattr(form, "cleaned_data", None) or {}
        return {"version": cleaned["version"]} if cleaned.get("version") else {}

    def get_confirm_form_initial(self, request: HttpRequest, import_form) -> dict:
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["version"] = import_form.cleaned_data["version"].pk
        return initial

    @admin.display(description=_("question"), ordering="text")
    def short_text(self, obj):
        return Truncator(obj.text).chars(90)

    def get_readonly_fields(self, request, obj=None):
        return ("version",) if obj else ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "version":
            # New questions can only go into a draft.
            kwargs["queryset"] = CourseVersion.objects.filter(status=CourseVersionStatus.DRAFT).select_related("course")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        question_save(question=obj)

    def delete_model(self, request, obj):
        question_delete(question=obj)

    def delete_queryset(self, request, queryset):
        for question in queryset.filter(version__status=CourseVersionStatus.DRAFT):
            question_delete(question=question)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for deleted in formset.deleted_objects:
            option_delete(option=deleted)
        for option in instances:
            option_save(option=option)


class QuestionInline(DraftOnlyInlineMixin, OfficeOnlyAdminMixin, admin.TabularInline):
    """Questions of the version; their options are edited on each question's own page."""

    model = Question
    extra = 0
    fields = ("position", "text", "kind", "explanation")
    ordering = ("position",)
    show_change_link = True


class CourseVersionWithQuizAdmin(CourseVersionAdmin):
    """The course version's admin (courses.admin) with its quiz's questions as a second inline."""

    inlines = [LessonInline, QuestionInline]

    def save_inline_object(self, instance) -> None:
        if isinstance(instance, Question):
            question_save(question=instance)
        else:
            super().save_inline_object(instance)

    def delete_inline_object(self, instance) -> None:
        if isinstance(instance, Question):
            question_delete(question=instance)
        else:
            super().delete_inline_object(instance)


# Registered by courses.admin (quizzes comes after courses in INSTALLED_APPS); replaced here, public admin API.
admin.site.unregister(CourseVersion)
admin.site.register(CourseVersion, CourseVersionWithQuizAdmin)
