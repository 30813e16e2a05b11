"""Assignments are rules: existing members, joiners, movers out and back, leavers; refusals; the admin."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.models import (
    Assignment,
    AssignmentPerson,
    AssignmentUnit,
    Completion,
    CompletionEvidence,
    CompletionReview,
    Course,
    CourseVersion,
    Enrolment,
)
from courses.services import course_create
from courses.services.assignments import assignment_create, enrolment_sync
from courses.services.completions import completion_record
from orgchart.models import Staff, StaffCategory
from orgchart.services.roster import roster_import
from quizzes.services.course_import import course_import

from ..factories import MembershipFactory, StaffFactory, UnitFactory
from ..orgchart.files import person

pytestmark = pytest.mark.django_db

D0 = dt.date(2025, 7, 1)
D1 = dt.date(2025, 9, 1)
D2 = dt.date(2025, 10, 1)


@pytest.fixture
def course(course_data):
    course_import(data=course_data)
    return Course.objects.get(slug=course_data["slug"])


def baseline_rows():
    return [
        person("CB001", "Nguyễn Văn An", "VP", position="Chánh Văn phòng", category="Lãnh đạo"),
        person("CB002", "Trần Thị Bình", "VP-TH"),
        person("CB003", "Lê Minh Châu", "TGPL", category="Viên chức", communications="Có"),
    ]


@pytest.fixture
def roster(tree):
    roster_import(rows=baseline_rows(), effective_date=D0)
    return {staff.code: staff for staff in Staff.objects.all()}


def create(course, *, slug="nq57-2025", units=(), categories=(), communications_only=False, people=(), **kwargs):
    return assignment_create(
        slug=slug,
        course=course,
        units=list(units),
        categories=list(categories),
        communications_only=communications_only,
        people=list(people),
        starts_on=kwargs.pop("starts_on", D1),
        due_on=kwargs.pop("due_on", dt.date(2025, 12, 15)),
        **kwargs,
    )


def enrolments(assignment) -> dict[str, tuple[dt.date, dt.date | None]]:
    return {
        e.staff.code: (e.enrolled_on, e.left_audience_on)
        for e in Enrolment.objects.filter(assignment=assignment).select_related("staff")
    }


def db_state():
    return (
        list(Assignment.objects.values_list()),
        list(AssignmentUnit.objects.values_list()),
        list(AssignmentPerson.objects.values_list()),
        list(Enrolment.objects.values_list()),
    )


# --- creation ------------------------------------------------------------------------------


def test_creating_enrols_the_existing_members_today(tree, roster, course):
    today = timezone.localdate()
    assignment = create(course, units=[(tree["vp"], True)], title="  Quán triệt  NQ57 ")

    assert enrolments(assignment) == {"CB001": (today, None), "CB002": (today, None)}
    assert assignment.title == "Quán triệt NQ57"
    assert list(assignment.audience_units.values_list("unit__code", "include_descendants")) == [("VP", True)]


def test_creating_stores_categories_in_a_fixed_order(tree, roster, course):
    assignment = create(
        course, units=[(tree["root"], True)], categories=[StaffCategory.PUBLIC_EMPLOYEE, StaffCategory.LEADER]
    )
    assert assignment.categories == [StaffCategory.LEADER, StaffCategory.PUBLIC_EMPLOYEE]
    assert set(enrolments(assignment)) == {"CB001", "CB003"}


def test_communications_only_and_named_people(tree, roster, course):
    comms = create(course, slug="truyen-thong", units=[(tree["root"], True)], communications_only=True)
    named = create(course, slug="ca-nhan", people=[roster["CB002"]])
    assert set(enrolments(comms)) == {"CB003"}
    assert set(enrolments(named)) == {"CB002"}


def test_a_person_in_two_matching_units_is_enrolled_once(tree, roster, course):
    assignment = create(course, units=[(tree["vp"], True), (tree["vp_team"], False)], people=[roster["CB002"]])
    assert Enrolment.objects.filter(assignment=assignment, staff=roster["CB002"]).count() == 1
    assert set(enrolments(assignment)) == {"CB001", "CB002"}


@pytest.mark.parametrize(
    ("change", "field", "fragment"),
    [
        ({"slug": "NQ 57!"}, "slug", "không hợp lệ"),
        ({"slug": ""}, "slug", "bắt buộc"),
        ({"slug": "x" * 51}, "slug", "tối đa 50"),
        ({"due_on": dt.date(2025, 8, 31)}, "due_on", "sớm hơn ngày bắt đầu 01/09/2025"),
        ({"units": []}, "units", "ít nhất một đơn vị hoặc một người"),
        ({"categories": ["manager"]}, "categories", '"manager" không hợp lệ; chỉ nhận: Lãnh đạo, Công chức'),
        ({"title": "x" * 256}, "title", "tối đa 255"),
    ],
)
def test_each_refusal_writes_nothing(tree, roster, course, change, field, fragment):
    kwargs = {"units": [(tree["vp"], True)], **change}
    before = db_state()
    with pytest.raises(ValidationError) as caught:
        create(course, **kwargs)
    assert fragment in " ".join(caught.value.message_dict[field])
    assert db_state() == before


def test_refuses_a_taken_slug_an_unpublished_course_an_inactive_or_repeated_unit(tree, roster, course):
    create(course, units=[(tree["vp"], True)])
    draft_only = course_create(slug="ban-nhap")
    closed = UnitFactory(code="CU", parent=tree["root"], is_active=False)
    before = db_state()
    with pytest.raises(ValidationError) as caught:
        assignment_create(
            slug="NQ57-2025",
            course=draft_only,
            units=[(tree["tgpl"], True), (tree["tgpl"], False), (closed, True)],
            categories=[],
            communications_only=False,
            people=[roster["CB001"], roster["CB001"]],
            starts_on=D1,
            due_on=D1,
        )
    problems = caught.value.message_dict
    assert problems["slug"] == ['Mã đợt giao khóa học "nq57-2025" đã được dùng cho một đợt giao khác.']
    assert problems["course"] == [
        'Khóa học "ban-nhap" chưa có phiên bản nào được xuất bản — hãy xuất bản khóa học trước.'
    ]
    assert problems["units"] == ["Đơn vị TGPL được chọn hai lần.", "Đơn vị CU đã ngừng hoạt động."]
    assert problems["people"] == ["Cán bộ CB001 được chọn hai lần."]
    assert db_state() == before
    assert not CourseVersion.objects.filter(course=draft_only).exists()


# --- the rule holds later: roster imports ---------------------------------------------------------


def test_a_joiner_after_creation_is_enrolled_by_the_roster_import(tree, roster, course):
    assignment = create(course, units=[(tree["vp"], True)])
    other = create(course, slug="tgpl", units=[(tree["tgpl"], True)])

    roster_import(rows=[*baseline_rows(), person("CB004", "Phạm Thu Dung", "VP-TH")], effective_date=D2)

    assert enrolments(assignment)["CB004"] == (D2, None)
    assert "CB004" not in enrolments(other)


def test_a_mover_out_keeps_enrolment_and_completion_and_a_mover_back_returns(tree, roster, course):
    assignment = create(course, units=[(tree["vp"], True)])
    enrolled_on = enrolments(assignment)["CB002"][0]
    binh = roster["CB002"]
    completion, _ = completion_record(
        staff=binh,
        course=course,
        completed_on=D1,
        evidence=CompletionEvidence.EXTERNAL,
        review=CompletionReview.ACCEPTED,
        external_reference="QĐ 1",
    )

    moved = [
        row if row["Mã cán bộ"] != "CB002" else person("CB002", "Trần Thị Bình", "TGPL") for row in baseline_rows()
    ]
    roster_import(rows=moved, effective_date=D2)

    assert enrolments(assignment)["CB002"] == (enrolled_on, D2)
    assert list(Completion.objects.filter(staff=binh).values_list("pk", "completed_on")) == [(completion.pk, D1)]

    back_on = dt.date(2025, 11, 1)
    roster_import(rows=baseline_rows(), effective_date=back_on)
    assert enrolments(assignment)["CB002"] == (enrolled_on, None)
    assert Enrolment.objects.filter(assignment=assignment, staff=binh).count() == 1


def test_a_leaver_keeps_their_enrolment(tree, roster, course):
    assignment = create(course, units=[(tree["root"], True)])
    roster_import(rows=baseline_rows()[:2], effective_date=D2, confirm_leavers=1)
    assert enrolments(assignment)["CB003"][1] == D2
    assert enrolments(assignment)["CB001"][1] is None


def test_a_category_change_moves_someone_out_of_a_category_rule(tree, roster, course):
    leaders = create(course, units=[(tree["root"], True)], categories=[StaffCategory.LEADER])
    promoted = [
        row if row["Mã cán bộ"] != "CB002" else person("CB002", "Trần Thị Bình", "VP-TH", category="Lãnh đạo")
        for row in baseline_rows()
    ]
    roster_import(rows=promoted, effective_date=D2)
    assert enrolments(leaders)["CB002"] == (D2, None)


def test_a_dry_run_roster_import_enrols_nobody(tree, roster, course):
    assignment = create(course, units=[(tree["vp"], True)])
    roster_import(rows=[*baseline_rows(), person("CB004", "Phạm Thu Dung", "VP")], effective_date=D2, dry_run=True)
    assert "CB004" not in enrolments(assignment)


def test_the_sync_is_safe_to_run_twice_and_evaluates_the_audience_on_its_date(tree, course):
    staff = StaffFactory(code="X1")
    MembershipFactory(staff=staff, unit=tree["vp"], valid_from=D0, valid_to=dt.date(2025, 9, 30))
    MembershipFactory(staff=staff, unit=tree["tgpl"], valid_from=D2)
    assignment = create(course, units=[(tree["vp"], True)])
    assert "X1" not in enrolments(assignment)  # not in the VP today

    first = enrolment_sync(assignment=assignment, on_date=D1)
    second = enrolment_sync(assignment=assignment, on_date=D1)
    assert (first.enrolled, first.left, first.returned) == (1, 0, 0)
    assert (second.enrolled, second.left, second.returned) == (0, 0, 0)
    assert enrolments(assignment)["X1"] == (D1, None)

    after = enrolment_sync(on_date=D2)
    assert (after.assignments, after.left) == (1, 1)
    assert enrolments(assignment)["X1"] == (D1, D2)


def test_the_sync_issues_the_same_queries_for_10_and_500_people(tree, course):
    def run(count: int) -> int:
        unit = UnitFactory(parent=tree["root"])
        first = Staff.objects.count()
        for index in range(count):
            MembershipFactory(staff=StaffFactory(code=f"Q{first + index:05d}"), unit=unit, valid_from=D0)
        assignment = Assignment.objects.create(
            slug=f"q{count}", course=course, starts_on=D1, due_on=D1, completions_from=D1
        )
        AssignmentUnit.objects.create(assignment=assignment, unit=unit)
        with CaptureQueriesContext(connection) as captured:
            summary = enrolment_sync(assignment=assignment, on_date=D1)
        assert summary.enrolled == count
        return len(captured.captured_queries)

    assert run(10) == run(500)


def test_the_roster_import_sync_issues_constant_queries_per_assignment(tree, course):
    """A 10- and a 300-person import with two assignments cost the same number of sync queries."""

    def import_queries(count: int, on: dt.date) -> int:
        rows = [person(f"R{index:05d}", f"Người Thứ {index}", "VP-TH") for index in range(count)]
        with CaptureQueriesContext(connection) as captured:
            roster_import(rows=rows, effective_date=on)
        return len(captured.captured_queries)

    create(course, units=[(tree["vp"], True)])
    create(course, slug="tgpl", units=[(tree["tgpl"], True)])
    small = import_queries(10, D1)
    large = import_queries(300, D2)
    assert Enrolment.objects.filter(assignment__slug="nq57-2025", left_audience_on__isnull=True).count() == 300
    assert large - small < 20  # a few more insert batches, never one query per person


# --- admin ---------------------------------------------------------------------------------------


@pytest.fixture
def office_client(client, office_admin):
    client.force_login(office_admin)
    return client


def _add_form(course, **overrides):
    data = {
        "slug": "nq57-2025",
        "title": "Quán triệt Nghị quyết 57",
        "course": course.pk,
        "starts_on": "01/09/2025",
        "due_on": "15/12/2025",
        "communications_only": "",
        "audience_units-TOTAL_FORMS": "1",
        "audience_units-INITIAL_FORMS": "0",
        "audience_units-0-unit": "",
        "audience_units-0-include_descendants": "on",
        "audience_people-TOTAL_FORMS": "1",
        "audience_people-INITIAL_FORMS": "0",
        "audience_people-0-staff": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_the_admin_creates_an_assignment_through_the_service(tree, roster, course, office_client, office_admin):
    url = reverse("admin:courses_assignment_add")
    response = office_client.post(
        url,
        _add_form(course, **{"audience_units-0-unit": tree["vp"].pk, "audience_people-0-staff": roster["CB003"].pk}),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assignment = Assignment.objects.get(slug="nq57-2025")
    assert assignment.created_by == office_admin
    assert set(enrolments(assignment)) == {"CB001", "CB002", "CB003"}
    change_page = office_client.get(reverse("admin:courses_assignment_change", args=[assignment.pk]))
    assert change_page.status_code == 200
    assert 'name="audience_units-0-unit"' not in change_page.text  # the audience is read-only once created
    assert office_client.get(reverse("admin:courses_assignment_changelist")).status_code == 200


def test_the_admin_refuses_an_assignment_without_an_audience(tree, roster, course, office_client):
    response = office_client.post(reverse("admin:courses_assignment_add"), _add_form(course))
    assert response.status_code == 200
    assert not Assignment.objects.exists()


def test_the_admin_refuses_a_due_date_before_the_start(tree, roster, course, office_client):
    form = _add_form(course, due_on="31/08/2025", **{"audience_units-0-unit": tree["vp"].pk})
    response = office_client.post(reverse("admin:courses_assignment_add"), form)
    assert response.status_code == 200
    assert "sớm hơn ngày bắt đầu" in response.text
    assert not Assignment.objects.exists()


def test_the_record_admins_are_read_only_lists(tree, roster, course, office_client):
    create(course, units=[(tree["vp"], True)])
    for name in ("enrolment", "inpersonsession", "completion"):
        assert office_client.get(reverse(f"admin:courses_{name}_changelist")).status_code == 200
        assert office_client.get(reverse(f"admin:courses_{name}_add")).status_code == 403


def test_a_learner_cannot_open_the_assignment_admin(learner, client):
    client.force_login(learner)
    response = client.get(reverse("admin:courses_assignment_changelist"))
    assert response.status_code == 404


def test_the_admin_add_page_renders_and_a_change_keeps_the_audience(tree, roster, course, office_client):
    assert office_client.get(reverse("admin:courses_assignment_add")).status_code == 200
    assignment = create(course, units=[(tree["vp"], True)])
    url = reverse("admin:courses_assignment_change", args=[assignment.pk])
    response = office_client.post(
        url,
        {
            "title": "Hạn mới",
            "starts_on": "01/09/2025",
            "due_on": "31/12/2025",
            "audience_units-TOTAL_FORMS": "1",
            "audience_units-INITIAL_FORMS": "1",
            "audience_people-TOTAL_FORMS": "0",
            "audience_people-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assignment.refresh_from_db()
    assert (assignment.title, assignment.due_on) == ("Hạn mới", dt.date(2025, 12, 31))
    assert list(assignment.audience_units.values_list("unit__code", flat=True)) == ["VP"]


def test_daily_enrolment_sync_task_enrols_a_joiner_whose_start_date_has_come(tree, roster, course):
    """A membership that starts in the future enrols nobody until the day comes; the daily task does."""
    from courses.tasks import enrolment_sync_all

    assignment = create(course, units=[(tree["root"], True)])
    joiner = StaffFactory(code="CB-LATE", full_name="Võ Thị Muộn")
    MembershipFactory(staff=joiner, unit=tree["vp"], valid_from=dt.date(2030, 1, 1))

    enrolment_sync_all(on_date="2029-12-31")
    assert "CB-LATE" not in enrolments(assignment)

    enrolment_sync_all(on_date="2030-01-01")
    enrolment_sync_all(on_date="2030-01-01")  # safe to run twice
    assert enrolments(assignment)["CB-LATE"] == (dt.date(2030, 1, 1), None)
