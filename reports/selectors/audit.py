"""Reading the audit trail (django-auditlog's `LogEntry`, set up in `config/settings/components/audit.py`).

Every save or delete of a unit, a person, a membership, an assignment (and its audience),
an exemption, a completion or a certificate writes an entry: who (`actor`), when
(`timestamp`), and each changed field's value before and after (`changes`, JSON
`{field: [before, after]}`). Here: the entries about one person, whatever the record
(their own row, their memberships, exemptions, completions, certificates, the
assignments naming them), and the corrections of a person's past memberships made
after a moment (what the live comparison of a snapshot explains).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from certificates.models import Certificate
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
    """A change of a person's membership made after a moment (e.g. after a snapshot was frozen)."""

    staff_id: int
    on: dt.datetime
    actor: str
    fields: tuple[str, ...]
    action: int


def membership_corrections_after(*, staff_ids: list[int], after: dt.datetime) -> dict[int, list[Correction]]:
    """Per person, the changes of their memberships' dates, unit, category or position after `after`, oldest first.

    One query. Entries the roster import makes in bulk are not in the trail (it writes with
    `QuerySet.update`); what is here are edits of single records — corrections.
    """
    if not staff_ids:
        return {}
    content_type = ContentType.objects.get_for_model(Membership)
    by_membership = dict(Membership.objects.filter(staff_id__in=staff_ids).values_list("pk", "staff_id"))
    entries = (
        LogEntry.objects.filter(content_type=content_type, timestamp__gt=after)
        .filter(Q(object_id__in=list(by_membership)) | Q(action=LogEntry.Action.DELETE))
        .select_related("actor")
        .order_by("timestamp", "pk")
    )
    wanted = {str(pk) for pk in staff_ids}
    corrections: dict[int, list[Correction]] = {}
    for entry in entries:
        changes = entry.changes if isinstance(entry.changes, dict) else {}
        staff_id = by_membership.get(entry.object_id)
        if staff_id is None:
            before = (changes.get("staff") or [None])[0]
            if str(before) not in wanted:
                continue
            staff_id = int(before)
        fields = tuple(field for field in MEMBERSHIP_FACTS if field in changes)
        if entry.action == LogEntry.Action.UPDATE and not fields:
            continue
        actor = entry.actor
        corrections.setdefault(staff_id, []).append(
            Correction(
                staff_id=staff_id,
                on=entry.timestamp,
                actor=(actor.get_full_name() or actor.email) if actor is not None else "",
                fields=fields,
                action=entry.action,
            )
        )
    return corrections
