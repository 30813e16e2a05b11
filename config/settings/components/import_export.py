"""django-import-export: only the formats the contracts name (xlsx and UTF-8 csv)."""

from import_export.formats.base_formats import CSV, XLSX

IMPORT_EXPORT_FORMATS = [XLSX, CSV]
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_USE_TRANSACTIONS = True
# Formula injection is handled by core.spreadsheets.escape_cell (import-export only strips "=").
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False
