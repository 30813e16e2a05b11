"""Assignments are rules, not lists (DESIGN.md rule 2): creating one, and keeping enrolments in step.

`assignment_create` saves the rule and enrols everyone in its audience today
(retroactive); `assignment_update` changes its dates and title afterwards, and recomputes the own
due dates of those who joined later (`enrolment_due_on_recompute`: one rule per assignment).
`enrolment_sync` is what makes the rule hold later: the roster import
calls it after every change, so a joiner gets the course at once, a person who moves
out keeps their enrolment and completions (only `left_audience_on` is set), and a
person who comes back is simply back. It is set-based: a fixed number of queries per
assignment, whatever the roster size.

Problems are worded in Vietnamese: the `create_assignment` command shows them as they
are (the contract), and the admin shows them on its form.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, DateField, F, Q, Value, When
from django.utils import timezone

from accounts.models import User
from core.audit import audited_bulk_create
from core.dates import format_date
from core.text import detect_legacy_encoding, normalize_text
from courses.models import (
    SLUG_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Assignment,
    AssignmentPerson,
    AssignmentUnit,
    Course,
    CourseVersion,
    CourseVersionStatus,
    Enrolment,
)
from courses.rules import enrolment_due_on_for
from courses.selectors.audience import UnitRule, audience_staff_ids_on, audience_unit_rules
from courses.sql import enrolment_insert_missing
from orgchart.models import Staff, StaffCategory, Unit
from orgchart.services.roster import CATEGORY_LABELS

SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")


def category_label(category: str) -> str:
    return CATEGORY_LABELS.get(category, category)


def _category_choices_text() -> str:
    return ", ".join(CATEGORY_LABELS[category] for category in StaffCategory)


def assignment_update_problems(
    *,
    title: str,
    starts_on: dt.date | None,
    due_on: dt.date | None,
    completions_from: dt.date | None = None,
    due_days: int | None = None,
) -> dict[str, list[str]]:
    """Every reason an assignment cannot have this title and these dates (field → messages); empty when it can.

    The rules of what can still change once an assignment is made; its creation checks them too
    (`assignment_create_problems`). A date that is None (unreadable, reported by the caller) skips its checks.
    """
    problems: dict[str, list[str]] = {}

    def refuse(name: str, message: str) -> None:
        problems.setdefault(name, []).append(message)

    title = normalize_text(title)
    if len(title) > TITLE_MAX_LENGTH:
        refuse("title", f"Tiêu đề dài {len(title)} ký tự, tối đa {TITLE_MAX_LENGTH}.")
    elif detect_legacy_encoding(title):
        refuse("title", "Tiêu đề dùng bảng mã cũ (TCVN3/VNI) — hãy chuyển sang Unicode.")

    if starts_on is not None and due_on is not None and due_on < starts_on:
        refuse(
            "due_on",
            f"Hạn hoàn thành {format_date(due_on)} sớm hơn ngày bắt đầu {format_date(starts_on)}.",
        )

    if completions_from is not None and due_on is not None and completions_from > due_on:
        refuse(
            "completions_from",
            f"Ngày bắt đầu tính hoàn thành {format_date(completions_from)} muộn hơn hạn hoàn thành "
            f"{format_date(due_on)}.",
        )
    if due_days is not None and not 1 <= due_days <= 3650:
        refuse("due_days", f"Số ngày phải hoàn thành kể từ khi vào đối tượng áp dụng ({due_days}) phải từ 1 đến 3650.")
    return problems


def assignment_create_problems(
    *,
    slug: str,
    course: Course | None,
    units: list[tuple[Unit, bool]],
    categories: list[str],
    people: list[Staff],
    starts_on: dt.date | None,
    due_on: dt.date | None,
    title: str = "",
    completions_from: dt.date | None = None,
    due_days: int | None = None,
) -> dict[str, list[str]]:
    """Every reason the assignment cannot be created (field → messages); empty when it can.

    `course`, `starts_on` and `due_on` may be None when the caller could not read them
    (it reports that itself); the checks that need them are then skipped.
    """
    problems: dict[str, list[str]] = {}

    def refuse(name: str, message: str) -> None:
        problems.setdefault(name, []).append(message)

    slug = normalize_text(slug).lower()
    if not slug:
        refuse("slug", "Mã đợt giao khóa học là bắt buộc.")
    elif len(slug) > SLUG_MAX_LENGTH or not SLUG_PATTERN.fullmatch(slug):
        refuse(
            "slug",
            f'Mã đợt giao khóa học "{slug}" không hợp lệ: chỉ được gồm chữ thường không dấu, chữ số, gạch ngang, '
            f"gạch dưới (tối đa {SLUG_MAX_LENGTH} ký tự), ví dụ nq57-2025.",
        )
    elif Assignment.objects.filter(slug__iexact=slug).exists():
        refuse("slug", f'Mã đợt giao khóa học "{slug}" đã được dùng cho một đợt giao khác.')

    if (
        course is not None
        and not CourseVersion.objects.filter(course=course, status=CourseVersionStatus.PUBLISHED).exists()
    ):
        refuse("course", f'Khóa học "{course.slug}" chưa có phiên bản nào được xuất bản — hãy xuất bản khóa học trước.')

    # The title and the dates keep the same rules when they are changed later.
    for name, messages in assignment_update_problems(
        title=title, starts_on=starts_on, due_on=due_on, completions_from=completions_from, due_days=due_days
    ).items():
        for message in messages:
            refuse(name, message)

    if not units and not people:
        refuse("units", "Cần ít nhất một đơn vị hoặc một người được giao.")
    seen_units: set[int] = set()
    for unit, _include_descendants in units:
        if unit.pk in seen_units:
            refuse("units", f"Đơn vị {unit.code} được chọn hai lần.")
        seen_units.add(unit.pk)
        if not unit.is_active:
            refuse("units", f"Đơn vị {unit.code} đã ngừng hoạt động.")
    seen_people: set[int] = set()
    for person in people:
        if person.pk in seen_people:
            refuse("people", f"Cán bộ {person.code} được chọn hai lần.")
        seen_people.add(person.pk)

    valid = set(StaffCategory.values)
    for category in categories:
        if category not in valid:
            refuse("categories", f'Đối tượng "{category}" không hợp lệ; chỉ nhận: {_category_choices_text()}.')
    return problems


@transaction.atomic
def assignment_create(
    *,
    slug: str,
    course: Course,
    units: list[tuple[Unit, bool]],
    categories: list[str],
    communications_only: bool,
    people: list[Staff],
    starts_on: dt.date,
    due_on: dt.date,
    title: str = "",
    completions_from: dt.date | None = None,
    created_by: User | None = None,
    due_days: int | None = None,
) -> Assignment:
    """Save the rule and enrol everyone in its audience today (retroactive).

    Completions dated before `completions_from` (default: `starts_on`) do not count toward it.
    With `due_days`, someone who joins the audience after `starts_on` is due that many days after joining
    (`courses.rules.enrolment_due_on_for`).

    The slug is stored in lower case. `units` are (unit, with its sub-units) pairs; `categories` are `StaffCategory`
    values (empty = every category). Raises `ValidationError` (field → Vietnamese
    messages) listing every problem, in which case nothing is written.
    """
    problems = assignment_create_problems(
        slug=slug,
        course=course,
        units=units,
        categories=categories,
        people=people,
        starts_on=starts_on,
        due_on=due_on,
        title=title,
        completions_from=completions_from,
        due_days=due_days,
    )
    if problems:
        raise ValidationError(problems)
    ordered_categories = [category for category in StaffCategory.values if category in set(categories)]
    assignment = Assignment.objects.create(
        slug=normalize_text(slug).lower(),
        title=normalize_text(title),
        course=course,
        starts_on=starts_on,
        due_on=due_on,
        completions_from=completions_from or starts_on,
        due_days=due_days,
        categories=ordered_categories,
        communications_only=communications_only,
        created_by=created_by,
    )
    audited_bulk_create(
        AssignmentUnit,
        [
            AssignmentUnit(assignment=assignment, unit=unit, include_descendants=include_descendants)
            for unit, include_descendants in units
        ],
    )
    audited_bulk_create(AssignmentPerson, [AssignmentPerson(assignment=assignment, staff=person) for person in people])
    # Those in the audience now were there from the start (an assignment is often created after it): the
    # assignment's due date is theirs.
    enrolment_sync(assignment=assignment, joining_late=False)
    return assignment


@transaction.atomic
def assignment_update(
    *,
    assignment: Assignment,
    title: str,
    starts_on: dt.date,
    due_on: dt.date,
    completions_from: dt.date | None = None,
    due_days: int | None = None,
) -> int:
    """Change an assignment's title and dates (its audience and course stay), and recompute the own due dates
    of those who joined after its start (`enrolment_due_on_recompute`); how many people's due dates changed.

    `completions_from` defaults to `starts_on`, as at creation. The assignment is saved with `.save()`, so the
    audit trail records who changed what. Raises `ValidationError` (field → Vietnamese messages) listing every
    problem, in which case nothing is written. Completions are never touched: only whether one counts
    (`completions_from`) and by when (the due dates) can change.
    """
    problems = assignment_update_problems(
        title=title, starts_on=starts_on, due_on=due_on, completions_from=completions_from, due_days=due_days
    )
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        # The assignment's row lock orders this change with an enrolment sync (a roster import): the sync
        # either ran before (its late joiners are recomputed here) or waits and enrols by the new rule.
        Assignment.objects.select_for_update().filter(pk=assignment.pk).first()
        assignment.title = normalize_text(title)
        assignment.starts_on = starts_on
        assignment.due_on = due_on
        assignment.completions_from = completions_from or starts_on
        assignment.due_days = due_days
        assignment.save()
        return enrolment_due_on_recompute(assignment=assignment)


def enrolment_due_on_recompute(*, assignment: Assignment) -> int:
    """Bring the own due dates of those who joined `assignment` after it was made in line with its rule now;
    how many changed.

    The own due date is derived from the assignment's `starts_on`, `due_on` and `due_days` and the day the
    person joined (`courses.rules.enrolment_due_on_for`, the sync's own rule): after any of them changes, every
    late joiner's date is what the sync would give them today, so one assignment never has two rules. Those
    enrolled with the assignment keep its due date (`Enrolment.joined_after_creation`). Two queries whatever
    the number of enrolments: the distinct (joined on, stored date) pairs, then one UPDATE of the rows whose
    date changes, with one CASE branch per day that changes (at most one per day the audience changed).
    """
    joined_later = Enrolment.objects.filter(assignment=assignment, joined_after_creation=True)
    wanted: dict[dt.date, dt.date | None] = {}
    changing: set[dt.date] = set()
    for joined_on, stored in joined_later.order_by().values_list("enrolled_on", "due_on").distinct():
        if joined_on not in wanted:
            wanted[joined_on] = enrolment_due_on_for(assignment=assignment, joined_on=joined_on)
        if stored != wanted[joined_on]:
            changing.add(joined_on)
    if not changing:
        return 0
    days = sorted(changing)
    wrong = Q()
    for day in days:
        target = wanted[day]
        wrong |= Q(enrolled_on=day) & (Q(due_on__isnull=False) if target is None else ~Q(due_on=target))
    recomputed = Case(
        *[When(enrolled_on=day, then=Value(wanted[day], output_field=DateField())) for day in days],
        default=F("due_on"),
        output_field=DateField(),
    )
    return joined_later.filter(wrong).update(due_on=recomputed)


@dataclass
class EnrolmentSyncSummary:
    """What a sync did, over every assignment it looked at."""

    on_date: dt.date
    assignments: int = 0
    enrolled: int = 0
    left: int = 0
    returned: int = 0
    enrolled_by_assignment: dict[int, int] = field(default_factory=dict)

    def __str__(self) -> str:
        return (
            f"Đồng bộ người được giao ngày {format_date(self.on_date)}: {self.assignments} đợt giao, "
            f"{self.enrolled} người mới, {self.left} người ra khỏi đối tượng áp dụng, {self.returned} người trở lại."
        )


def enrolment_sync(
    *, assignment: Assignment | None = None, on_date: dt.date | None = None, joining_late: bool = True
) -> EnrolmentSyncSummary:
    """Bring enrolments in line with the audiences on `on_date` (today by default).

    For `assignment`, or for every assignment when None: people in the audience who
    have no enrolment are enrolled on `on_date`; enrolled people no longer in it get
    `left_audience_on = on_date` (their enrolment and completions stay); people who come
    back have it cleared. One query for the assignments' rules, then at most five per
    assignment (the missing people, the new rows, the leavers, the returners), whatever
    the number of people. Safe to run twice: the second run finds nothing to do.

    Someone enrolled after an assignment's start gets their own due date from its `due_days`
    (`courses.rules.enrolment_due_on_for`), unless `joining_late` is False (the assignment's creation: those
    in the audience then have the assignment's date, and are never late joiners, `joined_after_creation`).
    """
    on_date = on_date or timezone.localdate()
    summary = EnrolmentSyncSummary(on_date=on_date)
    with transaction.atomic():
        # Locked and read afresh: an assignment whose dates are being changed (`assignment_update`) is synced
        # by its new rule once that change commits, never by the old one after it.
        locked = Assignment.objects.select_for_update().order_by("pk")
        assignments = list(locked.filter(pk=assignment.pk) if assignment is not None else locked)
        if not assignments:
            return summary
        rules_by_assignment = audience_unit_rules(assignment_ids=[a.pk for a in assignments])
        for current in assignments:
            enrolled, left, returned = _sync_one(
                assignment=current,
                rules=rules_by_assignment.get(current.pk, []),
                on_date=on_date,
                joining_late=joining_late,
            )
            summary.assignments += 1
            summary.enrolled += enrolled
            summary.left += left
            summary.returned += returned
            summary.enrolled_by_assignment[current.pk] = enrolled
    return summary


def _sync_one(
    *, assignment: Assignment, rules: list[UnitRule], on_date: dt.date, joining_late: bool
) -> tuple[int, int, int]:
    audience = audience_staff_ids_on(assignment=assignment, on_date=on_date, rules=rules)
    enrolments = Enrolment.objects.filter(assignment=assignment)
    missing = audience.exclude(staff_id__in=enrolments.values("staff_id"))
    own_due_on = enrolment_due_on_for(assignment=assignment, joined_on=on_date) if joining_late else None
    enrolled = enrolment_insert_missing(
        assignment=assignment,
        staff_ids=missing,
        on_date=on_date,
        due_on=own_due_on,
        joined_after_creation=joining_late,
    )
    left = (
        enrolments.filter(left_audience_on__isnull=True).exclude(staff_id__in=audience).update(left_audience_on=on_date)
    )
    returned = enrolments.filter(left_audience_on__isnull=False, staff_id__in=audience).update(left_audience_on=None)
    return enrolled, left, returned
