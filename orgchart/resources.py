"""django-import-export resources for the org chart: the admin's import (with preview) and export.

Imports do not use import-export's row-by-row save. The roster file is the *whole* roster as
of a date (absent codes leave), which only a reconciliation over the whole file can do, so
`import_data` hands the rows to the same service the commands use (`units_import`,
`roster_import`) — dry-run for the preview, for real on confirm — and turns the service's
summary into import-export's `Result`, so its preview page shows every change, and an
`ImportRefused` into row errors on the page, with nothing written.

Files are read by `core.importing.read_table` (through the formats below), so the admin
refuses exactly what the commands refuse, with the same Vietnamese messages.

Exports write the import's own columns, so an export re-imports; every cell goes through
`core.spreadsheets.escape_cell` (formula injection), which the admin's xlsx format
(`core.spreadsheets.PrintableXLSX`) undoes, writing such text as a protected text cell. The
dataset's title (`export_title`) names the xlsx sheet and its title row.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export import resources, widgets
from import_export.fields import Field
from import_export.formats import base_formats
from import_export.results import InvalidRow, Result, RowResult

from core.importing import ImportProblem, ImportRefused, SpreadsheetFile, read_table
from core.spreadsheets import escape_row
from orgchart.models import Staff, Unit
from orgchart.selectors import staff_list_with_current_membership, unit_list_with_parent_code
from orgchart.services import roster as roster_service
from orgchart.services import units as units_service
from orgchart.services.roster import CATEGORY_LABELS, ChangeKind, RosterMode, RosterSummary, roster_import
from orgchart.services.units import KIND_LABELS, UnitChangeKind, UnitsSummary, units_import

# --- formats: import-export's format choice, our reader ----------------------------------


class _ReadTableFormat:
    """Read uploads with `read_table` (size, type sniffing, legacy text…) instead of tablib's readers.

    Binary on purpose: `read_table` gets the bytes as uploaded, so it can tell a CSV that is not
    UTF-8 or an "xlsx" that is really a PDF. Refusals surface as `ImportRefused`.
    """

    def is_binary(self) -> bool:
        return True

    @classmethod
    def is_available(cls) -> bool:
        return True  # read by core.importing, not by tablib's optional readers

    def can_import(self) -> bool:
        return True

    # Named here, not by tablib's registry (which wants xlwt or odfpy for .xls and .ods).
    extension = ""

    def get_title(self) -> str:
        return self.extension

    def get_extension(self) -> str:
        return self.extension

    def get_read_mode(self) -> str:
        return "rb"

    def create_dataset(self, in_stream, **kwargs) -> tablib.Dataset:
        content = in_stream.encode("utf-8") if isinstance(in_stream, str) else bytes(in_stream)
        return SpreadsheetDataset(read_table(content=content, filename=f"upload.{self.get_extension()}"))


class SpreadsheetXLSX(_ReadTableFormat, base_formats.XLSX):
    extension = "xlsx"


class SpreadsheetXLS(_ReadTableFormat, base_formats.XLS):
    extension = "xls"


class SpreadsheetODS(_ReadTableFormat, base_formats.ODS):
    extension = "ods"


class SpreadsheetCSV(_ReadTableFormat, base_formats.CSV):
    extension = "csv"


class SpreadsheetUnicodeText(_ReadTableFormat, base_formats.TSV):
    """Excel's "Unicode Text" (UTF-16, tab-separated), saved as .txt."""

    extension = "txt"


IMPORT_FORMATS = [SpreadsheetXLSX, SpreadsheetXLS, SpreadsheetODS, SpreadsheetCSV, SpreadsheetUnicodeText]


class SpreadsheetDataset(tablib.Dataset):
    """The Dataset import-export's admin passes along, carrying the whole file `read_table` read.

    The services find the table in it themselves (sheet, header row, signature block), so
    the admin and the commands read a file the same way.
    """

    def __init__(self, spreadsheet: SpreadsheetFile):
        super().__init__()
        self.spreadsheet = spreadsheet

    def __len__(self) -> int:
        return sum(len(sheet.rows) for sheet in self.spreadsheet.sheets)


def rows_to_dataset(rows: Sequence[dict[str, object]]) -> tablib.Dataset:
    """Row dicts (as `read_table` gives them, blank rows included) → a Dataset, cell objects kept."""
    headers: list[str] = []
    for row in rows:
        headers.extend(header for header in row if header not in headers)
    dataset = tablib.Dataset(headers=headers)
    for row in rows:
        dataset.append([row.get(header) for header in headers])
    return dataset


def dataset_to_rows(dataset: tablib.Dataset) -> SpreadsheetFile | list[dict[str, object]]:
    """The file read for the admin, or a plain Dataset's header → value dicts (`rows[i]` = row `i + 2`)."""
    if isinstance(dataset, SpreadsheetDataset):
        return dataset.spreadsheet
    headers = list(dataset.headers or [])
    return [dict(zip(headers, values, strict=False)) for values in dataset]


# --- imports through the services ---------------------------------------------------------

_IMPORT_TYPE = {
    ChangeKind.JOINED: RowResult.IMPORT_TYPE_NEW,
    ChangeKind.MOVED: RowResult.IMPORT_TYPE_UPDATE,
    ChangeKind.UPDATED: RowResult.IMPORT_TYPE_UPDATE,
    # A leaver is end-dated, never deleted; "delete" is only the nearest of import-export's kinds.
    ChangeKind.LEFT: RowResult.IMPORT_TYPE_DELETE,
    ChangeKind.UNCHANGED: RowResult.IMPORT_TYPE_SKIP,
    UnitChangeKind.CREATED: RowResult.IMPORT_TYPE_NEW,
    # A unit absent from the file closes (its history kept); "delete" is again only the nearest kind.
    UnitChangeKind.CLOSED: RowResult.IMPORT_TYPE_DELETE,
}
CHANGE_LABELS = {
    ChangeKind.JOINED: _("Joins"),
    ChangeKind.MOVED: _("Moves"),
    ChangeKind.UPDATED: _("Changes"),
    ChangeKind.LEFT: _("Leaves"),
    ChangeKind.UNCHANGED: _("Unchanged"),
    UnitChangeKind.CREATED: _("New"),
    UnitChangeKind.CLOSED: _("Closes"),
}


class ServiceResult(Result):
    """import-export's Result, plus what our page shows: the service's summary, or the problems."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.summary: UnitsSummary | RosterSummary | None = None
        self.problems: list[str] = []


class ServiceImportResource(resources.ModelResource):
    """Base for resources whose import is one call to an org-chart service."""

    preview_headers: tuple[str, ...] = ()

    def __init__(self, **kwargs):
        super().__init__()

    @classmethod
    def get_result_class(cls):
        return ServiceResult

    def get_diff_headers(self) -> list[str]:
        return [str(header) for header in self.preview_headers]

    def run_service(self, *, rows: SpreadsheetFile | list[dict[str, object]], dry_run: bool):
        raise NotImplementedError

    def preview_cells(self, change) -> list[object]:
        raise NotImplementedError

    def import_data(
        self,
        dataset: tablib.Dataset,
        dry_run: bool = False,
        raise_errors: bool = False,
        use_transactions: bool | None = None,
        collect_failed_rows: bool = False,
        rollback_on_validation_errors: bool = False,
        **kwargs,
    ) -> ServiceResult:
        """One service call for the whole file; the service owns the transaction and the dry run."""
        result = self.get_result_class()()
        result.diff_headers = self.get_diff_headers()
        rows = dataset_to_rows(dataset)
        result.total_rows = len(dataset)
        try:
            summary = self.run_service(rows=rows, dry_run=dry_run)
        except ImportRefused as refused:
            if raise_errors:
                raise
            add_problems(result, refused.problems)
            return result
        result.summary = summary
        for change in summary.changes:
            row_result = self.get_row_result_class()()
            row_result.import_type = _IMPORT_TYPE.get(change.kind, RowResult.IMPORT_TYPE_UPDATE)
            row_result.change_kind = change.kind
            row_result.change_label = CHANGE_LABELS.get(change.kind, change.kind)
            row_result.diff = self.preview_cells(change)
            result.increment_row_result_total(row_result)
            # Unchanged rows are counted, not listed: a monthly roster is mostly unchanged.
            if row_result.import_type != RowResult.IMPORT_TYPE_SKIP:
                result.append_row_result(row_result)
        return result

    # What the export is: the xlsx sheet's name and title row.
    export_title = ""

    def export_resource(self, instance, selected_fields=None, **kwargs) -> list[object]:
        return escape_row(super().export_resource(instance, selected_fields=selected_fields, **kwargs))

    def after_export(self, queryset, dataset: tablib.Dataset, **kwargs) -> None:
        dataset.title = str(self.export_title)


def add_problems(result: Result, problems: Iterable[ImportProblem]) -> None:
    """Every problem becomes a validation error of its row (import-export then offers no confirm step)."""
    by_row: dict[int | None, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for problem in problems:
        result.problems.append(str(problem))
        by_row[problem.row][problem.column or NON_FIELD_ERRORS].append(problem.message)
    for row, errors in by_row.items():
        number = row if row is not None else "—"
        result.invalid_rows.append(InvalidRow(number=number, validation_error=ValidationError(dict(errors)), values=()))


# --- units ----------------------------------------------------------------------------------


class UnitResource(ServiceImportResource):
    code = Field(attribute="code", column_name=units_service.CODE)
    name = Field(attribute="name", column_name=units_service.NAME)
    parent_code = Field(attribute="parent_code", column_name=units_service.PARENT)
    kind = Field(attribute="kind", column_name=units_service.KIND)

    preview_headers = (_("Row"), units_service.CODE, units_service.NAME, _("What changes"))
    export_title = _("Units")

    class Meta:
        model = Unit
        fields = ("code", "name", "parent_code", "kind")
        export_order = ("code", "name", "parent_code", "kind")
        import_id_fields = ("code",)

    def __init__(self, *, effective_date: dt.date | None = None, **kwargs):
        super().__init__(**kwargs)
        self.effective_date = effective_date  # None: changes from today, new units undated (as the command)

    def run_service(self, *, rows: SpreadsheetFile | list[dict[str, object]], dry_run: bool) -> UnitsSummary:
        return units_import(rows=rows, effective_date=self.effective_date, dry_run=dry_run)

    def preview_cells(self, change) -> list[object]:
        return [change.row or "", change.code, change.name, change.detail]

    def filter_export(self, queryset: QuerySet[Unit], **kwargs) -> QuerySet[Unit]:
        # The changelist prefetches heads, which the file does not have; without it the export streams.
        return unit_list_with_parent_code(queryset.prefetch_related(None))

    def dehydrate_parent_code(self, unit: Unit) -> str:
        return getattr(unit, "parent_code", None) or ""

    def dehydrate_kind(self, unit: Unit) -> str:
        return KIND_LABELS.get(unit.kind, unit.kind)


# --- the roster -----------------------------------------------------------------------------


class RosterResource(ServiceImportResource):
    """The roster file (DESIGN.md): import = reconciliation as of an effective date; export = today's roster."""

    code = Field(attribute="code", column_name=roster_service.CODE)
    full_name = Field(attribute="full_name", column_name=roster_service.FULL_NAME)
    email = Field(attribute="email", column_name=roster_service.EMAIL)
    unit = Field(attribute="current_unit_code", column_name=roster_service.UNIT)
    position = Field(attribute="current_position", column_name=roster_service.POSITION)
    category = Field(attribute="current_category", column_name=roster_service.CATEGORY)
    is_communications = Field(attribute="is_communications", column_name=roster_service.COMMUNICATIONS)
    # A date cell in the xlsx (import-export passes native values to binary formats), dd/mm/yyyy in the CSV.
    date_of_birth = Field(
        attribute="date_of_birth", column_name=roster_service.BIRTH_DATE, widget=widgets.DateWidget(format="%d/%m/%Y")
    )

    preview_headers = (_("Row"), roster_service.CODE, roster_service.FULL_NAME, _("What changes"))
    export_title = _("Staff roster")

    class Meta:
        model = Staff
        fields = ("code", "full_name", "email", "unit", "position", "category", "is_communications", "date_of_birth")
        export_order = fields
        import_id_fields = ("code",)

    def __init__(
        self,
        *,
        effective_date: dt.date | None = None,
        mode: str = RosterMode.FULL,
        confirm_leavers: int | None = None,
        code_changes: str | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.effective_date = effective_date or timezone.localdate()
        self.mode = mode or RosterMode.FULL
        self.confirm_leavers = confirm_leavers
        self.code_changes = code_changes or None

    def run_service(self, *, rows: SpreadsheetFile | list[dict[str, object]], dry_run: bool) -> RosterSummary:
        return roster_import(
            rows=rows,
            effective_date=self.effective_date,
            dry_run=dry_run,
            mode=self.mode,
            confirm_leavers=self.confirm_leavers,
            code_changes=self.code_changes,
        )

    def preview_cells(self, change) -> list[object]:
        return [change.row or "", change.code, change.full_name, change.detail]

    def filter_export(self, queryset: QuerySet[Staff], **kwargs) -> QuerySet[Staff]:
        """Only people on the roster now: the export is a roster file, and leavers have no unit to give."""
        return staff_list_with_current_membership(queryset).filter(current_unit_code__isnull=False)

    def dehydrate_unit(self, staff: Staff) -> str:
        return staff.current_unit_code or ""

    def dehydrate_position(self, staff: Staff) -> str:
        return staff.current_position or ""

    def dehydrate_category(self, staff: Staff) -> str:
        return CATEGORY_LABELS.get(staff.current_category, staff.current_category or "")

    def dehydrate_is_communications(self, staff: Staff) -> str:
        return "Có" if staff.is_communications else "Không"
