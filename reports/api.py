"""The JSON API for the provincial monitoring system (django-ninja), mounted at /api/v1/.

Every endpoint needs `Authorization: Bearer <token>` (a token made with
`manage.py api_token_create NAME`; only its SHA-256 is stored). Tokens are not
users: the API sees the whole department, like the Office, and the per-unit
scoping of unit heads applies to the web pages and exports instead.

The OpenAPI schema is served at /api/v1/openapi.json. Ninja's interactive docs page is
turned off (`docs_url=None`): it loads Swagger UI from a CDN, and government intranets
often have no internet (DESIGN.md: no CDN).
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, NinjaAPI, Schema
from ninja.errors import HttpError
from ninja.security import HttpBearer

from courses.models import Assignment
from reports.selectors.coverage import assignment_get, assignment_list_for_reports, coverage_as_of
from reports.services.api_tokens import api_token_authenticate


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        return api_token_authenticate(raw=token.strip())


api = NinjaAPI(
    urls_namespace="api-v1",
    title="Lan Tỏa API",
    version="1",
    description="Coverage figures of the Department of Justice's staff-training assignments (token-authenticated).",
    auth=TokenAuth(),
    docs_url=None,
)


class FiguresOut(Schema):
    staff: int
    informed: int
    exempt: int
    percent: float | None = Field(
        ..., description="informed / staff × 100, rounded to 2 places; null when staff is 0 (no one to count)."
    )


class UnitFiguresOut(Schema):
    code: str
    name: str
    parent: str | None
    staff: int
    informed: int
    exempt: int
    percent: float | None = Field(
        ..., description="informed / staff × 100, rounded to 2 places; null when staff is 0 (no one to count)."
    )


class CoverageOut(Schema):
    assignment: str
    as_of: dt.date
    total: FiguresOut
    units: list[UnitFiguresOut]


class AssignmentOut(Schema):
    slug: str
    title: str
    course: str
    starts_on: dt.date
    due_on: dt.date


class ErrorOut(Schema):
    detail: str


@api.get(
    "/coverage",
    response={200: CoverageOut, 404: ErrorOut},
    summary="Coverage of an assignment as of a date",
    description=(
        "People in the assignment's audience on `as_of` (each once, in the unit they were in that day), "
        "minus the exempt (`staff`), those of them informed on or before `as_of`, and the percent, "
        "for every unit of the scope (sub-units included) and in total. `percent` is null when `staff` is 0: "
        "a unit with no one in the audience is listed, but it is not 100%."
    ),
)
def coverage(request: HttpRequest, assignment: str, as_of: dt.date):
    try:
        found = assignment_get(slug=assignment)
    except Assignment.DoesNotExist as exc:
        raise HttpError(404, f"Unknown assignment: {assignment}") from exc
    return coverage_as_of(assignment=found, as_of=as_of).as_dict()


@api.get("/assignments", response=list[AssignmentOut], summary="Assignments, newest first")
def assignments(request: HttpRequest):
    return [
        {
            "slug": assignment.slug,
            "title": assignment.title,
            "course": assignment.course.slug,
            "starts_on": assignment.starts_on,
            "due_on": assignment.due_on,
        }
        for assignment in assignment_list_for_reports()
    ]
