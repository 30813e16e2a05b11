"""Forms of the org-chart admin: import-export's import/confirm forms, the dated unit form, the staff edit form."""

from __future__ import annotations

import copy

from django import forms
from django.conf import settings
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export.forms import ConfirmImportForm, ImportForm, SelectableFieldsExportForm
from treebeard.forms import movenodeform_factory

from core.importing import ImportRefused, read_table, size_label, too_large_message
from orgchart.models import Staff, Unit
from orgchart.services.roster import CodeChangeDecision, RosterMode
from orgchart.services.staff import staff_update
from orgchart.services.unit_history import unit_edit_problems


class SpreadsheetImportForm(ImportForm):
    """import-export's upload form: refuses oversized files before reading them; format from the extension."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self._formats = formats
        self.fields["format"].required = False
        self.fields["format"].help_text = _("Leave empty to use the file's extension (.xlsx, .xls, .ods, .csv, .txt).")
        limit = size_label(settings.LANTOA_IMPORT_MAX_BYTES)
        help_text = _(
            "An .xlsx, .xls or .ods workbook (the sheet holding the columns is found), a UTF-8 .csv file or "
            "Excel's Unicode Text (.txt), at most %s."
        )
        self.fields["import_file"].help_text = help_text % limit

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload.size > settings.LANTOA_IMPORT_MAX_BYTES:
            # Vietnamese like every import refusal (the contract shows them to the Office as is).
            raise ValidationError(too_large_message(upload.size))
        return upload

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("import_file")
        if upload is not None and not cleaned.get("format"):
            extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
            for index, file_format in enumerate(self._formats):
                if file_format().get_extension() == extension:
                    cleaned["format"] = str(index)
                    break
            else:
                # Not a known extension: the reader says why the way the commands do.
                try:
                    read_table(content=upload.read(), filename=upload.name)
                except ImportRefused as refused:
                    for problem in refused.problems:
                        self.add_error("import_file", str(problem))
                else:  # pragma: no cover - read_table accepts only the extensions of IMPORT_FORMATS
                    raise AssertionError(upload.name)
        return cleaned


class RosterImportForm(SpreadsheetImportForm):
    effective_date = forms.DateField(
        label=_("Effective date"),
        initial=timezone.localdate,
        widget=AdminDateWidget,
        help_text=_("The date the file describes: newcomers join, movers move and absent codes leave on this date."),
    )
    mode = forms.ChoiceField(
        label=_("What the file holds"),
        choices=[
            (RosterMode.FULL, _("The whole roster: people absent from the file leave")),
            (RosterMode.CHANGES, _("Only newcomers and changes: nobody leaves")),
        ],
        initial=RosterMode.FULL,
        required=False,  # not given: the whole roster, as the command's default
        widget=forms.RadioSelect,
    )
    field_order = ["resource", "import_file", "format", "effective_date", "mode"]


class RosterConfirmImportForm(ConfirmImportForm):
    """The second step. The leavers' number and the code-change answer are asked when the preview needs them."""

    effective_date = forms.DateField(widget=forms.HiddenInput())
    mode = forms.ChoiceField(
        choices=[(mode, mode) for mode in RosterMode.choices], required=False, widget=forms.HiddenInput()
    )
    confirm_leavers = forms.IntegerField(
        label=_("Number of people who leave"),
        required=False,
        min_value=0,
        help_text=_("Type the number of people listed as leaving to confirm that they leave."),
    )
    code_changes = forms.ChoiceField(
        label=_("Same name and birth date under a new code"),
        required=False,
        choices=[
            ("", "—"),
            (CodeChangeDecision.SAME_PERSON, _("The same person: change the code, keep the history")),
            (CodeChangeDecision.DIFFERENT_PEOPLE, _("Different people: one leaves, the other joins")),
        ],
    )


class UnitsImportForm(SpreadsheetImportForm):
    effective_date = forms.DateField(
        label=_("Effective date"),
        required=False,
        widget=AdminDateWidget,
        help_text=_(
            "The date the file (the whole tree) describes: new units open, changes take effect and absent units "
            "close on this date. Empty: changes from today, new units with no opening date."
        ),
    )
    field_order = ["resource", "import_file", "format", "effective_date"]


class UnitsConfirmImportForm(ConfirmImportForm):
    effective_date = forms.DateField(widget=forms.HiddenInput(), required=False)


class StaffAdminForm(forms.ModelForm):
    """Edits a person's own record. The service's rules are the form's rules.

    `clean()` asks `staff_update` itself, inside a savepoint that is always rolled back, so the
    form shows the service's refusals next to the fields instead of failing at save time; the
    admin's `save_model` then calls `staff_update` for real.
    """

    class Meta:
        model = Staff
        fields = ["code", "full_name", "email", "date_of_birth", "is_communications", "user"]

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.changed_data if name in self.cleaned_data}

    def clean(self):
        cleaned = super().clean()
        fields = self.service_fields()
        if not fields or self.errors or self.instance.pk is None:
            return cleaned
        try:
            with transaction.atomic():
                staff_update(staff=copy.copy(self.instance), **fields)
                transaction.set_rollback(True)
        except ValidationError as refused:
            for field, messages in refused.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        return cleaned


_CHILD_POSITIONS = {"first-child", "last-child", "sorted-child"}


class UnitAdminForm(movenodeform_factory(Unit)):
    """treebeard's tree form, plus the date from which the change holds: earlier reports keep the old tree."""

    effective_date = forms.DateField(
        label=_("Takes effect on"),
        widget=AdminDateWidget,
        help_text=_("Reports dated before this day keep the unit's previous name, kind and place in the tree."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["effective_date"].initial = timezone.localdate()

    def clean(self):
        cleaned = super().clean()
        on = cleaned.get("effective_date")
        if on is None:
            return cleaned
        reference = cleaned.get("treebeard_ref_node")
        position = cleaned.get("treebeard_position") or ""
        parent = None
        if reference:
            parent = reference if position in _CHILD_POSITIONS else Unit.objects.get_parent(reference)
        elif self.instance.pk is not None and "treebeard_ref_node" not in self.changed_data:
            parent = Unit.objects.get_parent(self.instance)
        closing = self.instance.pk is not None and not cleaned.get("is_active", True) and self.instance.is_active
        for problem in unit_edit_problems(unit=self.instance, parent=parent, closing=closing, on=on):
            self.add_error("effective_date", problem)
        return cleaned


class ColumnNameExportForm(SelectableFieldsExportForm):
    """import-export's export page, each field offered under its spreadsheet column name ("Mã cán bộ").

    import-export labels a field with its attribute name in English, title-cased, then the column
    ("Code (Mã cán bộ)", "Is Communications"); our resources name every column in Vietnamese,
    which is what the Office reads in the file too.
    """

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        for resource in resources:
            for name in resource().get_export_order():
                field = resource.fields.get(name)
                form_field = self.fields.get(self.create_boolean_field_name(resource, name))
                if field is not None and form_field is not None and field.column_name:
                    form_field.label = field.column_name
