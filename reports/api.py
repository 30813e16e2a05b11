"""The JSON API for the provincial monitoring system (django-ninja), mounted at /api/v1/.

Every endpoint needs `Authorization: Bearer <token>` (a token made with
`manage.py api_token_create NAME [--days N]`; only its SHA-256 is stored; it expires). Each
token may call `LANTOA_API_RATE_LIMIT` times a window (429 with Retry-After beyond). Every answer
is in the schema: 401 (with `WWW-Authenticate: Bearer`), 404, 422 (a parameter out of its
pattern: dates are `YYYY-MM-DD` only, not timestamps), 429. Errors never repeat what was sent. Tokens are not
users: the API sees the whole department, like the Office, and the per-unit
scoping of unit heads applies to the web pages and exports instead.

The OpenAPI schema is served at /api/v1/openapi.json. Ninja's interactive docs page is
turned off (`docs_url=None`): it loads Swagger UI from a CDN, and government intranets
often have no internet (DESIGN.md: no CDN).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import HttpRequest, HttpResponse
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer
from pydantic import WithJsonSchema

from core.ratelimit import rate_parse
from courses.models import Assignment
from reports.selectors.coverage import assignment_get, assignment_list_for_reports, coverage_as_of
from reports.services.api_tokens import api_rate_limit, api_token_authenticate, api_token_within_limit

# Dates as the calendar writes them, nothing else: pydantic alone would take "0" or 1735689600 as a date.
ISO_DATE = r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
SLUG = r"^[A-Za-z0-9_-]{1,100}$"
# The years a coverage question can be about; anything else is a mistake (or 0001-01-01).
YEARS = (2000, 2100)


class RateLimited(Exception):
    """The token has used up its allowance for the current window."""


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        found = api_token_authenticate(raw=token.strip())
        if found is not None and not api_token_within_limit(token=found):
            raise RateLimited
        return found


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


class ValidationErrorOut(Schema):
    """Which parameter is wrong and why (`loc`, `msg`, `type`); the value sent is never repeated."""

    detail: list[dict]


ERRORS = {401: ErrorOut, 422: ValidationErrorOut, 429: ErrorOut}


@api.exception_handler(AuthenticationError)
def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(request, {"detail": "Unauthorized"}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="Lan Toa API"'
    return response


@api.exception_handler(RateLimited)
def rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    _count, window = rate_parse(api_rate_limit())
    response = api.create_response(request, {"detail": "Too many requests for this token."}, status=429)
    response["Retry-After"] = str(window)
    return response


def _date_or_422(text: str) -> dt.date:
    try:
        value = dt.date.fromisoformat(text)
    except ValueError:
        value = None
    if value is None or not YEARS[0] <= value.year <= YEARS[1]:
        raise ValidationError(
            [
                {
                    "type": "date",
                    "loc": ["query", "as_of"],
                    "msg": f"A calendar date YYYY-MM-DD between {YEARS[0]} and {YEARS[1]}.",
                }
            ]
        )
    return value


@api.get(
    "/coverage",
    response={200: CoverageOut, 404: ErrorOut, **ERRORS},
    summary="Coverage of an assignment as of a date",
    description=(
        "People in the assignment's audience on `as_of` (each once, in the unit they were in that day), "
        "minus the exempt (`staff`), those of them informed on or before `as_of`, and the percent, "
        "for every unit of the scope (sub-units included) and in total. `percent` is null when `staff` is 0: "
        "a unit with no one in the audience is listed, but it is not 100%."
    ),
)
def coverage(
    request: HttpRequest,
    assignment: str = Query(..., pattern=SLUG, description="The assignment's code (slug), e.g. `nq57-2025`."),
    as_of: Annotated[str, WithJsonSchema({"type": "string", "format": "date", "pattern": ISO_DATE})] = Query(
        ...,
        pattern=ISO_DATE,
        description=f"The date of the figures, `YYYY-MM-DD` (years {YEARS[0]}–{YEARS[1]}).",
        example="2025-05-15",
    ),
):
    on_date = _date_or_422(as_of)
    try:
        found = assignment_get(slug=assignment)
    except Assignment.DoesNotExist as exc:
        raise HttpError(404, "Unknown assignment.") from exc
    return coverage_as_of(assignment=found, as_of=on_date).as_dict()


@api.get("/assignments", response={200: list[AssignmentOut], **ERRORS}, summary="Assignments, newest first")
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
