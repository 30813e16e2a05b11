"""Exports on the web: the Office everything, a unit head their subtree, another unit → 404; admin pages open."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports.services.api_tokens import api_token_create
from reports.services.snapshots import snapshot_create
from tests.factories import AssignmentFactory
from tests.spreadsheets import table_rows

pytestmark = pytest.mark.django_db

ON = "2026-06-15"


@pytest.fixture
def assignment(tree, learner, unit_head, other_unit_head):
    return AssignmentFactory(
        slug="xuat-2026",
        course__slug="khoa-xuat",
        starts_on=dt.date(2026, 1, 1),
        due_on=dt.date(2026, 6, 30),
        units=[tree["root"]],
    )


def _url(fmt="xlsx", slug="xuat-2026"):
    return reverse("reports:coverage_export", args=[slug, fmt])


def _people(response) -> list[str]:
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return sorted(row[0] for row in table_rows(workbook.worksheets[1])[1:])


@pytest.mark.parametrize(
    ("role", "query", "expected"),
    [
        ("office_admin", {}, ["CB-HV", "CB-TG", "CB-VP"]),
        ("office_admin", {"unit": "TGPL"}, ["CB-TG"]),
        ("unit_head", {}, ["CB-HV", "CB-VP"]),
        ("unit_head", {"unit": "VP-TH"}, ["CB-HV"]),
        ("other_unit_head", {}, ["CB-TG"]),
    ],
)
def test_xlsx_export_is_scoped(client, request, assignment, role, query, expected):
    client.force_login(request.getfixturevalue(role))
    response = client.get(_url(), {"as_of": ON, **query})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert _people(response) == expected


@pytest.mark.parametrize(
    ("role", "url", "query"),
    [
        ("unit_head", "xlsx", {"unit": "TGPL"}),
        ("unit_head", "json", {"unit": "STP"}),
        ("other_unit_head", "xlsx", {"unit": "VP"}),
        ("learner", "xlsx", {}),
        ("learner", "json", {}),
        ("office_admin", "xlsx", {"as_of": "2026-02-30"}),
        ("office_admin", "csv", {}),
    ],
)
def test_outside_the_scope_is_404(client, request, assignment, role, url, query):
    client.force_login(request.getfixturevalue(role))
    assert client.get(_url(url), {"as_of": ON, **query}).status_code == 404


def test_unknown_assignment_is_404(client, office_admin, assignment):
    client.force_login(office_admin)
    assert client.get(_url(slug="khong-co"), {"as_of": ON}).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, assignment):
    response = client.get(_url(), {"as_of": ON})
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_json_export_for_a_unit_head(client, unit_head, assignment):
    client.force_login(unit_head)
    body = client.get(_url("json"), {"as_of": ON}).json()
    assert [u["code"] for u in body["units"]] == ["VP", "VP-TH"]
    assert body["total"] == {"staff": 2, "informed": 0, "exempt": 0, "percent": 0.0}


def test_office_opens_the_report_admin_pages(client, office_admin, assignment):
    snapshot, _ = snapshot_create(assignment=assignment, as_of=dt.date(2026, 6, 15))
    api_token_create(name="Giám sát")
    client.force_login(office_admin)
    for name in ("reports_exemption_changelist", "reports_apitoken_changelist", "reports_coveragesnapshot_changelist"):
        assert client.get(reverse(f"admin:{name}")).status_code == 200
    page = client.get(reverse("admin:reports_coveragesnapshot_change", args=[snapshot.pk]))
    assert page.status_code == 200
    assert snapshot.sha256 in page.content.decode()
    assert client.get(reverse("admin:reports_exemption_add")).status_code == 200
