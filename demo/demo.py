"""The demo department (seed_demo): the Sở Tư pháp org chart, ~140 staff, heads and role accounts.

Built through the same services the Office uses (units and roster imports), so the
demo exercises the real code paths; running it again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.db import transaction

from accounts.models import User
from core.dates import format_date
from core.text import fold_diacritics
from courses.models import Assignment, Course, InPersonSession
from courses.services.assignments import assignment_create
from courses.services.attendance import attendance_import
from demo.vietnamese_names import FAMILY_NAMES, GIVEN_FEMALE, GIVEN_MALE, MIDDLE_FEMALE, MIDDLE_MALE
from nominations.models import Nomination, TrainingProgramme
from nominations.services import nomination_approve, nomination_create, programme_create
from orgchart.models import Staff, Unit
from orgchart.services.roster import roster_import
from orgchart.services.units import units_import
from quizzes.services.course_import import course_import

DEMO_EFFECTIVE_DATE = dt.date(2025, 7, 1)
DEMO_COURSE_FILE = Path(__file__).resolve().parents[1] / "courses" / "content" / "nq57.json"
DEMO_PASSWORD = "LanToa@2026"  # noqa: S105 - printed on purpose: demo accounts only
EMAIL_DOMAIN = "stp.dongnai.gov.vn"

# (code, name, parent, kind, staff count) — ../shared/reference/vietnamese-documents.md
UNITS: list[tuple[str, str, str, str, int]] = [
    ("STP", "Sở Tư pháp tỉnh Đồng Nai", "", "Sở", 0),
    ("BGD", "Ban Giám đốc Sở", "STP", "Phòng", 5),
    ("VP", "Văn phòng Sở", "STP", "Phòng", 18),
    ("XDKT", "Phòng Xây dựng, kiểm tra và theo dõi thi hành pháp luật", "STP", "Phòng", 16),
    ("PBGD", "Phòng Phổ biến, giáo dục pháp luật", "STP", "Phòng", 12),
    ("HCBT", "Phòng Hành chính và Bổ trợ tư pháp", "STP", "Phòng", 18),
    ("TGPL", "Trung tâm Trợ giúp pháp lý nhà nước tỉnh Đồng Nai", "STP", "Đơn vị sự nghiệp", 22),
    ("TGPL-LD", "Tổ Trợ giúp pháp lý lưu động", "TGPL", "Tổ", 8),
    ("CC1", "Phòng Công chứng số 1", "STP", "Đơn vị sự nghiệp", 15),
    ("CC2", "Phòng Công chứng số 2", "STP", "Đơn vị sự nghiệp", 10),
    ("DGTS", "Trung tâm Dịch vụ đấu giá tài sản", "STP", "Đơn vị sự nghiệp", 12),
]

# Who leads each unit: (head position, deputy position, deputies); staff of the rest.
LEADERSHIP = {
    "BGD": ("Giám đốc", "Phó Giám đốc", 3),
    "VP": ("Chánh Văn phòng", "Phó Chánh Văn phòng", 2),
    "XDKT": ("Trưởng phòng", "Phó Trưởng phòng", 2),
    "PBGD": ("Trưởng phòng", "Phó Trưởng phòng", 1),
    "HCBT": ("Trưởng phòng", "Phó Trưởng phòng", 2),
    "TGPL": ("Giám đốc Trung tâm", "Phó Giám đốc Trung tâm", 2),
    "TGPL-LD": ("Tổ trưởng", "Tổ phó", 1),
    "CC1": ("Trưởng phòng Công chứng", "Phó Trưởng phòng Công chứng", 1),
    "CC2": ("Trưởng phòng Công chứng", "Phó Trưởng phòng Công chứng", 1),
    "DGTS": ("Giám đốc Trung tâm", "Phó Giám đốc Trung tâm", 1),
}
PUBLIC_SERVICE_POSITIONS = {
    "TGPL": ["Trợ giúp viên pháp lý", "Chuyên viên pháp lý", "Kế toán viên"],
    "TGPL-LD": ["Trợ giúp viên pháp lý", "Chuyên viên pháp lý"],
    "CC1": ["Công chứng viên", "Thư ký nghiệp vụ", "Kế toán viên"],
    "CC2": ["Công chứng viên", "Thư ký nghiệp vụ"],
    "DGTS": ["Đấu giá viên", "Chuyên viên", "Kế toán viên"],
}
CIVIL_SERVICE_POSITIONS = ["Chuyên viên chính", "Chuyên viên", "Chuyên viên", "Chuyên viên"]

DIRECTOR_NAME = "Phạm Thị Bích Thủy"


@dataclass
class DemoAccount:
    role: str
    email: str
    full_name: str
    unit: str
    note: str = ""


@dataclass
class DemoSummary:
    units: str
    roster: str
    course: str
    accounts: list[DemoAccount] = field(default_factory=list)
    learning: str = ""
    nominations: str = ""


def _pick(rng: random.Random, weighted: list[tuple[str, float]]) -> str:
    names, weights = zip(*weighted, strict=True)
    return rng.choices(names, weights)[0]


def _email_for(full_name: str, taken: set[str]) -> str:
    parts = fold_diacritics(full_name).split()
    local = parts[-1] + "".join(p[0] for p in parts[:-1])
    candidate, n = local, 1
    while candidate in taken:
        n += 1
        candidate = f"{local}{n}"
    taken.add(candidate)
    return f"{candidate}@{EMAIL_DOMAIN}"


def demo_roster_rows() -> list[dict[str, object]]:
    """~140 people with realistic names, deterministic (seeded) so re-runs are identical."""
    rng = random.Random(57)  # noqa: S311 - demo data, not security
    rows: list[dict[str, object]] = []
    used_names: set[str] = set()
    emails: set[str] = set()
    number = 0
    for code, _name, _parent, kind, count in UNITS:
        if count == 0:
            continue
        head_position, deputy_position, deputies = LEADERSHIP[code]
        for index in range(count):
            number += 1
            if code == "BGD" and index == 0:
                full_name = DIRECTOR_NAME
            else:
                while True:
                    female = rng.random() < 0.55
                    full_name = " ".join(
                        [
                            _pick(rng, FAMILY_NAMES),
                            _pick(rng, MIDDLE_FEMALE if female else MIDDLE_MALE),
                            _pick(rng, GIVEN_FEMALE if female else GIVEN_MALE),
                        ]
                    )
                    if full_name not in used_names:
                        break
            used_names.add(full_name)
            if index == 0:
                position, category = head_position, "Lãnh đạo"
            elif index <= deputies:
                position, category = deputy_position, "Lãnh đạo"
            elif kind == "Đơn vị sự nghiệp" or code in PUBLIC_SERVICE_POSITIONS:
                position, category = rng.choice(PUBLIC_SERVICE_POSITIONS[code]), "Viên chức"
            elif code == "VP" and index >= count - 2:
                position, category = (
                    ("Nhân viên lái xe" if index == count - 1 else "Nhân viên bảo vệ"),
                    "Người lao động",
                )
            else:
                position, category = rng.choice(CIVIL_SERVICE_POSITIONS), "Công chức"
            communications = _is_communications(code=code, index=index, count=count, deputies=deputies)
            birth = dt.date(rng.randint(1966, 2000), rng.randint(1, 12), rng.randint(1, 28))
            rows.append(
                {
                    "Mã cán bộ": f"STP{number:04d}",
                    "Họ và tên": full_name,
                    "Email": _email_for(full_name, emails),
                    "Mã đơn vị": code,
                    "Chức vụ": position,
                    "Đối tượng": category,
                    "Công tác truyền thông": "Có" if communications else "Không",
                    "Ngày sinh": format_date(birth),
                }
            )
    return rows


def _is_communications(*, code: str, index: int, count: int, deputies: int) -> bool:
    # One communications officer per unit; the Office and the legal-education division have two.
    if code in {"VP", "PBGD"}:
        return index in {deputies + 1, deputies + 2}
    return index == count - 1


def demo_unit_rows() -> list[dict[str, object]]:
    return [
        {"Mã đơn vị": code, "Tên đơn vị": name, "Mã đơn vị cấp trên": parent, "Loại đơn vị": kind}
        for code, name, parent, kind, _count in UNITS
    ]


def _ensure_account(*, staff: Staff, is_office_admin: bool = False, is_superuser: bool = False) -> User:
    user = staff.user or User.objects.filter(email=staff.email).first()
    if user is None:
        user = User.objects.create_user(
            email=staff.email,
            password=DEMO_PASSWORD,
            display_name=staff.full_name,
            is_office_admin=is_office_admin,
            is_staff=is_office_admin or is_superuser,
            is_superuser=is_superuser,
        )
    if staff.user_id != user.pk:
        staff.user = user
        staff.save(update_fields=["user"])
    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    return user


def _ensure_two_factor(user: User) -> str:
    """The Office must use TOTP: give demo Office accounts an authenticator and recovery codes."""
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, generate_totp_secret())
    # activate() returns the existing codes when there are some, so re-runs print the same ones.
    return ", ".join(RecoveryCodes.activate(user).get_unused_codes()[:3])


@transaction.atomic
def demo_seed() -> DemoSummary:
    units_summary = units_import(rows=demo_unit_rows())
    roster_summary = roster_import(rows=demo_roster_rows(), effective_date=DEMO_EFFECTIVE_DATE)
    course_summary = course_import(data=DEMO_COURSE_FILE.read_bytes())

    # The first person of each unit leads it; the Director also heads the whole department.
    staff_by_code = {s.code: s for s in Staff.objects.select_related("user")}
    first_of_unit: dict[str, Staff] = {}
    for row in demo_roster_rows():
        first_of_unit.setdefault(str(row["Mã đơn vị"]), staff_by_code[str(row["Mã cán bộ"])])
    for unit in Unit.objects.filter(code__in=[u[0] for u in UNITS]):
        head = first_of_unit.get(unit.code) or first_of_unit["BGD"]
        unit.heads.set([head])

    def person(unit_code: str, index: int) -> Staff:
        codes = [str(r["Mã cán bộ"]) for r in demo_roster_rows() if r["Mã đơn vị"] == unit_code]
        return staff_by_code[codes[index]]

    office_staff = person("VP", 3)
    learner_staff = person("TGPL", 6)
    head_staff = first_of_unit["PBGD"]
    accounts = []
    office = _ensure_account(staff=office_staff, is_office_admin=True)
    codes = _ensure_two_factor(office)
    accounts.append(
        DemoAccount(
            "Văn phòng Sở (Office admin)",
            office.email,
            office_staff.full_name,
            "VP",
            f"two-factor: recovery codes {codes}",
        )
    )
    head = _ensure_account(staff=head_staff)
    accounts.append(DemoAccount("Trưởng đơn vị (unit head)", head.email, head_staff.full_name, "PBGD"))
    learner = _ensure_account(staff=learner_staff)
    accounts.append(DemoAccount("Học viên (learner)", learner.email, learner_staff.full_name, "TGPL"))
    admin_email = f"quantri@{EMAIL_DOMAIN}"
    superuser = User.objects.filter(email=admin_email).first() or User.objects.create_superuser(
        email=admin_email, password=DEMO_PASSWORD, display_name="Quản trị hệ thống"
    )
    EmailAddress.objects.update_or_create(
        user=superuser, email=admin_email, defaults={"verified": True, "primary": True}
    )
    codes = _ensure_two_factor(superuser)
    accounts.append(
        DemoAccount(
            "Quản trị (superuser)", admin_email, "Quản trị hệ thống", "—", f"two-factor: recovery codes {codes}"
        )
    )
    learning = _demo_learning(created_by=office)
    nominations = _demo_nominations(head=head, office=office)
    return DemoSummary(
        units=str(units_summary),
        roster=str(roster_summary),
        course=course_summary.message,
        accounts=accounts,
        learning=learning,
        nominations=nominations,
    )


DEMO_ASSIGNMENT = "nq57-2025"
DEMO_SESSION_DATE = dt.date(2025, 9, 10)
DEMO_SESSION_TITLE = "Hội nghị quán triệt Nghị quyết 57-NQ/TW"
DEMO_SESSION_UNIT = "PBGD"
DEMO_SESSION_ABSENT = 2  # the last people of the unit's list missed the briefing


def _demo_learning(*, created_by: User) -> str:
    """The Resolution 57 assignment to the whole department and one briefing in PBGD (each made once)."""
    course = Course.objects.get(slug="nq57")
    assignment = Assignment.objects.filter(slug=DEMO_ASSIGNMENT).first()
    if assignment is None:
        assignment = assignment_create(
            slug=DEMO_ASSIGNMENT,
            course=course,
            units=[(Unit.objects.get(code="STP"), True)],
            categories=[],
            communications_only=False,
            people=[],
            starts_on=dt.date(2025, 8, 15),
            due_on=dt.date(2025, 12, 15),
            title="Quán triệt Nghị quyết 57-NQ/TW năm 2025",
            created_by=created_by,
        )
    enrolled = assignment.enrolments.filter(left_audience_on__isnull=True).count()
    text = f'"{assignment.slug}" cho {enrolled} người, hạn {format_date(assignment.due_on)}'
    if not InPersonSession.objects.filter(course=course, held_on=DEMO_SESSION_DATE, title=DEMO_SESSION_TITLE).exists():
        unit_rows = [row for row in demo_roster_rows() if row["Mã đơn vị"] == DEMO_SESSION_UNIT]
        sheet = [
            {
                "Mã cán bộ": row["Mã cán bộ"],
                "Họ và tên": row["Họ và tên"],
                "Có mặt": "Không" if index >= len(unit_rows) - DEMO_SESSION_ABSENT else "Có",
            }
            for index, row in enumerate(unit_rows)
        ]
        attendance_import(
            rows=sheet, course=course, held_on=DEMO_SESSION_DATE, title=DEMO_SESSION_TITLE, recorded_by=created_by
        )
    session = InPersonSession.objects.get(course=course, held_on=DEMO_SESSION_DATE, title=DEMO_SESSION_TITLE)
    present = session.attendances.filter(present=True).count()
    return f'{text}; buổi "{session.title}" ngày {format_date(session.held_on)}: {present} người có mặt.'


DEMO_PROGRAMME = "Bồi dưỡng chuyên sâu kỹ năng truyền thông số và nội dung khoa học, công nghệ"


def _demo_nominations(*, head: User, office: User) -> str:
    """One specialist programme; PBGD's head nominates its communications staff, the Office approves one."""
    programme = TrainingProgramme.objects.filter(title=DEMO_PROGRAMME).first()
    if programme is None:
        programme = programme_create(
            title=DEMO_PROGRAMME,
            provider="Sở Khoa học và Công nghệ tỉnh Đồng Nai",
            starts_on=dt.date(2026, 10, 1),
            ends_on=dt.date(2027, 3, 31),
        )
        communicators = Staff.objects.filter(
            is_communications=True, memberships__unit__code="PBGD", memberships__valid_to__isnull=True
        ).order_by("code")
        for index, staff in enumerate(communicators):
            nomination = nomination_create(staff=staff, programme=programme, by=head, on=dt.date(2026, 9, 15))
            if index == 0:
                nomination_approve(nomination=nomination, by=office, on=dt.date(2026, 9, 20))
    count = Nomination.objects.filter(programme=programme).count()
    return f'"{programme.title}": {count} người được cử.'
