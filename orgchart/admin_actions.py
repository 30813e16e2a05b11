"""Admin actions about staff accounts (wired into the Staff admin)."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orgchart.services.accounts import InviteSummary, account_invite_many


def invite_summary_message(summary: InviteSummary) -> str:
    parts = [_("Invitation emailed to %(count)d staff member(s).") % {"count": len(summary.invited)}]
    if summary.skipped_no_email:
        parts.append(
            _("Skipped %(count)d without an email address: %(codes)s.")
            % {"count": len(summary.skipped_no_email), "codes": ", ".join(summary.skipped_no_email)}
        )
    if summary.skipped_active:
        parts.append(
            _("Skipped %(count)d who already have a password: %(codes)s.")
            % {"count": len(summary.skipped_active), "codes": ", ".join(summary.skipped_active)}
        )
    return " ".join(parts)


@admin.action(description=gettext_lazy("Invite selected staff (email a link to set their password)"))
def invite_selected_staff(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    try:
        summary = account_invite_many(
            staff_ids=list(queryset.values_list("pk", flat=True)), invited_by=request.user, request=request
        )
    except ValidationError as exc:
        modeladmin.message_user(request, _("Nobody was invited. Fix these problems first:"), level=messages.ERROR)
        for message in exc.messages:
            modeladmin.message_user(request, message, level=messages.ERROR)
        return
    skipped = summary.skipped_no_email or summary.skipped_active
    modeladmin.message_user(
        request, invite_summary_message(summary), level=messages.WARNING if skipped else messages.SUCCESS
    )
