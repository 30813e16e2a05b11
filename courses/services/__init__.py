"""Writes to courses: drafts, publishing, and the lessons of a draft.

A published (or retired) version is never written again: learners' progress and
completions point at it. Every write below re-reads the version's status under a
lock on its course and refuses anything but a draft. To change a published course,
`course_version_create_draft_from` copies it, the draft is edited, and
`course_version_publish` makes it current and retires the previous version.

A version's quiz (its questions and options) is the quiz app's (`quizzes.services.questions`):
courses sits below it, so a new draft and a publish tell it through `courses.signals`
(`course_version_draft_created`: copy the questions; `course_version_publish_checking`: what
keeps the quiz from being published). The course-file importer is `quizzes.services.course_import`.
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
from courses.signals import course_version_draft_created, course_version_publish_checking

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
    "review_when_final",
)
_LESSON_COPY_FIELDS = ("position", "title", "body_html", "attachment", "video_file", "video_url", "estimated_minutes")


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


def course_version_lock_draft(version_id: int) -> CourseVersion:
    """The draft version `version_id`, its course locked until the caller's transaction ends; refused
    (ValidationError) once the version is published or retired: what a draft holds changes only here."""
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


def clean_text(value: str, *, multiline: bool = False) -> str:
    """An author's text as stored: NFC, trimmed (and on one line unless `multiline`)."""
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
        stored = course_version_lock_draft(version.pk)
        # Identity and lifecycle are not the editor's to change.
        version.course_id, version.number = stored.course_id, stored.number
        version.status, version.published_at = stored.status, stored.published_at
    version.title = clean_text(version.title)
    version.description = clean_text(version.description, multiline=True)
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
    course_version_draft_created.send(sender=CourseVersion, source=version, draft=draft)
    return draft


def course_version_publish_problems(*, version: CourseVersion) -> list[str]:
    """Why `version` cannot be published yet (empty when it can)."""
    problems = []
    if not version.lessons.exists():
        problems.append(_("A course version needs at least one lesson."))
    for _receiver, more in course_version_publish_checking.send(sender=CourseVersion, version=version):
        problems.extend(more)
    return problems


@transaction.atomic
def course_version_publish(*, version: CourseVersion) -> CourseVersion:
    """Make a complete draft the current version; the previous published version is retired."""
    version = course_version_lock_draft(version.pk)
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
    course_version_lock_draft(version.pk).delete()


# --- lessons of a draft -------------------------------------------------


def refuse_move(model, obj, *, parent: str) -> None:
    """A saved lesson, question or option stays where it is: moving it would edit its old version."""
    if obj.pk is None:
        return
    stored_parent = model.objects.filter(pk=obj.pk).values_list(parent, flat=True).first()
    if stored_parent is not None and stored_parent != getattr(obj, parent):
        raise ValidationError(_("An existing item cannot be moved to another version."), code="item_moved")


def next_position(queryset) -> int:
    last = queryset.order_by("-position").values_list("position", flat=True).first()
    return (last or 0) + 1


@transaction.atomic
def lesson_save(*, lesson: Lesson) -> Lesson:
    """Add or change a lesson of a draft; the body is sanitised, texts normalised (NFC, trimmed)."""
    course_version_lock_draft(lesson.version_id)
    refuse_move(Lesson, lesson, parent="version_id")
    if lesson.position is None:
        lesson.position = next_position(Lesson.objects.filter(version_id=lesson.version_id))
    lesson.title = clean_text(lesson.title)
    lesson.body_html = sanitize_html(clean_text(lesson.body_html, multiline=True))
    lesson.video_url = clean_text(lesson.video_url)
    lesson.full_clean()
    lesson.save()
    return lesson


@transaction.atomic
def lesson_delete(*, lesson: Lesson) -> None:
    course_version_lock_draft(lesson.version_id)
    lesson.delete()
