"""Who may open a quiz and an attempt: anything else is 404."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Subquery
from django.http import Http404

from accounts.models import User
from accounts.roles import is_office
from courses.models import CourseVersion, CourseVersionStatus, Enrolment
from orgchart.models import Staff
from quizzes.models import Attempt


@dataclass(frozen=True)
class QuizAccess:
    """A version's quiz as the signed-in person may take it; starting an attempt takes the person from the
    signed-in user (`request.user.staff`, read with the account by `accounts.backends`)."""

    version: CourseVersion
    staff_id: int


def access_quiz_version(*, user: User, version_id: int) -> QuizAccess:
    """A published (or retired) version the signed-in person may take, and who they are; 404 otherwise.

    A learner must be enrolled in an assignment of the course; the Office may take any
    course (to try it), but only as a person on the roster: an attempt belongs to a Staff.
    One query: the version with its course, the id of the person linked to the account and whether
    they are enrolled in the course.
    """
    if not user.is_authenticated:
        raise Http404
    enrolled = Enrolment.objects.filter(staff__user_id=user.pk, assignment__course_id=OuterRef("course_id"))
    version = (
        CourseVersion.objects.select_related("course")
        .exclude(status=CourseVersionStatus.DRAFT)
        .annotate(
            learner_staff_id=Subquery(Staff.objects.filter(user_id=user.pk).values("pk")[:1]),
            learner_enrolled=Exists(enrolled),
        )
        .filter(pk=version_id)
        .first()
    )
    if version is None or version.learner_staff_id is None:
        raise Http404
    if not is_office(user) and not version.learner_enrolled:
        raise Http404
    return QuizAccess(version=version, staff_id=version.learner_staff_id)


def access_attempt(*, user: User, attempt_id: int) -> Attempt:
    """One of the signed-in person's own attempts, else 404 (for everyone, the Office included).

    One query, with the attempt's version, course and person.
    """
    if not user.is_authenticated:
        raise Http404
    attempt = (
        Attempt.objects.select_related("version__course", "staff").filter(pk=attempt_id, staff__user_id=user.pk).first()
    )
    if attempt is None:
        raise Http404
    return attempt
