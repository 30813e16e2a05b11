"""What quizzes does when the apps below it report something (connected in `QuizzesConfig.ready`)."""

from django.dispatch import receiver

from courses.signals import lesson_first_opened
from quizzes.services.attempts import completion_check_after_lessons


@receiver(lesson_first_opened, dispatch_uid="quizzes.completion_check_after_lessons")
def complete_after_lessons(sender, *, staff, version, **kwargs) -> None:
    completion_check_after_lessons(staff=staff, version=version)
