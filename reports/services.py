"""Writes for reports: exemptions, API tokens, snapshots."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.text import detect_legacy_encoding, normalize_text
from courses.models import Assignment, Enrolment
from courses.selectors.audience import audience_staff_ids_on, audience_unit_rules
from orgchart.models import Staff
from reports.models import ApiToken, CoverageSnapshot, Exemption
from reports.selectors import content_sha256, snapshot_content_build

# --- exemptions --------------------------------------------------------------------------------------------

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
                % {"start": other.valid_from.strftime("%d/%m/%Y"), "end": other.valid_to.strftime("%d/%m/%Y")},
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


# --- API tokens --------------------------------------------------------------------------------------------


def api_token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def api_token_create(*, name: str, created_by: User | None = None) -> tuple[ApiToken, str]:
    """A new token; returns (record, the token itself). Only its SHA-256 is kept: show the token once."""
    name = normalize_text(name)
    if not name:
        raise ValidationError({"name": [_("Give the token a name (who uses it).")]})
    if ApiToken.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": [_("A token named %(name)s already exists.") % {"name": name}]})
    raw = "lt_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(name=name, token_hash=api_token_hash(raw), prefix=raw[:8], created_by=created_by)
    return token, raw


def api_token_authenticate(*, raw: str) -> ApiToken | None:
    """The live token matching `raw`, its last use recorded; None for an unknown or revoked token."""
    if not raw:
        return None
    token = ApiToken.objects.filter(token_hash=api_token_hash(raw), revoked_at__isnull=True).first()
    if token is None:
        return None
    now = timezone.now()
    # At most one write a minute per token: the monitoring system may poll often.
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


# --- snapshots ---------------------------------------------------------------------------------------------


def snapshot_create(
    *, assignment: Assignment, as_of: dt.date, created_by: User | None = None
) -> tuple[CoverageSnapshot, bool]:
    """Freeze the coverage report of `assignment` as of `as_of`; returns (snapshot, created).

    A date has one snapshot: asking again returns the stored one, unchanged — that is what
    frozen means. Refused for a date still to come (completions dated on or before it
    may yet be recorded).
    """
    if as_of > timezone.localdate():
        raise ValidationError(
            {"as_of": [_("%(date)s has not come yet; a snapshot freezes a past or today's report.") % {"date": as_of}]}
        )
    existing = CoverageSnapshot.objects.filter(assignment=assignment, as_of=as_of).first()
    if existing is not None:
        return existing, False
    content = snapshot_content_build(assignment=assignment, as_of=as_of)
    try:
        with transaction.atomic():
            snapshot = CoverageSnapshot.objects.create(
                assignment=assignment,
                as_of=as_of,
                content=content,
                sha256=content_sha256(content),
                created_by=created_by,
            )
    except IntegrityError:
        # Someone froze the same date a moment ago: theirs is the snapshot.
        return CoverageSnapshot.objects.get(assignment=assignment, as_of=as_of), False
    return snapshot, True
