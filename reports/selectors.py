"""Coverage as of a date (DESIGN.md rule 4), per unit and in total, and the people behind the figures.

For an assignment and a date D: the people in its audience on D (each once, in the unit
they were in on D — `courses.selectors_audience`), minus those with an exemption covering
D, and of those the ones with a completion of the assignment's course dated on or before
D, whatever its evidence. A unit's figures include its sub-units.

`coverage_as_of` is three queries whatever the size of the roster or the tree: the
audience rules, ONE aggregate over the audience's memberships on D grouped by unit (with
conditional counts: exempt and informed are EXISTS on the exemptions and on the
completions' (staff, course) index), and the units of the scope. The roll-up up the tree
is done in Python over at most one row per unit, by materialized-path prefixes.

The scope of a report is the subtree of the assignment's audience unit; when it has
several (or named people elsewhere), the scope's root is their lowest common ancestor.
A unit head's report is restricted to the unit they head (`coverage_for_user`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.db.models import Count, Exists, IntegerField, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from courses.models import Assignment, Completion, CompletionEvidence, CourseVersionStatus, Lesson, LessonProgress
from courses.selectors_audience import UnitRule, audience_filter, audience_unit_rules
from orgchart.models import Membership, Unit
from orgchart.roles import scope_for
from orgchart.selectors import access_unit
from quizzes.models import Attempt
from reports.models import CoverageSnapshot, Exemption

STEPLEN = Unit.steplen
_HUNDREDTH = Decimal("0.01")


class CoverageStatus(models.TextChoices):
    INFORMED = "informed", gettext_lazy("Informed")
    NOT_INFORMED = "not_informed", gettext_lazy("Not informed")
    EXEMPT = "exempt", gettext_lazy("Exempt")


def coverage_percent(*, informed: int, staff: int) -> float:
    """informed / staff × 100 rounded half-up to 2 places; 100.0 when nobody is due (the contract)."""
    if staff == 0:
        return 100.0
    return float((Decimal(informed) * 100 / Decimal(staff)).quantize(_HUNDREDTH, rounding=ROUND_HALF_UP))


@dataclass
class CoverageFigures:
    """`staff` is the denominator: people in the audience on D minus the exempt."""

    staff: int = 0
    informed: int = 0
    exempt: int = 0

    @property
    def percent(self) -> float:
        return coverage_percent(informed=self.informed, staff=self.staff)

    @property
    def not_informed(self) -> int:
        return self.staff - self.informed

    def add(self, other: CoverageFigures) -> None:
        self.staff += other.staff
        self.informed += other.informed
        self.exempt += other.exempt

    def as_dict(self) -> dict[str, object]:
        return {"staff": self.staff, "informed": self.informed, "exempt": self.exempt, "percent": self.percent}


@dataclass
class UnitCoverage:
    """A unit's figures, its sub-units included. `parent` is the parent's code (None at the top of the tree)."""

    unit_id: int
    code: str
    name: str
    parent: str | None
    path: str
    depth: int
    figures: CoverageFigures = field(default_factory=CoverageFigures)
    # The people counted in this unit itself, without its sub-units (for drill-down).
    own: CoverageFigures = field(default_factory=CoverageFigures)

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "name": self.name, "parent": self.parent, **self.figures.as_dict()}


@dataclass
class CoverageReport:
    assignment: Assignment
    as_of: dt.date
    total: CoverageFigures
    units: list[UnitCoverage]
    # The root(s) of the scope, in tree order (one, unless the audience spans several trees).
    root_codes: list[str]

    def as_dict(self) -> dict[str, object]:
        """The coverage JSON contract (DESIGN.md), keys in the contract's order."""
        return {
            "assignment": self.assignment.slug,
            "as_of": self.as_of.isoformat(),
            "total": self.total.as_dict(),
            "units": [unit.as_dict() for unit in self.units],
        }

    def unit(self, code: str) -> UnitCoverage:
        for unit in self.units:
            if unit.code == code:
                return unit
        raise KeyError(code)


# --- the aggregate -------------------------------------------------------------------------------


def _exempt_on(*, assignment_id: int, as_of: dt.date) -> Q:
    """Membership rows whose person has an exemption from the assignment covering `as_of`.

    An uncorrelated `staff_id IN (…)`: PostgreSQL hashes the (small) set once, and its cost
    estimate stays low — a correlated EXISTS inside the aggregate's FILTER is estimated
    per row, which at province scale pushes the plan over `jit_above_cost` and spends most
    of a second compiling it.
    """
    return Q(
        staff_id__in=Exemption.objects.filter(
            assignment_id=assignment_id, valid_from__lte=as_of, valid_to__gte=as_of
        ).values("staff_id")
    )


def _completed_by(*, course_id: int, as_of: dt.date) -> Q:
    """Membership rows whose person has a completion of the course dated on or before `as_of` (any evidence)."""
    return Q(staff_id__in=Completion.objects.filter(course_id=course_id, completed_on__lte=as_of).values("staff_id"))


def _audience_on(
    *, assignment: Assignment, as_of: dt.date, rules: list[UnitRule], root_unit: Unit | None
) -> models.QuerySet[Membership]:
    """The audience's memberships open on `as_of`: one row per person.

    A person's memberships never overlap (the roster import, the only writer of
    memberships, end-dates the open one the day before the next starts), and every rule
    of the audience is matched through that same row, so no de-duplication is needed —
    `audience_memberships_on` de-duplicates with a GROUP BY over the whole audience,
    which costs more than the report itself at province scale.
    """
    memberships = Membership.objects.filter(audience_filter(assignment=assignment, rules=rules, on_date=as_of))
    if root_unit is not None:
        memberships = memberships.filter(unit__path__startswith=root_unit.path)
    return memberships


def _common_prefix(paths: list[str]) -> str:
    """The path of the lowest common ancestor of these paths ("" when they lie in different trees)."""
    if not paths:
        return ""
    shortest = min(paths, key=len)
    length = 0
    for end in range(STEPLEN, len(shortest) + 1, STEPLEN):
        if all(path[:end] == shortest[:end] for path in paths):
            length = end
        else:
            break
    return shortest[:length]


def _scope_roots(*, rule_paths: list[str], row_paths: list[str]) -> list[str]:
    paths = rule_paths + row_paths
    common = _common_prefix(paths)
    if common:
        return [common]
    return sorted({path[:STEPLEN] for path in paths})


def coverage_as_of(
    *,
    assignment: Assignment,
    as_of: dt.date,
    root_unit: Unit | None = None,
    rules: list[UnitRule] | None = None,
) -> CoverageReport:
    """Coverage of `assignment` on `as_of`, per unit of the scope (tree order) and in total.

    The scope is `root_unit`'s subtree when given (a unit head's report), otherwise the
    subtree of the lowest common ancestor of the audience's units. Three queries (two
    when `rules` is passed), whatever the data size.
    """
    if rules is None:
        rules = audience_unit_rules(assignment_ids=[assignment.pk]).get(assignment.pk, [])
    exempt = _exempt_on(assignment_id=assignment.pk, as_of=as_of)
    completed = _completed_by(course_id=assignment.course_id, as_of=as_of)
    rows = list(
        _audience_on(assignment=assignment, as_of=as_of, rules=rules, root_unit=root_unit)
        .order_by()
        .values("unit_id", "unit__path")
        .annotate(
            people=Count("pk"),
            exempt=Count("pk", filter=exempt),
            informed=Count("pk", filter=completed & ~exempt),
        )
    )
    if root_unit is not None:
        roots = [root_unit.path]
    else:
        roots = _scope_roots(rule_paths=[rule.path for rule in rules], row_paths=[row["unit__path"] for row in rows])

    units_by_path: dict[str, UnitCoverage] = {}
    if roots:
        parent_paths = [root[:-STEPLEN] for root in roots if len(root) > STEPLEN]
        in_scope = Q()
        for root in roots:
            in_scope |= Q(path__startswith=root)
        unit_rows = (
            Unit.objects.filter(in_scope | Q(path__in=parent_paths))
            .order_by("path")
            .values_list("pk", "code", "name", "path", "depth")
        )
        code_by_path: dict[str, str] = {}
        for pk, code, name, path, depth in unit_rows:
            code_by_path[path] = code
            if path in parent_paths and not any(path.startswith(root) for root in roots):
                continue
            units_by_path[path] = UnitCoverage(
                unit_id=pk,
                code=code,
                name=name,
                parent=code_by_path.get(path[:-STEPLEN]) if depth > 1 else None,
                path=path,
                depth=depth,
            )

    for row in rows:
        people, exempt_count, informed = row["people"], row["exempt"], row["informed"]
        figures = CoverageFigures(staff=people - exempt_count, informed=informed, exempt=exempt_count)
        path = row["unit__path"]
        own = units_by_path.get(path)
        if own is not None:
            own.own.add(figures)
        for end in range(STEPLEN, len(path) + 1, STEPLEN):
            ancestor = units_by_path.get(path[:end])
            if ancestor is not None:
                ancestor.figures.add(figures)

    total = CoverageFigures()
    for root in roots:
        if root in units_by_path:
            total.add(units_by_path[root].figures)
    return CoverageReport(
        assignment=assignment,
        as_of=as_of,
        total=total,
        units=list(units_by_path.values()),
        root_codes=[units_by_path[root].code for root in roots if root in units_by_path],
    )


def head_root_unit(*, user: User, unit_code: str | None) -> Unit | None:
    """The unit a user's report starts from: any unit for the Office, their own subtree for a head; 404 otherwise."""
    scope = scope_for(user=user)
    if unit_code:
        return access_unit(user=user, unit_code=unit_code)
    if scope.everything:
        return None
    if not scope.unit_paths:
        raise Http404
    # A head of several separate units sees the first (tree order); the others through `unit_code`.
    return Unit.objects.get(path=scope.unit_paths[0])


def coverage_for_user(
    *, user: User, assignment: Assignment, as_of: dt.date, unit_code: str | None = None
) -> CoverageReport:
    """The report a signed-in user may see: the Office the whole scope (or `unit_code`'s subtree),
    a unit head their own subtree only. A unit outside the user's scope, or a user who heads
    nothing, gets 404 (never 403: nothing leaks)."""
    root_unit = head_root_unit(user=user, unit_code=unit_code)
    return coverage_as_of(assignment=assignment, as_of=as_of, root_unit=root_unit)


# --- the people behind the figures ------------------------------------------------------------------


@dataclass(frozen=True)
class PersonCoverage:
    staff_id: int
    code: str
    full_name: str
    unit_code: str
    unit_name: str
    unit_path: str
    category: str
    position: str
    status: CoverageStatus
    completed_on: dt.date | None
    evidence: str | None
    exemption_reason: str | None
    due_on: dt.date
    lessons_read: int
    lessons_total: int
    best_score: Decimal | None

    @property
    def status_label(self) -> str:
        return CoverageStatus(self.status).label

    @property
    def evidence_label(self) -> str:
        return CompletionEvidence(self.evidence).label if self.evidence else ""

    def is_overdue_on(self, day: dt.date) -> bool:
        """Not informed and past the due date (for the drill-down's "overdue" mark)."""
        return self.status == CoverageStatus.NOT_INFORMED and self.due_on < day


def _end_of_day(day: dt.date) -> dt.datetime:
    """The first instant after `day` in the project's time zone (timestamps before it happened on or before D)."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def coverage_people(
    *,
    assignment: Assignment,
    as_of: dt.date,
    unit: Unit | None = None,
    status: CoverageStatus | str | None = None,
    rules: list[UnitRule] | None = None,
) -> Iterator[PersonCoverage]:
    """Everyone in the audience on `as_of` (in `unit`'s subtree when given), one row each, streamed.

    In tree order of their unit on D, then Vietnamese name order. With `status`, only the
    people with that status (e.g. the drill-down to those not yet informed). How far they
    got — lessons of the course's published version opened and the best quiz score — is
    counted up to the end of `as_of`. Three queries whatever the number of people
    (rules, lesson count, the rows — fetched in chunks).
    """
    if rules is None:
        rules = audience_unit_rules(assignment_ids=[assignment.pk]).get(assignment.pk, [])
    course_id = assignment.course_id
    until = _end_of_day(as_of)
    lessons_total = Lesson.objects.filter(
        version__course_id=course_id, version__status=CourseVersionStatus.PUBLISHED
    ).count()
    first_completion = Completion.objects.filter(
        staff_id=OuterRef("staff_id"), course_id=course_id, completed_on__lte=as_of
    ).order_by("completed_on", "pk")
    exemption = Exemption.objects.filter(
        staff_id=OuterRef("staff_id"), assignment_id=assignment.pk, valid_from__lte=as_of, valid_to__gte=as_of
    ).order_by("valid_from", "pk")
    lessons_read = (
        LessonProgress.objects.filter(
            staff_id=OuterRef("staff_id"),
            lesson__version__course_id=course_id,
            lesson__version__status=CourseVersionStatus.PUBLISHED,
            first_opened_at__lt=until,
        )
        .order_by()
        .values("staff_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    best_score = (
        Attempt.objects.filter(
            staff_id=OuterRef("staff_id"), version__course_id=course_id, closed_at__lt=until, closed_at__isnull=False
        )
        .order_by()
        .values("staff_id")
        .annotate(best=Max("score_percent"))
        .values("best")
    )
    memberships = _audience_on(assignment=assignment, as_of=as_of, rules=rules, root_unit=unit).annotate(
        is_exempt=Exists(exemption),
        completed_on=Subquery(first_completion.values("completed_on")[:1]),
        evidence=Subquery(first_completion.values("evidence")[:1]),
        exemption_reason=Subquery(exemption.values("reason")[:1]),
        lessons_read=Coalesce(Subquery(lessons_read, output_field=IntegerField()), 0),
        best_score=Subquery(best_score),
    )
    if status == CoverageStatus.EXEMPT:
        memberships = memberships.filter(is_exempt=True)
    elif status == CoverageStatus.INFORMED:
        memberships = memberships.filter(is_exempt=False, completed_on__isnull=False)
    elif status == CoverageStatus.NOT_INFORMED:
        memberships = memberships.filter(is_exempt=False, completed_on__isnull=True)
    rows = memberships.order_by("unit__path", "staff__sort_key", "staff__code").values_list(
        "staff_id",
        "staff__code",
        "staff__full_name",
        "unit__code",
        "unit__name",
        "unit__path",
        "category",
        "position",
        "is_exempt",
        "completed_on",
        "evidence",
        "exemption_reason",
        "lessons_read",
        "best_score",
    )
    due_on = assignment.due_on
    for (
        staff_id,
        code,
        full_name,
        unit_code,
        unit_name,
        unit_path,
        category,
        position,
        is_exempt,
        completed_on,
        evidence,
        exemption_reason,
        read,
        best,
    ) in rows.iterator(chunk_size=2000):
        if is_exempt:
            person_status = CoverageStatus.EXEMPT
        elif completed_on is not None:
            person_status = CoverageStatus.INFORMED
        else:
            person_status = CoverageStatus.NOT_INFORMED
        yield PersonCoverage(
            staff_id=staff_id,
            code=code,
            full_name=full_name,
            unit_code=unit_code,
            unit_name=unit_name,
            unit_path=unit_path,
            category=category,
            position=position,
            status=person_status,
            completed_on=completed_on,
            evidence=evidence,
            exemption_reason=exemption_reason if is_exempt else None,
            due_on=due_on,
            lessons_read=min(read or 0, lessons_total),
            lessons_total=lessons_total,
            best_score=best,
        )


def coverage_people_for_user(
    *,
    user: User,
    assignment: Assignment,
    as_of: dt.date,
    unit_code: str | None = None,
    status: CoverageStatus | str | None = None,
) -> Iterator[PersonCoverage]:
    """`coverage_people` within what `user` may see (same rules and 404s as `coverage_for_user`).

    The scope is checked now, before the caller starts iterating, so a 404 is raised here.
    """
    root_unit = head_root_unit(user=user, unit_code=unit_code)
    return coverage_people(assignment=assignment, as_of=as_of, unit=root_unit, status=status)


# --- assignments ---------------------------------------------------------------------------------------


def assignment_get(*, slug: str) -> Assignment:
    """The assignment by its code (case-insensitive, as they are stored in lower case); raises DoesNotExist."""
    return Assignment.objects.select_related("course").get(slug=slug.strip().lower())


def assignment_list_for_reports() -> models.QuerySet[Assignment]:
    return Assignment.objects.select_related("course").order_by("-starts_on", "slug")


# --- snapshots ----------------------------------------------------------------------------------------


def canonical_json(value: object) -> str:
    """One byte-exact text for a value: sorted keys, no whitespace, UTF-8 text, no NaN.

    Numbers are ints, or floats that already went through `coverage_percent` (two places,
    Python's shortest round-trip repr), so the same figures always print the same.
    """
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def content_sha256(content: str) -> str:
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def _person_entry(person: PersonCoverage) -> dict[str, object]:
    return {
        "code": person.code,
        "name": person.full_name,
        "unit": person.unit_code,
        "category": person.category,
        "status": str(person.status),
        "completed_on": person.completed_on.isoformat() if person.completed_on else None,
        "evidence": person.evidence,
    }


def snapshot_content_build(*, assignment: Assignment, as_of: dt.date) -> str:
    """The canonical JSON a snapshot stores: the contract's figures plus `people` (code order)."""
    rules = audience_unit_rules(assignment_ids=[assignment.pk]).get(assignment.pk, [])
    report = coverage_as_of(assignment=assignment, as_of=as_of, rules=rules)
    people = sorted(
        (_person_entry(person) for person in coverage_people(assignment=assignment, as_of=as_of, rules=rules)),
        key=lambda entry: entry["code"],
    )
    return canonical_json({**report.as_dict(), "people": people})


def snapshot_verify(*, snapshot: CoverageSnapshot) -> bool:
    """Is the stored content still the content that was hashed?"""
    return content_sha256(snapshot.content) == snapshot.sha256


def snapshot_data(*, snapshot: CoverageSnapshot) -> dict[str, object]:
    """The stored content, parsed: the coverage contract's keys plus `people`."""
    return json.loads(snapshot.content)


def snapshot_report(*, snapshot: CoverageSnapshot) -> dict[str, object]:
    """The stored figures in the coverage JSON contract (without the people)."""
    data = snapshot_data(snapshot=snapshot)
    return {key: data[key] for key in ("assignment", "as_of", "total", "units")}


def snapshot_get_for_date(*, assignment: Assignment, as_of: dt.date) -> CoverageSnapshot | None:
    return CoverageSnapshot.objects.filter(assignment=assignment, as_of=as_of).only("pk").first()


def access_snapshot(*, snapshot_id: int | str) -> CoverageSnapshot:
    """A snapshot with its assignment and author (the Office's pages check the role first); 404 if unknown.

    `snapshot_id` may come straight from a form: anything that is not a whole number is unknown too.
    """
    try:
        pk = int(snapshot_id)
    except (TypeError, ValueError):
        raise Http404 from None
    return get_object_or_404(CoverageSnapshot.objects.select_related("assignment", "created_by"), pk=pk)


def snapshot_list(*, assignment: Assignment | None = None) -> models.QuerySet[CoverageSnapshot]:
    snapshots = CoverageSnapshot.objects.select_related("assignment", "created_by").defer("content")
    if assignment is not None:
        snapshots = snapshots.filter(assignment=assignment)
    return snapshots.order_by("-as_of", "assignment__slug")


@dataclass
class UnitDelta:
    code: str
    name: str
    before: dict[str, object] | None
    after: dict[str, object] | None

    def change(self, key: str) -> float:
        return (self.after or {}).get(key, 0) - (self.before or {}).get(key, 0)


@dataclass
class PersonChange:
    code: str
    name: str
    before: dict[str, object] | None
    after: dict[str, object] | None
    reasons: list[str]


@dataclass
class SnapshotComparison:
    snapshot: CoverageSnapshot
    live: CoverageReport
    total_before: dict[str, object]
    total_after: dict[str, object]
    units: list[UnitDelta]
    people: list[PersonChange]

    @property
    def is_identical(self) -> bool:
        return not self.units and not self.people and self.total_before == self.total_after


def _date_text(value: dt.date | dt.datetime) -> str:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return value.strftime("%d/%m/%Y")


def snapshot_compare_live(*, snapshot: CoverageSnapshot) -> SnapshotComparison:
    """For the snapshot's date, what the live report says now, where it differs and why.

    Unit by unit (the figures before and now, for units whose figures changed) and person
    by person: joined or left the audience on D, moved unit on D, a completion dated on or
    before D recorded after the snapshot, an exemption added or removed. A fixed number of
    queries: the live report and people, then one query each for the memberships,
    completions and exemptions of the people who changed.
    """
    assignment = snapshot.assignment
    as_of = snapshot.as_of
    frozen = snapshot_data(snapshot=snapshot)
    rules = audience_unit_rules(assignment_ids=[assignment.pk]).get(assignment.pk, [])
    live = coverage_as_of(assignment=assignment, as_of=as_of, rules=rules)
    live_people = {
        entry["code"]: entry
        for entry in (_person_entry(p) for p in coverage_people(assignment=assignment, as_of=as_of, rules=rules))
    }
    frozen_people = {entry["code"]: entry for entry in frozen["people"]}

    changed_codes = sorted(
        code for code in frozen_people.keys() | live_people.keys() if frozen_people.get(code) != live_people.get(code)
    )
    memberships: dict[str, list[Membership]] = {}
    for membership in (
        Membership.objects.filter(staff__code__in=changed_codes)
        .select_related("unit", "staff")
        .order_by("staff_id", "valid_from", "pk")
    ):
        memberships.setdefault(membership.staff.code, []).append(membership)
    completions: dict[str, list[Completion]] = {}
    for completion in (
        Completion.objects.filter(
            staff__code__in=changed_codes, course_id=assignment.course_id, completed_on__lte=as_of
        )
        .select_related("staff")
        .order_by("completed_on", "pk")
    ):
        completions.setdefault(completion.staff.code, []).append(completion)
    exemptions: dict[str, list[Exemption]] = {}
    for exemption in (
        Exemption.objects.filter(staff__code__in=changed_codes, assignment=assignment)
        .select_related("staff")
        .order_by("valid_from", "pk")
    ):
        exemptions.setdefault(exemption.staff.code, []).append(exemption)

    def on_d(membership: Membership) -> bool:
        return membership.valid_from <= as_of and (membership.valid_to is None or membership.valid_to >= as_of)

    people: list[PersonChange] = []
    for code in changed_codes:
        before, after = frozen_people.get(code), live_people.get(code)
        history = memberships.get(code, [])
        current = next((m for m in reversed(history) if on_d(m)), None)
        reasons: list[str] = []
        if before is None:
            if current is not None:
                reasons.append(
                    _("joined the audience: in %(unit)s from %(start)s (recorded on %(recorded)s)")
                    % {
                        "unit": current.unit.code,
                        "start": _date_text(current.valid_from),
                        "recorded": _date_text(current.created_at),
                    }
                )
            else:
                reasons.append(_("joined the audience"))
        elif after is None:
            if current is not None:
                reasons.append(
                    _("no longer in the audience on %(date)s: now recorded in %(unit)s as %(category)s")
                    % {"date": _date_text(as_of), "unit": current.unit.code, "category": current.get_category_display()}
                )
            else:
                last = next((m for m in reversed(history) if m.valid_from <= as_of), None)
                if last is not None and last.valid_to is not None:
                    reasons.append(
                        _("left the roster: their record in %(unit)s now ends on %(end)s")
                        % {"unit": last.unit.code, "end": _date_text(last.valid_to)}
                    )
                else:
                    reasons.append(_("left the roster"))
        else:
            if before["unit"] != after["unit"]:
                start = current.valid_from if current is not None else as_of
                reasons.append(
                    _("moved from %(old)s to %(new)s on %(date)s")
                    % {"old": before["unit"], "new": after["unit"], "date": _date_text(start)}
                )
            if before["status"] != after["status"]:
                reasons.extend(
                    _status_reasons(
                        before=before,
                        after=after,
                        snapshot=snapshot,
                        completions=completions.get(code, []),
                        exemptions=[e for e in exemptions.get(code, []) if e.valid_from <= as_of <= e.valid_to],
                        all_exemptions=exemptions.get(code, []),
                    )
                )
            elif before["completed_on"] != after["completed_on"] and after["completed_on"]:
                reasons.append(
                    _("an earlier completion, dated %(date)s, was recorded after the snapshot")
                    % {"date": _date_text(dt.date.fromisoformat(after["completed_on"]))}
                )
            if before["category"] != after["category"]:
                reasons.append(_("category changed on %(date)s") % {"date": _date_text(current.valid_from)})
            if before["name"] != after["name"]:
                reasons.append(_("name corrected on the roster"))
        people.append(
            PersonChange(
                code=code,
                name=(after or before)["name"],
                before=before,
                after=after,
                reasons=reasons,
            )
        )

    frozen_units = {unit["code"]: unit for unit in frozen["units"]}
    live_units = {unit.code: unit.as_dict() for unit in live.units}
    units = []
    order = [unit.code for unit in live.units] + [code for code in frozen_units if code not in live_units]
    for code in order:
        before_unit, after_unit = frozen_units.get(code), live_units.get(code)
        if before_unit != after_unit:
            units.append(
                UnitDelta(
                    code=code,
                    name=(after_unit or before_unit)["name"],
                    before=_figures(before_unit),
                    after=_figures(after_unit),
                )
            )
    return SnapshotComparison(
        snapshot=snapshot,
        live=live,
        total_before=frozen["total"],
        total_after=live.total.as_dict(),
        units=units,
        people=people,
    )


def _figures(unit: dict[str, object] | None) -> dict[str, object] | None:
    if unit is None:
        return None
    return {key: unit[key] for key in ("staff", "informed", "exempt", "percent")}


def _status_reasons(
    *,
    before: dict[str, object],
    after: dict[str, object],
    snapshot: CoverageSnapshot,
    completions: list[Completion],
    exemptions: list[Exemption],
    all_exemptions: list[Exemption],
) -> list[str]:
    reasons: list[str] = []
    if after["status"] == CoverageStatus.EXEMPT:
        for exemption in exemptions:
            if exemption.created_at > snapshot.created_at:
                reasons.append(
                    _("exemption added on %(recorded)s (%(start)s–%(end)s: %(reason)s)")
                    % {
                        "recorded": _date_text(exemption.created_at),
                        "start": _date_text(exemption.valid_from),
                        "end": _date_text(exemption.valid_to),
                        "reason": exemption.reason,
                    }
                )
        if not reasons:
            reasons.append(_("an exemption now covers this date"))
    elif before["status"] == CoverageStatus.EXEMPT:
        if all_exemptions:
            reasons.append(_("the exemption was changed and no longer covers this date"))
        else:
            reasons.append(_("the exemption was removed"))
    if after["status"] == CoverageStatus.INFORMED:
        later = [c for c in completions if c.created_at > snapshot.created_at]
        if later:
            completion = later[0]
            reasons.append(
                _("completion recorded later, on %(recorded)s (dated %(date)s, %(evidence)s)")
                % {
                    "recorded": _date_text(completion.created_at),
                    "date": _date_text(completion.completed_on),
                    "evidence": completion.get_evidence_display(),
                }
            )
        elif completions and before["status"] != CoverageStatus.EXEMPT:
            reasons.append(
                _("completion dated %(date)s now counts") % {"date": _date_text(completions[0].completed_on)}
            )
    elif before["status"] == CoverageStatus.INFORMED and after["status"] == CoverageStatus.NOT_INFORMED:
        reasons.append(_("the completion counted in the snapshot is no longer on record"))
    return reasons
