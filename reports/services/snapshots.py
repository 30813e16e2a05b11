"""Snapshots: freezing a coverage report at a reporting date (DESIGN.md rule 5)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.dates import format_date
from courses.models import Assignment
from reports.models import CoverageSnapshot
from reports.selectors.snapshots import content_sha256, snapshot_content_build


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
    if as_of < assignment.starts_on:
        # Nobody was to be informed yet: such a report is empty, and a date like 01/01/0001 is a typing mistake.
        raise ValidationError(
            {
                "as_of": [
                    _("The assignment starts on %(start)s; choose a date from then on, not %(date)s.")
                    % {"start": format_date(assignment.starts_on), "date": format_date(as_of)}
                ]
            }
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
