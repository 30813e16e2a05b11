"""Writes for nominations: programmes and the nomination state machine.

    nominated ──approve──▶ approved ──start──▶ attending ──complete──▶ completed
        │                     │                    │
        ├──decline────────────┘ (Office)           │
        └──withdraw───────────┴────────────────────┘ (head or Office)

Every transition is one service: it checks who is acting, the current status (on the
row locked for the transaction, so two clicks cannot both pass), the date (not in the
future, not before the previous step), writes the dated field and a `NominationEvent`,
and raises `ValidationError` with one clear message per problem — nothing is written then.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import is_office
from core.dates import format_date
from core.text import detect_legacy_encoding, normalize_text
from orgchart.models import Membership, Staff
from orgchart.queries import active_on_q
from orgchart.selectors import staff_visible_to

from .models import ACTIVE_STATUSES, Nomination, NominationEvent, NominationStatus, TrainingProgramme

CERTIFICATE_MAX_BYTES = 10 * 1024 * 1024
_PDF_MAGIC = b"%PDF-"
_TITLE_MAX = TrainingProgramme._meta.get_field("title").max_length


def _may_manage(*, user: User, staff: Staff) -> bool:
    """The Office, or a head whose units the person is in today."""
    return is_office(user) or staff_visible_to(user=user).filter(pk=staff.pk).exists()


# --- programmes ---------------------------------------------------------------------------------------


def programme_problems(*, title: str, provider: str, starts_on: dt.date | None, ends_on: dt.date | None) -> list[str]:
    """Every reason the programme cannot be saved; empty when it can."""
    title, provider = normalize_text(title), normalize_text(provider)
    problems: list[str] = []
    if not title:
        problems.append(_("Give the programme a title."))
    elif len(title) > _TITLE_MAX:
        problems.append(_("The title has at most %(count)d characters.") % {"count": _TITLE_MAX})
    if not provider:
        problems.append(_("Say who provides the programme."))
    for value in (title, provider):
        if value and detect_legacy_encoding(value):
            problems.append(
                _("“%(text)s” is in a legacy encoding (TCVN3/VNI); convert it to Unicode.") % {"text": value}
            )
    if starts_on is None or ends_on is None:
        problems.append(_("Enter the first and the last day of the programme."))
    elif ends_on < starts_on:
        problems.append(_("The programme ends before it starts."))
    return problems


def programme_create(*, title: str, provider: str, starts_on: dt.date, ends_on: dt.date) -> TrainingProgramme:
    problems = programme_problems(title=title, provider=provider, starts_on=starts_on, ends_on=ends_on)
    if problems:
        raise ValidationError(problems)
    return TrainingProgramme.objects.create(
        title=normalize_text(title), provider=normalize_text(provider), starts_on=starts_on, ends_on=ends_on
    )


# --- nominations ------------------------------------------------------------------------------------------


def _date_problems(*, on: dt.date, after: dt.date | None, after_label: str) -> list[str]:
    problems = []
    if on > timezone.localdate():
        problems.append(_("%(date)s has not come yet.") % {"date": format_date(on)})
    if after is not None and on < after:
        problems.append(
            _("%(date)s is before the %(step)s date (%(previous)s).")
            % {"date": format_date(on), "step": after_label, "previous": format_date(after)}
        )
    return problems


def nomination_create(
    *, staff: Staff, programme: TrainingProgramme, by: User, on: dt.date | None = None, note: str = ""
) -> Nomination:
    """`by` (a head of the person's unit, or the Office) nominates `staff` to `programme`.

    Refused for someone outside `by`'s units, someone not doing communications work,
    someone not on the roster on the date, a programme already over, and a person who
    already has an active (or completed) nomination to the programme.
    """
    on = on or timezone.localdate()
    if not _may_manage(user=by, staff=staff):
        raise ValidationError(_("You can nominate only people of the units you head."))
    problems: list[str] = []
    # The communications role on the nomination's date (it is dated on the person's record).
    record_on = Membership.objects.filter(active_on_q(on), staff=staff).values_list("is_communications", flat=True)
    roles_on = list(record_on[:1])
    if roles_on and not roles_on[0]:
        problems.append(
            _(
                "%(person)s is not recorded as communications staff; only communications staff are "
                "nominated to specialist training (the Office sets the flag on the roster)."
            )
            % {"person": staff.full_name}
        )
    if not roles_on:
        problems.append(
            _("%(person)s is not on the roster on %(date)s.") % {"person": staff.full_name, "date": format_date(on)}
        )
    if programme.ends_on < on:
        problems.append(
            _("The programme “%(programme)s” ended on %(date)s.")
            % {"programme": programme.title, "date": format_date(programme.ends_on)}
        )
    problems += _date_problems(on=on, after=None, after_label="")
    active = Nomination.objects.filter(staff=staff, programme=programme, status__in=ACTIVE_STATUSES).first()
    if active is not None:
        problems.append(
            _("%(person)s already has a nomination to this programme (%(status)s since %(date)s).")
            % {
                "person": staff.full_name,
                "status": active.get_status_display(),
                "date": format_date(active.status_since),
            }
        )
    note = normalize_text(note)
    if note and detect_legacy_encoding(note):
        problems.append(_("The note is in a legacy encoding (TCVN3/VNI); convert it to Unicode."))
    if problems:
        raise ValidationError(problems)
    try:
        with transaction.atomic():
            nomination = Nomination.objects.create(
                staff=staff, programme=programme, nominated_on=on, nominated_by=by, status=NominationStatus.NOMINATED
            )
            NominationEvent.objects.create(
                nomination=nomination, status=NominationStatus.NOMINATED, on=on, by=by, note=note
            )
    except IntegrityError as exc:
        # The same person was nominated a moment ago by someone else.
        raise ValidationError(
            _("%(person)s already has a nomination to this programme.") % {"person": staff.full_name}
        ) from exc
    return nomination


def _transition(
    *,
    nomination: Nomination,
    by: User,
    to: NominationStatus,
    allowed_from: tuple[NominationStatus, ...],
    office_only: bool,
    dated_field: str,
    on: dt.date | None,
    note: str = "",
    extra_checks: Callable[[Nomination, dt.date], list[str]] | None = None,
    apply: Callable[[Nomination], list[str]] | None = None,
) -> Nomination:
    """The shared shape of every step after the nomination: `dated_field` gets the step's date;
    `apply`, when given, sets any further fields and returns their names."""
    on = on or timezone.localdate()
    with transaction.atomic():
        locked = Nomination.objects.select_for_update().select_related("staff", "programme").get(pk=nomination.pk)
        if office_only and not is_office(by):
            raise ValidationError(_("Only the Office can do this."))
        if not office_only and not _may_manage(user=by, staff=locked.staff):
            raise ValidationError(_("Only the Office or the head of the person's unit can do this."))
        if locked.status not in allowed_from:
            raise ValidationError(
                _("This nomination is %(status)s; it cannot become %(target)s.")
                % {"status": locked.get_status_display().lower(), "target": to.label.lower()}
            )
        previous = max(d for d in (locked.nominated_on, locked.approved_on, locked.started_on) if d is not None)
        problems = _date_problems(on=on, after=previous, after_label=_("previous step"))
        note = normalize_text(note)
        if note and detect_legacy_encoding(note):
            problems.append(_("The note is in a legacy encoding (TCVN3/VNI); convert it to Unicode."))
        if extra_checks is not None:
            problems += extra_checks(locked, on)
        if problems:
            raise ValidationError(problems)
        fields = ["status", dated_field]
        locked.status = to
        setattr(locked, dated_field, on)
        if apply is not None:
            fields += apply(locked)
        locked.save(update_fields=fields)
        NominationEvent.objects.create(nomination=locked, status=to, on=on, by=by, note=note)
    return locked


def nomination_approve(*, nomination: Nomination, by: User, on: dt.date | None = None, note: str = "") -> Nomination:
    """The Office approves a nomination."""
    return _transition(
        nomination=nomination,
        by=by,
        to=NominationStatus.APPROVED,
        allowed_from=(NominationStatus.NOMINATED,),
        office_only=True,
        dated_field="approved_on",
        on=on,
        note=note,
    )


def nomination_decline(*, nomination: Nomination, by: User, reason: str, on: dt.date | None = None) -> Nomination:
    """The Office declines a nomination (before the training starts), saying why."""

    def checks(locked: Nomination, day: dt.date) -> list[str]:
        return [] if normalize_text(reason) else [_("Say why the nomination is declined.")]

    return _transition(
        nomination=nomination,
        by=by,
        to=NominationStatus.DECLINED,
        allowed_from=(NominationStatus.NOMINATED, NominationStatus.APPROVED),
        office_only=True,
        dated_field="closed_on",
        on=on,
        note=reason,
        extra_checks=checks,
    )


def nomination_start(*, nomination: Nomination, by: User, on: dt.date | None = None) -> Nomination:
    """The person has started attending the (approved) programme."""

    def checks(locked: Nomination, day: dt.date) -> list[str]:
        if day < locked.programme.starts_on:
            return [
                _("The programme starts on %(start)s; attendance cannot begin on %(date)s.")
                % {"start": format_date(locked.programme.starts_on), "date": format_date(day)}
            ]
        return []

    return _transition(
        nomination=nomination,
        by=by,
        to=NominationStatus.ATTENDING,
        allowed_from=(NominationStatus.APPROVED,),
        office_only=False,
        dated_field="started_on",
        on=on,
        extra_checks=checks,
    )


def certificate_problems(*, certificate: UploadedFile | None) -> list[str]:
    """A certificate must be a real PDF (its content starts with %PDF-) of at most CERTIFICATE_MAX_BYTES."""
    if certificate is None:
        return []
    if certificate.size > CERTIFICATE_MAX_BYTES:
        return [
            _("The certificate is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(certificate.size), "limit": filesizeformat(CERTIFICATE_MAX_BYTES)}
        ]
    certificate.seek(0)
    head = certificate.read(len(_PDF_MAGIC))
    certificate.seek(0)
    if head != _PDF_MAGIC:
        return [_("The certificate is not a PDF file (its content does not start with %PDF-).")]
    return []


def nomination_complete(
    *, nomination: Nomination, by: User, on: dt.date | None = None, certificate: UploadedFile | None = None
) -> Nomination:
    """The person completed the programme; `certificate` is the external training's certificate (PDF), optional."""

    def checks(locked: Nomination, day: dt.date) -> list[str]:
        return certificate_problems(certificate=certificate)

    def store_certificate(locked: Nomination) -> list[str]:
        locked.certificate.save(f"nomination-{locked.pk}.pdf", certificate, save=False)
        return ["certificate"]

    return _transition(
        nomination=nomination,
        by=by,
        to=NominationStatus.COMPLETED,
        allowed_from=(NominationStatus.ATTENDING,),
        office_only=False,
        dated_field="completed_on",
        on=on,
        extra_checks=checks,
        apply=store_certificate if certificate is not None else None,
    )


def nomination_withdraw(*, nomination: Nomination, by: User, reason: str = "", on: dt.date | None = None) -> Nomination:
    """The head or the Office withdraws a nomination that has not been completed."""
    return _transition(
        nomination=nomination,
        by=by,
        to=NominationStatus.WITHDRAWN,
        allowed_from=(NominationStatus.NOMINATED, NominationStatus.APPROVED, NominationStatus.ATTENDING),
        office_only=False,
        dated_field="closed_on",
        on=on,
        note=reason,
    )
