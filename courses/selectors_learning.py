"""Reads about learning: "my courses", a course page, a lesson page, and who is due a reminder.

Every list here is one query whatever the number of enrolments, lessons or completions:
the per-enrolment figures are correlated subqueries, not queries per row.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, models
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.rawsql import convert_value, model_columns, model_from_row
from courses.models import (
    Assignment,
    Completion,
    CompletionEvidence,
    Course,
    CourseVersion,
    CourseVersionStatus,
    Enrolment,
    Lesson,
    LessonProgress,
)
from orgchart.models import Membership, Staff
from orgchart.queries import active_on_q, within_units_q
from orgchart.roles import scope_for
from quizzes.models import Attempt


class LearningStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")


@dataclass(frozen=True)
class EnrolmentRow:
    """One line of "my courses"."""

    enrolment_id: int
    course_slug: str
    title: str
    assignment_title: str
    starts_on: dt.date
    due_on: dt.date
    completed_on: dt.date | None
    lessons_total: int
    lessons_opened: int
    quiz_passed: bool
    attempted: bool
    next_lesson_position: int | None
    on_date: dt.date

    @property
    def is_completed(self) -> bool:
        return self.completed_on is not None

    @property
    def status(self) -> LearningStatus:
        if self.is_completed:
            return LearningStatus.COMPLETED
        if self.lessons_opened or self.attempted:
            return LearningStatus.IN_PROGRESS
        return LearningStatus.NOT_STARTED

    @property
    def status_label(self) -> str:
        return self.status.label

    @property
    def is_upcoming(self) -> bool:
        """Assigned, but its assignment starts after today (and it is not already completed)."""
        return not self.is_completed and self.starts_on > self.on_date

    @property
    def is_overdue(self) -> bool:
        return not self.is_completed and not self.is_upcoming and self.due_on < self.on_date


# --- plain SQL for the hottest reads -----------------------------------------------------------------
# The learner's pages are the busiest of the site. Building and compiling an ORM query costs several
# times what the database spends answering it (a query with nested subqueries, ~1 ms of CPU), so the
# reads every learner page makes are written once as parameterised SQL (portable: SQLite and
# PostgreSQL). Rows become model instances through Django's own converters, as the ORM would make them.


def staff_id_for_user(*, user: User) -> int | None:
    """The id of the roster entry linked to the account, or None."""
    if not user.is_authenticated:
        return None
    if hasattr(user, "linked_staff_id"):  # read with the user for this request (accounts.backends)
        return user.linked_staff_id
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM orgchart_staff WHERE user_id = %s", [user.pk])
        row = cursor.fetchone()
    return row[0] if row else None


# Per enrolment: the course's current (published: at most one per course) version's title, its lesson
# count, the lessons of it the person opened, the first of it they have not, their first completion of
# the course, and whether they passed or attempted its quiz (any version).
_ENROLMENTS_SQL = """
SELECT e.id, co.slug, a.title, a.slug, a.starts_on, a.due_on, e.left_audience_on,
  (SELECT v.title FROM courses_courseversion v WHERE v.course_id = a.course_id AND v.status = %(published)s),
  (SELECT COUNT(*) FROM courses_lesson l JOIN courses_courseversion v ON v.id = l.version_id
    WHERE v.course_id = a.course_id AND v.status = %(published)s),
  (SELECT COUNT(*) FROM courses_lessonprogress p JOIN courses_lesson l ON l.id = p.lesson_id
    JOIN courses_courseversion v ON v.id = l.version_id
    WHERE p.staff_id = e.staff_id AND v.course_id = a.course_id AND v.status = %(published)s),
  (SELECT MIN(l.position) FROM courses_lesson l JOIN courses_courseversion v ON v.id = l.version_id
    WHERE v.course_id = a.course_id AND v.status = %(published)s AND NOT EXISTS (
      SELECT 1 FROM courses_lessonprogress p WHERE p.staff_id = e.staff_id AND p.lesson_id = l.id)),
  (SELECT MIN(c.completed_on) FROM courses_completion c WHERE c.staff_id = e.staff_id AND c.course_id = a.course_id),
  EXISTS (SELECT 1 FROM quizzes_attempt t JOIN courses_courseversion v ON v.id = t.version_id
    WHERE t.staff_id = e.staff_id AND v.course_id = a.course_id AND t.passed),
  EXISTS (SELECT 1 FROM quizzes_attempt t JOIN courses_courseversion v ON v.id = t.version_id
    WHERE t.staff_id = e.staff_id AND v.course_id = a.course_id)
FROM courses_enrolment e
JOIN courses_assignment a ON a.id = e.assignment_id
JOIN courses_course co ON co.id = a.course_id
WHERE e.staff_id = %(staff)s
"""


def enrolment_list_for_staff(*, staff: Staff | int, on_date: dt.date) -> list[EnrolmentRow]:
    """The person's courses, one query: current ones by due date, then those whose assignment starts
    after `on_date` (by start date), then the completed ones.

    Progress counts the lessons of the course's current (published) version. An enrolment
    whose person has left the audience is kept only when the course was completed, as
    history; otherwise it is no longer theirs to do. `staff` is the person or their id.
    """
    staff_id = staff if isinstance(staff, int) else staff.pk
    with connection.cursor() as cursor:
        cursor.execute(_ENROLMENTS_SQL, {"published": CourseVersionStatus.PUBLISHED.value, "staff": staff_id})
        fetched = cursor.fetchall()
    date_field = Enrolment._meta.get_field("enrolled_on")
    rows = []
    for (
        pk,
        slug,
        title,
        assignment_slug,
        starts_on,
        due_on,
        left_on,
        version_title,
        total,
        opened,
        next_position,
        completed_on,
        passed,
        attempted,
    ) in fetched:
        completed_on = convert_value(date_field, completed_on)
        if left_on is not None and completed_on is None:
            continue
        row = EnrolmentRow(
            enrolment_id=pk,
            course_slug=slug,
            title=version_title or title or slug,
            assignment_title=title,
            starts_on=convert_value(date_field, starts_on),
            due_on=convert_value(date_field, due_on),
            completed_on=completed_on,
            lessons_total=total or 0,
            lessons_opened=opened or 0,
            quiz_passed=bool(passed),
            attempted=bool(attempted),
            next_lesson_position=next_position,
            on_date=on_date,
        )
        group = 2 if row.is_completed else 1 if row.is_upcoming else 0
        rows.append((group, row.starts_on if group == 1 else row.due_on, row.due_on, assignment_slug, row))
    rows.sort(key=lambda item: item[:4])
    return [row for *_key, row in rows]


@dataclass(frozen=True)
class CourseAccess:
    """A course as a given user may open it: as an enrolled learner, or as the Office previewing."""

    version: CourseVersion
    staff: Staff | None
    is_preview: bool
    due_on: dt.date | None

    @property
    def records_progress(self) -> bool:
        return self.staff is not None and not self.is_preview


@functools.cache
def _access_course_sql(vendor: str) -> str:
    # The current version with its course, the person linked to the account (a LEFT JOIN: at most one,
    # the link is one-to-one) and their due date for the course: the earliest of the assignments they
    # are still in, else of those they left. Only column names from the models' metadata go into the
    # text; every value is a parameter.
    return f"""
SELECT {model_columns(CourseVersion, "v")}, {model_columns(Course, "co")}, {model_columns(Staff, "s")},
  (SELECT a.due_on FROM courses_enrolment e JOIN courses_assignment a ON a.id = e.assignment_id
    WHERE e.staff_id = s.id AND a.course_id = co.id
    ORDER BY CASE WHEN e.left_audience_on IS NULL THEN 0 ELSE 1 END, a.due_on LIMIT 1)
FROM courses_courseversion v
JOIN courses_course co ON co.id = v.course_id
LEFT JOIN orgchart_staff s ON s.user_id = %(user)s
WHERE co.slug = %(slug)s AND v.status = %(published)s
"""  # noqa: S608


def access_course(*, user: User, slug: str) -> CourseAccess:
    """The current version of the course if the user is enrolled in it (or is the Office); otherwise 404.

    Any enrolment counts, also one the person has since left: what they read stays theirs.
    The Office previews without being enrolled, and its reading is not recorded. One query
    (the version, the person and their due date), plus the scope for someone not enrolled.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            _access_course_sql(connection.vendor),
            {
                "user": user.pk if user.is_authenticated else None,
                "slug": slug,
                "published": CourseVersionStatus.PUBLISHED.value,
            },
        )
        row = cursor.fetchone()
    if row is None:
        raise Http404
    version, at = model_from_row(CourseVersion, row)
    version.course, at = model_from_row(Course, row, at)
    staff, at = model_from_row(Staff, row, at) if row[at] is not None else (None, at + len(Staff._meta.concrete_fields))
    due_on = convert_value(Assignment._meta.get_field("due_on"), row[at])
    if staff is not None and due_on is not None:
        return CourseAccess(version=version, staff=staff, is_preview=False, due_on=due_on)
    if scope_for(user=user).everything:
        return CourseAccess(version=version, staff=staff, is_preview=True, due_on=None)
    raise Http404


@dataclass(frozen=True)
class LessonLine:
    position: int
    title: str
    estimated_minutes: int
    is_read: bool


@dataclass(frozen=True)
class CoursePage:
    access: CourseAccess
    lessons: list[LessonLine]
    completion: Completion | None
    quiz_passed: bool

    @property
    def lessons_read(self) -> int:
        return sum(1 for lesson in self.lessons if lesson.is_read)

    @property
    def next_unread(self) -> LessonLine | None:
        return next((lesson for lesson in self.lessons if not lesson.is_read), None)

    @property
    def all_read(self) -> bool:
        return all(lesson.is_read for lesson in self.lessons)


def course_page_get(*, access: CourseAccess) -> CoursePage:
    """Lessons with read markers, the person's completion and whether they passed the quiz (three queries)."""
    staff_id = access.staff.pk if access.records_progress else None
    read = LessonProgress.objects.filter(staff_id=staff_id, lesson_id=OuterRef("pk"))
    lessons = [
        LessonLine(
            position=row["position"],
            title=row["title"],
            estimated_minutes=row["estimated_minutes"],
            is_read=row["is_read"],
        )
        for row in Lesson.objects.filter(version=access.version)
        .annotate(is_read=Exists(read))
        .order_by("position")
        .values("position", "title", "estimated_minutes", "is_read")
    ]
    completion = None
    quiz_passed = False
    if staff_id is not None:
        completion = (
            Completion.objects.filter(staff_id=staff_id, course_id=access.version.course_id)
            .order_by("completed_on", "pk")
            .first()
        )
        quiz_passed = Attempt.objects.filter(
            staff_id=staff_id, version__course_id=access.version.course_id, passed=True
        ).exists()
    return CoursePage(access=access, lessons=lessons, completion=completion, quiz_passed=quiz_passed)


@dataclass(frozen=True)
class LessonNeighbour:
    position: int
    title: str


@dataclass(frozen=True)
class LessonPage:
    access: CourseAccess
    lesson: Lesson
    total: int
    previous: LessonNeighbour | None
    next: LessonNeighbour | None
    # Whether the person had opened this lesson before, and whether they passed this version's quiz
    # without the course's quiz completion being recorded (False for a preview).
    is_read: bool = False
    completion_pending: bool = False


@functools.cache
def _lessons_sql(vendor: str) -> str:
    columns = []
    for field in Lesson._meta.concrete_fields:
        column = f"l.{connection.ops.quote_name(field.column)}"
        if field.name == "body_html":
            column = f"CASE WHEN l.position = %(position)s THEN {column} ELSE '' END"
        columns.append(column)
    # Only column names from the models' metadata go into the text; every value is a parameter.
    return f"""
SELECT {", ".join(columns)},
  EXISTS (SELECT 1 FROM courses_lessonprogress p WHERE p.staff_id = %(staff)s AND p.lesson_id = l.id),
  EXISTS (SELECT 1 FROM quizzes_attempt t WHERE t.staff_id = %(staff)s AND t.version_id = l.version_id AND t.passed)
    AND NOT EXISTS (SELECT 1 FROM courses_completion c
      WHERE c.staff_id = %(staff)s AND c.course_id = %(course)s AND c.evidence = %(quiz)s)
FROM courses_lesson l
WHERE l.version_id = %(version)s
ORDER BY l.position
"""  # noqa: S608


def lesson_page_get(*, access: CourseAccess, position: int) -> LessonPage:
    """The lesson at `position` of the current version and its neighbours (one query); 404 if there is none.

    Every lesson of the version comes in one query, the body (the heavy column) only for the one asked for,
    with whether the person opened it already and has a quiz completion pending.
    """
    params = {
        "position": position,
        "staff": access.staff.pk if access.records_progress else None,
        "version": access.version.pk,
        "course": access.version.course_id,
        "quiz": CompletionEvidence.QUIZ.value,
    }
    with connection.cursor() as cursor:
        cursor.execute(_lessons_sql(connection.vendor), params)
        rows = cursor.fetchall()
    fields = Lesson._meta.concrete_fields
    position_at, title_at = (
        fields.index(Lesson._meta.get_field("position")),
        fields.index(Lesson._meta.get_field("title")),
    )
    positions = [row[position_at] for row in rows]
    if position not in positions:
        raise Http404
    index = positions.index(position)
    lesson, at = model_from_row(Lesson, rows[index])
    lesson.version = access.version
    is_read, pending = bool(rows[index][at]), bool(rows[index][at + 1])

    def neighbour(row: Sequence[Any]) -> LessonNeighbour:
        return LessonNeighbour(row[position_at], row[title_at])

    return LessonPage(
        access=access,
        lesson=lesson,
        total=len(rows),
        previous=neighbour(rows[index - 1]) if index > 0 else None,
        next=neighbour(rows[index + 1]) if index + 1 < len(rows) else None,
        is_read=is_read,
        completion_pending=pending,
    )


# --- reminders ---------------------------------------------------------------------------------------


def _current_title() -> Subquery:
    return Subquery(
        CourseVersion.objects.filter(
            course_id=OuterRef("assignment__course_id"), status=CourseVersionStatus.PUBLISHED
        ).values("title")[:1]
    )


def enrolment_list_to_remind(*, on_date: dt.date) -> QuerySet[Enrolment]:
    """Enrolments still in the audience on `on_date`, started, and not completed by any means."""
    return Enrolment.objects.filter(
        Q(left_audience_on__isnull=True) | Q(left_audience_on__gt=on_date),
        enrolled_on__lte=on_date,
        assignment__starts_on__lte=on_date,
    ).exclude(
        Exists(Completion.objects.filter(staff_id=OuterRef("staff_id"), course_id=OuterRef("assignment__course_id")))
    )


def enrolment_list_overdue_in_units(*, unit_paths: list[str], on_date: dt.date) -> QuerySet[Enrolment]:
    """Overdue, unfinished enrolments of the people whose unit on `on_date` is inside `unit_paths`.

    A person counts in the unit they belong to on that date, like the coverage figures:
    someone who moved to another unit is that unit head's, not their former head's.
    """
    unit_on_date = Membership.objects.filter(active_on_q(on_date), staff_id=OuterRef("staff_id")).order_by(
        "-valid_from"
    )
    return (
        enrolment_list_to_remind(on_date=on_date)
        .filter(assignment__due_on__lt=on_date)
        .annotate(
            unit_path=Subquery(unit_on_date.values("unit__path")[:1]),
            unit_name=Subquery(unit_on_date.values("unit__name")[:1]),
            course_title=_current_title(),
        )
        # The scoping helper's prefix match, on the annotated path ("unit_" + "path__startswith").
        .filter(within_units_q(unit_paths, prefix="unit_"))
        .select_related("staff", "assignment__course")
        .order_by("unit_path", "staff__sort_key", "staff__code", "assignment__due_on")
    )
