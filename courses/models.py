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

from courses.sanitize import VIDEO_EXTENSIONS, validate_pdf_content, validate_video_content

SLUG_MAX_LENGTH = 50
TITLE_MAX_LENGTH = 255


class CourseVersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


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
        upload_to="courses/attachments/%Y/%m/",
        blank=True,
        validators=[FileExtensionValidator(["pdf"]), validate_pdf_content],
    )
    video_file = models.FileField(
        _("video file"),
        upload_to="courses/videos/%Y/%m/",
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
