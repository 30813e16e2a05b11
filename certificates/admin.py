"""The Office's admin for the certificate register: templates, course settings, register details, certificates.

Certificates are register entries written by the services: the admin shows them (read
only), exports the register book, and has one form per action (issue for a completion,
revoke with a reason, re-issue), each calling one service.
"""

from __future__ import annotations

import datetime as dt
import io

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.admin_site import OfficeOnlyAdminMixin
from core.pdf import PdfResourceRefused
from core.spreadsheets import XLSX_CONTENT_TYPE
from courses.models import Completion
from orgchart.models import Staff

from . import selectors, services
from .models import Certificate, CertificateTemplate, CourseCertificateSetting, RegisterSettings
from .rendering import certificate_pdf_bytes


class CertificateTemplateForm(forms.ModelForm):
    class Meta:
        model = CertificateTemplate
        fields = ["name", "html", "css", "is_default"]

    def clean(self):
        """Render a sample certificate: a template that does not render is refused before it is saved."""
        cleaned = super().clean()
        if self.errors:
            return cleaned
        sample = Certificate(
            year=2026,
            number=1,
            serial="0001/2026/GCN-STP",
            code="SAMPLESAMPLESAMP",
            issued_on=dt.date(2026, 6, 5),
            holder_name="Nguyễn Thị Mẫu",
            unit_name="Văn phòng Sở",
            position="Chuyên viên",
            course_title="Khóa học mẫu",
            completed_on=dt.date(2026, 6, 1),
            form="trực tuyến",
            result="90%",
            signer_name="Người Ký",
            signer_title="GIÁM ĐỐC",
        )
        sample.staff = Staff(full_name="Nguyễn Thị Mẫu", date_of_birth=dt.date(1990, 1, 1))
        details = selectors.register_details_get()
        template = CertificateTemplate(html=cleaned.get("html", ""), css=cleaned.get("css", ""))
        try:
            certificate_pdf_bytes(certificate=sample, template=template, register_details=details)
        except PdfResourceRefused as error:
            raise ValidationError(
                _("The template uses a file that is not one of the project's static files: %(e)s"), params={"e": error}
            ) from error
        except Exception as error:  # a template syntax error, say: shown to the Office, nothing saved
            raise ValidationError(_("The template does not render: %(e)s"), params={"e": error}) from error
        return cleaned


@admin.register(CertificateTemplate)
class CertificateTemplateAdmin(OfficeOnlyAdminMixin, admin.ModelAdmin):
    form = CertificateTemplateForm
    list_display = ["name", "is_default", "updated_at"]


@admin.register(CourseCertificateSetting)
class CourseCertificateSettingAdmin(OfficeOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["course", "issue_on_completion", "template"]
    list_select_related = ["course", "template"]


@admin.register(RegisterSettings)
class RegisterSettingsAdmin(OfficeOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["signer_title", "signer_name", "serial_suffix", "updated_at"]

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return super().has_add_permission(request) and not RegisterSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)


class IssueForm(forms.Form):
    completion = forms.ModelChoiceField(
        label=_("Completion"),
        queryset=Completion.objects.select_related("staff", "course").order_by("-completed_on"),
        widget=forms.NumberInput,
        help_text=_("The completion's id (Completions list)."),
    )


@admin.register(Certificate)
class CertificateAdmin(OfficeOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["serial", "holder_name", "course_title", "issued_on", "status", "replaces"]
    list_filter = ["status", "year", "course"]
    search_fields = ["serial", "code", "holder_name", "staff__code"]
    list_select_related = ["replaces"]
    actions = ["export_register"]
    readonly_fields = ["pdf_link", "verify_link"]
    exclude = ["pdf"]

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description=_("PDF"))
    def pdf_link(self, obj: Certificate) -> str:
        return format_html('<a href="{}">{}</a>', reverse("certificates:download", args=[obj.code]), obj.serial)

    @admin.display(description=_("Verification page"))
    def verify_link(self, obj: Certificate) -> str:
        url = reverse("certificates:verify", args=[obj.code])
        return format_html('<a href="{}">{}</a>', url, url)

    @admin.action(description=_("Export the register book (xlsx)"))
    def export_register(self, request: HttpRequest, queryset):
        buffer = io.BytesIO()
        services.register_export_xlsx(
            certificates=selectors.certificate_list_for_register().filter(pk__in=queryset.values("pk")).iterator(),
            target=buffer,
        )
        response = HttpResponse(
            buffer.getvalue(),
            content_type=XLSX_CONTENT_TYPE,
        )
        response["Content-Disposition"] = f'attachment; filename="{services.REGISTER_FILE_NAME}"'
        return response

    def get_urls(self):
        own = [
            path("issue/", self.admin_site.admin_view(self.issue_view), name="certificates_certificate_issue"),
            path(
                "<int:pk>/revoke/",
                self.admin_site.admin_view(self.revoke_view),
                name="certificates_certificate_revoke",
            ),
            path(
                "<int:pk>/reissue/",
                self.admin_site.admin_view(self.reissue_view),
                name="certificates_certificate_reissue",
            ),
        ]
        return own + super().get_urls()

    def _form_page(self, request, *, form, title, obj=None):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": title,
            "original": obj,
        }
        return TemplateResponse(request, "certificates/admin_form.html", context)

    def issue_view(self, request: HttpRequest) -> HttpResponse:
        form = IssueForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            certificate = services.certificate_issue_for_completion(
                completion_id=form.cleaned_data["completion"].pk, issued_by=request.user
            )
            self.message_user(request, _("Certificate %(serial)s issued.") % {"serial": certificate.serial})
            return HttpResponseRedirect(reverse("admin:certificates_certificate_change", args=[certificate.pk]))
        return self._form_page(request, form=form, title=_("Issue a certificate"))

    def revoke_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        certificate = get_object_or_404(Certificate, pk=pk)
        form = ReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.certificate_revoke(
                    certificate=certificate, reason=form.cleaned_data["reason"], revoked_by=request.user
                )
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(request, _("Certificate %(serial)s revoked.") % {"serial": certificate.serial})
            return HttpResponseRedirect(reverse("admin:certificates_certificate_change", args=[pk]))
        return self._form_page(request, form=form, title=_("Revoke %(serial)s") % {"serial": certificate.serial})

    def reissue_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        certificate = get_object_or_404(Certificate, pk=pk)
        form = ReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                new = services.certificate_reissue(
                    certificate=certificate, reason=form.cleaned_data["reason"], issued_by=request.user
                )
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return HttpResponseRedirect(reverse("admin:certificates_certificate_change", args=[pk]))
            self.message_user(request, _("Certificate %(serial)s issued to replace it.") % {"serial": new.serial})
            return HttpResponseRedirect(reverse("admin:certificates_certificate_change", args=[new.pk]))
        return self._form_page(request, form=form, title=_("Re-issue %(serial)s") % {"serial": certificate.serial})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not (object_id.isascii() and object_id.isdigit()):
            raise Http404  # no certificate has such an id (and the action links below could not be built)
        extra_context = extra_context or {}
        extra_context["certificate_actions"] = [
            (reverse("admin:certificates_certificate_revoke", args=[object_id]), _("Revoke")),
            (reverse("admin:certificates_certificate_reissue", args=[object_id]), _("Re-issue")),
        ]
        return super().change_view(request, object_id, form_url, extra_context)
