"""The Office's pages for the semiannual report: the list and a new draft, the narrative form, the PDF
preview of a draft, issuing, and the stored PDF of an issued report.

Office only: anyone else gets 404 (nothing leaks), anonymous users the sign-in page.
Views parse the forms and call `semiannual.services`; its messages go back on the form.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accounts.roles import require_office
from core.dates import format_date
from core.files import stored_file_response
from reports.selectors.coverage import assignment_list_for_reports
from semiannual.models import SemiannualReport
from semiannual.pdf import semiannual_pdf_bytes
from semiannual.selectors import (
    counted_on,
    issue_opens_on,
    number_text,
    reporting_deadline_next,
    semiannual_correction_list,
    semiannual_report_get,
    semiannual_report_list,
)
from semiannual.services import (
    semiannual_report_correct,
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
        label=gettext_lazy("Reporting deadline"),
        help_text=gettext_lazy(
            "dd/mm/yyyy; the deadlines are 15/06 and 15/12. The report can be issued from the first working day "
            "of that month, with the figures of the day it is issued."
        ),
    )
    period_end_reason = forms.CharField(
        label=gettext_lazy("Reason for another date"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Only when the report is not for the deadline of 15/06 or 15/12."),
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
            "issue_opens_on": issue_opens_on(report.period_end),
            "counted_on": counted_on(report),
            "corrections": semiannual_correction_list(report=report),
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
@require_http_methods(["GET", "POST"])
def semiannual_issue(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the confirmation step (what issuing will do); POST: issue."""
    require_office(request.user)
    report = _report_or_404(pk)
    if request.method == "GET":
        problems = (
            [] if report.is_issued else semiannual_report_issue_problems(report=report, today=timezone.localdate())
        )
        if report.is_issued or problems:
            for messages_of_field in dict(problems).values():
                for message in messages_of_field:
                    messages.error(request, message)
            return redirect("semiannual:detail", pk=report.pk)
        figures_on = counted_on(report)
        number = number_text(report.number)
        consequences = [
            _("The figures of %(date)s are frozen (a snapshot with its SHA-256) and printed in the report.")
            % {"date": format_date(figures_on)},
            _("The PDF of report %(number)s, dated %(date)s, is rendered once and stored; it never changes again.")
            % {"number": number, "date": format_date(report.document_date)},
            _("The report can no longer be edited or deleted; a mistake is put right by issuing a correction."),
        ]
        if report.corrects_id:
            consequences.append(
                _("It replaces report %(number)s, which stays in the register as it was issued.")
                % {"number": number_text(report.corrects.number)}
            )
        return _confirm(
            request,
            title=_("Issue report %(number)s?") % {"number": number},
            lead=report.subject,
            facts=_report_facts(report, figures_on=figures_on),
            consequences=consequences,
            action_url=reverse("semiannual:issue", args=[report.pk]),
            button=_("Yes, issue the report"),
            cancel_url=reverse("semiannual:detail", args=[report.pk]),
        )
    try:
        report = semiannual_report_issue(report=report, issued_by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Report %(number)s is issued with the figures of %(date)s; its PDF is stored.")
            % {"number": number_text(report.number), "date": format_date(report.figures_on)},
        )
    return redirect("semiannual:detail", pk=report.pk)


def _report_facts(report: SemiannualReport, *, figures_on: dt.date | None = None) -> list[tuple[str, str]]:
    facts = [
        (_("Assignment"), report.assignment.title or report.assignment.slug),
        (_("Reporting deadline"), format_date(report.period_end)),
        (_("Document date"), format_date(report.document_date)),
    ]
    if figures_on is not None:
        facts.append((_("Figures as of"), format_date(figures_on)))
    return facts


def _confirm(request: HttpRequest, **context) -> HttpResponse:
    context.setdefault("hidden", {})
    context.setdefault("danger", False)
    return render(request, "components/confirm.html", context)


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
@require_http_methods(["GET", "POST"])
def semiannual_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the confirmation step; POST: delete the draft."""
    require_office(request.user)
    report = _report_or_404(pk)
    number = number_text(report.number)
    if request.method == "GET":
        if report.is_issued:
            messages.error(request, _("This report has been issued; it can no longer be changed."))
            return redirect("semiannual:detail", pk=report.pk)
        return _confirm(
            request,
            title=_("Delete draft %(number)s?") % {"number": number},
            lead=report.subject,
            facts=_report_facts(report),
            consequences=[
                _("The draft and everything written in it (narrative, recipients, signer) are deleted for good."),
                _("Number %(number)s becomes free for another report of %(year)s.")
                % {"number": number, "year": report.year},
            ],
            action_url=reverse("semiannual:delete", args=[report.pk]),
            button=_("Yes, delete the draft"),
            danger=True,
            cancel_url=reverse("semiannual:detail", args=[report.pk]),
        )
    try:
        semiannual_report_delete_draft(report=report)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("semiannual:detail", pk=report.pk)
    messages.success(request, _("Draft %(number)s deleted.") % {"number": number})
    return redirect("semiannual:list")


class CorrectionForm(forms.Form):
    number = forms.CharField(
        label=gettext_lazy("Number of the correction"),
        max_length=20,
        help_text=gettext_lazy("A number of its own, e.g. 13, printed as 13/BC-STP."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def semiannual_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """An issued report's correction: GET asks for its number and says what will happen; POST makes the draft."""
    require_office(request.user)
    report = _report_or_404(pk)
    if not report.is_issued:
        raise Http404
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            correction = semiannual_report_correct(
                report=report, number=form.cleaned_data["number"], created_by=request.user
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Draft %(number)s, correcting report %(original)s, is created; change what was wrong, then issue it.")
                % {"number": number_text(correction.number), "original": number_text(report.number)},
            )
            return redirect("semiannual:detail", pk=correction.pk)
    return _confirm(
        request,
        title=_("Correct report %(number)s?") % {"number": number_text(report.number)},
        lead=report.subject,
        facts=_report_facts(report, figures_on=report.figures_on),
        consequences=[
            _("A new draft is made with the same deadline and a copy of the narrative, under a number of its own."),
            _("When it is issued, its figures are those of its own issue day and its text says it replaces %(number)s.")
            % {"number": number_text(report.number)},
            _("Report %(number)s stays in the register and its stored PDF is kept as it was issued.")
            % {"number": number_text(report.number)},
        ],
        action_url=reverse("semiannual:correct", args=[report.pk]),
        button=_("Make the correction draft"),
        cancel_url=reverse("semiannual:detail", args=[report.pk]),
        form=form,
    )
