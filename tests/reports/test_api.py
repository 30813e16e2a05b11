"""GET /api/v1/coverage and /api/v1/assignments: bearer token only, the exact contract, OpenAPI, no CDN docs."""

import datetime as dt
import hashlib

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from reports.models import ApiToken
from reports.selectors.coverage import coverage_as_of
from reports.services.api_tokens import api_token_create, api_token_revoke

pytestmark = pytest.mark.django_db

URL = "/api/v1/coverage"


@pytest.fixture
def token(db):
    _record, raw = api_token_create(name="Hệ thống giám sát tỉnh")
    return raw


def get(client, url, token=None, scheme="Bearer", **params):
    headers = {"HTTP_AUTHORIZATION": f"{scheme} {token}"} if token is not None else {}
    return client.get(url, params, **headers)


def test_coverage_returns_exactly_the_contract(client, scenario, token):
    response = get(client, URL, token, assignment="nq57-2025", as_of="2025-05-15")
    assert response.status_code == 200
    body = response.json()
    assert body == coverage_as_of(assignment=scenario.assignment, as_of=dt.date(2025, 5, 15)).as_dict()
    assert list(body) == ["assignment", "as_of", "total", "units"]
    assert body["as_of"] == "2025-05-15"
    # By hand (tests/reports/test_scenario.py, D3): STP 5 staff, 4 informed, 1 exempt, 80.0 %.
    assert body["total"] == {"staff": 5, "informed": 4, "exempt": 1, "percent": 80.0}
    assert list(body["total"]) == ["staff", "informed", "exempt", "percent"]
    assert body["units"][0] == {
        "code": "STP",
        "name": "Sở Tư pháp tỉnh Đồng Nai",
        "parent": None,
        "staff": 5,
        "informed": 4,
        "exempt": 1,
        "percent": 80.0,
    }
    assert list(body["units"][1]) == ["code", "name", "parent", "staff", "informed", "exempt", "percent"]
    vp = next(unit for unit in body["units"] if unit["code"] == "VP")
    assert vp["percent"] == 66.67 and isinstance(vp["percent"], float)
    assert b'"percent": 66.67' in response.content or b'"percent":66.67' in response.content


def test_token_use_is_recorded(client, scenario, token):
    assert ApiToken.objects.get().last_used_at is None
    get(client, URL, token, assignment="nq57-2025", as_of="2025-05-15")
    assert ApiToken.objects.get().last_used_at is not None


@pytest.mark.parametrize(
    ("token_value", "scheme"),
    [
        (None, "Bearer"),  # no Authorization header
        ("lt_wrong-token", "Bearer"),
        ("", "Bearer"),
        ("GOOD", "Basic"),  # the right token under the wrong scheme
        ("GOOD-REVOKED", "Bearer"),
    ],
)
def test_missing_wrong_or_revoked_token_is_refused(client, scenario, token, token_value, scheme):
    if token_value == "GOOD":
        token_value = token
    elif token_value == "GOOD-REVOKED":
        api_token_revoke(token=ApiToken.objects.get())
        token_value = token
    response = get(client, URL, token_value, scheme=scheme, assignment="nq57-2025", as_of="2025-05-15")
    assert response.status_code == 401
    assert b"STP" not in response.content


def test_assignments_needs_a_token_too(client, scenario, token):
    assert get(client, "/api/v1/assignments").status_code == 401
    response = get(client, "/api/v1/assignments", token)
    assert response.status_code == 200
    assert response.json() == [
        {
            "slug": "nq57-2025",
            "title": "Quán triệt Nghị quyết 57-NQ/TW năm 2025",
            "course": "nq57-thu",
            "starts_on": "2025-01-01",
            "due_on": "2025-06-30",
        }
    ]


def test_unknown_assignment_is_404(client, scenario, token):
    response = get(client, URL, token, assignment="khong-co", as_of="2025-05-15")
    assert response.status_code == 404


@pytest.mark.parametrize("params", [{"as_of": "2025-02-30"}, {"as_of": "15/05/2025x"}, {}])
def test_bad_or_missing_date_is_422(client, scenario, token, params):
    response = get(client, URL, token, assignment="nq57-2025", **params)
    assert response.status_code == 422


def test_openapi_schema_is_served_and_docs_do_not_use_a_cdn(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert "/api/v1/coverage" in schema["paths"]
    assert "/api/v1/assignments" in schema["paths"]
    parameters = {p["name"] for p in schema["paths"]["/api/v1/coverage"]["get"]["parameters"]}
    assert parameters == {"assignment", "as_of"}
    assert any(s.get("scheme") == "bearer" for s in schema["components"]["securitySchemes"].values())
    coverage_schema = schema["components"]["schemas"]["CoverageOut"]
    assert list(coverage_schema["properties"]) == ["assignment", "as_of", "total", "units"]
    # The interactive docs would load Swagger UI from a CDN: they are off.
    assert client.get("/api/v1/docs").status_code == 404


def test_only_the_hash_is_stored_and_the_command_prints_the_token_once(db, capsys):
    call_command("api_token_create", "Giám sát")
    raw = capsys.readouterr().out.strip()
    stored = ApiToken.objects.get(name="Giám sát")
    assert raw not in {stored.token_hash, stored.prefix}
    assert stored.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw.startswith(stored.prefix)
    with translation.override("en"), pytest.raises(CommandError, match="already exists"):
        call_command("api_token_create", "giám sát")
    assert ApiToken.objects.count() == 1


def test_a_401_says_how_to_authenticate(client, scenario):
    response = get(client, URL, assignment="nq57-2025", as_of="2025-05-15")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "as_of", ["0", "1735689600", "2025-5-15", "15/05/2025", "0001-01-01", "9999-12-31", "2025-02-30"]
)
def test_only_calendar_dates_are_accepted(client, scenario, token, as_of):
    response = get(client, URL, token, assignment="nq57-2025", as_of=as_of)
    assert response.status_code == 422


@pytest.mark.parametrize("code", ["x" * 10_000, "nq57\x00-2025", "khong-co"])
def test_the_assignment_code_is_never_echoed(client, scenario, token, code):
    response = get(client, URL, token, assignment=code, as_of="2025-05-15")
    assert response.status_code in (404, 422)
    assert code.encode() not in response.content and b"xxxxxxxx" not in response.content


def test_an_expired_token_is_refused(client, scenario, token):
    import time_machine

    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(days=366)):
        assert get(client, URL, token, assignment="nq57-2025", as_of="2025-05-15").status_code == 401


def test_each_token_has_its_own_rate_limit(client, scenario, token, settings):
    from django.core.cache import cache

    cache.clear()
    settings.LANTOA_API_RATE_LIMIT = "2/60"
    _other, other_raw = api_token_create(name="Một hệ thống khác")
    statuses = [get(client, "/api/v1/assignments", token).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    limited = get(client, "/api/v1/assignments", token)
    assert limited["Retry-After"] == "60"
    assert get(client, "/api/v1/assignments", other_raw).status_code == 200


def test_a_token_expires_after_the_days_given(db, capsys):
    call_command("api_token_create", "Ngắn hạn", "--days", "30")
    stored = ApiToken.objects.get(name="Ngắn hạn")
    assert dt.timedelta(days=29) < stored.expires_at - stored.created_at <= dt.timedelta(days=30)
    with pytest.raises(CommandError):
        call_command("api_token_create", "Quá dài", "--days", "5000")


def test_every_answer_is_in_the_schema(client, db):
    operations = client.get("/api/v1/openapi.json").json()["paths"]
    assert set(operations["/api/v1/coverage"]["get"]["responses"]) == {"200", "401", "404", "422", "429"}
    assert set(operations["/api/v1/assignments"]["get"]["responses"]) == {"200", "401", "422", "429"}
