"""Reading the audit trail (django-auditlog's `LogEntry`, set up in `config/settings/components/audit.py`).

Every save or delete of a unit, a person, a membership, an assignment (and its audience),
an exemption, a completion or a certificate writes an entry: who (`actor`), when
(`timestamp`), and each changed field's value before and after (`changes`, JSON
`{field: [before, after]}`). The imports' and syncs' bulk writes write the same entries
(`core.audit`), each carrying its import's correlation id (`core.ImportRecord`). Here: the
entries about one person, whatever the record (their own row, their memberships,
exemptions, completions, certificates, the assignments naming them), and the
corrections of a person's past memberships made after a moment (what the live
comparison of a snapshot explains).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from certificates.models import Certificate
from core.models import ImportRecord, import_record_pk
from courses.models import AssignmentPerson, Completion
from orgchart.models import Membership, Staff
from reports.models import Exemption

# Records about a person, and how to reach the person from each (None: the record is the person).
_PERSON_RECORDS = (
    (Staff, None),
    (Membership, "staff_id"),
    (Exemption, "staff_id"),
    (Completion, "staff_id"),
    (Certificate, "staff_id"),
    (AssignmentPerson, "staff_id"),
)
# The fields whose change rewrites where a person stood on a past date.
MEMBERSHIP_FACTS = ("unit", "valid_from", "valid_to", "category", "position")
_PLACEMENT = ("unit", "category", "position")


def audit_person_q(*, staff_ids: QuerySet | list[int]) -> Q:
    """Entries about these people (any of their records still on file), as one filter on `LogEntry`.

    Subqueries, run with the entries' query. Records are never deleted by the Office's
    services (memberships are end-dated); a record deleted in the admin is found by the
    entry's own text (`object_repr`) instead.
    """
    content_types = ContentType.objects.get_for_models(*(model for model, _field in _PERSON_RECORDS))
    condition = Q()
    for model, person_field in _PERSON_RECORDS:
        content_type = content_types[model]
        if person_field is None:
            objects = staff_ids
        else:
            objects = model.objects.filter(**{f"{person_field}__in": staff_ids}).values("pk")
        condition |= Q(content_type=content_type, object_id__in=objects)
    return condition


def audit_list_for_person(*, staff: Staff) -> QuerySet[LogEntry]:
    """Every recorded change about `staff`, newest first."""
    return (
        LogEntry.objects.filter(audit_person_q(staff_ids=[staff.pk]))
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")
    )


@dataclass(frozen=True)
class Correction:
    """A change of a person's membership made after a moment (e.g. after a snapshot was frozen).

    `record`: the import that wrote it (`core.ImportRecord`), None for an edit of one record.
    """

    staff_id: int
    on: dt.datetime
    actor: str
    fields: tuple[str, ...]
    action: int
    record: ImportRecord | None = None


def _period(changes: dict, side: int, current: tuple[dt.date | None, dt.date | None] | None):
    """A membership's (valid_from, valid_to) before (side 0) or after (side 1) an entry, None if it did not exist."""
    values = []
    for index, name in enumerate(("valid_from", "valid_to")):
        if name in changes:
            value = changes[name][side]
            values.append(dt.date.fromisoformat(value) if value else None)
        elif current is None:  # created or deleted: a field missing from the changes was empty
            values.append(None)
        else:
            values.append(current[index])
    return tuple(values)


def _covers(period, on: dt.date) -> bool:
    return period is not None and (period[0] is None or period[0] <= on) and (period[1] is None or on <= period[1])


def membership_corrections_after(
    *, staff_ids: list[int], after: dt.datetime, on: dt.date | None = None
) -> dict[int, list[Correction]]:
    """Per person, the changes of their memberships' dates, unit, category or position after `after`, oldest first.

    With `on`, only the changes that rewrote where the person stood on that date: a record
    that covered it and no longer does or the reverse, or one covering it whose unit,
    category or position changed. Edits of single records and the imports'
    bulk writes (`core.audit`) alike; an import's entries name their `ImportRecord`.
    Three queries.
    """
    if not staff_ids:
        return {}
    content_type = ContentType.objects.get_for_model(Membership)
    current = {
        pk: (staff_id, (valid_from, valid_to))
        for pk, staff_id, valid_from, valid_to in Membership.objects.filter(staff_id__in=staff_ids).values_list(
            "pk", "staff_id", "valid_from", "valid_to"
        )
    }
    entries = list(
        LogEntry.objects.filter(content_type=content_type, timestamp__gt=after)
        .filter(Q(object_id__in=list(current)) | Q(action=LogEntry.Action.DELETE))
        .select_related("actor")
        .order_by("timestamp", "pk")
    )
    import_pks = {import_record_pk(entry.cid) for entry in entries} - {None}
    records = {record.cid: record for record in ImportRecord.objects.filter(pk__in=import_pks)}
    wanted = {str(pk) for pk in staff_ids}
    corrections: dict[int, list[Correction]] = {}
    for entry in entries:
        changes = entry.changes if isinstance(entry.changes, dict) else {}
        staff_id, period_now = current.get(entry.object_id, (None, None))
        if staff_id is None:
            before = (changes.get("staff") or [None])[0]
            if str(before) not in wanted:
                continue
            staff_id = int(before)
        fields = tuple(field for field in MEMBERSHIP_FACTS if field in changes)
        if entry.action == LogEntry.Action.UPDATE and not fields:
            continue
        if on is not None:
            was = None if entry.action == LogEntry.Action.CREATE else _period(changes, 0, period_now)
            becomes = None if entry.action == LogEntry.Action.DELETE else _period(changes, 1, period_now)
            covered_before, covered_after = _covers(was, on), _covers(becomes, on)
            placed = covered_before and covered_after and any(name in changes for name in _PLACEMENT)
            if covered_before == covered_after and not placed:
                continue
        actor = entry.actor
        corrections.setdefault(staff_id, []).append(
            Correction(
                staff_id=staff_id,
                on=entry.timestamp,
                actor=(actor.get_full_name() or actor.email) if actor is not None else "",
                fields=fields,
                action=entry.action,
                record=records.get(entry.cid),
            )
        )
    return corrections
