"""The Django side of `benchmarks/learner_capacity.py`, run inside the tree under test.

`learner_capacity.py` runs each tree's own code, so it cannot import that tree's modules itself: it runs
this file in the tree's `manage.py shell -c` (the tree's settings, models and database), with the step to
run in the environment (`LANTOA_CAPACITY_STEP`, arguments as JSON in `LANTOA_CAPACITY_ARGS`), and reads
one JSON line back from stdout. Only what both layouts share is used: Django's and allauth's public APIs
and the models whose tables the refactor keeps (`orgchart.Staff`/`Membership`, `courses.Course`,
`CourseVersion`, `Assignment`, `LessonProgress`, `quizzes.Attempt`). The seeding itself goes through
the management commands (`seed_demo`, `import_course`, `import_roster`, `create_assignment`).

Steps:

- `state`: what is seeded already (the demo, the learners and their accounts, the course, the assignment).
- `roster`: the roster as it stands (everyone with an open membership), as roster-file rows, so the
  learners can be added with a full-mode `import_roster` that makes nobody leave.
- `accounts`: an account (one real PBKDF2 hash shared by all, verified email) for each learner without one.
- `reset`: the same start for every run: no attempts at the benchmark course, no readings, an empty cache
  (the sessions stay in the database, from where the first request of each learner reads its own).
- `sessions`: a signed-in session for each of the first N learners (`Client.force_login`: what a sign-in
  leaves in the session store, without paying PBKDF2 once per simulated learner), written to a JSON file;
  the sessions made before are deleted first.
"""

from __future__ import annotations

import json
import os

CATEGORY_LABELS = {
    "leader": "Lãnh đạo",
    "civil_servant": "Công chức",
    "public_employee": "Viên chức",
    "contract_worker": "Người lao động",
}


def _learners(prefix: str):
    from orgchart.models import Staff

    return Staff.objects.filter(code__startswith=prefix).order_by("code")


def state(*, prefix: str, course: str, assignment: str) -> dict:
    from courses.models import Assignment, Course, CourseVersion
    from orgchart.models import Staff

    result = {
        "staff": Staff.objects.count(),
        "learners": _learners(prefix).count(),
        "learners_with_account": _learners(prefix).filter(user__isnull=False).count(),
        "course": Course.objects.filter(slug=course).exists(),
        "assignment": Assignment.objects.filter(slug=assignment).exists(),
    }
    version = CourseVersion.objects.filter(course__slug=course, status="published").first()
    if version is not None:
        result |= {"version_id": version.pk, "lesson_count": version.lessons.count()}
    return result


def roster() -> dict:
    from orgchart.models import Membership

    rows, effective = [], None
    open_memberships = Membership.objects.filter(valid_to__isnull=True).select_related("staff", "unit")
    for membership in open_memberships.order_by("staff__code"):
        staff = membership.staff
        effective = max(effective or membership.valid_from, membership.valid_from)
        rows.append(
            {
                "Mã cán bộ": staff.code,
                "Họ và tên": staff.full_name,
                "Email": staff.email,
                "Mã đơn vị": membership.unit.code,
                "Chức vụ": membership.position,
                "Đối tượng": CATEGORY_LABELS[membership.category],
                "Công tác truyền thông": "Có" if staff.is_communications else "Không",
                "Ngày sinh": staff.date_of_birth.strftime("%d/%m/%Y") if staff.date_of_birth else "",
            }
        )
    return {"effective_date": effective.isoformat() if effective else None, "rows": rows}


def accounts(*, prefix: str, password: str) -> dict:
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from orgchart.models import Staff

    user_model = get_user_model()
    with transaction.atomic():
        people = list(_learners(prefix).filter(user__isnull=True))
        if not people:
            return {"created": 0}
        hashed = make_password(password)
        users = user_model.objects.bulk_create(
            [user_model(email=person.email, password=hashed, display_name=person.full_name) for person in people]
        )
        for person, user in zip(people, users, strict=True):
            person.user = user
        Staff.objects.bulk_update(people, ["user"])
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users]
        )
    return {"created": len(users)}


def reset(*, course: str) -> dict:
    from django.core.cache import cache
    from django.db import transaction

    from courses.models import LessonProgress
    from quizzes.models import Attempt

    with transaction.atomic():
        _, attempts = Attempt.objects.filter(version__course__slug=course).delete()
        _, readings = LessonProgress.objects.filter(lesson__version__course__slug=course).delete()
    # The run's own Redis database: cached sessions (read again from the database), rate-limit counters.
    cache.clear()
    return {"deleted": attempts | readings}  # rows per model, answers to the attempts included


def sessions(*, prefix: str, count: int, output: str) -> dict:
    from django.conf import settings
    from django.contrib.sessions.models import Session
    from django.test import Client

    Session.objects.all().delete()  # an earlier invocation's
    people = list(_learners(prefix).filter(user__isnull=False).select_related("user")[:count])
    cookies = []
    for person in people:
        client = Client()
        client.force_login(person.user)
        cookies.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    with open(output, "w", encoding="utf-8") as file:
        json.dump({"cookie_name": settings.SESSION_COOKIE_NAME, "sessions": cookies}, file)
    return {"sessions": len(cookies)}


STEPS = {"state": state, "roster": roster, "accounts": accounts, "reset": reset, "sessions": sessions}

if __name__ == "__main__":
    step = STEPS[os.environ["LANTOA_CAPACITY_STEP"]]
    print("LANTOA_CAPACITY " + json.dumps(step(**json.loads(os.environ.get("LANTOA_CAPACITY_ARGS") or "{}"))))
