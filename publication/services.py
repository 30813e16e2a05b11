"""Writes for the published indicators: prepare a publication from a snapshot, publish, withdraw.

The figures are copied when the publication is prepared — the coverage from the
snapshot's stored content (never recomputed), the nominations as they stood on the
snapshot's date — so nothing that happens later changes what the public sees.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import is_office
from courses.models import Assignment
from courses.selectors.versions import course_version_get_current
from nominations.selectors import department_nomination_figures
from publication.models import Publication
from reports.models import CoverageSnapshot
from reports.selectors.snapshots import snapshot_data, snapshot_verify


def _refuse_unless_office(user: User) -> None:
    """A service's refusal (a message for the form), where the pages' `require_office` answers 404."""
    if not is_office(user):
        raise ValidationError(_("Only the Office chooses what is published."))


def publication_create(*, snapshot: CoverageSnapshot, by: User) -> Publication:
    """Prepare (not yet publish) the headline figures of `snapshot`'s reporting date."""
    _refuse_unless_office(by)
    if Publication.objects.filter(snapshot=snapshot).exists():
        raise ValidationError(_("This snapshot has already been prepared for publication."))
    if not snapshot_verify(snapshot=snapshot):
        raise ValidationError(_("The snapshot's content no longer matches its SHA-256; it cannot be published."))
    data = snapshot_data(snapshot=snapshot)
    total = data["total"]
    if total["percent"] is None:
        raise ValidationError(_("No one was in the audience on that date: there is no percent to publish."))
    nominations = department_nomination_figures(as_of=snapshot.as_of)
    assignment = snapshot.assignment
    try:
        with transaction.atomic():
            return Publication.objects.create(
                snapshot=snapshot,
                assignment=assignment,
                as_of=snapshot.as_of,
                title=_publication_title(assignment),
                staff=total["staff"],
                informed=total["informed"],
                exempt=total["exempt"],
                percent_informed=Decimal(str(total["percent"])),
                communications_staff=nominations.communications_staff,
                nominated=nominations.nominated,
                trained=nominations.trained,
                created_by=by,
            )
    except IntegrityError as exc:
        raise ValidationError(_("This snapshot has already been prepared for publication.")) from exc


def publication_publish(*, publication: Publication, by: User) -> Publication:
    _refuse_unless_office(by)
    if not publication.is_published:
        publication.is_published = True
        publication.published_at = timezone.now()
        publication.published_by = by
        publication.save(update_fields=["is_published", "published_at", "published_by"])
    return publication


def publication_unpublish(*, publication: Publication, by: User) -> Publication:
    """Take the row off the public page (the frozen figures stay, ready to publish again)."""
    _refuse_unless_office(by)
    if publication.is_published:
        publication.is_published = False
        publication.save(update_fields=["is_published"])
    return publication


def _publication_title(assignment: Assignment) -> str:
    """The assignment's title, else its course's (the published version's), else its slug."""
    if assignment.title:
        return assignment.title
    current = course_version_get_current(course=assignment.course)
    return (current.title if current else "") or assignment.slug
