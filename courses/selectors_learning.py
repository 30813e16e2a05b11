"""Reads about learning: "my courses", a course page, a lesson page, and who is due a reminder.

Every list here is one query whatever the number of enrolments, lessons or completions:
the per-enrolment figures are correlated subqueries, not queries per row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from courses.models import (
    Completion,
    CourseVersion,
    CourseVersionStatus,
    Enrolment,
    Lesson,
    LessonProgress,
)
from orgchart.models import Membership, Staff
from orgchart.selectors import _active_on, _within_units, scope_for
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
    def is_overdue(self) -> bool:
        return not self.is_completed and self.due_on < self.on_date


def staff_for_user(*, user: User) -> Staff | None:
    """The roster entry linked to the account, or None (an Office account may have none)."""
    if not user.is_authenticated:
        return None
    return Staff.objects.filter(user=user).first()


def _published(prefix: str) -> Q:
    return Q(**{f"{prefix}status": CourseVersionStatus.PUBLISHED})


def _flag(condition: Q) -> ExpressionWrapper:
    return ExpressionWrapper(condition, output_field=BooleanField())


def enrolment_list_for_staff(*, staff: Staff, on_date: dt.date) -> list[EnrolmentRow]:
    """The person's courses, one query: unfinished first by due date, then the completed ones.

    Progress counts the lessons of the course's current (published) version. An enrolment
    whose person has left the audience is kept only when the course was completed, as
    history; otherwise it is no longer theirs to do.
    """
    course = OuterRef("assignment__course_id")
    current = CourseVersion.objects.filter(_published(""), course_id=course)
    lessons_total = (
        Lesson.objects.filter(_published("version__"), version__course_id=course)
        .order_by()
        .values("version_id")
        .annotate(total=Count("pk"))
        .values("total")
    )
    lessons_opened = (
        LessonProgress.objects.filter(
            _published("lesson__version__"), staff_id=OuterRef("staff_id"), lesson__version__course_id=course
        )
        .order_by()
        .values("staff_id")
        .annotate(opened=Count("pk"))
        .values("opened")
    )
    unread = (
        Lesson.objects.filter(_published("version__"), version__course_id=course)
        .exclude(
            Exists(LessonProgress.objects.filter(staff_id=OuterRef(OuterRef("staff_id")), lesson_id=OuterRef("pk")))
        )
        .order_by("position")
        .values("position")
    )
    first_completion = (
        Completion.objects.filter(staff_id=OuterRef("staff_id"), course_id=course)
        .order_by("completed_on")
        .values("completed_on")
    )
    attempts = Attempt.objects.filter(staff_id=OuterRef("staff_id"), version__course_id=course)
    rows = (
        Enrolment.objects.filter(staff=staff)
        .annotate(
            version_title=Subquery(current.values("title")[:1]),
            lessons_total=Coalesce(Subquery(lessons_total[:1], output_field=IntegerField()), 0),
            lessons_opened=Coalesce(Subquery(lessons_opened[:1], output_field=IntegerField()), 0),
            next_lesson_position=Subquery(unread[:1]),
            completed_on=Subquery(first_completion[:1]),
            quiz_passed=Exists(attempts.filter(passed=True)),
            attempted=Exists(attempts),
        )
        .filter(Q(left_audience_on__isnull=True) | Q(completed_on__isnull=False))
        .order_by(_flag(Q(completed_on__isnull=False)), "assignment__due_on", "assignment__slug")
        .values(
            "pk",
            "assignment__course__slug",
            "assignment__title",
            "assignment__starts_on",
            "assignment__due_on",
            "version_title",
            "lessons_total",
            "lessons_opened",
            "next_lesson_position",
            "completed_on",
            "quiz_passed",
            "attempted",
        )
    )
    return [
        EnrolmentRow(
            enrolment_id=row["pk"],
            course_slug=row["assignment__course__slug"],
            title=row["version_title"] or row["assignment__title"] or row["assignment__course__slug"],
            assignment_title=row["assignment__title"],
            starts_on=row["assignment__starts_on"],
            due_on=row["assignment__due_on"],
            completed_on=row["completed_on"],
            lessons_total=row["lessons_total"],
            lessons_opened=row["lessons_opened"],
            quiz_passed=row["quiz_passed"],
            attempted=row["attempted"],
            next_lesson_position=row["next_lesson_position"],
            on_date=on_date,
        )
        for row in rows
    ]


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


def access_course(*, user: User, slug: str) -> CourseAccess:
    """The current version of the course if the user is enrolled in it (or is the Office); otherwise 404.

    Any enrolment counts, also one the person has since left: what they read stays theirs.
    The Office previews without being enrolled, and its reading is not recorded.
    """
    version = CourseVersion.objects.select_related("course").filter(_published(""), course__slug=slug).first()
    if version is None:
        raise Http404
    # The person and their due date for this course in one query (the earliest of the assignments
    # they are still in, else of those they left).
    due_on = (
        Enrolment.objects.filter(staff_id=OuterRef("pk"), assignment__course_id=version.course_id)
        .order_by(_flag(Q(left_audience_on__isnull=True)).desc(), "assignment__due_on")
        .values("assignment__due_on")[:1]
    )
    staff = (
        Staff.objects.filter(user=user).annotate(course_due_on=Subquery(due_on)).first()
        if user.is_authenticated
        else None
    )
    due_dates = [staff.course_due_on] if staff is not None and staff.course_due_on is not None else []
    if due_dates:
        return CourseAccess(version=version, staff=staff, is_preview=False, due_on=due_dates[0])
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


def lesson_page_get(*, access: CourseAccess, position: int) -> LessonPage:
    """The lesson at `position` of the current version and its neighbours (one query); 404 if there is none.

    Every lesson of the version comes in one query, the body (the heavy column) only for the one asked for.
    """
    lessons = list(
        Lesson.objects.filter(version=access.version)
        .defer("body_html")
        .annotate(
            current_body=Case(
                When(position=position, then=F("body_html")), default=Value(""), output_field=models.TextField()
            )
        )
        .order_by("position")
    )
    positions = [lesson.position for lesson in lessons]
    if position not in positions:
        raise Http404
    index = positions.index(position)
    lesson = lessons[index]
    lesson.body_html = lesson.current_body
    lesson.version = access.version
    return LessonPage(
        access=access,
        lesson=lesson,
        total=len(lessons),
        previous=LessonNeighbour(lessons[index - 1].position, lessons[index - 1].title) if index > 0 else None,
        next=(
            LessonNeighbour(lessons[index + 1].position, lessons[index + 1].title) if index + 1 < len(lessons) else None
        ),
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
    unit_on_date = Membership.objects.filter(_active_on(on_date), staff_id=OuterRef("staff_id")).order_by("-valid_from")
    return (
        enrolment_list_to_remind(on_date=on_date)
        .filter(assignment__due_on__lt=on_date)
        .annotate(
            unit_path=Subquery(unit_on_date.values("unit__path")[:1]),
            unit_name=Subquery(unit_on_date.values("unit__name")[:1]),
            course_title=_current_title(),
        )
        # The scoping helper's prefix match, on the annotated path ("unit_" + "path__startswith").
        .filter(_within_units(unit_paths, prefix="unit_"))
        .select_related("staff", "assignment__course")
        .order_by("unit_path", "staff__sort_key", "staff__code", "assignment__due_on")
    )
