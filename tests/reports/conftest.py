"""The coverage scenario, built through the real services.

Units (units import): STP (department) → VP (division) → VP-TH (team); STP → PB (division).

Roster imports (`roster_import`, each with its effective date):
    R1 2025-01-01  A1 VP, A2 VP (Lãnh đạo), A3 VP-TH, B1 PB, B2 PB (Viên chức), B3 PB (Người lao động)
    R2 2025-03-01  A3 moves VP-TH → PB; B3 leaves; C1 joins VP-TH
    R3 2025-05-01  A1 moves VP → VP-TH; B2 leaves; B3 comes back, in VP
    R4 2025-07-01  A2 leaves; C2 joins PB

So the memberships are (inclusive ranges):
    A1  VP 01/01–30/04, VP-TH 01/05–
    A2  VP 01/01–30/06
    A3  VP-TH 01/01–28/02, PB 01/03–
    B1  PB 01/01–
    B2  PB 01/01–30/04
    B3  PB 01/01–28/02, VP 01/05–
    C1  VP-TH 01/03–
    C2  PB 01/07–

Completions of the course:
    quiz (real attempt services, clock set with time-machine): A1 passes 10/02/2025,
        A3 passes 15/04/2025; C1 fails 20/04/2025 (1 of 2 right: 50 %, no completion)
    in-person (real `attendance_import`): 15/03/2025 A2, B1, B2 present, C1 absent;
        10/06/2025 B3 and A1 present (A1's second completion; the quiz one counts first)
Exemption (`exemption_create`): C1 from 15/05/2025 to 31/08/2025 (long leave).

The course `nq57-thu` is a `PublishedVersionFactory` version: 2 lessons, 2 questions, both drawn
in each attempt, pass mark 80 %.
The assignment `nq57-2025` gives the course to STP and all its sub-units, every category.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from courses.models import Assignment, Course
from courses.services.assignments import assignment_create
from courses.services.attendance import attendance_import
from orgchart.models import Staff, Unit
from orgchart.services.roster import roster_import
from orgchart.services.units import units_import
from quizzes.services import attempt_answer_save, attempt_start, attempt_submit
from reports.services.exemptions import exemption_create

from ..factories import PublishedVersionFactory, UserFactory
from ..orgchart.files import person, unit_row

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
SESSION_1 = dt.date(2025, 3, 15)
SESSION_2 = dt.date(2025, 6, 10)


def roster(effective: dt.date, *rows: dict[str, object]) -> None:
    """The whole roster as of `effective`; its leavers confirmed by their number, as the Office does."""
    preview = roster_import(rows=list(rows), effective_date=effective, dry_run=True)
    roster_import(rows=list(rows), effective_date=effective, confirm_leavers=preview.left)


def take_quiz(*, staff: Staff, course: Course, on: dt.datetime, right: int) -> None:
    """A real attempt at `on` (local time): the first `right` items answered correctly, then submitted."""
    version = course.versions.get(status="published")
    with time_machine.travel(on, tick=False):
        attempt = attempt_start(staff=staff, version=version)
        for index, item in enumerate(attempt.items.order_by("position").select_related("question")):
            options = list(item.question.options.order_by("position").values_list("pk", "is_correct"))
            correct = [pk for pk, is_correct in options if is_correct]
            wrong = [pk for pk, is_correct in options if not is_correct]
            attempt_answer_save(attempt=attempt, item_id=item.pk, option_ids=correct if index < right else wrong[:1])
        attempt_submit(attempt_id=attempt.pk, staff=staff)


def attendance(held_on: dt.date, title: str, *present: tuple[Staff, bool], course: Course) -> None:
    rows = [{"Mã cán bộ": s.code, "Họ và tên": s.full_name, "Có mặt": "Có" if here else "Không"} for s, here in present]
    attendance_import(rows=rows, course=course, held_on=held_on, title=title)


@dataclass
class Scenario:
    assignment: Assignment
    course: Course
    units: dict[str, Unit]
    office: object

    def staff(self, code: str) -> Staff:
        return Staff.objects.get(code=code)


def build_scenario() -> Scenario:
    units_import(
        rows=[
            unit_row("STP", "Sở Tư pháp tỉnh Đồng Nai", None, "Sở"),
            unit_row("VP", "Văn phòng Sở", "STP"),
            unit_row("VP-TH", "Tổ Tổng hợp", "VP", "Tổ"),
            unit_row("PB", "Phòng Phổ biến, giáo dục pháp luật", "STP"),
        ]
    )
    course = PublishedVersionFactory(
        course__slug="nq57-thu",
        title="Quán triệt Nghị quyết 57-NQ/TW",
        description="Khóa học thử cho báo cáo độ bao phủ.",
        questions=2,
        time_limit_minutes=10,
    ).course
    office = UserFactory(email="van.phong.bc@stp.dongnai.gov.vn", is_office_admin=True, is_staff=True)
    units = {unit.code: unit for unit in Unit.objects.all()}
    assignment = assignment_create(
        slug="nq57-2025",
        title="Quán triệt Nghị quyết 57-NQ/TW năm 2025",
        course=course,
        units=[(units["STP"], True)],
        categories=[],
        communications_only=False,
        people=[],
        starts_on=dt.date(2025, 1, 1),
        due_on=dt.date(2025, 6, 30),
        created_by=office,
    )

    a1 = person("A1", "Nguyễn Văn An", "VP")
    a2 = person("A2", "Trần Thị Bình", "VP", category="Lãnh đạo", position="Chánh Văn phòng")
    a3 = person("A3", "Lê Văn Cường", "VP-TH")
    b1 = person("B1", "Phạm Thị Dung", "PB")
    b2 = person("B2", "Hoàng Văn Em", "PB", category="Viên chức")
    b3 = person("B3", "Đỗ Thị Giang", "PB", category="Người lao động")
    c1 = person("C1", "Võ Minh Hải", "VP-TH")
    c2 = person("C2", "Bùi Thị Khánh", "PB")

    roster(dt.date(2025, 1, 1), a1, a2, a3, b1, b2, b3)
    a3_in_pb = {**a3, "Mã đơn vị": "PB"}
    a1_in_team = {**a1, "Mã đơn vị": "VP-TH"}
    b3_in_vp = {**b3, "Mã đơn vị": "VP"}
    roster(dt.date(2025, 3, 1), a1, a2, a3_in_pb, b1, b2, c1)
    roster(dt.date(2025, 5, 1), a1_in_team, a2, a3_in_pb, b1, b3_in_vp, c1)
    roster(dt.date(2025, 7, 1), a1_in_team, a3_in_pb, b1, b3_in_vp, c1, c2)

    staff = {s.code: s for s in Staff.objects.all()}
    take_quiz(staff=staff["A1"], course=course, on=dt.datetime(2025, 2, 10, 9, 0, tzinfo=LOCAL), right=2)
    take_quiz(staff=staff["A3"], course=course, on=dt.datetime(2025, 4, 15, 14, 0, tzinfo=LOCAL), right=2)
    take_quiz(staff=staff["C1"], course=course, on=dt.datetime(2025, 4, 20, 8, 30, tzinfo=LOCAL), right=1)
    attendance(
        SESSION_1,
        "Hội nghị quán triệt Nghị quyết 57-NQ/TW",
        (staff["A2"], True),
        (staff["B1"], True),
        (staff["B2"], True),
        (staff["C1"], False),
        course=course,
    )
    attendance(
        SESSION_2,
        "Hội nghị quán triệt bổ sung",
        (staff["B3"], True),
        (staff["A1"], True),
        course=course,
    )
    exemption_create(
        staff=staff["C1"],
        assignment=assignment,
        valid_from=dt.date(2025, 5, 15),
        valid_to=dt.date(2025, 8, 31),
        reason="Nghỉ thai sản",
        approver_name="Nguyễn Văn Giám, Giám đốc Sở",
        recorded_by=office,
    )
    return Scenario(assignment=assignment, course=course, units=units, office=office)


@pytest.fixture
def scenario(db) -> Scenario:
    return build_scenario()


@pytest.fixture
def english(client, settings):
    """For the tests that read the English source text (the default language is Vietnamese):
    `pytestmark = [..., pytest.mark.usefixtures("english")]`."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield
