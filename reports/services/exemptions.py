"""Exemptions: the Office excuses a person from an assignment for a period (long leave, secondment…)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.dates import format_date
from core.text import detect_legacy_encoding, normalize_text
from courses.models import Assignment, Enrolment
from courses.selectors.audience import audience_staff_ids_on, audience_unit_rules
from orgchart.models import Staff
from reports.models import Exemption

_APPROVER_MAX = Exemption._meta.get_field("approver_name").max_length


def exemption_problems(
    *,
    staff: Staff | None,
    assignment: Assignment | None,
    valid_from: dt.date | None,
    valid_to: dt.date | None,
    reason: str,
    approver_name: str,
    exclude_pk: int | None = None,
) -> dict[str, list[str]]:
    """Every reason the exemption cannot be recorded (field → messages); empty when it can.

    The person must have been in the assignment's audience at some point (an enrolment,
    or the audience on the first or last day of the exemption), the range must be the
    right way round and must not overlap another exemption of theirs for the assignment.
    """
    problems: dict[str, list[str]] = {}

    def refuse(name: str, message: str) -> None:
        problems.setdefault(name, []).append(message)

    if staff is None:
        refuse("staff", _("Choose the person."))
    if assignment is None:
        refuse("assignment", _("Choose the assignment."))
    if valid_from is None:
        refuse("valid_from", _("Enter the first day of the exemption."))
    if valid_to is None:
        refuse("valid_to", _("Enter the last day of the exemption."))
    if valid_from is not None and valid_to is not None and valid_to < valid_from:
        refuse("valid_to", _("The last day is before the first day."))
    reason = normalize_text(reason)
    if not reason:
        refuse("reason", _("Give the reason for the exemption (long leave, secondment…)."))
    elif detect_legacy_encoding(reason):
        refuse("reason", _("The reason is in a legacy encoding (TCVN3/VNI); convert it to Unicode."))
    approver_name = normalize_text(approver_name)
    if not approver_name:
        refuse("approver_name", _("Say who approved the exemption."))
    elif len(approver_name) > _APPROVER_MAX:
        refuse("approver_name", _("At most %(count)d characters.") % {"count": _APPROVER_MAX})
    elif detect_legacy_encoding(approver_name):
        refuse("approver_name", _("The name is in a legacy encoding (TCVN3/VNI); convert it to Unicode."))

    if staff is not None and assignment is not None and valid_from is not None and valid_to is not None:
        if not _was_in_audience(staff=staff, assignment=assignment, valid_from=valid_from, valid_to=valid_to):
            refuse(
                "staff",
                _("%(person)s has never been in the audience of %(assignment)s.")
                % {"person": staff, "assignment": assignment.slug},
            )
        overlapping = Exemption.objects.filter(
            staff=staff, assignment=assignment, valid_from__lte=valid_to, valid_to__gte=valid_from
        )
        if exclude_pk is not None:
            overlapping = overlapping.exclude(pk=exclude_pk)
        other = overlapping.order_by("valid_from").first()
        if other is not None:
            refuse(
                "valid_from",
                _("It overlaps another exemption of this person for this assignment (%(start)s–%(end)s).")
                % {
                    "start": format_date(other.valid_from),
                    "end": format_date(other.valid_to),
                },
            )
    return problems


def _was_in_audience(*, staff: Staff, assignment: Assignment, valid_from: dt.date, valid_to: dt.date) -> bool:
    if Enrolment.objects.filter(staff=staff, assignment=assignment).exists():
        return True
    rules = audience_unit_rules(assignment_ids=[assignment.pk]).get(assignment.pk, [])
    return any(
        audience_staff_ids_on(assignment=assignment, on_date=day, rules=rules).filter(staff_id=staff.pk).exists()
        for day in (valid_from, valid_to)
    )


@transaction.atomic
def exemption_create(
    *,
    staff: Staff,
    assignment: Assignment,
    valid_from: dt.date,
    valid_to: dt.date,
    reason: str,
    approver_name: str,
    approver: User | None = None,
    recorded_by: User | None = None,
) -> Exemption:
    """Record that `staff` is excused from `assignment` from `valid_from` to `valid_to` (inclusive).

    Raises `ValidationError` (field → messages) listing every problem; nothing is written then.
    """
    problems = exemption_problems(
        staff=staff,
        assignment=assignment,
        valid_from=valid_from,
        valid_to=valid_to,
        reason=reason,
        approver_name=approver_name,
    )
    if problems:
        raise ValidationError(problems)
    return Exemption.objects.create(
        staff=staff,
        assignment=assignment,
        valid_from=valid_from,
        valid_to=valid_to,
        reason=normalize_text(reason),
        approver_name=normalize_text(approver_name),
        approver=approver,
        recorded_by=recorded_by,
    )


@transaction.atomic
def exemption_update(
    *,
    exemption: Exemption,
    valid_from: dt.date,
    valid_to: dt.date,
    reason: str,
    approver_name: str,
    approver: User | None = None,
) -> Exemption:
    """Change an exemption's dates, reason or approver, with the same checks as `exemption_create`."""
    problems = exemption_problems(
        staff=exemption.staff,
        assignment=exemption.assignment,
        valid_from=valid_from,
        valid_to=valid_to,
        reason=reason,
        approver_name=approver_name,
        exclude_pk=exemption.pk,
    )
    if problems:
        raise ValidationError(problems)
    exemption.valid_from = valid_from
    exemption.valid_to = valid_to
    exemption.reason = normalize_text(reason)
    exemption.approver_name = normalize_text(approver_name)
    exemption.approver = approver
    exemption.save(update_fields=["valid_from", "valid_to", "reason", "approver_name", "approver"])
    return exemption
