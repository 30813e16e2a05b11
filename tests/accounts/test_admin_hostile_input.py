"""The admin answers hostile query strings and posts with 4xx, never a server error (found by tests/test_fuzz.py)."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def office_client(office_admin):
    client = Client(raise_request_exception=True)
    client.force_login(office_admin)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/admin/orgchart/unit/export/?action=x",
        "/admin/orgchart/staff/export/?nope=1",
        "/admin/orgchart/unit/children/1/?x=²",
    ],
)
def test_an_unknown_filter_on_the_export_and_tree_pages_is_a_bad_request(office_client, tree, url):
    assert office_client.get(url).status_code == 400


def test_a_post_to_the_unit_tree_without_an_action_is_not_an_error(office_client, tree):
    assert office_client.post("/admin/orgchart/unit/", {"index": "x"}).status_code < 500


@pytest.mark.parametrize("value", ["abc", "²", str(2**64), "-1"])
def test_an_add_page_ignores_initial_values_no_row_could_have(office_client, tree, value):
    response = office_client.get("/admin/reports/exemption/add/", {"staff": value, "assignment": value})
    assert response.status_code == 200


@pytest.mark.parametrize("object_id", ["abc", "²", "1e3"])
def test_a_certificate_that_cannot_exist_is_not_found(office_client, object_id):
    assert office_client.get(f"/admin/certificates/certificate/{object_id}/change/").status_code == 404
