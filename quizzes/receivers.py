"""What quizzes does when courses, below it, reports something (connected in `QuizzesConfig.ready`)."""

from django.dispatch import receiver

from courses.signals import course_version_draft_created, course_version_publish_checking, lesson_first_opened
from quizzes.services.attempts import completion_check_after_lessons
from quizzes.services.questions import question_bank_copy, question_bank_problems


@receiver(lesson_first_opened, dispatch_uid="quizzes.completion_check_after_lessons")
def complete_after_lessons(sender, *, staff, version, **kwargs) -> None:
    completion_check_after_lessons(staff=staff, version=version)


@receiver(course_version_draft_created, dispatch_uid="quizzes.question_bank_copy")
def copy_question_bank(sender, *, source, draft, **kwargs) -> None:
    question_bank_copy(source=source, draft=draft)


@receiver(course_version_publish_checking, dispatch_uid="quizzes.question_bank_problems")
def check_question_bank(sender, *, version, **kwargs) -> list[str]:
    return question_bank_problems(version=version)
