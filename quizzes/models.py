"""The question bank of a course version.

Questions belong to a `courses.CourseVersion` and are as immutable as it is once it is
published. How many options must be correct for each kind is checked by the services
that write them (`courses.services`): a database cannot count across rows.
"""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True / false")


class Question(models.Model):
    version = models.ForeignKey(
        "courses.CourseVersion", on_delete=models.CASCADE, related_name="questions", verbose_name=_("course version")
    )
    position = models.PositiveSmallIntegerField(_("position"), validators=[MinValueValidator(1)])
    text = models.TextField(_("question"))
    kind = models.CharField(_("kind"), max_length=16, choices=QuestionKind.choices, default=QuestionKind.SINGLE)
    explanation = models.TextField(_("explanation"), blank=True, help_text=_("Shown in the review after the quiz."))

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["version_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="question_position_unique"),
            models.CheckConstraint(condition=Q(position__gte=1), name="question_position_positive"),
            models.CheckConstraint(condition=Q(kind__in=QuestionKind.values), name="question_kind_valid"),
            models.CheckConstraint(condition=~Q(text=""), name="question_text_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.text[:80]}"


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options", verbose_name=_("question"))
    position = models.PositiveSmallIntegerField(_("position"), validators=[MinValueValidator(1)])
    text = models.CharField(_("answer"), max_length=500)
    is_correct = models.BooleanField(_("correct"), default=False)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["question_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["question", "position"], name="option_position_unique"),
            models.UniqueConstraint(fields=["question", "text"], name="option_text_unique"),
            models.CheckConstraint(condition=Q(position__gte=1), name="option_position_positive"),
            models.CheckConstraint(condition=~Q(text=""), name="option_text_not_empty"),
        ]

    def __str__(self) -> str:
        return self.text


class AttemptStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", pgettext_lazy("quiz attempt", "In progress")
    SUBMITTED = "submitted", _("Submitted")
    EXPIRED = "expired", _("Closed at the time limit")


class Attempt(models.Model):
    """One sitting of a course version's quiz. The deadline is the server's; grading happens once.

    `status` moves from in_progress to submitted (the learner submitted in time) or expired
    (closed at the deadline, by a late submit or the periodic task); either way it is
    graded with the answers saved before `deadline_at` plus the grace period.
    """

    staff = models.ForeignKey("orgchart.Staff", on_delete=models.PROTECT, related_name="attempts")
    version = models.ForeignKey("courses.CourseVersion", on_delete=models.PROTECT, related_name="attempts")
    number = models.PositiveSmallIntegerField(_("attempt number"), validators=[MinValueValidator(1)])
    status = models.CharField(
        _("status"), max_length=16, choices=AttemptStatus.choices, default=AttemptStatus.IN_PROGRESS
    )
    started_at = models.DateTimeField(_("started at"))
    deadline_at = models.DateTimeField(_("deadline"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    correct_count = models.PositiveSmallIntegerField(_("correct answers"), null=True, blank=True)
    question_count = models.PositiveSmallIntegerField(_("questions"))
    score_percent = models.DecimalField(_("score (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        ordering = ["staff_id", "version_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["staff", "version", "number"], name="attempt_number_unique"),
            models.UniqueConstraint(
                fields=["staff", "version"],
                condition=Q(status=AttemptStatus.IN_PROGRESS),
                name="attempt_one_in_progress",
            ),
            models.CheckConstraint(condition=Q(status__in=AttemptStatus.values), name="attempt_status_valid"),
            models.CheckConstraint(
                condition=Q(status=AttemptStatus.IN_PROGRESS) | Q(closed_at__isnull=False, passed__isnull=False),
                name="attempt_closed_is_graded",
            ),
        ]
        indexes = [models.Index(fields=["status", "deadline_at"], name="attempt_open_deadline_idx")]

    def __str__(self) -> str:
        return f"{self.staff_id} v{self.version_id} #{self.number}"


class AttemptItem(models.Model):
    """A question drawn for an attempt, its shuffled option order and the saved answer."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="items")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(_("position"))
    option_order = models.JSONField(_("option order"), default=list)
    selected_options = models.JSONField(_("selected options"), default=list, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    is_correct = models.BooleanField(_("correct"), null=True, blank=True)

    class Meta:
        verbose_name = _("attempt question")
        verbose_name_plural = _("attempt questions")
        ordering = ["attempt_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="attempt_item_position_unique"),
            models.UniqueConstraint(fields=["attempt", "question"], name="attempt_item_question_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}/{self.position}"
