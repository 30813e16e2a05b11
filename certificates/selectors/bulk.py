"""Reads for bulk issue jobs: progress counted from the database, the lists the Office's pages show."""

from __future__ import annotations

from django.db.models import Count, Q

from certificates.models import BulkIssueItem, BulkIssueJob
from courses.models import Assignment
from orgchart.models import Unit


def bulk_job_progress(*, job_id: int) -> dict:
    """{"total", "issued", "rendered", "percent"} from the job's items (one query; `total` is None until planned).

    Counted, not remembered: what a killed worker did before it died is in the database,
    and what it did not do is not.
    """
    counts = BulkIssueItem.objects.filter(job_id=job_id).aggregate(
        planned=Count("pk"),
        issued=Count("certificate_id"),
        rendered=Count("pk", filter=Q(certificate__isnull=False) & ~Q(certificate__pdf="")),
    )
    total = BulkIssueJob.objects.filter(pk=job_id).values_list("total", flat=True).first()
    percent = 100 if total == 0 else (round(counts["rendered"] * 100 / total) if total else 0)
    return {"total": total, "issued": counts["issued"], "rendered": counts["rendered"], "percent": percent}


def bulk_job_get(*, job_id: int) -> BulkIssueJob | None:
    return BulkIssueJob.objects.select_related("assignment", "unit", "started_by").filter(pk=job_id).first()


def bulk_job_list_recent(*, limit: int = 20) -> list[BulkIssueJob]:
    return list(BulkIssueJob.objects.select_related("assignment", "unit").order_by("-created_at", "-pk")[:limit])


def bulk_assignment_choices() -> list[tuple[int, str]]:
    """Assignments, newest first, as (id, "code — title")."""
    rows = Assignment.objects.order_by("-starts_on", "slug").values_list("pk", "slug", "title")
    return [(pk, f"{slug} — {title}" if title else slug) for pk, slug, title in rows]


def bulk_unit_choices() -> list[tuple[int, str]]:
    """Active units in tree order, indented by depth, as (id, "CODE — name")."""
    rows = Unit.objects.filter(is_active=True).order_by("path").values_list("pk", "code", "name", "depth")
    indent = "\u00a0\u00a0"
    return [(pk, f"{indent * (depth - 1)}{code} — {name}") for pk, code, name, depth in rows]


def bulk_job_target(*, assignment_id: int, unit_id: int | None) -> tuple[Assignment, Unit | None]:
    """The assignment and optional unit picked on the form (its choices came from the selectors above)."""
    assignment = Assignment.objects.get(pk=assignment_id)
    return assignment, (Unit.objects.get(pk=unit_id) if unit_id else None)
