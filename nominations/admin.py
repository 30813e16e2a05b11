"""The Office's admin: training programmes (created and edited here) and nominations (read-only: they
change only through the nomination pages, so every step goes through its service and its history)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from accounts.admin_site import OfficeOnlyAdminMixin

from .models import Nomination, NominationEvent, TrainingProgramme
from .services import programme_create, programme_problems


class TrainingProgrammeForm(forms.ModelForm):
    class Meta:
        model = TrainingProgramme
        fields = ("title", "provider", "starts_on", "ends_on")

    def clean(self):
        data = super().clean()
        if not self.errors:
            for problem in programme_problems(
                title=data.get("title") or "",
                provider=data.get("provider") or "",
                starts_on=data.get("starts_on"),
                ends_on=data.get("ends_on"),
            ):
                self.add_error(None, problem)
        return data


@admin.register(TrainingProgramme)
class TrainingProgrammeAdmin(OfficeOnlyAdminMixin, admin.ModelAdmin):
    form = TrainingProgrammeForm
    list_display = ("title", "provider", "starts_on", "ends_on")
    search_fields = ("title", "provider")
    date_hierarchy = "starts_on"

    def save_model(self, request: HttpRequest, obj: TrainingProgramme, form, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        created = programme_create(title=obj.title, provider=obj.provider, starts_on=obj.starts_on, ends_on=obj.ends_on)
        obj.pk = created.pk
        obj.created_at = created.created_at


class NominationEventInline(admin.TabularInline):
    model = NominationEvent
    extra = 0
    can_delete = False
    readonly_fields = ("status", "on", "note", "by", "recorded_at")
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Nomination)
class NominationAdmin(OfficeOnlyAdminMixin, admin.ModelAdmin):
    read_only = True
    list_display = ("staff", "programme", "status", "nominated_on", "approved_on", "completed_on")
    list_filter = ("status", "programme")
    search_fields = ("staff__code", "staff__full_name", "programme__title")
    list_select_related = ("staff", "programme")
    inlines = [NominationEventInline]
