"""The question bank of a course version.

Questions belong to a `courses.CourseVersion` and are as immutable as it is once it is
published. How many options must be correct for each kind is checked by the services
that write them (`courses.services`): a database cannot count across rows.
"""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


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
