"""django-import-export's messages on the admin import/export pages, kept for `makemessages`.

django-import-export 4 ships no Vietnamese catalogue, so the Office's import page would be
half English. The Vietnamese lives in `locale/vi/LC_MESSAGES/django.po` (searched first for
any app's msgid); `makemessages` keeps only msgids found in our sources, hence this list,
copied exactly from import-export's templates and code. Nothing imports this module.
Developer-only errors (misconfigured resources) are left out.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

IMPORT_EXPORT_MESSAGES = (
    # import_export/admin.py, templates/admin/import_export/change_list_import_item.html
    gettext_noop("Import"),
    # import_export/admin.py
    gettext_noop("%s through import_export"),
    # import_export/admin.py
    gettext_noop("Import finished: {} new, {} updated, {} deleted and {} skipped {}."),
    # import_export/admin.py
    gettext_noop(
        "%(exc_name)s encountered while trying to read file. Ensure you have chosen the correct format for the file."
    ),
    # import_export/admin.py
    gettext_noop("No valid data to import. Ensure your file has the correct headers or data for import."),
    # import_export/admin.py, templates/admin/import_export/change_form.html
    gettext_noop("Export"),
    # import_export/admin.py
    gettext_noop("Export selected %(verbose_name_plural)s"),
    # import_export/formats/base_formats.py
    gettext_noop("export failed due to IllegalCharacterError"),
    # import_export/forms.py
    gettext_noop("Resource"),
    # import_export/forms.py
    gettext_noop("Format"),
    # import_export/forms.py
    gettext_noop("File to import"),
    # import_export/forms.py
    gettext_noop('Select at least 1 field for "%(resource_name)s" to export'),
    # import_export/resources.py
    gettext_noop(
        "The following fields are declared in 'import_id_fields' but are not present in the resource fields: %s"
    ),
    # import_export/resources.py
    gettext_noop("The following fields are declared in 'import_id_fields' but are not present in the file headers: %s"),
    # templates/admin/import_export/base.html
    gettext_noop("Home"),
    # templates/admin/import_export/export.html
    ngettext_lazy(
        "Export %(len)s selected item.",
        "Export %(len)s selected items.",
        1,
    ),
    # templates/admin/import_export/export.html, templates/admin/import_export/resource_fields_list.html
    gettext_noop("This exporter will export the following fields: "),
    # templates/admin/import_export/export.html
    gettext_noop("Select all"),
    # templates/admin/import_export/export.html, templates/admin/import_export/import.html
    gettext_noop("Submit"),
    # templates/admin/import_export/import.html
    gettext_noop(
        "Below is a preview of data to be imported. If you are satisfied with the results, click 'Confirm import'"
    ),
    # templates/admin/import_export/import.html
    gettext_noop("Confirm import"),
    # templates/admin/import_export/import.html
    gettext_noop("Errors"),
    # templates/admin/import_export/import.html
    gettext_noop("Line number"),
    # templates/admin/import_export/import.html
    gettext_noop("Some rows failed to validate"),
    # templates/admin/import_export/import.html
    gettext_noop("Please correct these errors in your data where possible, then reupload it using the form above."),
    # templates/admin/import_export/import.html
    gettext_noop("Row"),
    # templates/admin/import_export/import.html
    gettext_noop("Non field specific"),
    # templates/admin/import_export/import.html
    gettext_noop("Preview"),
    # templates/admin/import_export/import.html
    gettext_noop("New"),
    # templates/admin/import_export/import.html
    gettext_noop("Skipped"),
    # templates/admin/import_export/import.html
    gettext_noop("Delete"),
    # templates/admin/import_export/import.html
    gettext_noop("Update"),
    # templates/admin/import_export/resource_fields_list.html
    gettext_noop("This importer will import the following fields: "),
    # import_export/widgets.py
    gettext_noop("Value could not be parsed."),
)
