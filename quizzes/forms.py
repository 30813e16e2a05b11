"""Forms of the quiz: reading posted answers, and the admin's question-import forms."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from import_export.forms import ConfirmImportForm

from courses.models import CourseVersion, CourseVersionStatus
from courses.services.grants import MAX_EXTRA_ATTEMPTS
from orgchart.admin_forms import SpreadsheetImportForm

MAX_CHOICES = 26
_CHOICE_NUMBER = re.compile(r"[0-9]{1,2}")


def answer_field_name(item_id: int) -> str:
    """The form field of one question; its values are the 1-based places of the chosen options."""
    return f"item-{item_id}"


def parse_choices(values: list[str]) -> list[int]:
    """Posted choice numbers → sorted distinct ints; the service checks they exist for the question."""
    choices = set()
    for value in values:
        value = value.strip()
        # ASCII digits only, and at most two: str.isdigit() accepts "²" and "٣", which int() refuses or reads.
        if not _CHOICE_NUMBER.fullmatch(value) or not 1 <= int(value) <= MAX_CHOICES:
            raise ValidationError(_("Choose among the options shown."), code="unknown_option")
        choices.add(int(value))
    return sorted(choices)


def _draft_versions():
    return (
        CourseVersion.objects.filter(status=CourseVersionStatus.DRAFT).select_related("course").order_by("course__slug")
    )


class QuestionImportForm(SpreadsheetImportForm):
    """import-export's upload form plus the draft version that receives the questions."""

    version = forms.ModelChoiceField(
        label=_("Draft course version"),
        queryset=CourseVersion.objects.none(),
        help_text=_("Questions can only be added to a draft; published versions never change."),
    )
    field_order = ["resource", "import_file", "format", "version"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = _draft_versions()


class QuestionConfirmImportForm(ConfirmImportForm):
    version = forms.ModelChoiceField(queryset=CourseVersion.objects.all(), widget=forms.HiddenInput())


class AttemptGrantForm(forms.Form):
    """The Office grants a person extra attempts at a course's quiz (`courses.services.grants.attempt_grant`)."""

    extra_attempts = forms.IntegerField(label=_("Extra attempts"), min_value=1, max_value=MAX_EXTRA_ATTEMPTS, initial=1)
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=_("Shown to the person and kept in the record."),
    )
