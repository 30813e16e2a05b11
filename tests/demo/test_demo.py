from django.core.management import call_command

from accounts.models import User
from orgchart.models import Membership, Staff, StaffCategory, Unit


def _run_seed():
    from io import StringIO

    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_builds_the_department(db):
    output = _run_seed()

    assert Unit.objects.get(code="STP").is_root()
    assert set(Unit.objects.values_list("code", flat=True)) >= {
        "STP",
        "BGD",
        "VP",
        "XDKT",
        "PBGD",
        "HCBT",
        "TGPL",
        "CC1",
        "CC2",
        "DGTS",
    }
    assert 130 <= Staff.objects.count() <= 150
    assert Membership.objects.filter(valid_to__isnull=True).count() == Staff.objects.count()
    # Every unit has a head, and the Director heads the department.
    assert not Unit.objects.filter(heads__isnull=True).exists()
    assert Unit.objects.get(code="STP").heads.get().full_name == "Phạm Thị Bích Thủy"
    # Divisions hold civil servants, public-service units public employees.
    assert not Membership.objects.filter(unit__code="TGPL", category=StaffCategory.CIVIL_SERVANT).exists()
    assert Membership.objects.filter(unit__code="XDKT", category=StaffCategory.CIVIL_SERVANT).exists()
    assert Staff.objects.filter(is_communications=True).count() >= 9
    # One account per role, printed.
    assert User.objects.filter(is_office_admin=True).exists()
    assert User.objects.filter(is_superuser=True).exists()
    for user in User.objects.all():
        assert user.email in output


def test_seed_demo_is_idempotent(db):
    _run_seed()
    counts = (Unit.objects.count(), Staff.objects.count(), Membership.objects.count(), User.objects.count())
    output = _run_seed()
    assert (Unit.objects.count(), Staff.objects.count(), Membership.objects.count(), User.objects.count()) == counts
    assert "0 mới" in output


def test_seed_demo_loads_the_resolution_57_course(db):
    from courses.models import Course
    from courses.selectors import course_version_get_current

    _run_seed()
    _run_seed()
    version = course_version_get_current(course=Course.objects.get(slug="nq57"))
    assert version.number == 1  # the second run found nothing new
    assert version.lessons.count() == 4
    assert version.questions.count() >= 12


def test_seed_demo_assigns_resolution_57_to_the_department_and_records_a_briefing(db):
    import datetime as dt

    from courses.models import Assignment, Completion, CompletionEvidence, Enrolment, InPersonSession

    output = _run_seed()
    assignment = Assignment.objects.get(slug="nq57-2025")
    assert (assignment.course.slug, assignment.starts_on, assignment.due_on) == (
        "nq57",
        dt.date(2025, 8, 15),
        dt.date(2025, 12, 15),
    )
    assert list(assignment.audience_units.values_list("unit__code", "include_descendants")) == [("STP", True)]
    assert Enrolment.objects.filter(assignment=assignment).count() == Staff.objects.count()
    session = InPersonSession.objects.get()
    assert (session.held_on, session.title) == (dt.date(2025, 9, 10), "Hội nghị quán triệt Nghị quyết 57-NQ/TW")
    in_unit = Membership.objects.filter(unit__code="PBGD", valid_to__isnull=True).count()
    assert session.attendances.count() == in_unit
    present = session.attendances.filter(present=True)
    assert 0 < present.count() < in_unit
    assert set(Completion.objects.values_list("staff_id", "evidence", "completed_on")) == {
        (staff_id, CompletionEvidence.IN_PERSON, dt.date(2025, 9, 10))
        for staff_id in present.values_list("staff_id", flat=True)
    }
    assert f'Giao khóa học: "nq57-2025" cho {Staff.objects.count()} người, hạn 15/12/2025' in output


def test_seed_demo_learning_step_is_idempotent(db):
    from courses.models import Assignment, Attendance, Completion, Enrolment, InPersonSession

    def counts():
        return tuple(
            model.objects.count() for model in (Assignment, Enrolment, InPersonSession, Attendance, Completion)
        )

    first_output = _run_seed()
    before = counts()
    second_output = _run_seed()
    assert counts() == before
    line = next(line for line in first_output.splitlines() if line.startswith("Giao khóa học:"))
    assert line in second_output


def test_seed_demo_nominates_communications_staff_once(db):
    from nominations.models import Nomination, NominationStatus

    _run_seed()
    _run_seed()
    nominations = Nomination.objects.select_related("staff")
    assert nominations.count() >= 1
    assert all(n.staff.is_communications for n in nominations)
    assert nominations.filter(status=NominationStatus.APPROVED).count() == 1
