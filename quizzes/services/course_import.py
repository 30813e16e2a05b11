"""Importing a course file (the JSON in DESIGN.md, "Course file").

```json
{"slug": "nq57", "title": "…", "description": "…", "estimated_minutes": 75,
 "lessons": [{"title": "…", "body_html": "<p>…</p>"}],
 "quiz": {"pass_percent": 80, "questions_per_attempt": 10, "max_attempts": 3,
          "time_limit_minutes": 20,
          "questions": [{"text": "…", "kind": "single",
                         "options": [{"text": "…", "correct": true}, {"text": "…", "correct": false}]}]}}
```

Five optional keys go beyond the contract (files without them import the same):
a lesson's `estimated_minutes` (otherwise the course's minutes are shared out by
lesson length), a question's `explanation` (shown in the review after a quiz),
`requires_all_lessons` (otherwise kept from the current version, false for a new
course) and `review` (what a learner sees after a quiz: "none", "score", "answers" or
"explanations"; otherwise kept from the current version, "explanations" for a new course) and
`review_when_final` (true: the review opens only once the learner has passed or used every attempt; otherwise
kept from the current version, false for a new course).
Any other key is refused, so that a misspelt key is not silently ignored.

Every problem is reported at once as `path: reason` in Vietnamese, with a JSON path
counted from 0 (`quiz.questions[3].options`), and nothing is written. A file whose
content equals the current version's creates nothing ("không thay đổi"); any
difference creates and publishes the next version, retiring the previous one.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field

import nh3
from django.conf import settings
from django.db import transaction

from core.importing import LEGACY_MESSAGES, ImportProblem, ImportRefused, too_large_message
from core.text import detect_legacy_encoding, normalize_text
from courses.models import (
    SLUG_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Course,
    CourseVersion,
    CourseVersionStatus,
    Lesson,
    ReviewPolicy,
)
from courses.sanitize import sanitize_html
from courses.selectors import (
    course_version_content_hash,
    course_version_get_current,
    course_version_get_draft,
    course_version_next_number,
)
from courses.services import course_version_publish
from quizzes.models import Option, Question, QuestionKind
from quizzes.services.questions import QuestionRule, question_rule_violation

__all__ = ["CourseImportSummary", "ImportRefused", "course_import"]

SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_SMALL_INT_MAX = 32767
_OPTION_MAX_LENGTH = Option._meta.get_field("text").max_length

_TOP_KEYS = {
    "slug",
    "title",
    "description",
    "estimated_minutes",
    "lessons",
    "quiz",
    "requires_all_lessons",
    "review",
    "review_when_final",
}
_LESSON_KEYS = {"title", "body_html", "estimated_minutes"}
_QUIZ_KEYS = {"pass_percent", "questions_per_attempt", "max_attempts", "time_limit_minutes", "questions"}
_QUESTION_KEYS = {"text", "kind", "options", "explanation"}
_OPTION_KEYS = {"text", "correct"}

# json's reasons, in the words the Office reads; anything else is shown as json gives it.
_JSON_REASONS = {
    "Expecting value": "thiếu giá trị (hoặc tệp bị cắt cụt)",
    "Expecting ',' delimiter": "thiếu dấu phẩy giữa hai phần tử",
    "Expecting ':' delimiter": "thiếu dấu hai chấm sau tên trường",
    "Expecting property name enclosed in double quotes": (
        "tên trường phải đặt trong dấu nháy kép (và không có dấu phẩy thừa trước dấu đóng)"
    ),
    "Unterminated string starting at": "chuỗi văn bản chưa có dấu nháy kép đóng",
    "Extra data": "có dữ liệu thừa sau đối tượng JSON",
    "Invalid \\uXXXX escape": "mã ký tự \\u không đúng (phải có đủ 4 chữ số hệ 16)",
    "Invalid \\escape": "dấu gạch chéo ngược \\ không hợp lệ trong chuỗi (muốn ghi \\ thì ghi \\\\)",
    "Invalid control character": "có ký tự điều khiển (xuống dòng, tab) nằm trong chuỗi văn bản",
}


def _json_reason(message: str) -> str:
    """The JSON reader's reason in Vietnamese (its messages may carry the character after a colon or a space)."""
    for start, reason in _JSON_REASONS.items():
        if message.startswith(start):
            return reason
    return f"lỗi cú pháp JSON ({message})"


_KIND_NAMES = {
    QuestionKind.SINGLE: "một lựa chọn",
    QuestionKind.MULTIPLE: "nhiều lựa chọn",
    QuestionKind.TRUE_FALSE: "đúng/sai",
}
_RULE_MESSAGES = {
    QuestionRule.TOO_FEW_OPTIONS: "câu hỏi {kind} phải có ít nhất 2 phương án",
    QuestionRule.SINGLE_NEEDS_ONE_CORRECT: "câu hỏi một lựa chọn phải có đúng 1 đáp án đúng (đang có {correct})",
    QuestionRule.MULTIPLE_NEEDS_A_CORRECT: "câu hỏi nhiều lựa chọn phải có ít nhất 1 đáp án đúng",
    QuestionRule.TRUE_FALSE_SHAPE: (
        "câu hỏi đúng/sai phải có đúng 2 phương án và đúng 1 đáp án đúng (đang có {count} phương án, {correct} đúng)"
    ),
}


@dataclass(frozen=True)
class CourseImportSummary:
    slug: str
    version_number: int
    lesson_count: int
    question_count: int
    created: bool
    dry_run: bool

    @property
    def message(self) -> str:
        content = f"{self.lesson_count} bài học, {self.question_count} câu hỏi"
        if not self.created:
            return (
                f'Khóa học "{self.slug}" không thay đổi: nội dung trùng với phiên bản {self.version_number} '
                f"hiện hành ({content})."
            )
        if self.dry_run:
            return (
                f'Kiểm tra xong, chưa ghi gì: khóa học "{self.slug}" sẽ có phiên bản {self.version_number}: {content}.'
            )
        return f'Đã nhập và xuất bản khóa học "{self.slug}", phiên bản {self.version_number}: {content}.'


# --- reading and checking the file ----------------------------------------------------------


@dataclass
class _OptionSpec:
    text: str
    correct: bool


@dataclass
class _QuestionSpec:
    text: str
    kind: str
    explanation: str
    options: list[_OptionSpec]


@dataclass
class _LessonSpec:
    title: str
    body_html: str
    estimated_minutes: int | None


@dataclass
class _CourseSpec:
    slug: str
    title: str
    description: str
    estimated_minutes: int
    requires_all_lessons: bool | None
    review_when_final: bool | None
    review_policy: str | None
    pass_percent: int
    questions_per_attempt: int
    max_attempts: int
    time_limit_minutes: int
    lessons: list[_LessonSpec] = field(default_factory=list)
    questions: list[_QuestionSpec] = field(default_factory=list)


_MISSING = object()


class _Reader:
    """Walks the decoded JSON, collecting one problem per wrong value."""

    def __init__(self) -> None:
        self.problems: list[ImportProblem] = []

    def refuse(self, path: str, message: str) -> None:
        self.problems.append(ImportProblem(row=None, column=None, message=f"{path}: {message}"))

    def get(self, obj: dict, key: str, path: str, *, required: bool = True) -> object:
        if key not in obj or obj[key] is None:
            if required:
                self.refuse(path, "thiếu trường bắt buộc")
            return _MISSING
        return obj[key]

    def object(self, value: object, path: str, allowed: set[str]) -> dict | None:
        if value is _MISSING:
            return None
        if not isinstance(value, dict):
            self.refuse(path, "phải là một đối tượng JSON {…}")
            return None
        for key in value:
            if key not in allowed:
                self.refuse(f"{path}.{key}" if path else str(key), "trường không được hỗ trợ (kiểm tra lại chính tả)")
        return value

    def array(self, obj: dict, key: str, path: str) -> list:
        value = self.get(obj, key, path)
        if value is _MISSING:
            return []
        if not isinstance(value, list):
            self.refuse(path, "phải là một danh sách […]")
            return []
        return value

    def text(
        self, obj: dict, key: str, path: str, *, required: bool = True, multiline: bool = False, max_length: int = 0
    ) -> str:
        value = self.get(obj, key, path, required=required)
        if value is _MISSING:
            return ""
        if not isinstance(value, str):
            self.refuse(path, "phải là chuỗi văn bản")
            return ""
        text = unicodedata.normalize("NFC", value).strip() if multiline else normalize_text(value)
        if "\x00" in text:  # PostgreSQL refuses it in text columns; it is never meant
            self.refuse(path, "có ký tự NUL (\\u0000), không được phép")
            return ""
        if required and not text:
            self.refuse(path, "không được để trống")
        elif max_length and len(text) > max_length:
            self.refuse(path, f"dài {len(text)} ký tự, vượt quá giới hạn {max_length} ký tự")
        legacy = detect_legacy_encoding(text)
        if legacy:
            self.refuse(path, LEGACY_MESSAGES[legacy])
        return text

    def integer(
        self, obj: dict, key: str, path: str, *, minimum: int, maximum: int = _SMALL_INT_MAX, required: bool = True
    ) -> int | None:
        value = self.get(obj, key, path, required=required)
        if value is _MISSING:
            return None
        # JSON true/false are Python ints; a whole-number float such as 20.0 is accepted.
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            self.refuse(path, f"phải là số nguyên từ {minimum} đến {maximum}")
            return None
        if not minimum <= value <= maximum:
            self.refuse(path, f"phải từ {minimum} đến {maximum} (đang là {value})")
            return None
        return value

    def boolean(self, obj: dict, key: str, path: str, *, required: bool = True) -> bool | None:
        value = self.get(obj, key, path, required=required)
        if value is _MISSING:
            return None
        if not isinstance(value, bool):
            self.refuse(path, "phải là true hoặc false")
            return None
        return value


def _decode(data: dict | bytes | str, reader: _Reader) -> object:
    if isinstance(data, dict):
        return data
    if isinstance(data, bytes):
        limit = settings.LANTOA_IMPORT_MAX_BYTES
        if len(data) > limit:
            reader.problems.append(ImportProblem(row=None, column=None, message=too_large_message(len(data))))
            return _MISSING
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            reader.problems.append(
                ImportProblem(
                    row=line, column=None, message="Tệp không dùng bảng mã UTF-8 — hãy lưu lại với bảng mã UTF-8."
                )
            )
            return _MISSING
    if not data.strip():
        reader.problems.append(ImportProblem(row=None, column=None, message="Tệp rỗng, không có dữ liệu."))
        return _MISSING
    try:
        return json.loads(data)
    except json.JSONDecodeError as exc:
        reader.problems.append(
            ImportProblem(
                row=exc.lineno,
                column=None,
                message=f"Tệp không phải JSON hợp lệ (cột {exc.colno}): {_json_reason(exc.msg)}.",
            )
        )
        return _MISSING
    except RecursionError:  # arrays or objects nested thousands deep: no course looks like that
        reader.problems.append(ImportProblem(row=None, column=None, message="Tệp JSON lồng nhau quá sâu."))
        return _MISSING
    except ValueError:  # an integer of more than 4,300 digits (Python's limit on reading one)
        reader.problems.append(
            ImportProblem(row=None, column=None, message="Tệp JSON có một số quá lớn (hàng nghìn chữ số).")
        )
        return _MISSING


def _read_review_policy(reader: _Reader, top: dict) -> str | None:
    value = reader.get(top, "review", "review", required=False)
    if value is _MISSING:
        return None
    if not isinstance(value, str) or value not in ReviewPolicy.values:
        allowed = ", ".join(f'"{choice}"' for choice in ReviewPolicy.values)
        reader.refuse("review", f"phải là một trong {allowed} (đang là {json.dumps(value, ensure_ascii=False)})")
        return None
    return value


def _read_option(reader: _Reader, value: object, path: str) -> _OptionSpec | None:
    obj = reader.object(value, path, _OPTION_KEYS)
    if obj is None:
        return None
    text = reader.text(obj, "text", f"{path}.text", max_length=_OPTION_MAX_LENGTH)
    correct = reader.boolean(obj, "correct", f"{path}.correct")
    return _OptionSpec(text=text, correct=bool(correct))


def _read_question(reader: _Reader, value: object, path: str) -> _QuestionSpec | None:
    obj = reader.object(value, path, _QUESTION_KEYS)
    if obj is None:
        return None
    text = reader.text(obj, "text", f"{path}.text", multiline=True)
    explanation = reader.text(obj, "explanation", f"{path}.explanation", required=False, multiline=True)
    kind = reader.get(obj, "kind", f"{path}.kind")
    if kind is not _MISSING and kind not in QuestionKind.values:
        reader.refuse(f"{path}.kind", 'phải là "single", "multiple" hoặc "true_false"')
        kind = _MISSING
    raw_options = reader.array(obj, "options", f"{path}.options")
    options = [_read_option(reader, item, f"{path}.options[{index}]") for index, item in enumerate(raw_options)]
    if any(option is None for option in options):
        return None
    seen: dict[str, int] = {}
    for index, option in enumerate(options):
        if option.text and option.text.casefold() in seen:
            reader.refuse(f"{path}.options[{index}].text", f"trùng với phương án [{seen[option.text.casefold()]}]")
        seen.setdefault(option.text.casefold(), index)
    if kind is _MISSING or not isinstance(obj.get("options"), list):
        return None
    correct = sum(option.correct for option in options)
    rule = question_rule_violation(kind=kind, option_count=len(options), correct_count=correct)
    if rule:
        reader.refuse(
            f"{path}.options",
            _RULE_MESSAGES[rule].format(kind=_KIND_NAMES[kind], correct=correct, count=len(options)),
        )
    return _QuestionSpec(text=text, kind=kind, explanation=explanation, options=options)


def _read_lesson(reader: _Reader, value: object, path: str) -> _LessonSpec | None:
    obj = reader.object(value, path, _LESSON_KEYS)
    if obj is None:
        return None
    title = reader.text(obj, "title", f"{path}.title", max_length=TITLE_MAX_LENGTH)
    body = reader.text(obj, "body_html", f"{path}.body_html", multiline=True)
    minutes = reader.integer(obj, "estimated_minutes", f"{path}.estimated_minutes", minimum=1, required=False)
    clean_body = sanitize_html(body)
    if body and not nh3.clean(clean_body, tags=set()).strip() and "<img" not in clean_body:
        reader.refuse(f"{path}.body_html", "không còn nội dung nào sau khi loại bỏ các thẻ HTML không được phép")
    return _LessonSpec(title=title, body_html=clean_body, estimated_minutes=minutes)


def _read(data: dict | bytes | str) -> _CourseSpec:
    reader = _Reader()
    decoded = _decode(data, reader)
    if decoded is not _MISSING and not isinstance(decoded, dict):
        reader.problems.append(
            ImportProblem(row=None, column=None, message="Tệp phải chứa một đối tượng JSON {…} mô tả khóa học.")
        )
    if reader.problems:
        raise ImportRefused(reader.problems)
    top = reader.object(decoded, "", _TOP_KEYS)

    slug = reader.text(top, "slug", "slug")
    if slug and (len(slug) > SLUG_MAX_LENGTH or not SLUG_PATTERN.fullmatch(slug)):
        reader.refuse(
            "slug",
            f'"{slug}" không hợp lệ: mã chỉ được gồm chữ thường không dấu, chữ số và dấu gạch ngang giữa các phần, '
            f'tối đa {SLUG_MAX_LENGTH} ký tự (ví dụ "nq57")',
        )
    title = reader.text(top, "title", "title", max_length=TITLE_MAX_LENGTH)
    description = reader.text(top, "description", "description", required=False, multiline=True)
    estimated_minutes = reader.integer(top, "estimated_minutes", "estimated_minutes", minimum=1)
    requires_all_lessons = reader.boolean(top, "requires_all_lessons", "requires_all_lessons", required=False)
    review_when_final = reader.boolean(top, "review_when_final", "review_when_final", required=False)
    review_policy = _read_review_policy(reader, top)

    raw_lessons = reader.array(top, "lessons", "lessons")
    if isinstance(top.get("lessons"), list) and not raw_lessons:
        reader.refuse("lessons", "khóa học phải có ít nhất 1 bài học")
    lessons = [_read_lesson(reader, item, f"lessons[{index}]") for index, item in enumerate(raw_lessons)]

    quiz = reader.object(reader.get(top, "quiz", "quiz"), "quiz", _QUIZ_KEYS) or {}
    pass_percent = reader.integer(quiz, "pass_percent", "quiz.pass_percent", minimum=1, maximum=100) if quiz else None
    per_attempt = (
        reader.integer(quiz, "questions_per_attempt", "quiz.questions_per_attempt", minimum=1) if quiz else None
    )
    max_attempts = reader.integer(quiz, "max_attempts", "quiz.max_attempts", minimum=1) if quiz else None
    time_limit = reader.integer(quiz, "time_limit_minutes", "quiz.time_limit_minutes", minimum=1) if quiz else None
    raw_questions = reader.array(quiz, "questions", "quiz.questions") if quiz else []
    if quiz and isinstance(quiz.get("questions"), list) and not raw_questions:
        reader.refuse("quiz.questions", "ngân hàng câu hỏi phải có ít nhất 1 câu hỏi")
    questions = [_read_question(reader, item, f"quiz.questions[{index}]") for index, item in enumerate(raw_questions)]
    seen: dict[str, int] = {}
    for index, question in enumerate(questions):
        if question is None or not question.text:
            continue
        key = question.text.casefold()
        if key in seen:
            reader.refuse(f"quiz.questions[{index}].text", f"trùng với câu hỏi [{seen[key]}]")
        seen.setdefault(key, index)
    if per_attempt is not None and raw_questions and per_attempt > len(raw_questions):
        reader.refuse(
            "quiz.questions_per_attempt",
            f"mỗi lần làm bài rút {per_attempt} câu nhưng ngân hàng chỉ có {len(raw_questions)} câu hỏi — "
            "hãy thêm câu hỏi hoặc giảm số câu mỗi lần làm bài",
        )
    if reader.problems:
        raise ImportRefused(reader.problems)
    return _CourseSpec(
        slug=slug,
        title=title,
        description=description,
        estimated_minutes=estimated_minutes,
        requires_all_lessons=requires_all_lessons,
        review_policy=review_policy,
        review_when_final=review_when_final,
        pass_percent=pass_percent,
        questions_per_attempt=per_attempt,
        max_attempts=max_attempts,
        time_limit_minutes=time_limit,
        lessons=lessons,
        questions=questions,
    )


# --- writing --------------------------------------------------------------------------------


def _lesson_minutes(spec: _CourseSpec) -> list[int]:
    """Each lesson's own minutes, or the course's minutes shared out by the length of its text."""
    weights = [max(1, len(nh3.clean(lesson.body_html, tags=set()))) for lesson in spec.lessons]
    total = sum(weights)
    return [
        lesson.estimated_minutes or max(1, round(spec.estimated_minutes * weight / total))
        for lesson, weight in zip(spec.lessons, weights, strict=True)
    ]


def _create_draft(*, course: Course, spec: _CourseSpec, current: CourseVersion | None) -> CourseVersion:
    requires_all_lessons = spec.requires_all_lessons
    if requires_all_lessons is None:
        requires_all_lessons = current.requires_all_lessons if current else False
    review_policy = spec.review_policy
    if review_policy is None:
        review_policy = current.review_policy if current else ReviewPolicy.EXPLANATIONS
    review_when_final = spec.review_when_final
    if review_when_final is None:
        review_when_final = current.review_when_final if current else False
    version = CourseVersion.objects.create(
        course=course,
        number=course_version_next_number(course=course),
        status=CourseVersionStatus.DRAFT,
        title=spec.title,
        description=spec.description,
        estimated_minutes=spec.estimated_minutes,
        pass_percent=spec.pass_percent,
        questions_per_attempt=spec.questions_per_attempt,
        max_attempts=spec.max_attempts,
        time_limit_minutes=spec.time_limit_minutes,
        requires_all_lessons=requires_all_lessons,
        review_policy=review_policy,
        review_when_final=review_when_final,
    )
    Lesson.objects.bulk_create(
        Lesson(version=version, position=position, title=lesson.title, body_html=lesson.body_html, estimated_minutes=m)
        for position, (lesson, m) in enumerate(zip(spec.lessons, _lesson_minutes(spec), strict=True), start=1)
    )
    for position, question_spec in enumerate(spec.questions, start=1):
        question = Question.objects.create(
            version=version,
            position=position,
            text=question_spec.text,
            kind=question_spec.kind,
            explanation=question_spec.explanation,
        )
        Option.objects.bulk_create(
            Option(question=question, position=index, text=option.text, is_correct=option.correct)
            for index, option in enumerate(question_spec.options, start=1)
        )
    return version


class _RollBack(Exception):
    """Leaves `transaction.atomic` without writing, carrying the summary out."""

    def __init__(self, summary: CourseImportSummary):
        self.summary = summary


def course_import(*, data: dict | bytes | str, dry_run: bool = False) -> CourseImportSummary:
    """Import a course file: a new course, or the next published version of an existing one.

    Raises `core.importing.ImportRefused` listing every problem; nothing is written then.
    """
    spec = _read(data)
    try:
        with transaction.atomic():
            course, _created = Course.objects.get_or_create(slug=spec.slug)
            course = Course.objects.select_for_update().get(pk=course.pk)
            draft = course_version_get_draft(course=course)
            if draft is not None:
                raise ImportRefused(
                    [
                        ImportProblem(
                            row=None,
                            column=None,
                            message=f'slug: khóa học "{spec.slug}" đang có bản nháp phiên bản {draft.number} chưa '
                            "xuất bản trong trang quản trị — hãy xuất bản hoặc xóa bản nháp đó rồi nhập lại",
                        )
                    ]
                )
            current = course_version_get_current(course=course)
            version = _create_draft(course=course, spec=spec, current=current)
            counts = {"lesson_count": len(spec.lessons), "question_count": len(spec.questions)}
            # The review policy is compared here: the content hash (courses.selectors) does not cover it.
            if (
                current is not None
                and version.review_policy == current.review_policy
                and version.review_when_final == current.review_when_final
                and course_version_content_hash(version=version) == course_version_content_hash(version=current)
            ):
                raise _RollBack(
                    CourseImportSummary(
                        slug=spec.slug,
                        version_number=current.number,
                        lesson_count=current.lessons.count(),
                        question_count=current.questions.count(),
                        created=False,
                        dry_run=dry_run,
                    )
                )
            course_version_publish(version=version)
            summary = CourseImportSummary(
                slug=spec.slug, version_number=version.number, created=True, dry_run=dry_run, **counts
            )
            if dry_run:
                raise _RollBack(summary)
            return summary
    except _RollBack as rollback:
        return rollback.summary
