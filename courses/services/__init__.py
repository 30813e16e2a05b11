"""Writes to courses: drafts, publishing, and the lessons and questions of a draft.

A published (or retired) version is never written again: learners' progress and
completions point at it. Every write below re-reads the version's status under a
lock on its course and refuses anything but a draft. To change a published course,
`course_version_create_draft_from` copies it, the draft is edited, and
`course_version_publish` makes it current and retires the previous version.

The course-file importer is in `courses.services.course_import`.
"""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.text import normalize_text
from courses.models import Course, CourseVersion, CourseVersionStatus, Lesson
from courses.sanitize import sanitize_html
from courses.selectors import course_version_get_draft, course_version_next_number
from quizzes.models import Option, Question, QuestionKind

# A version's settings: what the admin's form edits and what a new draft copies.
VERSION_SETTINGS_FIELDS = (
    "title",
    "description",
    "estimated_minutes",
    "pass_percent",
    "questions_per_attempt",
    "max_attempts",
    "time_limit_minutes",
    "requires_all_lessons",
    "review_policy",
)
_LESSON_COPY_FIELDS = ("position", "title", "body_html", "attachment", "video_file", "video_url", "estimated_minutes")


# --- rules shared with the importer ------------------------------------------------------


class QuestionRule:
    """Why a question's options do not fit its kind (codes; each caller words them)."""

    TOO_FEW_OPTIONS = "too_few_options"
    SINGLE_NEEDS_ONE_CORRECT = "single_needs_one_correct"
    MULTIPLE_NEEDS_A_CORRECT = "multiple_needs_a_correct"
    TRUE_FALSE_SHAPE = "true_false_shape"


def question_rule_violation(*, kind: str, option_count: int, correct_count: int) -> str | None:
    if kind == QuestionKind.TRUE_FALSE:
        return None if option_count == 2 and correct_count == 1 else QuestionRule.TRUE_FALSE_SHAPE
    if option_count < 2:
        return QuestionRule.TOO_FEW_OPTIONS
    if kind == QuestionKind.SINGLE and correct_count != 1:
        return QuestionRule.SINGLE_NEEDS_ONE_CORRECT
    if kind == QuestionKind.MULTIPLE and correct_count < 1:
        return QuestionRule.MULTIPLE_NEEDS_A_CORRECT
    return None


def _question_rule_message(code: str, *, position: int) -> str:
    messages = {
        QuestionRule.TOO_FEW_OPTIONS: _("Question %(position)d needs at least two options."),
        QuestionRule.SINGLE_NEEDS_ONE_CORRECT: _(
            "Question %(position)d is single choice: exactly one option must be correct."
        ),
        QuestionRule.MULTIPLE_NEEDS_A_CORRECT: _(
            "Question %(position)d is multiple choice: at least one option must be correct."
        ),
        QuestionRule.TRUE_FALSE_SHAPE: _(
            "Question %(position)d is true/false: it needs exactly two options, one of them correct."
        ),
    }
    return messages[code] % {"position": position}


# --- locking and the draft guard ---------------------------------------------------------------


def _lock_course(course_id: int) -> Course:
    # Every version write for a course goes through this row lock (PostgreSQL), so two
    # publishes or a publish and an edit cannot interleave. SQLite serialises writers anyway.
    return Course.objects.select_for_update().get(pk=course_id)


def _lock_course_without_draft(course_id: int) -> Course:
    """Lock the course for a new draft; refused while it has one (a course has at most one draft)."""
    course = _lock_course(course_id)
    if course_version_get_draft(course=course) is not None:
        raise ValidationError(_("This course already has a draft; edit or publish it first."), code="draft_exists")
    return course


def _lock_draft(version_id: int) -> CourseVersion:
    course_id = CourseVersion.objects.values_list("course_id", flat=True).get(pk=version_id)
    _lock_course(course_id)
    version = CourseVersion.objects.get(pk=version_id)
    if version.status != CourseVersionStatus.DRAFT:
        raise ValidationError(
            _("Version %(number)d is %(status)s and can no longer change; create a draft from it instead."),
            code="version_not_editable",
            params={"number": version.number, "status": version.get_status_display().lower()},
        )
    return version


def _clean_text(value: str, *, multiline: bool = False) -> str:
    if multiline:
        return unicodedata.normalize("NFC", value or "").strip()
    return normalize_text(value)


# --- versions -------------------------------------------------------------------------------


def course_create(*, slug: str) -> Course:
    course = Course(slug=normalize_text(slug))
    course.full_clean()
    course.save()
    return course


@transaction.atomic
def course_version_save_draft(*, version: CourseVersion) -> CourseVersion:
    """Create a new draft (numbered after every earlier version) or save changes to a draft."""
    if version.pk is None:
        _lock_course_without_draft(version.course_id)
        version.number = course_version_next_number(course=version.course)
        version.status = CourseVersionStatus.DRAFT
        version.published_at = None
    else:
        stored = _lock_draft(version.pk)
        # Identity and lifecycle are not the editor's to change.
        version.course_id, version.number = stored.course_id, stored.number
        version.status, version.published_at = stored.status, stored.published_at
    version.title = _clean_text(version.title)
    version.description = _clean_text(version.description, multiline=True)
    version.full_clean()
    version.save()
    return version


@transaction.atomic
def course_version_create_draft_from(*, version: CourseVersion) -> CourseVersion:
    """A new draft holding a copy of `version`'s settings, lessons, questions and options.

    Attachments and video files are shared by name, not copied: the stored files of a
    published version never change, so sharing them is safe.
    """
    course = _lock_course_without_draft(version.course_id)
    draft = CourseVersion.objects.create(
        course=course,
        number=course_version_next_number(course=course),
        status=CourseVersionStatus.DRAFT,
        **{field: getattr(version, field) for field in VERSION_SETTINGS_FIELDS},
    )
    Lesson.objects.bulk_create(
        Lesson(version=draft, **{field: getattr(lesson, field) for field in _LESSON_COPY_FIELDS})
        for lesson in version.lessons.order_by("position")
    )
    for question in version.questions.order_by("position").prefetch_related("options"):
        copy = Question.objects.create(
            version=draft,
            position=question.position,
            text=question.text,
            kind=question.kind,
            explanation=question.explanation,
        )
        Option.objects.bulk_create(
            Option(question=copy, position=option.position, text=option.text, is_correct=option.is_correct)
            for option in sorted(question.options.all(), key=lambda option: option.position)
        )
    return draft


def course_version_publish_problems(*, version: CourseVersion) -> list[str]:
    """Why `version` cannot be published yet (empty when it can)."""
    problems = []
    if not version.lessons.exists():
        problems.append(_("A course version needs at least one lesson."))
    questions = list(version.questions.order_by("position").prefetch_related("options"))
    if not questions:
        problems.append(_("The quiz needs at least one question."))
    elif version.questions_per_attempt > len(questions):
        problems.append(
            _("Each attempt draws %(drawn)d questions but the bank holds only %(count)d.")
            % {"drawn": version.questions_per_attempt, "count": len(questions)}
        )
    for question in questions:
        options = list(question.options.all())
        code = question_rule_violation(
            kind=question.kind,
            option_count=len(options),
            correct_count=sum(option.is_correct for option in options),
        )
        if code:
            problems.append(_question_rule_message(code, position=question.position))
    return problems


@transaction.atomic
def course_version_publish(*, version: CourseVersion) -> CourseVersion:
    """Make a complete draft the current version; the previous published version is retired."""
    version = _lock_draft(version.pk)
    problems = course_version_publish_problems(version=version)
    if problems:
        raise ValidationError(problems, code="version_incomplete")
    now = timezone.now()
    CourseVersion.objects.filter(course_id=version.course_id, status=CourseVersionStatus.PUBLISHED).update(
        status=CourseVersionStatus.RETIRED
    )
    version.status = CourseVersionStatus.PUBLISHED
    version.published_at = now
    version.save(update_fields=["status", "published_at"])
    return version


@transaction.atomic
def course_version_delete_draft(*, version: CourseVersion) -> None:
    _lock_draft(version.pk).delete()


# --- lessons, questions and options of a draft -------------------------------------------------


def _refuse_move(model, obj, *, parent: str) -> None:
    """A saved lesson, question or option stays where it is: moving it would edit its old version."""
    if obj.pk is None:
        return
    stored_parent = model.objects.filter(pk=obj.pk).values_list(parent, flat=True).first()
    if stored_parent is not None and stored_parent != getattr(obj, parent):
        raise ValidationError(_("An existing item cannot be moved to another version."), code="item_moved")


def _next_position(queryset) -> int:
    last = queryset.order_by("-position").values_list("position", flat=True).first()
    return (last or 0) + 1


@transaction.atomic
def lesson_save(*, lesson: Lesson) -> Lesson:
    """Add or change a lesson of a draft; the body is sanitised, texts normalised (NFC, trimmed)."""
    _lock_draft(lesson.version_id)
    _refuse_move(Lesson, lesson, parent="version_id")
    if lesson.position is None:
        lesson.position = _next_position(Lesson.objects.filter(version_id=lesson.version_id))
    lesson.title = _clean_text(lesson.title)
    lesson.body_html = sanitize_html(_clean_text(lesson.body_html, multiline=True))
    lesson.video_url = _clean_text(lesson.video_url)
    lesson.full_clean()
    lesson.save()
    return lesson


@transaction.atomic
def lesson_delete(*, lesson: Lesson) -> None:
    _lock_draft(lesson.version_id)
    lesson.delete()


@transaction.atomic
def question_save(*, question: Question) -> Question:
    """Add or change a question of a draft. Its options are checked against its kind when publishing."""
    _lock_draft(question.version_id)
    _refuse_move(Question, question, parent="version_id")
    if question.position is None:
        question.position = _next_position(Question.objects.filter(version_id=question.version_id))
    question.text = _clean_text(question.text, multiline=True)
    question.explanation = _clean_text(question.explanation, multiline=True)
    question.full_clean()
    question.save()
    return question


@transaction.atomic
def question_delete(*, question: Question) -> None:
    _lock_draft(question.version_id)
    question.delete()


@transaction.atomic
def option_save(*, option: Option) -> Option:
    version_id = Question.objects.values_list("version_id", flat=True).get(pk=option.question_id)
    _lock_draft(version_id)
    _refuse_move(Option, option, parent="question_id")
    if option.position is None:
        option.position = _next_position(Option.objects.filter(question_id=option.question_id))
    option.text = _clean_text(option.text)
    option.full_clean()
    option.save()
    return option


@transaction.atomic
def option_delete(*, option: Option) -> None:
    version_id = Question.objects.values_list("version_id", flat=True).get(pk=option.question_id)
    _lock_draft(version_id)
    option.delete()
