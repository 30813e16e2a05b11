"""Writes to a staff member's own record (name, email, birth date, communications flag)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.text import detect_legacy_encoding, fold_diacritics, name_sort_key, normalize_text
from orgchart.importing import CODE_PATTERN
from orgchart.models import Staff

EARLIEST_BIRTH_YEAR = 1900
_SEARCH_TEXT_MAX = Staff._meta.get_field("search_text").max_length
_NAME_MAX = Staff._meta.get_field("full_name").max_length
_EDITABLE = frozenset({"code", "full_name", "email", "date_of_birth", "is_communications", "user"})


def staff_index_fields(*, full_name: str, code: str, email: str) -> dict:
    """The denormalised listing fields: Vietnamese sort key and accent-folded search text.

    Only the mailbox part of the email is searchable: the shared domain
    ("@stp.dongnai.gov.vn") would make short queries such as "an" match everyone.
    """
    mailbox = email.partition("@")[0]
    return {
        "sort_key": name_sort_key(full_name),
        "search_text": fold_diacritics(f"{full_name} {code} {mailbox}")[:_SEARCH_TEXT_MAX],
    }


def normalize_email(value: str) -> str:
    return normalize_text(value).lower()


def staff_update(*, staff: Staff, **fields) -> Staff:
    """Validate, normalise (NFC, trimmed) and save the given fields; recompute the index fields.

    Raises `ValidationError` keyed by field name. Unit, position and category are not
    here: they are effective-dated and change through the roster import.
    """
    unknown = set(fields) - _EDITABLE
    if unknown:
        raise TypeError(f"staff_update() got unexpected fields: {', '.join(sorted(unknown))}")
    errors: dict[str, list[str]] = {}

    def refuse(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    for field in ("code", "full_name", "email"):
        if field in fields:
            fields[field] = normalize_text(fields[field])
            if detect_legacy_encoding(fields[field]):
                refuse(field, _("This text uses a legacy Vietnamese encoding (TCVN3/VNI); convert it to Unicode."))
    if "code" in fields and not CODE_PATTERN.fullmatch(fields["code"]):
        refuse("code", _("Use 1 to 32 letters, digits, dots, dashes or underscores."))
    if "full_name" in fields:
        if not fields["full_name"]:
            refuse("full_name", _("The full name is required."))
        elif len(fields["full_name"]) > _NAME_MAX:
            refuse("full_name", _("The full name is longer than %(max)d characters.") % {"max": _NAME_MAX})
    if "email" in fields:
        fields["email"] = fields["email"].lower()
        if fields["email"]:
            try:
                validate_email(fields["email"])
            except ValidationError:
                refuse("email", _("Enter a valid email address."))
    if fields.get("date_of_birth") is not None:
        born = fields["date_of_birth"]
        if not isinstance(born, dt.date) or isinstance(born, dt.datetime):
            refuse("date_of_birth", _("Enter a date."))
        elif born >= timezone.localdate() or born.year < EARLIEST_BIRTH_YEAR:
            refuse("date_of_birth", _("The date of birth must be in the past and not before 1900."))

    others = Staff.objects.exclude(pk=staff.pk)
    if "code" in fields and "code" not in errors and others.filter(code__iexact=fields["code"]).exists():
        refuse("code", _("Another staff member already has this code."))
    if fields.get("email") and "email" not in errors and others.filter(email__iexact=fields["email"]).exists():
        refuse("email", _("Another staff member already uses this email."))
    if errors:
        raise ValidationError(errors)

    for field, value in fields.items():
        setattr(staff, field, value)
    for field, value in staff_index_fields(full_name=staff.full_name, code=staff.code, email=staff.email).items():
        setattr(staff, field, value)
    with transaction.atomic():
        staff.save()
    return staff
