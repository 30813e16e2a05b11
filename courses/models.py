"""Courses and their published versions.

A `Course` is only a stable identity (its slug). Everything a learner reads or is
tested on lives in a numbered `CourseVersion`; once a version is published it never
changes, because people's progress and completions point at the version they took.
Editing a course means copying the current version into a draft, changing the draft
and publishing it, which retires the previous one (`courses.services`).
"""

from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.dates import format_date
from core.files import RandomisedUploadTo
from courses.sanitize import VIDEO_EXTENSIONS, validate_pdf_content, validate_video_content

SLUG_MAX_LENGTH = 50
TITLE_MAX_LENGTH = 255


class CourseVersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class ReviewPolicy(models.TextChoices):
    """What a learner sees when reviewing a closed quiz attempt; each level adds to the previous one."""

    NONE = "none", _("No review: the score only")
    SCORE = "score", _("The score and which questions were right or wrong")
    ANSWERS = "answers", _("Also the correct options")
    EXPLANATIONS = "explanations", _("Also the explanations")


class Course(models.Model):
    slug = models.SlugField(_("slug"), max_length=SLUG_MAX_LENGTH, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.slug


class CourseVersion(models.Model):
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="versions", verbose_name=_("course"))
    number = models.PositiveIntegerField(_("version number"))
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    description = models.TextField(_("description"), blank=True)
    estimated_minutes = models.PositiveSmallIntegerField(_("estimated minutes"), validators=[MinValueValidator(1)])
    status = models.CharField(
        _("status"), max_length=16, choices=CourseVersionStatus.choices, default=CourseVersionStatus.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    pass_percent = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=80, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    questions_per_attempt = models.PositiveSmallIntegerField(
        _("questions per attempt"), default=10, validators=[MinValueValidator(1)]
    )
    max_attempts = models.PositiveSmallIntegerField(_("maximum attempts"), default=3, validators=[MinValueValidator(1)])
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"), default=20, validators=[MinValueValidator(1)]
    )
    requires_all_lessons = models.BooleanField(
        _("requires every lesson to be opened"),
        default=False,
        help_text=_("When set, passing the quiz completes the course only after every lesson has been opened."),
    )
    review_policy = models.CharField(
        _("review after the quiz"),
        max_length=16,
        choices=ReviewPolicy.choices,
        default=ReviewPolicy.EXPLANATIONS,
        # Also the column's default, for the bulk writers that insert rows with plain SQL (demo.province).
        db_default=ReviewPolicy.EXPLANATIONS.value,
        help_text=_("What a learner may see about a closed attempt."),
    )
    review_when_final = models.BooleanField(
        _("review only after the last attempt"),
        default=False,
        db_default=False,
        help_text=_(
            "When set, a learner may review their attempts only once they have passed or used every attempt allowed."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("course version")
        verbose_name_plural = _("course versions")
        ordering = ["course_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["course", "number"], name="course_version_number_unique"),
            models.UniqueConstraint(
                fields=["course"],
                condition=Q(status=CourseVersionStatus.PUBLISHED),
                name="course_version_one_published",
            ),
            models.UniqueConstraint(
                fields=["course"], condition=Q(status=CourseVersionStatus.DRAFT), name="course_version_one_draft"
            ),
            models.CheckConstraint(
                condition=Q(status__in=CourseVersionStatus.values), name="course_version_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=CourseVersionStatus.DRAFT) | Q(published_at__isnull=False),
                name="course_version_published_at_set",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="course_version_number_positive"),
            models.CheckConstraint(condition=Q(estimated_minutes__gte=1), name="course_version_minutes_positive"),
            models.CheckConstraint(
                condition=Q(pass_percent__gte=1, pass_percent__lte=100), name="course_version_pass_percent_range"
            ),
            models.CheckConstraint(
                condition=Q(questions_per_attempt__gte=1), name="course_version_questions_per_attempt_positive"
            ),
            models.CheckConstraint(condition=Q(max_attempts__gte=1), name="course_version_max_attempts_positive"),
            models.CheckConstraint(condition=Q(time_limit_minutes__gte=1), name="course_version_time_limit_positive"),
            models.CheckConstraint(
                condition=Q(review_policy__in=ReviewPolicy.values), name="course_version_review_policy_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"

    @property
    def is_editable(self) -> bool:
        return self.status == CourseVersionStatus.DRAFT


class Lesson(models.Model):
    version = models.ForeignKey(
        CourseVersion, on_delete=models.CASCADE, related_name="lessons", verbose_name=_("course version")
    )
    position = models.PositiveSmallIntegerField(_("position"), validators=[MinValueValidator(1)])
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    # Always sanitised by `courses.sanitize.sanitize_html` before it is stored (see the services).
    body_html = models.TextField(_("content"))
    attachment = models.FileField(
        _("PDF attachment"),
        upload_to=RandomisedUploadTo("courses/attachments/%Y/%m/"),
        blank=True,
        validators=[FileExtensionValidator(["pdf"]), validate_pdf_content],
    )
    video_file = models.FileField(
        _("video file"),
        upload_to=RandomisedUploadTo("courses/videos/%Y/%m/"),
        blank=True,
        validators=[FileExtensionValidator(VIDEO_EXTENSIONS), validate_video_content],
    )
    video_url = models.URLField(
        _("video link"), blank=True, validators=[URLValidator(schemes=["https"])], help_text=_("https:// only.")
    )
    estimated_minutes = models.PositiveSmallIntegerField(
        _("estimated minutes"), default=10, validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        ordering = ["version_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="lesson_position_unique"),
            models.CheckConstraint(condition=Q(position__gte=1), name="lesson_position_positive"),
            models.CheckConstraint(condition=Q(estimated_minutes__gte=1), name="lesson_minutes_positive"),
            models.CheckConstraint(condition=Q(video_file="") | Q(video_url=""), name="lesson_one_video_source"),
            models.CheckConstraint(
                condition=Q(video_url="") | Q(video_url__startswith="https://"), name="lesson_video_url_https"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class Assignment(models.Model):
    """A rule, not a list: the course is given to everyone who matches the audience, now and later.

    The audience is the union of its unit rules (a unit, with or without its sub-units,
    narrowed by `categories` and `communications_only`) and its named people. Who is in
    it on a date is answered from the effective-dated memberships
    (`courses.selectors.audience.audience_memberships_on`); `Enrolment` rows record who has been
    given the course, for "my courses" and reminders, and are never deleted.
    """

    slug = models.SlugField(_("code"), max_length=SLUG_MAX_LENGTH, unique=True)
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH, blank=True)
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("course"))
    starts_on = models.DateField(_("start date"))
    due_on = models.DateField(_("due date"))
    due_days = models.PositiveSmallIntegerField(
        _("days to complete after joining"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_(
            "For someone who joins the audience after the start date: due this many days after joining "
            "(never before the due date above). Empty: everyone has the due date above."
        ),
    )
    # StaffCategory values; empty means every category.
    categories = models.JSONField(_("staff categories"), default=list, blank=True)
    communications_only = models.BooleanField(_("communications staff only"), default=False)
    # Completions dated earlier do not count toward this assignment (DESIGN.md rule 4); the start by default.
    completions_from = models.DateField(
        _("completions count from"),
        blank=True,
        help_text=_("A completion dated before this day does not count toward the assignment."),
    )
    created_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["-starts_on", "slug"]
        constraints = [
            models.CheckConstraint(condition=Q(due_on__gte=models.F("starts_on")), name="assignment_due_after_start"),
            models.CheckConstraint(
                condition=Q(completions_from__lte=models.F("due_on")), name="assignment_completions_from_before_due"
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.slug


class AssignmentUnit(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="audience_units")
    unit = models.ForeignKey("orgchart.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    include_descendants = models.BooleanField(_("with its sub-units"), default=True)

    class Meta:
        verbose_name = _("audience unit")
        verbose_name_plural = _("audience units")
        constraints = [models.UniqueConstraint(fields=["assignment", "unit"], name="assignment_unit_unique")]

    def __str__(self) -> str:
        return f"{self.unit_id}{'+' if self.include_descendants else ''}"


class AssignmentPerson(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="audience_people")
    staff = models.ForeignKey("orgchart.Staff", on_delete=models.PROTECT, related_name="+", verbose_name=_("person"))

    class Meta:
        verbose_name = _("named person")
        verbose_name_plural = _("named people")
        constraints = [models.UniqueConstraint(fields=["assignment", "staff"], name="assignment_person_unique")]

    def __str__(self) -> str:
        return str(self.staff_id)


class Enrolment(models.Model):
    """Staff member X was given assignment A on `enrolled_on`; kept when they leave the audience."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("assignment")
    )
    staff = models.ForeignKey(
        "orgchart.Staff", on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("person")
    )
    enrolled_on = models.DateField(_("enrolled on"))
    # The person's own due date when it is not the assignment's: a late joiner's, from `Assignment.due_days`
    # (`courses.rules.enrolment_due_on_for`); read through `courses.rules.enrolment_due_on_expression`.
    due_on = models.DateField(_("own due date"), null=True, blank=True)
    # Enrolled by the enrolment sync after the assignment was made, on the day they joined the audience: only
    # they can be late joiners. Those enrolled with the assignment were in its audience when it was made (often
    # after its start): their `enrolled_on` is the day it was made, and the assignment's due date is theirs.
    joined_after_creation = models.BooleanField(
        _("joined after the assignment was made"), default=False, db_default=False
    )
    # Set when the person moves out of the audience (or leaves); cleared if they come back.
    left_audience_on = models.DateField(_("left the audience on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [models.UniqueConstraint(fields=["assignment", "staff"], name="enrolment_unique")]
        indexes = [models.Index(fields=["staff", "assignment"], name="enrolment_staff_idx")]

    def __str__(self) -> str:
        return f"{self.staff_id} ← {self.assignment_id}"


class AttemptGrant(models.Model):
    """Extra quiz attempts the Office granted a person for a course, with the reason: a record, never edited.

    The attempts a person may use at a course's version are the version's `max_attempts` plus every
    grant of the course (`courses.rules.attempts_allowed`).
    """

    staff = models.ForeignKey(
        "orgchart.Staff", on_delete=models.PROTECT, related_name="attempt_grants", verbose_name=_("person")
    )
    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="attempt_grants", verbose_name=_("course")
    )
    extra_attempts = models.PositiveSmallIntegerField(
        _("extra attempts"), default=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("extra quiz attempt")
        verbose_name_plural = _("extra quiz attempts")
        ordering = ["-granted_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(extra_attempts__gte=1, extra_attempts__lte=10), name="attempt_grant_extra_range"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="attempt_grant_reason_not_empty"),
        ]
        indexes = [models.Index(fields=["staff", "course"], name="attempt_grant_staff_course_idx")]

    def __str__(self) -> str:
        return f"{self.staff_id} +{self.extra_attempts} {self.course_id}"


class LessonProgress(models.Model):
    """The first time a person opened a lesson (reading is recorded once)."""

    staff = models.ForeignKey("orgchart.Staff", on_delete=models.CASCADE, related_name="lesson_progress")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    first_opened_at = models.DateTimeField(_("first opened at"), auto_now_add=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [models.UniqueConstraint(fields=["staff", "lesson"], name="lesson_progress_unique")]

    def __str__(self) -> str:
        return f"{self.staff_id} read {self.lesson_id}"


class InPersonSession(models.Model):
    """An in-person briefing (hội nghị quán triệt); those present complete the course on `held_on`."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("course"))
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    held_on = models.DateField(_("date"))
    recorded_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("in-person session")
        verbose_name_plural = _("in-person sessions")
        constraints = [
            models.UniqueConstraint(fields=["course", "held_on", "title"], name="in_person_session_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({format_date(self.held_on)})"


class Attendance(models.Model):
    session = models.ForeignKey(InPersonSession, on_delete=models.PROTECT, related_name="attendances")
    staff = models.ForeignKey("orgchart.Staff", on_delete=models.PROTECT, related_name="attendances")
    present = models.BooleanField(_("present"))

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["session", "staff"], name="attendance_unique")]

    def __str__(self) -> str:
        return f"{self.staff_id} {'present' if self.present else 'absent'} @ {self.session_id}"


class CompletionEvidence(models.TextChoices):
    QUIZ = "quiz", _("Quiz passed")
    IN_PERSON = "in_person", _("In-person session")
    EXTERNAL = "external", _("Accepted external completion")


class CompletionReview(models.TextChoices):
    """The Office's decision on an external completion; quiz and in-person completions are accepted as recorded."""

    PENDING = "pending", _("Awaiting the Office's decision")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class Completion(models.Model):
    """Staff member X completed course C on a date, with its evidence.

    It belongs to the person: moving units never touches it. A person may hold several
    (say, a briefing attended and later the quiz passed); coverage as of D asks whether
    any of them counts (`courses.selectors.completions`). An external completion counts
    only once the Office has accepted it (`review`, with who, when and why).
    """

    staff = models.ForeignKey(
        "orgchart.Staff", on_delete=models.PROTECT, related_name="completions", verbose_name=_("person")
    )
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="completions", verbose_name=_("course"))
    version = models.ForeignKey(
        CourseVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="completions",
        verbose_name=_("course version"),
    )
    completed_on = models.DateField(_("completed on"))
    evidence = models.CharField(_("evidence"), max_length=16, choices=CompletionEvidence.choices)
    attempt = models.OneToOneField(
        "quizzes.Attempt",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="completion",
        verbose_name=_("quiz attempt"),
    )
    attendance = models.OneToOneField(
        Attendance,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="completion",
        verbose_name=_("attendance"),
    )
    external_reference = models.CharField(_("external reference"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    review = models.CharField(
        _("Office's decision"),
        max_length=16,
        choices=CompletionReview.choices,
        default=CompletionReview.ACCEPTED,
        # Also the column's default, for the bulk writers that insert rows with plain SQL (demo.province).
        db_default=CompletionReview.ACCEPTED.value,
    )
    reviewed_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    reviewed_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    review_reason = models.TextField(_("reason for the decision"), blank=True, db_default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("completion")
        verbose_name_plural = _("completions")
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "course"],
                condition=Q(evidence=CompletionEvidence.QUIZ),
                name="completion_one_quiz_per_person_course",
            ),
            models.CheckConstraint(
                condition=(
                    Q(evidence=CompletionEvidence.QUIZ, attempt__isnull=False)
                    | Q(evidence=CompletionEvidence.IN_PERSON, attendance__isnull=False)
                    | (Q(evidence=CompletionEvidence.EXTERNAL) & ~Q(external_reference=""))
                ),
                name="completion_has_its_evidence",
            ),
            models.CheckConstraint(
                condition=Q(evidence=CompletionEvidence.EXTERNAL) | Q(review=CompletionReview.ACCEPTED),
                name="completion_only_external_is_reviewed",
            ),
            models.CheckConstraint(condition=Q(review__in=CompletionReview.values), name="completion_review_valid"),
        ]
        indexes = [
            models.Index(fields=["course", "completed_on"], name="completion_course_date_idx"),
            models.Index(fields=["staff", "course"], name="completion_staff_course_idx"),
        ]

    def __str__(self) -> str:
        # What the admin's title, breadcrumbs and history show: "Trần Thị Học (CB-HV) · nq57 · 10/09/2025".
        return f"{self.staff} · {self.course} · {format_date(self.completed_on)}"
