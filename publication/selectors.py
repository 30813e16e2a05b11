"""Reads for the published indicators: aggregates only, never a person."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from publication.models import Publication
from reports.models import CoverageSnapshot

# The public columns, in order (CSV header and JSON keys).
PUBLIC_FIELDS = (
    "as_of",
    "assignment",
    "title",
    "staff",
    "informed",
    "exempt",
    "percent_informed",
    "communications_staff",
    "nominated",
    "trained",
    "snapshot_sha256",
)


def publication_list_public() -> QuerySet[Publication]:
    return (
        Publication.objects.filter(is_published=True)
        .select_related("assignment", "snapshot")
        .defer("snapshot__content")
        .order_by("-as_of", "assignment__slug")
    )


def publication_list_all() -> QuerySet[Publication]:
    return Publication.objects.select_related("assignment", "snapshot", "published_by").defer("snapshot__content")


def snapshot_list_unpublished() -> QuerySet[CoverageSnapshot]:
    """Snapshots not yet prepared for publication (the Office's choice list)."""
    return (
        CoverageSnapshot.objects.filter(publication__isnull=True)
        .select_related("assignment")
        .defer("content")
        .order_by("-as_of", "assignment__slug")
    )


def access_publication(*, publication_id: int) -> Publication:
    """A publication (the Office's pages check the role first); 404 if unknown."""
    return get_object_or_404(Publication, pk=publication_id)


def publication_for_snapshot(*, snapshot: CoverageSnapshot) -> Publication | None:
    return Publication.objects.filter(snapshot=snapshot).first()


def publication_public_row(publication: Publication) -> dict[str, object]:
    """One published row for CSV/JSON: the reporting date, the assignment, the frozen aggregates."""
    return {
        "as_of": publication.as_of.isoformat(),
        "assignment": publication.assignment.slug,
        "title": publication.title,
        "staff": publication.staff,
        "informed": publication.informed,
        "exempt": publication.exempt,
        "percent_informed": float(publication.percent_informed),
        "communications_staff": publication.communications_staff,
        "nominated": publication.nominated,
        "trained": publication.trained,
        "snapshot_sha256": publication.snapshot.sha256,
    }
