"""Snapshots: the canonical JSON a frozen report stores, reading it back, and comparing it with the live report."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from core.dates import format_date
from core.models import ImportRecord
from courses.models import Assignment, Completion
from courses.selectors.audience import audience_unit_rules
from orgchart.models import Membership, Staff
from orgchart.selectors import membership_current_among
from reports.models import CoverageSnapshot, Exemption
from reports.selectors.audit import Correction, membership_corrections_after
from reports.selectors.coverage import CoverageReport, coverage_as_of
from reports.selectors.people import PersonCoverage, coverage_people
from reports.selectors.rules import CompletionRule, CoverageStatus, completions_by, exemption_covers


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
        # The exempt: the exemption's reason and approver as they stood when frozen.
        "exemption": (
            {"reason": person.exemption_reason, "approver": person.exemption_approver}
            if person.exemption_reason is not None
            else None
        ),
    }


def snapshot_content_build(*, assignment: Assignment, as_of: dt.date) -> str:
    """The canonical JSON a snapshot stores: the contract's figures, `people` (code order) and `rule`
    (which completions counted: `CompletionRule.as_dict`)."""
    rules = audience_unit_rules(assignment_ids=[assignment.pk]).get(assignment.pk, [])
    report = coverage_as_of(assignment=assignment, as_of=as_of, rules=rules)
    people = sorted(
        (_person_entry(person) for person in coverage_people(assignment=assignment, as_of=as_of, rules=rules)),
        key=lambda entry: entry["code"],
    )
    return canonical_json({**report.as_dict(), "people": people, "rule": report.rule.as_dict()})


def snapshot_verify(*, snapshot: CoverageSnapshot) -> bool:
    """Is the stored content still the content that was hashed?"""
    return content_sha256(snapshot.content) == snapshot.sha256


def snapshot_data(*, snapshot: CoverageSnapshot) -> dict[str, object]:
    """The stored content, parsed: the coverage contract's keys plus `people`."""
    return json.loads(snapshot.content)


def snapshot_rule(*, snapshot: CoverageSnapshot) -> CompletionRule | None:
    """The completion rule the snapshot stored (None for a snapshot made before rules were stored)."""
    data = snapshot_data(snapshot=snapshot)
    return CompletionRule.from_dict(data["rule"]) if "rule" in data else None


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


def snapshot_publication(*, snapshot: CoverageSnapshot) -> models.Model | None:
    """The publication prepared from this snapshot, if any (one query).

    Read through the reverse relation that the publication app declares, so this app
    does not import the app above it.
    """
    try:
        return snapshot.publication
    except ObjectDoesNotExist:
        return None


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
    # A snapshot made before a key was stored (say, `exemption`) is compared on the keys it has.
    for code, entry in live_people.items():
        if code in frozen_people:
            live_people[code] = {key: entry.get(key) for key in frozen_people[code]}

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
    # Corrections of past memberships made after the snapshot (the audit trail), deleted records included.
    staff_ids = dict(Staff.objects.filter(code__in=changed_codes).values_list("code", "pk"))
    corrections_by_id = membership_corrections_after(
        staff_ids=list(staff_ids.values()), after=snapshot.created_at, on=as_of
    )
    corrections = {code: corrections_by_id.get(pk, []) for code, pk in staff_ids.items()}
    completions: dict[str, list[Completion]] = {}
    for completion in (
        completions_by(assignment=assignment, as_of=as_of)
        .filter(staff__code__in=changed_codes)
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

    people: list[PersonChange] = []
    for code in changed_codes:
        before, after = frozen_people.get(code), live_people.get(code)
        history = memberships.get(code, [])
        current = membership_current_among(memberships=history, on_date=as_of)
        reasons: list[str] = []
        # Where the person stood on D (joined, left, moved, category): explained by a correction when there is one.
        placement: list[str] = []
        if before is None:
            if current is not None:
                placement.append(
                    _("joined the audience: in %(unit)s from %(start)s (recorded on %(recorded)s)")
                    % {
                        "unit": current.unit.code,
                        "start": format_date(current.valid_from),
                        "recorded": format_date(current.created_at),
                    }
                )
            else:
                placement.append(_("joined the audience"))
        elif after is None:
            if current is not None:
                placement.append(
                    _("no longer in the audience on %(date)s: now recorded in %(unit)s as %(category)s")
                    % {
                        "date": format_date(as_of),
                        "unit": current.unit.code,
                        "category": current.get_category_display(),
                    }
                )
            else:
                last = next((m for m in reversed(history) if m.valid_from <= as_of), None)
                if last is not None and last.valid_to is not None:
                    placement.append(
                        _("left the roster: their record in %(unit)s now ends on %(end)s")
                        % {"unit": last.unit.code, "end": format_date(last.valid_to)}
                    )
                else:
                    placement.append(_("left the roster"))
        else:
            if before["unit"] != after["unit"]:
                start = current.valid_from if current is not None else as_of
                placement.append(
                    _("moved from %(old)s to %(new)s on %(date)s")
                    % {"old": before["unit"], "new": after["unit"], "date": format_date(start)}
                )
            if before["status"] != after["status"]:
                reasons.extend(
                    _status_reasons(
                        before=before,
                        after=after,
                        snapshot=snapshot,
                        completions=completions.get(code, []),
                        exemptions=[e for e in exemptions.get(code, []) if exemption_covers(e, as_of)],
                        all_exemptions=exemptions.get(code, []),
                    )
                )
            elif before["completed_on"] != after["completed_on"] and after["completed_on"]:
                reasons.append(
                    _("an earlier completion, dated %(date)s, was recorded after the snapshot")
                    % {"date": format_date(dt.date.fromisoformat(after["completed_on"]))}
                )
            if before["category"] != after["category"]:
                placement.append(_("category changed on %(date)s") % {"date": format_date(current.valid_from)})
            if before["name"] != after["name"]:
                reasons.append(_("name corrected on the roster"))
            if (
                "exemption" in before
                and before["exemption"]
                and after.get("exemption")
                and (before["exemption"] != after["exemption"])
            ):
                reasons.append(
                    _("the exemption's reason or approver was changed: now “%(reason)s”, approved by %(approver)s")
                    % after["exemption"]
                )
        if placement and corrections.get(code):
            edits = [correction for correction in corrections[code] if correction.record is None]
            if edits:
                # A past record was edited after the snapshot: say so, rather than inventing a move or a departure.
                placement = [_correction_text(correction) for correction in edits]
            # An import recorded the change after the snapshot: the fact stands, and which import wrote it.
            imports = {correction.record.pk: correction.record for correction in corrections[code] if correction.record}
            placement.extend(_import_text(record) for record in imports.values())
        reasons = placement + reasons
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


def _import_text(record: ImportRecord) -> str:
    """ "recorded on 03/12/2026 by Nguyễn Văn A through the roster import: file “x.xlsx”, SHA-256 1a2b3c4d…, …"."""
    parts = [
        _("recorded on %(date)s by %(actor)s through the import of the %(kind)s")
        % {
            "date": format_date(record.created_at),
            "actor": record.actor_label,
            "kind": record.get_kind_display().lower(),
        }
    ]
    if record.filename:
        parts.append(_("file “%(file)s”, SHA-256 %(sha)s…") % {"file": record.filename, "sha": record.sha256[:12]})
    if record.effective_date:
        parts.append(_("effective from %(date)s") % {"date": format_date(record.effective_date)})
    return ", ".join(parts)


def _correction_text(correction: Correction) -> str:
    """ "record corrected on 03/12/2026 by Nguyễn Văn A (unit, valid from)"."""
    if correction.action == LogEntry.Action.DELETE:
        what = _("a membership deleted")
    elif correction.action == LogEntry.Action.CREATE:
        what = _("a membership added")
    else:
        what = ", ".join(str(Membership._meta.get_field(name).verbose_name) for name in correction.fields)
    return _("record corrected on %(date)s by %(actor)s (%(what)s)") % {
        "date": format_date(correction.on),
        "actor": correction.actor or _("an unknown account"),
        "what": what,
    }


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
                        "recorded": format_date(exemption.created_at),
                        "start": format_date(exemption.valid_from),
                        "end": format_date(exemption.valid_to),
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
                    "recorded": format_date(completion.created_at),
                    "date": format_date(completion.completed_on),
                    "evidence": completion.get_evidence_display(),
                }
            )
        elif completions and before["status"] != CoverageStatus.EXEMPT:
            reasons.append(
                _("completion dated %(date)s now counts") % {"date": format_date(completions[0].completed_on)}
            )
    elif before["status"] == CoverageStatus.INFORMED and after["status"] == CoverageStatus.NOT_INFORMED:
        reasons.append(_("the completion counted in the snapshot is no longer on record"))
    return reasons
