"""django-import-export resource for the question bank: a spreadsheet of questions into a draft version.

Like the org-chart imports (`orgchart.resources`), the whole file is one call to the service,
`quizzes.services.question_import` — dry run for import-export's preview, for real on confirm —
so the admin refuses exactly what the service refuses, with its Vietnamese messages, and nothing
is written on error. Files are read by `core.importing.read_table`; the service's `clean_rows` finds
the table (layout, text, legacy text).
"""

from __future__ import annotations

from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from import_export.fields import Field

from core.importing import ImportProblem, ImportRefused
from orgchart.resources import ServiceImportResource
from quizzes.models import Question
from quizzes.services.question_import import (
    ANSWER,
    EXPLANATION,
    KIND,
    OPTION_COLUMNS,
    TEXT,
    QuestionChange,
    QuestionImportSummary,
    question_import,
)


class QuestionResource(ServiceImportResource):
    text = Field(attribute="text", column_name=TEXT)
    kind = Field(attribute="kind", column_name=KIND)
    option_a = Field(column_name=OPTION_COLUMNS[0])
    option_b = Field(column_name=OPTION_COLUMNS[1])
    option_c = Field(column_name=OPTION_COLUMNS[2])
    option_d = Field(column_name=OPTION_COLUMNS[3])
    option_e = Field(column_name=OPTION_COLUMNS[4])
    option_f = Field(column_name=OPTION_COLUMNS[5])
    answer = Field(column_name=ANSWER)
    explanation = Field(attribute="explanation", column_name=EXPLANATION)

    preview_headers = (_("Row"), TEXT, KIND, _("What changes"))

    class Meta:
        model = Question
        fields = (
            "text",
            "kind",
            "option_a",
            "option_b",
            "option_c",
            "option_d",
            "option_e",
            "option_f",
            "answer",
            "explanation",
        )
        import_id_fields = ()

    def __init__(self, *, version=None, **kwargs):
        super().__init__(**kwargs)
        self.version = version

    def run_service(self, *, rows: list[dict[str, object]], dry_run: bool) -> QuestionImportSummary:
        if self.version is None:
            raise ImportRefused([ImportProblem(row=None, column=None, message="Hãy chọn bản nháp nhận câu hỏi.")])
        return question_import(version=self.version, rows=rows, dry_run=dry_run)

    def preview_cells(self, change: QuestionChange) -> list[object]:
        return [change.row, Truncator(change.text).chars(120), change.kind_label, change.detail]
