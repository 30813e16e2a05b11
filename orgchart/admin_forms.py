"""Forms of the org-chart admin: import-export's import/confirm forms, and the staff edit form."""

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

from core.importing import ImportRefused, read_table, size_label, too_large_message
from orgchart.models import Staff
from orgchart.services.staff import staff_update


class SpreadsheetImportForm(ImportForm):
    """import-export's upload form: refuses oversized files before reading them; format from the extension."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self._formats = formats
        self.fields["format"].required = False
        self.fields["format"].help_text = _("Leave empty to use the file's extension (.xlsx or .csv).")
        limit = size_label(settings.LANTOA_IMPORT_MAX_BYTES)
        help_text = _("An .xlsx workbook (first sheet) or a UTF-8 .csv file, at most %s.")
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
                # Not .xlsx or .csv: the reader says why (an old .xls, an unknown type) the way the commands do.
                try:
                    read_table(content=upload.read(), filename=upload.name)
                except ImportRefused as refused:
                    for problem in refused.problems:
                        self.add_error("import_file", str(problem))
                else:  # pragma: no cover - read_table accepts only .xlsx and .csv
                    raise AssertionError(upload.name)
        return cleaned


class RosterImportForm(SpreadsheetImportForm):
    effective_date = forms.DateField(
        label=_("Effective date"),
        initial=timezone.localdate,
        widget=AdminDateWidget,
        help_text=_("The date the file describes: newcomers join, movers move and absent codes leave on this date."),
    )
    field_order = ["resource", "import_file", "format", "effective_date"]


class RosterConfirmImportForm(ConfirmImportForm):
    effective_date = forms.DateField(widget=forms.HiddenInput())


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
