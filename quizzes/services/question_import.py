"""Importing questions from a spreadsheet into a draft course version.

Columns: `Câu hỏi`, `Loại` (`Một lựa chọn` / `Nhiều lựa chọn` / `Đúng/Sai`), `Phương án A` …
`Phương án F`, `Đáp án đúng` (letters, e.g. `A` or `A,C`), `Giải thích` (optional). A
true/false question may leave its options empty: they become `Đúng` and `Sai`.

Only a draft takes questions (a published version never changes). Every problem is reported
at once, one message per row and column, in Vietnamese; if there is any, nothing is written.
The questions are appended after those the draft already has; a question already in the
draft (same text) is refused, so importing the same file twice does not double the bank.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from core.importing import CleanRow, ImportProblem, ImportRefused, SpreadsheetFile, clean_rows
from core.text import normalize_text
from courses.models import CourseVersion, CourseVersionStatus
from quizzes.models import Option, Question, QuestionKind
from quizzes.services.questions import QuestionRule, question_rule_violation, question_save

__all__ = ["COLUMNS", "ImportRefused", "QuestionImportSummary", "question_import"]

TEXT = "Câu hỏi"
KIND = "Loại"
ANSWER = "Đáp án đúng"
EXPLANATION = "Giải thích"
OPTION_LETTERS = "ABCDEF"
OPTION_COLUMNS = tuple(f"Phương án {letter}" for letter in OPTION_LETTERS)
COLUMNS = (TEXT, KIND, *OPTION_COLUMNS, ANSWER, EXPLANATION)

KIND_LABELS = {
    QuestionKind.SINGLE: "Một lựa chọn",
    QuestionKind.MULTIPLE: "Nhiều lựa chọn",
    QuestionKind.TRUE_FALSE: "Đúng/Sai",
}
_KINDS = {re.sub(r"\s+", "", label).casefold(): kind for kind, label in KIND_LABELS.items()}
_TRUE_FALSE_DEFAULTS = ("Đúng", "Sai")
_OPTION_MAX_LENGTH = Option._meta.get_field("text").max_length
_ANSWER_SEPARATORS = re.compile(r"[\s,;/]+")

_RULE_MESSAGES = {
    QuestionRule.TOO_FEW_OPTIONS: "cần ít nhất hai phương án (Phương án A và Phương án B).",
    QuestionRule.SINGLE_NEEDS_ONE_CORRECT: "câu một lựa chọn phải có đúng một đáp án đúng.",
    QuestionRule.MULTIPLE_NEEDS_A_CORRECT: "câu nhiều lựa chọn phải có ít nhất một đáp án đúng.",
    QuestionRule.TRUE_FALSE_SHAPE: "câu Đúng/Sai phải có đúng hai phương án và một đáp án đúng.",
}


@dataclass(frozen=True)
class QuestionChange:
    row: int
    text: str
    question_kind: str
    kind_label: str
    option_count: int
    answer: str
    position: int
    detail: str
    # What happens to the row, in the org-chart imports' words (the admin's preview reads it).
    kind: str = "created"


@dataclass
class QuestionImportSummary:
    version: CourseVersion
    dry_run: bool
    changes: list[QuestionChange] = field(default_factory=list)
    # What reading the file noticed (sheet and header row used, columns ignored, hidden rows…).
    notes: list[str] = field(default_factory=list)

    @property
    def created(self) -> int:
        return len(self.changes)

    def __str__(self) -> str:
        verb = "Sẽ nhập" if self.dry_run else "Đã nhập"
        return (
            f"{verb} {self.created} câu hỏi vào bản nháp phiên bản {self.version.number} "
            f'của khóa học "{self.version.course.slug}".'
        )


@dataclass(frozen=True)
class _Spec:
    row: int
    text: str
    kind: str
    options: list[tuple[str, bool]]
    explanation: str
    answer: str


class _RollBack(Exception):
    pass


def question_import(*, version: CourseVersion, rows: SpreadsheetFile | list[dict[str, object]], dry_run: bool = False):
    """Validate every row, then add the questions to the draft `version` (or, with `dry_run`, only say so)."""
    version = CourseVersion.objects.select_related("course").get(pk=version.pk)
    if version.status != CourseVersionStatus.DRAFT:
        raise ImportRefused([_not_a_draft(version)])
    table = clean_rows(rows=rows, required=(TEXT, KIND, OPTION_COLUMNS[0], OPTION_COLUMNS[1], ANSWER), optional=COLUMNS)
    cleaned, problems = table.rows, table.problems
    existing = {
        normalize_text(text).casefold(): position
        for text, position in Question.objects.filter(version=version).values_list("text", "position")
    }
    seen: dict[str, int] = {}
    specs: list[_Spec] = []
    for row in cleaned:
        spec = _read_row(row, problems)
        if spec is None:
            continue
        key = spec.text.casefold()
        if key in existing:
            problems.append(
                ImportProblem(
                    row=row.number, column=TEXT, message=f"bản nháp đã có câu hỏi này (câu số {existing[key]})."
                )
            )
        elif key in seen:
            problems.append(
                ImportProblem(row=row.number, column=TEXT, message=f"trùng với câu hỏi ở dòng {seen[key]}.")
            )
        seen.setdefault(key, row.number)
        specs.append(spec)
    if problems:
        raise ImportRefused(problems)

    summary = QuestionImportSummary(version=version, dry_run=dry_run, notes=table.notes)
    try:
        with transaction.atomic():
            for spec in specs:
                question = question_save(
                    question=Question(version=version, text=spec.text, kind=spec.kind, explanation=spec.explanation)
                )
                Option.objects.bulk_create(
                    Option(question=question, position=position, text=text, is_correct=correct)
                    for position, (text, correct) in enumerate(spec.options, start=1)
                )
                summary.changes.append(
                    QuestionChange(
                        row=spec.row,
                        text=spec.text,
                        question_kind=spec.kind,
                        kind_label=KIND_LABELS[spec.kind],
                        option_count=len(spec.options),
                        answer=spec.answer,
                        position=question.position,
                        detail=f"Câu số {question.position}; {len(spec.options)} phương án; đáp án {spec.answer}",
                    )
                )
            if dry_run:
                raise _RollBack
    except _RollBack:
        pass
    except ValidationError as error:
        # The draft was published between the check above and the write (question_save re-checks under a lock).
        raise ImportRefused([_not_a_draft(version)]) from error
    return summary


def _not_a_draft(version: CourseVersion) -> ImportProblem:
    return ImportProblem(
        row=None,
        column=None,
        message=(
            f'Phiên bản {version.number} của khóa học "{version.course.slug}" không phải bản nháp '
            "(đã xuất bản hoặc đã thay thế) nên không thể thêm câu hỏi; hãy tạo bản nháp từ phiên bản này rồi nhập vào "
            "bản nháp."
        ),
    )


def _read_row(row: CleanRow, problems: list[ImportProblem]) -> _Spec | None:
    found = len(problems)

    def problem(column: str | None, message: str) -> None:
        problems.append(ImportProblem(row=row.number, column=column, message=message))

    text = row.text(TEXT)
    if not text:
        problem(TEXT, "thiếu nội dung câu hỏi.")
    kind_text = row.text(KIND)
    kind = _KINDS.get(re.sub(r"\s+", "", kind_text).casefold())
    if kind is None:
        allowed = ", ".join(f'"{label}"' for label in KIND_LABELS.values())
        if kind_text:
            problem(KIND, f'"{kind_text}" không hợp lệ; chỉ nhận {allowed}.')
        else:
            problem(KIND, f"thiếu loại câu hỏi ({allowed}).")

    texts = [row.text(column) for column in OPTION_COLUMNS]
    if kind == QuestionKind.TRUE_FALSE and not any(texts):
        texts = [*_TRUE_FALSE_DEFAULTS, "", "", "", ""]
    last = max((index for index, value in enumerate(texts) if value), default=-1)
    for index in range(last):
        if not texts[index]:
            problem(
                OPTION_COLUMNS[index],
                f"để trống nhưng {OPTION_COLUMNS[last]} có nội dung; hãy điền các phương án liên tiếp từ A.",
            )
    letters_seen: dict[str, str] = {}
    for index, value in enumerate(texts):
        if len(value) > _OPTION_MAX_LENGTH:
            problem(OPTION_COLUMNS[index], f"dài {len(value)} ký tự; tối đa {_OPTION_MAX_LENGTH} ký tự.")
        if value:
            key = value.casefold()
            if key in letters_seen:
                problem(OPTION_COLUMNS[index], f"trùng nội dung với {letters_seen[key]}.")
            letters_seen.setdefault(key, OPTION_COLUMNS[index])
    present = [OPTION_LETTERS[index] for index, value in enumerate(texts) if value]

    answer_text = row.text(ANSWER).upper()
    letters = [part for part in _ANSWER_SEPARATORS.split(answer_text) if part]
    correct: set[str] = set()
    if not letters:
        problem(ANSWER, "thiếu đáp án đúng (ghi chữ cái của phương án, ví dụ A hoặc A,C).")
    for letter in letters:
        if letter not in OPTION_LETTERS:
            problem(ANSWER, f'"{letter}" không phải chữ cái của phương án (A đến F).')
        elif letter not in present:
            problem(ANSWER, f"đáp án {letter} trỏ tới Phương án {letter} nhưng cột này để trống.")
        else:
            correct.add(letter)

    if len(problems) > found or kind is None:
        return None
    code = question_rule_violation(kind=kind, option_count=len(present), correct_count=len(correct))
    if code:
        column = OPTION_COLUMNS[1] if code == QuestionRule.TOO_FEW_OPTIONS else ANSWER
        problem(column, _RULE_MESSAGES[code])
        return None
    return _Spec(
        row=row.number,
        text=text,
        kind=kind,
        options=[(texts[OPTION_LETTERS.index(letter)], letter in correct) for letter in present],
        explanation=row.text(EXPLANATION),
        answer=",".join(sorted(correct)),
    )
