"""A deterministic, province-scale data set (`generate_province`): issue 5's scale, built in minutes.

`province_generate` builds, from a seed and a handful of sizes, everything the coverage
reports and the benchmarks read: a unit tree (materialized paths computed here, the
layout django-treebeard's `MP_Node` expects), staff with Vietnamese names, two years of
effective-dated memberships (joiners, moves, leavers who sometimes come back, promotions),
courses with a published version, lessons and a question bank, assignments to the whole
department, to a few divisions, to communications staff or to one category, their
enrolments, quiz attempts, completions (quiz, in-person briefing, external) spread over the
two years, and the heads of each unit.

How it stays fast and repeatable:
- Everything is planned in memory first from one `random.Random(seed)`, in a fixed
  order (lists, never set or dict iteration of unordered keys), with ids assigned here
  and every timestamp derived from a date; the same arguments give the same rows.
- Enrolments are computed from this in-memory membership model, exactly as
  `courses.services.assignments.enrolment_sync` would leave them had it run on every
  effective date: enrolled on the first day in the audience on or after the start date,
  `left_audience_on` the day after the last day in it when that is before the end of
  the history. Calling `enrolment_sync` per assignment and per date would be too slow
  for 1.5 million rows.
- Rows are written with PostgreSQL's COPY (psycopg 3, in `demo/sql.py`) in one transaction, then the
  sequences are moved past the ids used and the tables analysed. Other databases (SQLite,
  for the small tests) get batched `executemany` INSERTs of the same rows.
- Quiz attempts are written without their `AttemptItem` rows (ten per attempt would be
  some ten million rows); only the attempts of the first `ITEM_SAMPLE_STAFF` staff get
  their drawn questions and answers, so the review pages have something to show.

Exemptions (`reports.models.Exemption`): about one enrolment in two hundred, long leave
or secondment inside the assignment's window. Nominations are not generated yet: the
`nominations` app has no model.
"""

from __future__ import annotations

import bisect
import datetime as dt
import gc
import time
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from random import Random

from django.apps import apps
from django.conf import settings
from django.db import models, transaction

from core.text import fold_diacritics
from courses.models import (
    Assignment,
    AssignmentUnit,
    Attendance,
    Completion,
    CompletionEvidence,
    Course,
    CourseVersion,
    CourseVersionStatus,
    Enrolment,
    InPersonSession,
    Lesson,
)
from demo import sql
from demo.sql import Progress
from demo.vietnamese_names import FAMILY_NAMES, GIVEN_FEMALE, GIVEN_MALE, MIDDLE_FEMALE, MIDDLE_MALE
from orgchart.models import Membership, Staff, StaffCategory, Unit, UnitKind, UnitVersion, unit_key
from orgchart.services.staff import staff_index_fields
from quizzes.models import Attempt, AttemptItem, AttemptStatus, Option, Question, QuestionKind
from reports.models import Exemption

DEFAULT_START = dt.date(2024, 7, 1)
EMAIL_DOMAIN = "stp.dongnai.gov.vn"
ITEM_SAMPLE_STAFF = 20
STEPLEN = 4
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
QUESTIONS_PER_VERSION = 15
QUESTIONS_PER_ATTEMPT = 10
PASS_PERCENT = 80
MAX_ATTEMPTS = 3
TIME_LIMIT_MINUTES = 20

# --- Units ------------------------------------------------------------------------------
ROOT_NAME = "Sở Tư pháp tỉnh Đồng Nai"
# Divisions and public-service units alternate first, so even a small tree has both.
SECOND_LEVEL: list[tuple[str, str]] = [
    ("Văn phòng Sở", UnitKind.DIVISION),
    ("Trung tâm Trợ giúp pháp lý nhà nước tỉnh Đồng Nai", UnitKind.PUBLIC_SERVICE_UNIT),
    ("Phòng Phổ biến, giáo dục pháp luật", UnitKind.DIVISION),
    ("Phòng Công chứng số 1", UnitKind.PUBLIC_SERVICE_UNIT),
    ("Ban Giám đốc Sở", UnitKind.DIVISION),
    ("Phòng Xây dựng, kiểm tra và theo dõi thi hành pháp luật", UnitKind.DIVISION),
    ("Phòng Công chứng số 2", UnitKind.PUBLIC_SERVICE_UNIT),
    ("Phòng Hành chính và Bổ trợ tư pháp", UnitKind.DIVISION),
    ("Trung tâm Dịch vụ đấu giá tài sản", UnitKind.PUBLIC_SERVICE_UNIT),
]
PLACES = [
    "thành phố Biên Hòa",
    "thành phố Long Khánh",
    "huyện Nhơn Trạch",
    "huyện Long Thành",
    "huyện Trảng Bom",
    "huyện Thống Nhất",
    "huyện Cẩm Mỹ",
    "huyện Xuân Lộc",
    "huyện Định Quán",
    "huyện Tân Phú",
    "huyện Vĩnh Cửu",
    "thành phố Đồng Xoài",
    "thị xã Bình Long",
    "thị xã Phước Long",
    "thị xã Chơn Thành",
    "huyện Bù Đăng",
    "huyện Bù Đốp",
    "huyện Bù Gia Mập",
    "huyện Đồng Phú",
    "huyện Hớn Quản",
    "huyện Lộc Ninh",
    "huyện Phú Riềng",
]
PLACE_SYLLABLES = [
    "An",
    "Bình",
    "Tân",
    "Phú",
    "Long",
    "Hòa",
    "Thạnh",
    "Phước",
    "Xuân",
    "Hiệp",
    "Thành",
    "Vĩnh",
    "Trung",
    "Lộc",
    "Đông",
    "Tây",
    "Quang",
    "Gia",
    "Hưng",
    "Mỹ",
    "Thiện",
    "Tín",
    "Định",
    "Sơn",
    "Lâm",
    "Điền",
    "Hội",
    "Nghĩa",
    "Thuận",
    "Lợi",
]
TEAM_FUNCTIONS = [
    "Tổng hợp",
    "Hành chính",
    "Nghiệp vụ",
    "Hộ tịch",
    "Chứng thực",
    "Trợ giúp pháp lý lưu động",
    "Hòa giải cơ sở",
    "Phổ biến pháp luật",
    "Kiểm tra văn bản",
    "Theo dõi thi hành pháp luật",
    "Công nghệ thông tin",
    "Kế toán",
    "Tiếp công dân",
    "Truyền thông",
]

# --- Positions ----------------------------------------------------------------------------
HEAD_TITLE = {UnitKind.DIVISION: "Trưởng phòng", UnitKind.PUBLIC_SERVICE_UNIT: "Giám đốc", UnitKind.TEAM: "Tổ trưởng"}
DEPUTY_TITLE = {
    UnitKind.DIVISION: "Phó Trưởng phòng",
    UnitKind.PUBLIC_SERVICE_UNIT: "Phó Giám đốc",
    UnitKind.TEAM: "Tổ phó",
}
POSITIONS = {
    StaffCategory.CIVIL_SERVANT: ["Chuyên viên", "Chuyên viên", "Chuyên viên", "Chuyên viên chính", "Cán sự"],
    StaffCategory.PUBLIC_EMPLOYEE: [
        "Viên chức",
        "Trợ giúp viên pháp lý",
        "Công chứng viên",
        "Đấu giá viên",
        "Chuyên viên",
        "Kế toán viên",
        "Thư ký nghiệp vụ",
    ],
    StaffCategory.CONTRACT_WORKER: ["Nhân viên văn thư", "Lái xe", "Bảo vệ", "Nhân viên phục vụ", "Nhân viên kỹ thuật"],
}

# --- Courses ------------------------------------------------------------------------------
COURSE_TOPICS: list[tuple[str, str]] = [
    ("nq57", "Nghị quyết 57-NQ/TW về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số"),
    ("chuyen-doi-so", "Chuyển đổi số trong cơ quan nhà nước"),
    ("an-toan-thong-tin", "An toàn thông tin và bảo vệ dữ liệu cá nhân"),
    ("pbgdpl", "Kỹ năng phổ biến, giáo dục pháp luật"),
    ("cai-cach-hanh-chinh", "Cải cách hành chính và Chính phủ số"),
    ("tiep-can-thong-tin", "Luật Tiếp cận thông tin"),
    ("xu-ly-vphc", "Luật Xử lý vi phạm hành chính"),
    ("ho-tich", "Luật Hộ tịch và đăng ký hộ tịch trực tuyến"),
    ("cong-chung-2024", "Luật Công chứng năm 2024"),
    ("tro-giup-phap-ly", "Luật Trợ giúp pháp lý"),
    ("dau-gia-tai-san", "Luật Đấu giá tài sản sửa đổi"),
    ("phong-chong-tham-nhung", "Luật Phòng, chống tham nhũng"),
    ("truyen-thong-so", "Kỹ năng truyền thông số cho cán bộ làm công tác truyền thông"),
    ("binh-dang-gioi", "Bình đẳng giới trong cơ quan nhà nước"),
    ("van-hoa-cong-so", "Văn hóa công sở và quy tắc ứng xử"),
    ("dan-chu-co-so", "Luật Thực hiện dân chủ ở cơ sở"),
    ("luat-du-lieu", "Luật Dữ liệu"),
    ("soan-thao-van-ban", "Kỹ thuật soạn thảo văn bản hành chính"),
    ("hoa-giai-co-so", "Luật Hòa giải ở cơ sở"),
    ("ban-hanh-vbqppl", "Luật Ban hành văn bản quy phạm pháp luật năm 2025"),
]
EXEMPTION_REASONS = ["Nghỉ thai sản", "Biệt phái", "Nghỉ ốm dài ngày", "Đi học dài hạn", "Nghỉ không lương"]
EXEMPTION_SHARE = 0.005

# Assignment audiences, cycled: root, root without contract workers, leaders only,
# communications staff only, one or two second-level subtrees.
AUDIENCE_PATTERN = ["root", "root", "branch", "root", "comms", "root", "branch", "root_core", "branch", "leaders"]

CATEGORY_CODES = [
    StaffCategory.LEADER,
    StaffCategory.CIVIL_SERVANT,
    StaffCategory.PUBLIC_EMPLOYEE,
    StaffCategory.CONTRACT_WORKER,
]
LEADER, CIVIL, PUBLIC, CONTRACT = range(4)


class ProvinceRefused(Exception):
    """The data set cannot be built (bad sizes, or a database that is not empty)."""


@dataclass
class ProvinceSummary:
    seed: int
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        labels = [
            ("units", "đơn vị"),
            ("staff", "cán bộ"),
            ("memberships", "quá trình công tác"),
            ("courses", "khóa học"),
            ("questions", "câu hỏi"),
            ("assignments", "đợt giao"),
            ("enrolments", "người được giao"),
            ("attempts", "bài làm"),
            ("attempt_items", "câu trong bài làm"),
            ("sessions", "buổi quán triệt"),
            ("attendances", "lượt điểm danh"),
            ("completions", "lượt hoàn thành"),
            ("exemptions", "miễn trừ"),
        ]
        parts = ", ".join(f"{self.counts.get(key, 0):,} {label}".replace(",", ".") for key, label in labels)
        return f"Đã sinh dữ liệu cấp tỉnh (seed {self.seed}) trong {self.seconds:.1f} giây: {parts}."


# --- Plan ---------------------------------------------------------------------------------
@dataclass
class _Units:
    paths: list[str] = field(default_factory=list)
    depths: list[int] = field(default_factory=list)
    parents: list[int] = field(default_factory=list)
    numchild: list[int] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    branch: list[int] = field(default_factory=list)  # second-level ancestor (itself at level 2; -1 for the root)
    by_branch: dict[int, list[int]] = field(default_factory=dict)


@dataclass
class _Segment:
    unit: int
    category: int
    position: str
    valid_from: int  # date ordinals
    valid_to: int | None


@dataclass
class _Plan:
    start: int
    end: int
    units: _Units
    staff_names: list[str]
    staff_emails: list[str]
    staff_birth: list[int]
    staff_comms: list[bool]
    segments: list[list[_Segment]]


def _weighted(rng: Random, items: list[tuple[str, float]]) -> Callable[[], str]:
    names = [name for name, _weight in items]
    cumulative = []
    total = 0.0
    for _name, weight in items:
        total += weight
        cumulative.append(total)

    def pick() -> str:
        return names[bisect.bisect_right(cumulative, rng.random() * total)]

    return pick


def _path_step(number: int) -> str:
    digits = []
    for _ in range(STEPLEN):
        number, remainder = divmod(number, len(ALPHABET))
        digits.append(ALPHABET[remainder])
    return "".join(reversed(digits))


def _level_counts(*, units: int, depth: int) -> list[int]:
    """How many units on each level (1 = the root): geometric, four times as many per level."""
    below = units - 1
    weights = [4**level for level in range(depth - 1)]
    counts = [1] * (depth - 1)
    spare = below - (depth - 1)
    shares = [spare * weight // sum(weights) for weight in weights]
    counts = [count + share for count, share in zip(counts, shares, strict=True)]
    counts[-1] += below - sum(counts)
    return [1, *counts]


def _place_name(rng: Random) -> str:
    first, second = rng.sample(PLACE_SYLLABLES, 2)
    return f"{first} {second}"


def _plan_units(rng: Random, *, units: int, depth: int) -> _Units:
    plan = _Units()
    counts = _level_counts(units=units, depth=depth)
    plan.paths.append(_path_step(1))
    plan.depths.append(1)
    plan.parents.append(-1)
    plan.names.append(ROOT_NAME)
    plan.kinds.append(UnitKind.DEPARTMENT)
    plan.branch.append(-1)
    children: list[list[int]] = [[]]
    previous_level = [0]
    for level in range(2, depth + 1):
        this_level = []
        for number in range(counts[level - 1]):
            index = len(plan.paths)
            # The first units of a level go one to each parent, so every level is reached
            # and no parent at the level above is left childless when there are enough.
            parent = previous_level[number] if number < len(previous_level) else rng.choice(previous_level)
            children[parent].append(index)
            children.append([])
            plan.parents.append(parent)
            plan.depths.append(level)
            plan.paths.append(plan.paths[parent] + _path_step(len(children[parent])))
            if level == 2:
                if number < len(SECOND_LEVEL):
                    name, kind = SECOND_LEVEL[number]
                elif number - len(SECOND_LEVEL) < len(PLACES):
                    name, kind = f"Phòng Tư pháp {PLACES[number - len(SECOND_LEVEL)]}", UnitKind.DIVISION
                else:
                    name, kind = f"Trung tâm Dịch vụ pháp lý số {number + 1}", UnitKind.PUBLIC_SERVICE_UNIT
                plan.branch.append(index)
            else:
                branch = plan.branch[parent]
                plan.branch.append(branch)
                if level == 3 and plan.kinds[branch] == UnitKind.DIVISION:
                    name, kind = f"Ban Tư pháp xã {_place_name(rng)}", UnitKind.DIVISION
                elif level == 3:
                    name, kind = f"Chi nhánh {_place_name(rng)}", UnitKind.PUBLIC_SERVICE_UNIT
                else:
                    name = f"Tổ {rng.choice(TEAM_FUNCTIONS)} số {len(children[parent])}"
                    kind = UnitKind.TEAM
            plan.names.append(name)
            plan.kinds.append(kind)
            this_level.append(index)
        previous_level = this_level
    plan.numchild = [len(child_list) for child_list in children]
    for index, branch in enumerate(plan.branch):
        if branch >= 0:
            plan.by_branch.setdefault(branch, []).append(index)
    return plan


def _branch_kind(units: _Units, unit: int) -> str:
    return units.kinds[units.branch[unit]]


def _base_category(units: _Units, unit: int) -> int:
    return CIVIL if _branch_kind(units, unit) == UnitKind.DIVISION else PUBLIC


def _position(rng: Random, units: _Units, unit: int, category: int, *, head: bool = False) -> str:
    if category == LEADER:
        kind = units.kinds[unit]
        kind = kind if kind in HEAD_TITLE else UnitKind.DIVISION
        return HEAD_TITLE[kind] if head else DEPUTY_TITLE[kind]
    return rng.choice(POSITIONS[CATEGORY_CODES[category]])


def _plan_people(rng: Random, *, staff: int, units: _Units, start: int, end: int) -> _Plan:
    family = _weighted(rng, FAMILY_NAMES)
    middle = {True: _weighted(rng, MIDDLE_FEMALE), False: _weighted(rng, MIDDLE_MALE)}
    given = {True: _weighted(rng, GIVEN_FEMALE), False: _weighted(rng, GIVEN_MALE)}
    names, emails, births, comms = [], [], [], []
    mailboxes: dict[str, int] = {}
    start_year = dt.date.fromordinal(start).year
    for _ in range(staff):
        female = rng.random() < 0.55
        parts = [family(), middle[female]()]
        if rng.random() < 0.12:
            second = middle[female]()
            if second != parts[1]:
                parts.append(second)
        parts.append(given[female]())
        full_name = " ".join(parts)
        names.append(full_name)
        mailbox = fold_diacritics(parts[-1]) + "".join(fold_diacritics(word)[0] for word in parts[:-1])
        seen = mailboxes.get(mailbox, 0)
        mailboxes[mailbox] = seen + 1
        emails.append(f"{mailbox}{seen if seen else ''}@{EMAIL_DOMAIN}")
        births.append(dt.date(start_year - rng.randint(23, 60), 1, 1).toordinal() + rng.randrange(365))
        comms.append(rng.random() < 0.03)

    # Staff sit in every unit but the root, some units bigger than others.
    staffed = list(range(1, len(units.paths)))
    weights = [rng.uniform(0.3, 1.7) for _ in staffed]
    first_units = rng.choices(staffed, weights=weights, k=staff)
    members_of: dict[int, list[int]] = {}
    for person, unit in enumerate(first_units):
        members_of.setdefault(unit, []).append(person)
    first_category = [0] * staff
    first_position = [""] * staff
    for unit in staffed:
        people = members_of.get(unit, [])
        leaders = max(1, round(len(people) * 0.06)) if people else 0
        for rank, person in enumerate(people):
            if rank < leaders:
                category = LEADER
            elif rng.random() < 0.055:
                category = CONTRACT
            else:
                category = _base_category(units, unit)
            first_category[person] = category
            first_position[person] = _position(rng, units, unit, category, head=rank == 0)

    segments: list[list[_Segment]] = []
    years = (end - start + 1) / 365
    for person in range(staff):
        joined = start if rng.random() < 0.9 else start + 1 + rng.randrange(end - start)
        history = [_Segment(first_units[person], first_category[person], first_position[person], joined, None)]
        events: list[tuple[int, str]] = []
        for kind, yearly in (("move", 0.10), ("leave", 0.05), ("change", 0.03)):
            for _ in range(int(years) + 1):
                if rng.random() < yearly * min(1.0, years):
                    events.append((start + 1 + rng.randrange(end - start), kind))
        events.sort()
        for day, kind in events:
            current = history[-1]
            if day <= current.valid_from or day > end:
                continue
            if current.valid_to is not None:
                continue  # left and not back: later events do not apply
            current.valid_to = day - 1
            if kind == "leave":
                if rng.random() < 0.3:
                    back = day + rng.randint(60, 400)
                    if back <= end:
                        unit = _move_target(rng, units, current.unit)
                        category = current.category if current.category != LEADER else _base_category(units, unit)
                        history.append(_Segment(unit, category, _position(rng, units, unit, category), back, None))
                continue
            if kind == "move":
                unit = _move_target(rng, units, current.unit)
                category = current.category
                if category in (CIVIL, PUBLIC):
                    category = _base_category(units, unit)
                same_role = category == current.category and units.kinds[unit] == units.kinds[current.unit]
                position = current.position if same_role else _position(rng, units, unit, category)
                history.append(_Segment(unit, category, position, day, None))
            else:
                unit = current.unit
                if current.category == CONTRACT:
                    category = _base_category(units, unit)
                elif current.category == LEADER:
                    category = LEADER
                else:
                    category = LEADER if rng.random() < 0.5 else current.category
                history.append(_Segment(unit, category, _position(rng, units, unit, category), day, None))
        segments.append(history)
    return _Plan(
        start=start,
        end=end,
        units=units,
        staff_names=names,
        staff_emails=emails,
        staff_birth=births,
        staff_comms=comms,
        segments=segments,
    )


def _move_target(rng: Random, units: _Units, unit: int) -> int:
    siblings = units.by_branch.get(units.branch[unit], [])
    if len(siblings) > 1 and rng.random() < 0.6:
        choice = rng.choice(siblings)
        if choice != unit:
            return choice
    choice = 1 + rng.randrange(len(units.paths) - 1)
    return choice if choice != unit else (1 + choice % (len(units.paths) - 1))


def _unit_on(history: list[_Segment], day: int) -> int:
    for segment in history:
        if segment.valid_from <= day and (segment.valid_to is None or segment.valid_to >= day):
            return segment.unit
    return -1


# --- Courses and assignments ----------------------------------------------------------------
@dataclass
class _Assignment:
    index: int
    course: int
    slug: str
    title: str
    starts_on: int
    due_on: int
    audience: str
    unit_rules: list[tuple[int, bool]]
    categories: list[int]
    communications_only: bool


def _plan_assignments(rng: Random, *, count: int, courses: int, units: _Units, start: int, end: int) -> list:
    second_level = [index for index, depth in enumerate(units.depths) if depth == 2]
    span = max(1, end - start - 90)
    planned = []
    for index in range(count):
        audience = AUDIENCE_PATTERN[index % len(AUDIENCE_PATTERN)]
        course = index % courses
        starts_on = start + (index * span) // max(1, count) + rng.randrange(15)
        due_on = starts_on + rng.choice([30, 45, 60, 90])
        categories: list[int] = []
        rules: list[tuple[int, bool]] = [(0, True)]
        communications_only = False
        if audience == "root_core":
            categories = [LEADER, CIVIL, PUBLIC]
        elif audience == "leaders":
            categories = [LEADER]
        elif audience == "comms":
            communications_only = True
        elif audience == "branch":
            picked = rng.sample(second_level, min(2, len(second_level)))
            rules = [(picked[0], True)]
            if len(picked) > 1:
                rules.append((picked[1], rng.random() < 0.7))
        slug_base = COURSE_TOPICS[course % len(COURSE_TOPICS)][0] if course < len(COURSE_TOPICS) else "khoa-hoc"
        year = dt.date.fromordinal(starts_on).year
        slug = f"{slug_base}-{year}-{index + 1:02d}"
        title_base = _course_title(course)
        audience_text = {
            "root": "toàn Sở",
            "root_core": "lãnh đạo, công chức, viên chức",
            "leaders": "lãnh đạo",
            "comms": "cán bộ làm công tác truyền thông",
            "branch": "đơn vị",
        }[audience]
        title = f"{title_base} – {audience_text} ({dt.date.fromordinal(starts_on):%m/%Y})"
        planned.append(
            _Assignment(index, course, slug, title, starts_on, due_on, audience, rules, categories, communications_only)
        )
    planned.sort(key=lambda item: (item.starts_on, item.index))
    return planned


def _course_slug(course: int) -> str:
    if course < len(COURSE_TOPICS):
        return COURSE_TOPICS[course][0]
    return f"khoa-hoc-{course + 1:03d}"


def _course_title(course: int) -> str:
    if course < len(COURSE_TOPICS):
        return COURSE_TOPICS[course][1]
    return f"Bồi dưỡng kiến thức pháp luật chuyên đề {course + 1}"


def _at(day: int, minutes: int, tz: dt.tzinfo) -> dt.datetime:
    moment = dt.datetime.combine(dt.date.fromordinal(day), dt.time(0, 0), tzinfo=tz)
    return moment + dt.timedelta(minutes=minutes)


# --- Public API ---------------------------------------------------------------------------------
def _generated_models() -> list[type[models.Model]]:
    """The tables the generator fills, and every table that points at them (wiped with them)."""
    own = [
        Unit,
        Unit.heads.through,
        Staff,
        Membership,
        Course,
        CourseVersion,
        Lesson,
        Question,
        Option,
        Assignment,
        AssignmentUnit,
        Enrolment,
        InPersonSession,
        Attendance,
        Attempt,
        AttemptItem,
        Completion,
        Exemption,
    ]
    found = list(own)
    changed = True
    while changed:
        changed = False
        for model in apps.get_models(include_auto_created=True):
            if model in found or model._meta.proxy or not model._meta.managed:
                continue
            if any((f.many_to_one or f.one_to_one) and f.related_model in found for f in model._meta.concrete_fields):
                found.append(model)
                changed = True
    return found


def province_existing_counts() -> dict[str, int]:
    """Rows already in the tables the generator fills (empty dict when there are none)."""
    counts = {}
    for label, model in (("đơn vị", Unit), ("cán bộ", Staff), ("khóa học", Course), ("đợt giao", Assignment)):
        count = model.objects.count()
        if count:
            counts[label] = count
    return counts


def province_reset() -> None:
    """Delete every row of the generated tables (and of the tables that reference them)."""
    sql.tables_empty(_generated_models())


def province_generate(
    *,
    staff: int,
    units: int,
    depth: int,
    seed: int,
    assignments: int = 30,
    courses: int = 20,
    start_date: dt.date = DEFAULT_START,
    reset: bool = False,
    progress: Progress | None = None,
) -> ProvinceSummary:
    """Build the data set in one transaction; refuse (ProvinceRefused) on bad sizes or a non-empty database.

    History runs two years from `start_date` (inclusive) to the day before its second
    anniversary. With `reset`, the generated tables are emptied first.
    """
    problems = []
    if staff < 1:
        problems.append("--staff phải ít nhất là 1.")
    if depth < 2:
        problems.append("--depth phải ít nhất là 2 (Sở và một cấp đơn vị).")
    if units < depth:
        problems.append(f"--units ({units}) phải ít nhất bằng --depth ({depth}).")
    if courses < 1:
        problems.append("--courses phải ít nhất là 1.")
    if assignments < 0:
        problems.append("--assignments không được âm.")
    if problems:
        raise ProvinceRefused("\n".join(problems))
    existing = province_existing_counts()
    if existing and not reset:
        found = ", ".join(f"{count} {label}" for label, count in existing.items())
        raise ProvinceRefused(
            f"Cơ sở dữ liệu đã có dữ liệu ({found}); chạy lại với --reset để xóa dữ liệu cũ rồi sinh dữ liệu mới."
        )
    began = time.monotonic()
    summary = ProvinceSummary(seed=seed)
    gc_was_enabled = gc.isenabled()
    gc.disable()  # millions of small tuples: the cyclic collector would only slow the plan down
    try:
        with transaction.atomic():
            if reset:
                province_reset()
            _generate(
                summary=summary,
                staff=staff,
                units=units,
                depth=depth,
                seed=seed,
                assignments=assignments,
                courses=courses,
                start_date=start_date,
                progress=progress,
            )
    finally:
        if gc_was_enabled:
            gc.enable()
    sql.tables_analyze(_generated_models())
    summary.seconds = time.monotonic() - began
    return summary


def _end_of_history(start: dt.date) -> dt.date:
    try:
        anniversary = start.replace(year=start.year + 2)
    except ValueError:  # 29 February
        anniversary = start.replace(year=start.year + 2, day=28)
    return anniversary - dt.timedelta(days=1)


def _generate(
    *,
    summary: ProvinceSummary,
    staff: int,
    units: int,
    depth: int,
    seed: int,
    assignments: int,
    courses: int,
    start_date: dt.date,
    progress: Progress | None,
) -> None:
    rng = Random(seed)
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    start = start_date.toordinal()
    end = _end_of_history(start_date).toordinal()
    date = dt.date.fromordinal
    writer = sql.TableWriter(progress)
    counts = summary.counts
    sql.constraints_immediate()

    # Units.
    unit_plan = _plan_units(rng, units=units, depth=depth)
    code_width = max(4, len(str(units)))
    created = _at(start - 30, 8 * 60, tz)
    counts["units"] = writer.write(
        Unit,
        ["id", "path", "depth", "numchild", "code", "name", "kind", "is_active"],
        (
            (
                i + 1,
                unit_plan.paths[i],
                unit_plan.depths[i],
                unit_plan.numchild[i],
                f"U{i + 1:0{code_width}d}",
                unit_plan.names[i],
                unit_plan.kinds[i],
                True,
            )
            for i in range(units)
        ),
        phase="Đơn vị",
        total=units,
    )
    # The dated tree: one version per unit, open at both ends (the generated history starts with this tree).
    id_by_path = {unit_plan.paths[i]: i + 1 for i in range(units)}
    steplen = Unit.steplen

    def version_rows() -> Iterator[tuple]:
        for i in range(units):
            path = unit_plan.paths[i]
            ancestors = [id_by_path[path[:end]] for end in range(steplen, len(path) + 1, steplen)]
            yield (
                i + 1,
                i + 1,
                None,
                None,
                ancestors[-2] if len(ancestors) > 1 else None,
                unit_plan.names[i],
                unit_plan.kinds[i],
                "".join(unit_key(ancestor) for ancestor in ancestors),
                unit_plan.depths[i],
            )

    writer.write(
        UnitVersion,
        ["id", "unit", "valid_from", "valid_to", "parent", "name", "kind", "path", "depth"],
        version_rows(),
        phase="Lịch sử đơn vị",
        total=units,
    )

    # Staff and memberships.
    plan = _plan_people(rng, staff=staff, units=unit_plan, start=start, end=end)
    staff_width = max(6, len(str(staff)))
    staff_codes = [f"CB{i + 1:0{staff_width}d}" for i in range(staff)]

    def staff_rows() -> Iterator[tuple]:
        for i in range(staff):
            name = plan.staff_names[i]
            # Some contract workers have no work mailbox.
            email = plan.staff_emails[i] if (i % 7 or plan.segments[i][0].category != CONTRACT) else ""
            fields = staff_index_fields(full_name=name, code=staff_codes[i], email=email)
            yield (
                i + 1,
                staff_codes[i],
                name,
                email,
                date(plan.staff_birth[i]),
                plan.staff_comms[i],
                None,
                fields["sort_key"],
                fields["search_text"],
            )

    counts["staff"] = writer.write(
        Staff,
        ["id", "code", "full_name", "email", "date_of_birth", "is_communications", "user", "sort_key", "search_text"],
        staff_rows(),
        phase="Cán bộ",
        total=staff,
    )

    def membership_rows() -> Iterator[tuple]:
        number = 0
        for person, history in enumerate(plan.segments):
            for segment in history:
                number += 1
                yield (
                    number,
                    person + 1,
                    segment.unit + 1,
                    segment.position,
                    CATEGORY_CODES[segment.category].value,
                    plan.staff_comms[person],
                    date(segment.valid_from),
                    None if segment.valid_to is None else date(segment.valid_to),
                    _at(segment.valid_from, 8 * 60, tz),
                )

    membership_total = sum(len(history) for history in plan.segments)
    counts["memberships"] = writer.write(
        Membership,
        ["id", "staff", "unit", "position", "category", "is_communications", "valid_from", "valid_to", "created_at"],
        membership_rows(),
        phase="Quá trình công tác",
        big=True,
        total=membership_total,
    )

    # Heads: the first leader (by staff code) with an open membership in each unit at the end.
    heads: dict[int, int] = {}
    for person, history in enumerate(plan.segments):
        last = history[-1]
        if last.valid_to is None and last.category == LEADER and last.unit not in heads:
            heads[last.unit] = person
    writer.write(
        Unit.heads.through,
        ["id", "unit", "staff"],
        ((n + 1, unit + 1, heads[unit] + 1) for n, unit in enumerate(sorted(heads))),
        phase="Lãnh đạo đơn vị",
        total=len(heads),
    )

    # Courses, versions, lessons, questions, options.
    published_at = _at(start - 14, 9 * 60, tz)
    writer.write(
        Course,
        ["id", "slug", "created_at"],
        ((c + 1, _course_slug(c), created) for c in range(courses)),
        phase="Khóa học",
        total=courses,
    )
    writer.write(
        CourseVersion,
        [
            "id",
            "course",
            "number",
            "title",
            "description",
            "estimated_minutes",
            "status",
            "published_at",
            "pass_percent",
            "questions_per_attempt",
            "max_attempts",
            "time_limit_minutes",
            "requires_all_lessons",
            "created_at",
        ],
        (
            (
                c + 1,
                c + 1,
                1,
                _course_title(c),
                f"Khóa học trực tuyến: {_course_title(c)}.",
                45 + 15 * (c % 4),
                CourseVersionStatus.PUBLISHED.value,
                published_at,
                PASS_PERCENT,
                QUESTIONS_PER_ATTEMPT,
                MAX_ATTEMPTS,
                TIME_LIMIT_MINUTES,
                False,
                created,
            )
            for c in range(courses)
        ),
        phase="Phiên bản khóa học",
        total=courses,
    )
    lesson_rows = []
    for c in range(courses):
        for position in range(1, 3 + c % 3 + 1):
            lesson_rows.append(
                (
                    len(lesson_rows) + 1,
                    c + 1,
                    position,
                    f"Bài {position}. {_course_title(c)} – phần {position}",
                    f"<p>Nội dung bài {position} của khóa học “{_course_title(c)}”.</p>",
                    "",
                    "",
                    "",
                    10 + 5 * (position % 3),
                )
            )
    writer.write(
        Lesson,
        [
            "id",
            "version",
            "position",
            "title",
            "body_html",
            "attachment",
            "video_file",
            "video_url",
            "estimated_minutes",
        ],
        lesson_rows,
        phase="Bài học",
        total=len(lesson_rows),
    )
    question_rows, option_rows = [], []
    # per version: list of (question id, [option ids], [correct option ids])
    bank: list[list[tuple[int, list[int], list[int]]]] = []
    for c in range(courses):
        questions = []
        for position in range(1, QUESTIONS_PER_VERSION + 1):
            question_id = len(question_rows) + 1
            if position % 5 == 0:
                kind = QuestionKind.TRUE_FALSE
                texts = ["Đúng", "Sai"]
                correct = {rng.randrange(2)}
            elif position % 7 == 0:
                kind = QuestionKind.MULTIPLE
                texts = [f"Phương án {letter}" for letter in "ABCD"]
                correct = set(rng.sample(range(4), 2))
            else:
                kind = QuestionKind.SINGLE
                texts = [f"Phương án {letter}" for letter in "ABCD"]
                correct = {rng.randrange(4)}
            question_rows.append(
                (
                    question_id,
                    c + 1,
                    position,
                    f"Câu {position} về “{_course_title(c)}”: chọn {'các ' if kind == QuestionKind.MULTIPLE else ''}"
                    f"phương án đúng.",
                    kind.value,
                    f"Giải thích câu {position}: xem lại bài {1 + position % 3}.",
                )
            )
            option_ids, correct_ids = [], []
            for option_position, text in enumerate(texts, start=1):
                option_id = len(option_rows) + 1
                is_correct = option_position - 1 in correct
                option_rows.append((option_id, question_id, option_position, text, is_correct))
                option_ids.append(option_id)
                if is_correct:
                    correct_ids.append(option_id)
            questions.append((question_id, option_ids, correct_ids))
        bank.append(questions)
    counts["questions"] = writer.write(
        Question,
        ["id", "version", "position", "text", "kind", "explanation"],
        question_rows,
        phase="Câu hỏi",
        total=len(question_rows),
    )
    writer.write(
        Option,
        ["id", "question", "position", "text", "is_correct"],
        option_rows,
        phase="Phương án",
        total=len(option_rows),
    )
    counts["courses"] = courses

    # Assignments and their audience units.
    planned = _plan_assignments(rng, count=assignments, courses=courses, units=unit_plan, start=start, end=end)
    counts["assignments"] = writer.write(
        Assignment,
        [
            "id",
            "slug",
            "title",
            "course",
            "starts_on",
            "due_on",
            "completions_from",
            "categories",
            "communications_only",
            "created_by",
            "created_at",
        ],
        (
            (
                a.index + 1,
                a.slug,
                a.title,
                a.course + 1,
                date(a.starts_on),
                date(a.due_on),
                date(a.starts_on),
                [CATEGORY_CODES[c].value for c in a.categories],
                a.communications_only,
                None,
                _at(a.starts_on, 7 * 60, tz),
            )
            for a in sorted(planned, key=lambda item: item.index)
        ),
        phase="Giao khóa học",
        total=len(planned),
    )
    audience_unit_rows = []
    for a in sorted(planned, key=lambda item: item.index):
        for unit, include_descendants in a.unit_rules:
            audience_unit_rows.append((len(audience_unit_rows) + 1, a.index + 1, unit + 1, include_descendants))
    writer.write(
        AssignmentUnit,
        ["id", "assignment", "unit", "include_descendants"],
        audience_unit_rows,
        phase="Đơn vị được giao",
        total=len(audience_unit_rows),
    )

    # Enrolments, sessions, attempts, completions: planned together, written table by table.
    outcome = _simulate(rng, plan=plan, planned=planned, progress=progress)
    if progress:
        progress("Mô phỏng học tập", len(planned), len(planned))
    enrolment_total = sum(len(rows) for rows in outcome.enrolments)

    def enrolment_rows() -> Iterator[tuple]:
        number = 0
        for a, rows in zip(planned, outcome.enrolments, strict=True):
            for person, enrolled_on, left_on in rows:
                number += 1
                yield (
                    number,
                    a.index + 1,
                    person + 1,
                    date(enrolled_on),
                    None if left_on is None else date(left_on),
                    # Made on its start date: those enrolled later joined after it was made.
                    enrolled_on > a.starts_on,
                    _at(enrolled_on, 7 * 60, tz),
                )

    counts["enrolments"] = writer.write(
        Enrolment,
        ["id", "assignment", "staff", "enrolled_on", "left_audience_on", "joined_after_creation", "created_at"],
        enrolment_rows(),
        phase="Người được giao",
        big=True,
        total=enrolment_total,
    )
    counts["sessions"] = writer.write(
        InPersonSession,
        ["id", "course", "title", "held_on", "recorded_by", "created_at"],
        (
            (n + 1, course + 1, title, date(day), None, _at(day, 17 * 60, tz))
            for n, (course, title, day) in enumerate(outcome.sessions)
        ),
        phase="Buổi quán triệt",
        total=len(outcome.sessions),
    )
    counts["attendances"] = writer.write(
        Attendance,
        ["id", "session", "staff", "present"],
        ((n + 1, session + 1, person + 1, present) for n, (session, person, present) in enumerate(outcome.attendances)),
        phase="Điểm danh",
        big=True,
        total=len(outcome.attendances),
    )

    def attempt_rows() -> Iterator[tuple]:
        limit = dt.timedelta(minutes=TIME_LIMIT_MINUTES)
        for n, (person, course, number, day, minute, duration, correct) in enumerate(outcome.attempts):
            started = _at(day, minute, tz)
            expired = duration > TIME_LIMIT_MINUTES
            yield (
                n + 1,
                person + 1,
                course + 1,
                number,
                AttemptStatus.EXPIRED.value if expired else AttemptStatus.SUBMITTED.value,
                started,
                started + limit,
                started + (limit if expired else dt.timedelta(minutes=duration)),
                correct,
                QUESTIONS_PER_ATTEMPT,
                Decimal(correct * 100) / QUESTIONS_PER_ATTEMPT,
                correct * 100 >= PASS_PERCENT * QUESTIONS_PER_ATTEMPT,
            )

    counts["attempts"] = writer.write(
        Attempt,
        [
            "id",
            "staff",
            "version",
            "number",
            "status",
            "started_at",
            "deadline_at",
            "closed_at",
            "correct_count",
            "question_count",
            "score_percent",
            "passed",
        ],
        attempt_rows(),
        phase="Bài làm",
        big=True,
        total=len(outcome.attempts),
    )
    item_rows = _attempt_items(rng, outcome=outcome, bank=bank, tz=tz)
    counts["attempt_items"] = writer.write(
        AttemptItem,
        ["id", "attempt", "question", "position", "option_order", "selected_options", "answered_at", "is_correct"],
        item_rows,
        phase="Câu trong bài làm",
        total=len(item_rows),
    )

    def completion_rows() -> Iterator[tuple]:
        for n, (person, course, day, evidence, reference) in enumerate(outcome.completions):
            yield (
                n + 1,
                person + 1,
                course + 1,
                course + 1,
                date(day),
                evidence,
                reference if evidence == CompletionEvidence.QUIZ else None,
                reference if evidence == CompletionEvidence.IN_PERSON else None,
                reference if evidence == CompletionEvidence.EXTERNAL else "",
                None,
                _at(day, 17 * 60 + 30, tz),
            )

    counts["completions"] = writer.write(
        Completion,
        [
            "id",
            "staff",
            "course",
            "version",
            "completed_on",
            "evidence",
            "attempt",
            "attendance",
            "external_reference",
            "recorded_by",
            "created_at",
        ],
        completion_rows(),
        phase="Hoàn thành",
        big=True,
        total=len(outcome.completions),
    )
    # Approved by the director: the head of "Ban Giám đốc Sở" when the tree has it.
    board = next((u for u, name in enumerate(unit_plan.names) if name == "Ban Giám đốc Sở"), None)
    director = f"{plan.staff_names[heads[board]]}, Giám đốc Sở" if board in heads else "Giám đốc Sở Tư pháp"
    counts["exemptions"] = writer.write(
        Exemption,
        [
            "id",
            "staff",
            "assignment",
            "valid_from",
            "valid_to",
            "reason",
            "approver_name",
            "approver",
            "recorded_by",
            "created_at",
        ],
        (
            (
                n + 1,
                person + 1,
                index + 1,
                date(begins),
                date(ends),
                reason,
                director,
                None,
                None,
                _at(begins, 8 * 60, tz),
            )
            for n, (index, person, begins, ends, reason) in enumerate(outcome.exemptions)
        ),
        phase="Miễn trừ",
        total=len(outcome.exemptions),
    )
    writer.reset_sequences()


@dataclass
class _Outcome:
    # per planned assignment (in `planned` order): (person, enrolled_on, left_audience_on)
    enrolments: list[list[tuple[int, int, int | None]]] = field(default_factory=list)
    sessions: list[tuple[int, str, int]] = field(default_factory=list)  # (course, title, held_on)
    attendances: list[tuple[int, int, bool]] = field(default_factory=list)  # (session, person, present)
    # (person, course, number, day, minute of the day started, minutes taken, correct answers)
    attempts: list[tuple[int, int, int, int, int, int, int]] = field(default_factory=list)
    # (person, course, day, evidence, attempt id | attendance id | external reference)
    completions: list[tuple[int, int, int, str, object]] = field(default_factory=list)
    # (assignment index, person, valid_from, valid_to, reason)
    exemptions: list[tuple[int, int, int, int, str]] = field(default_factory=list)


def _simulate(rng: Random, *, plan: _Plan, planned: list[_Assignment], progress: Progress | None) -> _Outcome:
    """Who is enrolled, who attends a briefing, who sits the quiz how often and passes when."""
    units = plan.units
    end = plan.end
    outcome = _Outcome()
    completed: dict[tuple[int, int], int] = {}
    attempts_used: dict[tuple[int, int], int] = {}
    session_keys: set[tuple[int, int, str]] = set()
    pass_min = -(-PASS_PERCENT * QUESTIONS_PER_ATTEMPT // 100)
    for done, a in enumerate(planned):
        if progress:
            progress("Mô phỏng học tập", done, len(planned))
        in_scope = bytearray(len(units.paths))
        for unit, include_descendants in a.unit_rules:
            if include_descendants:
                prefix = units.paths[unit]
                for index, path in enumerate(units.paths):
                    if path.startswith(prefix):
                        in_scope[index] = 1
            else:
                in_scope[unit] = 1
        categories = set(a.categories) if a.categories else None
        rows = []
        for person, history in enumerate(plan.segments):
            if a.communications_only and not plan.staff_comms[person]:
                continue
            first = None
            last_end: int | None = -1
            for segment in history:
                if segment.valid_to is not None and segment.valid_to < a.starts_on:
                    continue
                if not in_scope[segment.unit] or (categories is not None and segment.category not in categories):
                    continue
                if first is None:
                    first = max(segment.valid_from, a.starts_on)
                last_end = segment.valid_to
            if first is None:
                continue
            left = last_end + 1 if last_end is not None and last_end + 1 <= end else None
            rows.append((person, first, left))
        outcome.enrolments.append(rows)
        for person, enrolled_on, _left in rows:
            if rng.random() < EXEMPTION_SHARE:
                begins = enrolled_on + rng.randrange(max(1, a.due_on - enrolled_on + 1))
                reason = rng.choice(EXEMPTION_REASONS)
                outcome.exemptions.append((a.index, person, begins, begins + rng.randint(30, 180), reason))

        # In-person briefings for a few second-level units of the scope (not for the small audiences).
        sessions: list[tuple[int, int, int]] = []  # (session index, branch, day)
        if a.audience in ("root", "root_core", "branch"):
            branches = sorted({units.branch[u] for u, scoped in enumerate(in_scope) if scoped and units.branch[u] >= 0})
            how_many = min(len(branches), max(1, len(branches) // 8))
            window = max(1, min(a.due_on, end) - a.starts_on)
            for branch in sorted(rng.sample(branches, how_many)):
                day = a.starts_on + 5 + rng.randrange(window)
                title = f"Hội nghị quán triệt “{_course_title(a.course)}” – {units.names[branch]}"
                if day > end or (a.course, day, title) in session_keys:
                    continue
                session_keys.add((a.course, day, title))
                sessions.append((len(outcome.sessions), branch, day))
                outcome.sessions.append((a.course, title, day))

        window_end = a.due_on
        for person, enrolled_on, _left in rows:
            key = (person, a.course)
            if key in completed:
                continue
            history = plan.segments[person]
            attended = False
            for session, branch, day in sessions:
                if day < enrolled_on:
                    continue
                unit = _unit_on(history, day)
                if unit < 0 or units.branch[unit] != branch:
                    continue
                roll = rng.random()
                if roll < 0.75:
                    outcome.attendances.append((session, person, True))
                    outcome.completions.append(
                        (person, a.course, day, CompletionEvidence.IN_PERSON.value, len(outcome.attendances))
                    )
                    completed[key] = day
                    attended = True
                elif roll < 0.85:
                    outcome.attendances.append((session, person, False))
                break
            if attended:
                continue
            used = attempts_used.get(key, 0)
            remaining = MAX_ATTEMPTS - used
            roll = rng.random()
            last_day = max(window_end, enrolled_on)
            if roll < 0.80:
                day = enrolled_on + int((last_day - enrolled_on + 1) * rng.random() ** 1.6)
            elif roll < 0.90:
                day = last_day + 1 + rng.randrange(120)
            elif roll < 0.91:
                day = enrolled_on + rng.randrange(last_day - enrolled_on + 1)
                if day <= end and _unit_on(history, day) >= 0:
                    reference = f"Giấy chứng nhận số {rng.randint(1, 999)}/{dt.date.fromordinal(day).year}"
                    outcome.completions.append((person, a.course, day, CompletionEvidence.EXTERNAL.value, reference))
                    completed[key] = day
                continue
            else:
                day = None
            if day is not None and (day > end or _unit_on(history, day) < 0):
                day = None
            if day is not None and remaining >= 1:
                fails = rng.choices((0, 1, 2), weights=(70, 22, 8))[0]
                fails = min(fails, remaining - 1)
                fail_days = sorted(max(enrolled_on, day - rng.randint(0, 6)) for _ in range(fails))
                for attempt_number, fail_day in enumerate(fail_days):
                    outcome.attempts.append(
                        (
                            person,
                            a.course,
                            used + attempt_number + 1,
                            fail_day,
                            _attempt_minute(rng, attempt_number),
                            rng.randint(6, 19),
                            rng.randint(2, pass_min - 1),
                        )
                    )
                minute = 8 * 60 + 40 * fails + rng.randrange(7 * 60)
                duration = rng.randint(5, 19) if rng.random() < 0.97 else TIME_LIMIT_MINUTES + 1
                outcome.attempts.append(
                    (person, a.course, used + fails + 1, day, minute, duration, rng.randint(pass_min, 10))
                )
                attempts_used[key] = used + fails + 1
                outcome.completions.append(
                    (person, a.course, day, CompletionEvidence.QUIZ.value, len(outcome.attempts))
                )
                completed[key] = day
            elif day is None and remaining >= 1 and rng.random() < 0.5:
                tries = min(remaining, rng.randint(1, 2))
                fail_days = sorted(enrolled_on + rng.randrange(last_day - enrolled_on + 1) for _ in range(tries))
                for attempt_number, fail_day in enumerate(fail_days):
                    if fail_day > end or _unit_on(history, fail_day) < 0:
                        break
                    outcome.attempts.append(
                        (
                            person,
                            a.course,
                            used + attempt_number + 1,
                            fail_day,
                            _attempt_minute(rng, attempt_number),
                            rng.randint(6, 19),
                            rng.randint(2, pass_min - 1),
                        )
                    )
                    attempts_used[key] = used + attempt_number + 1
    return outcome


def _attempt_minute(rng: Random, attempt_number: int) -> int:
    """Failed attempts of one day start 40 minutes apart and last under 20: never two open at once."""
    return 8 * 60 + 40 * attempt_number + rng.randrange(20)


def _attempt_items(rng: Random, *, outcome: _Outcome, bank: list, tz: dt.tzinfo) -> list[tuple]:
    """Drawn questions and answers for the attempts of the first few staff only (see the module docstring)."""
    rows = []
    for n, (person, course, _number, day, minute, duration, correct) in enumerate(outcome.attempts):
        if person >= ITEM_SAMPLE_STAFF:
            continue
        drawn = rng.sample(bank[course], QUESTIONS_PER_ATTEMPT)
        right = set(rng.sample(range(QUESTIONS_PER_ATTEMPT), correct))
        answered_at = _at(day, minute + min(duration, TIME_LIMIT_MINUTES) - 1, tz)
        for position, (question_id, option_ids, correct_ids) in enumerate(drawn, start=1):
            order = list(option_ids)
            rng.shuffle(order)
            if position - 1 in right:
                selected = list(correct_ids)
            else:
                selected = [next(option for option in order if option not in correct_ids)]
            rows.append(
                (len(rows) + 1, n + 1, question_id, position, order, selected, answered_at, position - 1 in right)
            )
    return rows
