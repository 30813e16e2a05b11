"""The Office's pages for the semiannual report: the list and a new draft, the narrative form, the PDF
preview of a draft, issuing, and the stored PDF of an issued report.

Office only: anyone else gets 404 (nothing leaks), anonymous users the sign-in page.
Views parse the forms and call `semiannual.services`; its messages go back on the form.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import require_office
from core.dates import format_date
from core.files import stored_file_response
from reports.selectors.coverage import assignment_list_for_reports
from semiannual.models import SemiannualReport
from semiannual.pdf import semiannual_pdf_bytes
from semiannual.selectors import (
    number_text,
    reporting_deadline_next,
    semiannual_report_get,
    semiannual_report_list,
)
from semiannual.services import (
    semiannual_report_create_draft,
    semiannual_report_delete_draft,
    semiannual_report_issue,
    semiannual_report_issue_problems,
    semiannual_report_update_narrative,
)


def _report_or_404(pk: int) -> SemiannualReport:
    try:
        return semiannual_report_get(pk=pk)
    except SemiannualReport.DoesNotExist as exc:
        raise Http404 from exc


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, problems in error.message_dict.items():
            form.add_error(name if name in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


# Date fields read DATE_INPUT_FORMATS from config/formats/ (dd/mm/yyyy or yyyy-mm-dd), as every form does.
class DraftForm(forms.Form):
    assignment = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Assignment"))
    period_end = forms.DateField(
        label=gettext_lazy("Figures as of"),
        help_text=gettext_lazy("dd/mm/yyyy; the reporting deadlines are 15/06 and 15/12."),
    )
    period_end_reason = forms.CharField(
        label=gettext_lazy("Reason for another date"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Only when the figures are not counted on 15/06 or 15/12."),
    )
    number = forms.CharField(
        label=gettext_lazy("Number"), max_length=20, help_text=gettext_lazy("e.g. 12, printed as 12/BC-STP.")
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = assignment_list_for_reports()


class NarrativeForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("Number"), max_length=20)
    document_date = forms.DateField(label=gettext_lazy("Document date"))
    subject = forms.CharField(label=gettext_lazy("Subject"), widget=forms.Textarea(attrs={"rows": 2}))
    opening = forms.CharField(label=gettext_lazy("Opening paragraph"), widget=forms.Textarea(attrs={"rows": 4}))
    results_summary = forms.CharField(
        label=gettext_lazy("I. Results"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy("One paragraph a line. The coverage table per unit is added by itself."),
    )
    limitations = forms.CharField(
        label=gettext_lazy("II. Limitations and difficulties"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    next_tasks = forms.CharField(
        label=gettext_lazy("III. Tasks for the next period"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    proposals = forms.CharField(
        label=gettext_lazy("IV. Proposals"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    recipients = forms.CharField(
        label=gettext_lazy("Recipients (Nơi nhận)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("One recipient a line."),
    )
    signer_title = forms.CharField(
        label=gettext_lazy("Signer's title"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("One line per printed line, e.g. “KT. GIÁM ĐỐC” then “PHÓ GIÁM ĐỐC”."),
    )
    signer_name = forms.CharField(label=gettext_lazy("Signer's name"), max_length=150)

    @classmethod
    def initial_for(cls, report: SemiannualReport) -> dict[str, object]:
        initial = {name: getattr(report, name) for name in cls.base_fields}
        initial["number"] = str(report.number)
        initial["document_date"] = format_date(report.document_date)
        return initial


@login_required
def semiannual_list(request: HttpRequest) -> HttpResponse:
    """The reports, newest first, and the form for a new draft (POST creates it)."""
    require_office(request.user)
    if request.method == "POST":
        form = DraftForm(request.POST)
        if form.is_valid():
            try:
                report = semiannual_report_create_draft(
                    assignment=form.cleaned_data["assignment"],
                    period_end=form.cleaned_data["period_end"],
                    period_end_reason=form.cleaned_data["period_end_reason"],
                    number=form.cleaned_data["number"],
                    created_by=request.user,
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Draft %(number)s created; write its narrative.") % {"number": number_text(report.number)},
                )
                return redirect("semiannual:detail", pk=report.pk)
    else:
        form = DraftForm(initial={"period_end": reporting_deadline_next(on_date=timezone.localdate())})
    return render(
        request,
        "semiannual/list.html",
        {"reports": list(semiannual_report_list()), "form": form},
    )


@login_required
def semiannual_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A draft's narrative form (POST saves it); an issued report's facts and its stored PDF."""
    require_office(request.user)
    report = _report_or_404(pk)
    form = None
    if not report.is_issued:
        if request.method == "POST":
            form = NarrativeForm(request.POST)
            if form.is_valid():
                try:
                    semiannual_report_update_narrative(report=report, **form.cleaned_data)
                except ValidationError as exc:
                    _add_errors(form, exc)
                else:
                    messages.success(request, _("Saved."))
                    return redirect("semiannual:detail", pk=report.pk)
        else:
            form = NarrativeForm(initial=NarrativeForm.initial_for(report))
    elif request.method == "POST":
        messages.error(request, _("This report has been issued; it can no longer be changed."))
        return redirect("semiannual:detail", pk=report.pk)
    issue_problems = (
        [] if report.is_issued else semiannual_report_issue_problems(report=report, today=timezone.localdate())
    )
    return render(
        request,
        "semiannual/detail.html",
        {
            "report": report,
            "number": number_text(report.number),
            "form": form,
            "issue_problems": [message for problems in dict(issue_problems).values() for message in problems],
        },
    )


@login_required
@require_GET
def semiannual_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """A draft rendered now from the live figures (marked DỰ THẢO); an issued report is its stored PDF."""
    require_office(request.user)
    report = _report_or_404(pk)
    if report.is_issued:
        return redirect("semiannual:pdf", pk=report.pk)
    response = HttpResponse(semiannual_pdf_bytes(report=report), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="du-thao-bao-cao-{report.year}-{report.number}.pdf"'
    return response


@login_required
@require_POST
def semiannual_issue(request: HttpRequest, pk: int) -> HttpResponse:
    require_office(request.user)
    report = _report_or_404(pk)
    try:
        report = semiannual_report_issue(report=report, issued_by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("Report %(number)s is issued; its PDF is stored.") % {"number": number_text(report.number)}
        )
    return redirect("semiannual:detail", pk=report.pk)


@login_required
@require_GET
def semiannual_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The stored PDF of an issued report, exactly as it was issued."""
    require_office(request.user)
    report = _report_or_404(pk)
    if not report.is_issued:
        raise Http404
    return stored_file_response(
        report.pdf, content_type="application/pdf", filename=f"bao-cao-{report.number}-BC-STP-{report.year}.pdf"
    )


@login_required
@require_POST
def semiannual_delete(request: HttpRequest, pk: int) -> HttpResponse:
    require_office(request.user)
    report = _report_or_404(pk)
    try:
        semiannual_report_delete_draft(report=report)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("semiannual:detail", pk=report.pk)
    messages.success(request, _("Draft deleted."))
    return redirect("semiannual:list")
