"""django-import-export: only the formats the contracts name."""

IMPORT_EXPORT_FORMATS = [
    "import_export.formats.base_formats.XLSX",
    "import_export.formats.base_formats.CSV",
]
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_USE_TRANSACTIONS = True
# Formula injection is handled by core.spreadsheets.escape_cell (import-export only strips "=").
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False
