"""The reminder log in the admin, read-only: who was reminded of what, and when (for the Office's support)."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_celery_beat import admin as beat_admin
from django_celery_beat import models as beat_models

from accounts.admin_site import OfficeOnlyAdminMixin
from notifications.models import ReminderLog


class SentFilter(admin.SimpleListFilter):
    title = _("email sent")
    parameter_name = "sent"

    def lookups(self, request, model_admin):
        return [("yes", _("Sent")), ("no", _("Claimed, not sent"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(sent_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(sent_at__isnull=True)
        return queryset


@admin.register(ReminderLog)
class ReminderLogAdmin(OfficeOnlyAdminMixin, admin.ModelAdmin):
    """Every reminder claimed, sent or not (a row without `sent_at` stopped between claim and send)."""

    read_only = True
    list_display = ["kind", "person", "assignment", "event_date", "created_at", "sent_at"]
    list_filter = ["kind", SentFilter, "event_date"]
    date_hierarchy = "created_at"
    search_fields = [
        "enrolment__staff__full_name",
        "enrolment__staff__code",
        "enrolment__staff__email",
        "recipient__full_name",
        "recipient__code",
        "recipient__email",
    ]
    list_select_related = ["enrolment__staff", "enrolment__assignment", "recipient"]
    ordering = ["-created_at", "-pk"]
    fields = ["kind", "enrolment", "recipient", "event_date", "created_at", "sent_at"]
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReminderLog]:
        return super().get_queryset(request).select_related(*self.list_select_related)

    @admin.display(description=_("person"))
    def person(self, log: ReminderLog):
        return log.enrolment.staff if log.enrolment_id else log.recipient

    @admin.display(description=_("assignment"))
    def assignment(self, log: ReminderLog) -> str:
        return str(log.enrolment.assignment) if log.enrolment_id else "—"


# --- the periodic tasks' schedules (django-celery-beat) ---------------------------------------------------------
# django-celery-beat registers its admins with Django's per-model permissions, which the Office's accounts do not
# hold (the admin follows the role: accounts.admin_site). Registered again here (this app loads after it) so the
# Office can edit the schedules the README calls editable: the reminder, digest, sync and attempt-closing tasks.


class OfficePeriodicTaskAdmin(OfficeOnlyAdminMixin, beat_admin.PeriodicTaskAdmin):
    pass


class OfficeCrontabScheduleAdmin(OfficeOnlyAdminMixin, beat_admin.CrontabScheduleAdmin):
    pass


class OfficeIntervalScheduleAdmin(OfficeOnlyAdminMixin, beat_admin.IntervalScheduleAdmin):
    pass


class OfficeClockedScheduleAdmin(OfficeOnlyAdminMixin, beat_admin.ClockedScheduleAdmin):
    pass


class OfficeSolarScheduleAdmin(OfficeOnlyAdminMixin, beat_admin.SolarScheduleAdmin):
    pass


for _model, _admin_class in (
    (beat_models.PeriodicTask, OfficePeriodicTaskAdmin),
    (beat_models.CrontabSchedule, OfficeCrontabScheduleAdmin),
    (beat_models.IntervalSchedule, OfficeIntervalScheduleAdmin),
    (beat_models.ClockedSchedule, OfficeClockedScheduleAdmin),
    (beat_models.SolarSchedule, OfficeSolarScheduleAdmin),
):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, _admin_class)
