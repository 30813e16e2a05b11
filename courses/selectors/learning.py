"""Reads about learning: "my courses", a course page, a lesson page, and who is due a reminder.

Every list here is one query whatever the number of enrolments, lessons or completions:
the per-enrolment figures are correlated subqueries, not queries per row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.db import models
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import is_office
from courses.models import (
    Completion,
    CompletionEvidence,
    Course,
    CourseVersion,
    CourseVersionStatus,
    Enrolment,
    Lesson,
    LessonProgress,
)
from courses.rules import attempts_allowed, attempts_granted_subquery, enrolment_due_on_expression, is_locked_out
from courses.selectors.completions import completion_accepted_q, completions_counting
from orgchart.models import Membership, Staff
from orgchart.queries import active_on_q, within_units_q


class LearningStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    STUDYING = "studying", _("Studying")  # lessons read (or attempts closed), no attempt open
    TAKING_QUIZ = "taking_quiz", _("Taking the quiz")  # an attempt is open
    LOCKED_OUT = "locked_out", _("Out of attempts")  # courses.rules.is_locked_out
    COMPLETED = "completed", _("Completed")


def learning_status(*, completed: bool, attempt_open: bool, locked_out: bool, started: bool) -> LearningStatus:
    """A course's status for the learner, in this order: completed, taking the quiz, out of attempts, studying
    (`started`), not started. My courses and the course page both ask it."""
    if completed:
        return LearningStatus.COMPLETED
    if attempt_open:
        return LearningStatus.TAKING_QUIZ
    if locked_out:
        return LearningStatus.LOCKED_OUT
    if started:
        return LearningStatus.STUDYING
    return LearningStatus.NOT_STARTED


@dataclass(frozen=True)
class AssignmentLine:
    """One of the assignments behind a line of "my courses" (the same course may be assigned more than once)."""

    title: str
    starts_on: dt.date
    due_on: dt.date


@dataclass(frozen=True)
class EnrolmentRow:
    """One line of "my courses": a course, with the earliest open due date of the assignments behind it."""

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
    attempt_open: bool = False
    locked_out: bool = False
    certificate_code: str | None = None  # the person's valid certificate of the course
    assignments: tuple[AssignmentLine, ...] = ()

    @property
    def is_completed(self) -> bool:
        return self.completed_on is not None

    @property
    def status(self) -> LearningStatus:
        return learning_status(
            completed=self.is_completed,
            attempt_open=self.attempt_open,
            locked_out=self.locked_out,
            started=bool(self.lessons_opened or self.attempted),
        )

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


def _published(prefix: str = "") -> Q:
    return Q(**{f"{prefix}status": CourseVersionStatus.PUBLISHED})


def _quiz_attempted(course: OuterRef, *, staff: OuterRef | int | None = None, **attempt: object) -> Exists:
    """Whether the person (default: the enrolment's) has an attempt (with `attempt`'s conditions) at a version
    of the course.

    Through the versions' `attempts` relation: the quiz app sits above courses, its models are not
    imported here. One `filter()` call, so that every condition holds for the same attempt.
    """
    conditions = {f"attempts__{name}": value for name, value in attempt.items()}
    staff = OuterRef("staff_id") if staff is None else staff
    return Exists(CourseVersion.objects.filter(course_id=course, attempts__staff_id=staff, **conditions))


def enrolment_list_for_staff(*, staff: Staff | int, on_date: dt.date) -> list[EnrolmentRow]:
    """The person's courses (`staff`: the person or their id); see `enrolment_list_for_user`."""
    return _enrolment_rows(Enrolment.objects.filter(staff=staff), on_date=on_date)


def enrolment_list_for_user(*, user: User, on_date: dt.date) -> list[EnrolmentRow]:
    """The courses of the person linked to the account (none without one), one query: current ones by
    due date, then those whose assignment starts after `on_date` (by start date), then the completed ones.

    Progress counts the lessons of the course's current (published) version. An enrolment
    whose person has left the audience is kept only when the course was completed, as
    history; otherwise it is no longer theirs to do.
    """
    return _enrolment_rows(Enrolment.objects.filter(staff__user_id=user.pk), on_date=on_date)


def _enrolment_rows(enrolments: QuerySet[Enrolment], *, on_date: dt.date) -> list[EnrolmentRow]:
    """`enrolment_list_for_user`'s rows for `enrolments`, in its order, in one query.

    Per enrolment: the current version's title, its lesson count, the lessons of it the person
    opened, the first of it they have not, their first completion of the course, and whether they
    passed or attempted its quiz (any version): correlated subqueries, not queries per row.
    """
    course = OuterRef("assignment__course_id")
    current_lessons = Lesson.objects.filter(_published("version__"), version__course_id=course)
    lessons_total = current_lessons.order_by().values("version__course_id").annotate(total=Count("pk")).values("total")
    lessons_opened = (
        LessonProgress.objects.filter(
            _published("lesson__version__"), staff_id=OuterRef("staff_id"), lesson__version__course_id=course
        )
        .order_by()
        .values("staff_id")
        .annotate(opened=Count("pk"))
        .values("opened")
    )
    unread = current_lessons.exclude(
        Exists(LessonProgress.objects.filter(staff_id=OuterRef(OuterRef("staff_id")), lesson_id=OuterRef("pk")))
    ).order_by("position")
    # The first completion that counts toward this assignment (the same rule as the coverage reports).
    first_completion = (
        completions_counting(course_id=course, completions_from=OuterRef("assignment__completions_from"))
        .filter(staff_id=OuterRef("staff_id"))
        .order_by("completed_on")
        .values("completed_on")
    )
    # The attempts at the current version ("in_progress" is quizzes' AttemptStatus.IN_PROGRESS: the quiz
    # app sits above this one and is reached through the relation it registers).
    attempts_used = (
        CourseVersion.objects.filter(_published(), course_id=course, attempts__staff_id=OuterRef("staff_id"))
        .order_by()
        .values("course_id")
        .annotate(used=Count("attempts"))
        .values("used")
    )
    # A valid certificate, through the relation the certificates app registers ("valid": its CertificateStatus).
    certificate = Course.objects.filter(
        pk=course, certificates__staff_id=OuterRef("staff_id"), certificates__status="valid"
    ).values("certificates__code")
    fetched = (
        enrolments.annotate(
            version_title=Subquery(CourseVersion.objects.filter(_published(), course_id=course).values("title")[:1]),
            lessons_total=Coalesce(Subquery(lessons_total[:1], output_field=IntegerField()), 0),
            lessons_opened=Coalesce(Subquery(lessons_opened[:1], output_field=IntegerField()), 0),
            next_lesson_position=Subquery(unread.values("position")[:1]),
            completed_on=Subquery(first_completion[:1]),
            quiz_passed=_quiz_attempted(course, passed=True),
            attempted=_quiz_attempted(course),
            attempt_open=_quiz_attempted(course, status="in_progress"),
            attempts_used=Coalesce(Subquery(attempts_used[:1], output_field=IntegerField()), 0),
            max_attempts=Subquery(
                CourseVersion.objects.filter(_published(), course_id=course).values("max_attempts")[:1]
            ),
            granted=attempts_granted_subquery(staff=OuterRef("staff_id"), course=course),
            certificate_code=Subquery(certificate[:1]),
            own_due_on=enrolment_due_on_expression(),
        )
        .filter(Q(left_audience_on__isnull=True) | Q(completed_on__isnull=False))
        .values_list(
            "pk",
            "assignment__course__slug",
            "assignment__title",
            "assignment__slug",
            "assignment__starts_on",
            "own_due_on",
            "version_title",
            "lessons_total",
            "lessons_opened",
            "next_lesson_position",
            "completed_on",
            "quiz_passed",
            "attempted",
            "attempt_open",
            "attempts_used",
            "max_attempts",
            "granted",
            "certificate_code",
        )
    )
    rows = []
    for (
        pk,
        slug,
        title,
        assignment_slug,
        starts_on,
        due_on,
        version_title,
        total,
        opened,
        next_position,
        completed_on,
        passed,
        attempted,
        attempt_open,
        used,
        max_attempts,
        granted,
        certificate_code,
    ) in fetched:
        row = EnrolmentRow(
            enrolment_id=pk,
            course_slug=slug,
            title=version_title or title or slug,
            assignment_title=title,
            starts_on=starts_on,
            due_on=due_on,
            completed_on=completed_on,
            lessons_total=total,
            lessons_opened=opened,
            quiz_passed=passed,
            attempted=attempted,
            next_lesson_position=next_position,
            on_date=on_date,
            attempt_open=attempt_open,
            locked_out=max_attempts is not None
            and is_locked_out(
                passed=passed,
                in_progress=attempt_open,
                used=used,
                allowed=attempts_allowed(max_attempts=max_attempts, granted=granted),
            ),
            certificate_code=certificate_code,
            assignments=(AssignmentLine(title=title or assignment_slug, starts_on=starts_on, due_on=due_on),),
        )
        group = 2 if row.is_completed else 1 if row.is_upcoming else 0
        rows.append((group, row.starts_on if group == 1 else row.due_on, row.due_on, assignment_slug, row))
    rows.sort(key=lambda item: item[:4])
    return _one_line_per_course([row for *_key, row in rows])


def _one_line_per_course(rows: list[EnrolmentRow]) -> list[EnrolmentRow]:
    """The first line of each course (the earliest open due date, by the order of `rows`), carrying every
    assignment of the course behind it, due dates in order."""
    lines: dict[str, EnrolmentRow] = {}
    behind: dict[str, list[AssignmentLine]] = {}
    for row in rows:
        lines.setdefault(row.course_slug, row)
        behind.setdefault(row.course_slug, []).extend(row.assignments)
    return [
        replace(line, assignments=tuple(sorted(behind[slug], key=lambda a: (a.due_on, a.starts_on, a.title))))
        for slug, line in lines.items()
    ]


@dataclass(frozen=True)
class CourseAccess:
    """A course as a given user may open it: as an enrolled learner, or as the Office previewing.

    `staff_id` is the person linked to the account (None without one); the page that writes for them
    (a lesson's first reading) takes the person from the signed-in user (`request.user.staff`, read
    with the account by `accounts.backends`).
    """

    version: CourseVersion
    staff_id: int | None
    is_preview: bool
    due_on: dt.date | None
    # The same assignment's completions-from date: an earlier completion does not complete it (issue 11).
    completions_from: dt.date | None = None

    @property
    def records_progress(self) -> bool:
        return self.staff_id is not None and not self.is_preview


def access_course(*, user: User, slug: str) -> CourseAccess:
    """The current version of the course if the user is enrolled in it (or is the Office); otherwise 404.

    Any enrolment counts, also one the person has since left: what they read stays theirs.
    The Office previews without being enrolled, and its reading is not recorded. One query (the
    version with its course, the id of the person linked to the account and their due date for the
    course: the earliest of the assignments they are still in, else of those they left), plus the
    scope for someone not enrolled.
    """
    if not user.is_authenticated:
        raise Http404
    enrolment = (
        Enrolment.objects.filter(staff__user_id=user.pk, assignment__course_id=OuterRef("course_id"))
        .annotate(own_due_on=enrolment_due_on_expression())
        .order_by(_left_last(), "own_due_on")
    )
    due_on = enrolment.values("own_due_on")[:1]
    version = (
        CourseVersion.objects.select_related("course")
        .filter(_published(), course__slug=slug)
        .annotate(
            learner_staff_id=Subquery(Staff.objects.filter(user_id=user.pk).values("pk")[:1]),
            learner_due_on=Subquery(due_on),
            learner_completions_from=Subquery(enrolment.values("assignment__completions_from")[:1]),
        )
        .first()
    )
    if version is None:
        raise Http404
    staff_id, due_on = version.learner_staff_id, version.learner_due_on
    if staff_id is not None and due_on is not None:
        return CourseAccess(
            version=version,
            staff_id=staff_id,
            is_preview=False,
            due_on=due_on,
            completions_from=version.learner_completions_from,
        )
    if is_office(user):
        return CourseAccess(version=version, staff_id=staff_id, is_preview=True, due_on=None)
    raise Http404


def _left_last() -> Case:
    """Enrolments still in the audience before those left (for ordering)."""
    return Case(When(left_audience_on__isnull=True, then=Value(0)), default=Value(1))


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
    attempt_open: bool = False
    locked_out: bool = False

    @property
    def status(self) -> LearningStatus:
        """As on my courses (`learning_status`)."""
        return learning_status(
            completed=self.completion is not None,
            attempt_open=self.attempt_open,
            locked_out=self.locked_out,
            started=bool(self.lessons_read or self.quiz_passed),
        )

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
    staff_id = access.staff_id if access.records_progress else None
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
        if access.completions_from is not None:
            # As "my courses" and the reports: the completion that counts toward the learner's assignment.
            completions = completions_counting(
                course_id=access.version.course_id, completions_from=access.completions_from
            )
        else:
            completions = Completion.objects.filter(completion_accepted_q(), course_id=access.version.course_id)
        completion = completions.filter(staff_id=staff_id).order_by("completed_on", "pk").first()
        # The quiz in one query: a pass at any version, an open attempt, the attempts used at this version and
        # the Office's grants ("in_progress": quizzes' AttemptStatus, reached through the relation it registers).
        used = (
            CourseVersion.objects.filter(pk=OuterRef("pk"), attempts__staff_id=staff_id)
            .order_by()
            .values("pk")
            .annotate(used=Count("attempts"))
            .values("used")
        )
        quiz_passed, attempt_open, used, granted = (
            CourseVersion.objects.filter(pk=access.version.pk)
            .annotate(
                passed_any=_quiz_attempted(OuterRef("course_id"), staff=staff_id, passed=True),
                open_any=_quiz_attempted(OuterRef("course_id"), staff=staff_id, status="in_progress"),
                used=Coalesce(Subquery(used[:1], output_field=IntegerField()), 0),
                granted=attempts_granted_subquery(staff=staff_id, course=OuterRef("course_id")),
            )
            .values_list("passed_any", "open_any", "used", "granted")
            .get()
        )
        locked_out = is_locked_out(
            passed=quiz_passed,
            in_progress=attempt_open,
            used=used,
            allowed=attempts_allowed(max_attempts=access.version.max_attempts, granted=granted),
        )
        return CoursePage(
            access=access,
            lessons=lessons,
            completion=completion,
            quiz_passed=quiz_passed,
            attempt_open=attempt_open,
            locked_out=locked_out,
        )
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


def lesson_page_get(*, access: CourseAccess, position: int) -> LessonPage:
    """The lesson at `position` of the current version and its neighbours (one query); 404 if there is none.

    Every lesson of the version comes in one query, the body (the heavy column) only for the one asked for,
    with whether the person opened it already and has a quiz completion pending.
    """
    staff_id = access.staff_id if access.records_progress else None
    passed = CourseVersion.objects.filter(pk=OuterRef("version_id"), attempts__staff_id=staff_id, attempts__passed=True)
    completed = Completion.objects.filter(
        staff_id=staff_id, course_id=access.version.course_id, evidence=CompletionEvidence.QUIZ
    )
    lessons = list(
        Lesson.objects.filter(version=access.version)
        .defer("body_html")
        .annotate(
            current_body=Case(
                When(position=position, then=F("body_html")), default=Value(""), output_field=models.TextField()
            ),
            is_read=Exists(LessonProgress.objects.filter(staff_id=staff_id, lesson_id=OuterRef("pk"))),
            quiz_passed=Exists(passed),
            quiz_completed=Exists(completed),
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

    def neighbour(other: Lesson) -> LessonNeighbour:
        return LessonNeighbour(other.position, other.title)

    return LessonPage(
        access=access,
        lesson=lesson,
        total=len(lessons),
        previous=neighbour(lessons[index - 1]) if index > 0 else None,
        next=neighbour(lessons[index + 1]) if index + 1 < len(lessons) else None,
        is_read=lesson.is_read,
        completion_pending=lesson.quiz_passed and not lesson.quiz_completed,
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
        Exists(
            completions_counting(
                course_id=OuterRef("assignment__course_id"), completions_from=OuterRef("assignment__completions_from")
            ).filter(staff_id=OuterRef("staff_id"))
        )
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
        .annotate(own_due_on=enrolment_due_on_expression())
        .filter(own_due_on__lt=on_date)
        .annotate(
            unit_path=Subquery(unit_on_date.values("unit__path")[:1]),
            unit_name=Subquery(unit_on_date.values("unit__name")[:1]),
            course_title=_current_title(),
        )
        # The scoping helper's prefix match, on the annotated path ("unit_" + "path__startswith").
        .filter(within_units_q(unit_paths, prefix="unit_"))
        .select_related("staff", "assignment__course")
        .order_by("unit_path", "staff__sort_key", "staff__code", "own_due_on")
    )


def lesson_files_get(*, access: CourseAccess, position: int) -> Lesson:
    """The lesson at `position` of the version the user may open, with its file fields only; 404 if there is none."""
    lesson = (
        Lesson.objects.filter(version=access.version, position=position)
        .only("pk", "position", "attachment", "video_file")
        .first()
    )
    if lesson is None:
        raise Http404
    return lesson
