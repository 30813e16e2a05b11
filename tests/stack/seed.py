"""Steps of the stack test that have no page, run inside the stack (its settings, its database).

    python -m tests.stack.seed NAME [JSON arguments]

prints the step's result as JSON. The stack test calls these to prepare what the Office would
already have (its own account with an authenticator, the course file) and to read the database
for its assertions, through the ORM like the application itself.
"""

from __future__ import annotations

import json
import sys

import django


def office(*, email: str, password: str) -> dict:
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from accounts.models import User

    user = User.objects.create_user(email=email, password=password, display_name="Văn Phòng Sở", is_office_admin=True)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return {"secret": secret}


def unit_head(*, staff_code: str, unit_code: str, email: str, password: str) -> dict:
    from accounts.models import User
    from orgchart.models import Staff, Unit

    staff = Staff.objects.get(code=staff_code)
    user = User.objects.create_user(email=email, password=password, display_name=staff.full_name)
    staff.user = user
    staff.save(update_fields=["user"])
    Unit.objects.get(code=unit_code).heads.add(staff)
    return {"user": user.pk}


def certificates_on_completion(*, course: str) -> dict:
    """The course's certificate setting, as the Office ticks it in the admin: issue on completion."""
    from certificates.models import CourseCertificateSetting
    from certificates.selectors import certificate_template_default
    from courses.models import Course

    setting, _created = CourseCertificateSetting.objects.update_or_create(
        course=Course.objects.get(slug=course),
        defaults={"issue_on_completion": True, "template": certificate_template_default()},
    )
    return {"setting": setting.pk}


def correct_answers(*, email: str) -> dict:
    """The correct option texts of each question in the learner's attempt in progress (what a key would say)."""
    from quizzes.models import Attempt, AttemptStatus

    attempt = Attempt.objects.get(staff__user__email=email, status=AttemptStatus.IN_PROGRESS)
    items = attempt.items.select_related("question").prefetch_related("question__options").order_by("position")
    return {
        item.question.text: {
            "kind": item.question.kind,
            "correct": [option.text for option in item.question.options.all() if option.is_correct],
        }
        for item in items
    }


def certificate_of(*, email: str) -> dict:
    from certificates.models import Certificate

    certificate = Certificate.objects.filter(staff__user__email=email).first()
    if certificate is None or not certificate.pdf:
        return {}
    return {"code": certificate.code, "sha256": certificate.pdf_sha256, "serial": certificate.serial}


def bulk_cohort(*, assignment: str, unit_code: str, count: int) -> dict:
    """People of a unit who completed the course before the certificates existed (no certificate yet)."""
    from courses.models import Assignment
    from orgchart.models import Unit
    from tests.factories import CompletionFactory, EnrolmentFactory, MembershipFactory, StaffFactory

    assignment = Assignment.objects.get(slug=assignment)
    unit = Unit.objects.get(code=unit_code)
    for number in range(count):
        staff = StaffFactory(full_name=f"Nguyễn Thị Hàng Loạt {number:03d}", code=f"CB-HL{number:03d}")
        MembershipFactory(staff=staff, unit=unit, valid_from=assignment.starts_on)
        EnrolmentFactory(assignment=assignment, staff=staff)
        CompletionFactory(staff=staff, course=assignment.course, completed_on=assignment.starts_on, quiz=True)
    return {"count": count}


def bulk_state(*, job: int | None = None) -> dict:
    from django.db.models import Count

    from certificates.models import BulkIssueItem, BulkIssueJob, Certificate
    from certificates.selectors.bulk import bulk_job_progress

    job_row = BulkIssueJob.objects.order_by("-pk").first() if job is None else BulkIssueJob.objects.get(pk=job)
    numbers = list(Certificate.objects.order_by("year", "number").values_list("number", flat=True))
    return {
        "job": job_row.pk,
        "status": job_row.status,
        "progress": bulk_job_progress(job_id=job_row.pk),
        "certificates": len(numbers),
        "numbers_gap_free": numbers == list(range(1, len(numbers) + 1)),
        "people_with_two": Certificate.objects.values("staff_id").annotate(n=Count("pk")).filter(n__gt=1).count(),
        "items_without_certificate": BulkIssueItem.objects.filter(job=job_row, certificate__isnull=True).count(),
        "without_pdf": Certificate.objects.filter(pdf="").count(),
        "zip": bool(job_row.zip_file),
    }


def counts() -> dict:
    from courses.models import Completion, LessonProgress
    from orgchart.models import Membership, Staff
    from quizzes.models import Attempt

    return {
        "staff": Staff.objects.count(),
        "memberships": Membership.objects.count(),
        "lesson_progress": LessonProgress.objects.count(),
        "attempts": Attempt.objects.count(),
        "completions": Completion.objects.count(),
    }


STEPS = {
    f.__name__: f
    for f in (
        office,
        unit_head,
        certificates_on_completion,
        correct_answers,
        certificate_of,
        bulk_cohort,
        bulk_state,
        counts,
    )
}


def main() -> None:
    django.setup()
    name, arguments = sys.argv[1], json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
    print(json.dumps(STEPS[name](**arguments), ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
