"""Course authoring in the admin: drafts are edited, published and retired versions are read-only.

Every write goes through `courses.services`, which re-checks that the version is still
a draft; the permission hooks here only keep the forms from offering what would be refused.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.admin_site import OfficeOnlyAdminMixin
from courses.models import Course, CourseVersion, CourseVersionStatus, Lesson
from courses.selectors import course_version_get_draft
from courses.services import (
    VERSION_SETTINGS_FIELDS,
    course_version_create_draft_from,
    course_version_delete_draft,
    course_version_publish,
    course_version_save_draft,
    lesson_delete,
    lesson_save,
)


class DraftOnlyMixin:
    """Changing and deleting are offered only while the course version is a draft (no object: as usual).

    `version_of` names the version that decides: the object itself here, its version for a question.
    """

    def version_of(self, obj) -> CourseVersion:
        return obj

    def is_editable(self, obj) -> bool:
        return obj is None or self.version_of(obj).is_editable

    def has_change_permission(self, request, obj=None):
        return self.is_editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.is_editable(obj) and super().has_delete_permission(request, obj)


class DraftOnlyInlineMixin(DraftOnlyMixin):
    """For an inline, whose `obj` is the parent: adding rows too only while it is a draft."""

    def has_add_permission(self, request, obj=None):
        return self.is_editable(obj) and super().has_add_permission(request, obj)


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


class CourseVersionInline(OfficeOnlyAdminMixin, admin.TabularInline):
    model = CourseVersion
    fields = ("number", "title", "status", "published_at")
    readonly_fields = fields
    extra = 0
    show_change_link = True
    ordering = ("-number",)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Course)
class CourseAdmin(OfficeOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("slug", "version_count", "created_at")
    search_fields = ("slug", "versions__title")
    readonly_fields = ("created_at",)
    inlines = [CourseVersionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(version_total=Count("versions"))

    @admin.display(description=_("versions"), ordering="version_total")
    def version_count(self, obj):
        return obj.version_total

    def get_readonly_fields(self, request, obj=None):
        # The slug is how course files find their course; it never changes.
        return ("slug", "created_at") if obj else ("created_at",)

    def has_delete_permission(self, request, obj=None):
        return False


class LessonInline(DraftOnlyInlineMixin, OfficeOnlyAdminMixin, admin.StackedInline):
    model = Lesson
    extra = 0
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = ("position", "title", "body_html", "estimated_minutes", "attachment", "video_file", "video_url")
    ordering = ("position",)


class CourseVersionForm(forms.ModelForm):
    class Meta:
        model = CourseVersion
        fields = ("course", *VERSION_SETTINGS_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "review_policy" in self.fields:
            # A post without it (an older form) keeps the version's current policy.
            self.fields["review_policy"].required = False

    def clean_review_policy(self):
        return self.cleaned_data.get("review_policy") or self.instance.review_policy

    def clean(self):
        cleaned = super().clean()
        course = cleaned.get("course")
        if self.instance.pk is None and course is not None and course_version_get_draft(course=course) is not None:
            raise ValidationError(_("This course already has a draft; edit or publish it first."))
        return cleaned


@admin.register(CourseVersion)
class CourseVersionAdmin(DraftOnlyMixin, OfficeOnlyAdminMixin, admin.ModelAdmin):
    form = CourseVersionForm
    list_display = ("course", "number", "title", "status", "published_at", "lesson_count", "question_count")
    list_filter = ("status", "course")
    search_fields = ("title", "course__slug")
    list_select_related = ("course",)
    readonly_fields = ("number", "status", "published_at", "created_at")
    # The quiz's questions are added as a second inline by the quiz app's admin (quizzes.admin), above courses.
    inlines = [LessonInline]
    actions = ["create_draft_action", "publish_action"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(lesson_total=Count("lessons", distinct=True), question_total=Count("questions", distinct=True))
        )

    @admin.display(description=_("lessons"), ordering="lesson_total")
    def lesson_count(self, obj):
        return obj.lesson_total

    @admin.display(description=_("questions"), ordering="question_total")
    def question_count(self, obj):
        return obj.question_total

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.readonly_fields
        return ("course", *self.readonly_fields)

    def save_model(self, request, obj, form, change):
        course_version_save_draft(version=obj)

    def delete_model(self, request, obj):
        course_version_delete_draft(version=obj)

    def delete_queryset(self, request, queryset):
        for version in queryset.filter(status=CourseVersionStatus.DRAFT):
            course_version_delete_draft(version=version)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for deleted in formset.deleted_objects:
            self.delete_inline_object(deleted)
        for instance in instances:
            self.save_inline_object(instance)

    def save_inline_object(self, instance) -> None:
        """Each inline row through its service (the quiz admin adds the questions')."""
        lesson_save(lesson=instance)

    def delete_inline_object(self, instance) -> None:
        lesson_delete(lesson=instance)

    @admin.action(description=_("Create a draft from the selected version"))
    def create_draft_action(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Select exactly one version."), messages.WARNING)
            return
        try:
            draft = course_version_create_draft_from(version=queryset.get())
        except ValidationError as error:
            self.message_user(request, _error_text(error), messages.ERROR)
            return
        self.message_user(request, _("Draft %(draft)s created.") % {"draft": draft}, messages.SUCCESS)

    @admin.action(description=_("Publish the selected drafts"))
    def publish_action(self, request, queryset):
        published = 0
        for version in queryset.select_related("course"):
            try:
                course_version_publish(version=version)
            except ValidationError as error:
                self.message_user(request, f"{version}: {_error_text(error)}", messages.ERROR)
            else:
                published += 1
        if published:
            self.message_user(
                request,
                ngettext("%(count)d version published.", "%(count)d versions published.", published)
                % {"count": published},
                messages.SUCCESS,
            )


# The learning admins (assignments, enrolments, sessions, completions) live in their own module.
from courses import admin_assignments  # noqa: E402, F401
