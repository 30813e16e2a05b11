"""The public indicators page, CSV and JSON (no sign-in, only published rows, no personal data, frozen
figures) and the Office's publication page."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from courses.models import Completion, CompletionEvidence
from nominations.services import nomination_approve, nomination_complete, nomination_create, nomination_start
from orgchart.models import Staff
from publication.models import Publication
from publication.services import publication_create, publication_publish, publication_unpublish

from ..factories import MembershipFactory, StaffFactory

pytestmark = pytest.mark.django_db


def _published(setup, office_admin):
    publication = publication_create(snapshot=setup["snapshot"], by=office_admin)
    return publication_publish(publication=publication, by=office_admin)


def test_the_public_page_needs_no_sign_in_and_shows_only_published_rows(client, setup, office_admin):
    publication = publication_create(snapshot=setup["snapshot"], by=office_admin)
    response = client.get(reverse("indicators:page"))
    assert response.status_code == 200
    assert "No figures have been published yet." in response.content.decode()
    assert client.get(reverse("indicators:json")).json()["indicators"] == []
    publication_publish(publication=publication, by=office_admin)
    html = client.get(reverse("indicators:page")).content.decode()
    assert "15/06/2025" in html and "25%" in html  # one percent format (core.numbers)
    publication_unpublish(publication=publication, by=office_admin)
    assert "15/06/2025" not in client.get(reverse("indicators:page")).content.decode()


def test_csv_and_json(client, setup, office_admin):
    publication = _published(setup, office_admin)
    body = client.get(reverse("indicators:json")).json()
    assert body["indicators"] == [
        {
            "as_of": "2025-06-15",
            "assignment": "cong-bo-2025",
            "title": "Quán triệt Nghị quyết 57-NQ/TW",
            "staff": 4,
            "informed": 1,
            "exempt": 0,
            "percent_informed": 25.0,
            "communications_staff": 1,
            "nominated": 1,
            "trained": 1,
            "snapshot_sha256": publication.snapshot.sha256,
        }
    ]
    response = client.get(reverse("indicators:csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["as_of", "assignment", "title"]
    assert rows[1][:5] == ["2025-06-15", "cong-bo-2025", "Quán triệt Nghị quyết 57-NQ/TW", "4", "1"]


def test_no_personal_data(client, setup, office_admin):
    _published(setup, office_admin)
    bodies = [
        client.get(reverse("indicators:page")).content.decode().split('id="main"', 1)[1],
        client.get(reverse("indicators:csv")).content.decode("utf-8-sig"),
        client.get(reverse("indicators:json")).content.decode(),
    ]
    personal = []
    for staff in Staff.objects.all():
        personal += [staff.full_name, staff.code, staff.email]
    personal += [office_admin.email, office_admin.display_name]
    for body in bodies:
        for value in personal:
            assert value and value not in body, value


def test_figures_stay_frozen_after_later_changes(client, tree, setup, office_admin, unit_head):
    _published(setup, office_admin)
    before = client.get(reverse("indicators:json")).json()
    # Later: everyone completes (dated before the snapshot), a new communications person joins and is trained.
    for staff in Staff.objects.exclude(code="CB-VP"):
        Completion.objects.create(
            staff=staff,
            course=setup["course"],
            completed_on=dt.date(2025, 6, 1),
            evidence=CompletionEvidence.EXTERNAL,
            external_reference="GCN-late",
        )
    newcomer = StaffFactory(code="TT-02", is_communications=True)
    MembershipFactory(staff=newcomer, unit=tree["vp"], valid_from=dt.date(2025, 2, 1))
    nomination = nomination_create(
        staff=newcomer, programme=setup["programme"], by=office_admin, on=dt.date(2025, 3, 1)
    )
    nomination_approve(nomination=nomination, by=office_admin, on=dt.date(2025, 3, 1))
    nomination_start(nomination=nomination, by=office_admin, on=dt.date(2025, 3, 1))
    nomination_complete(nomination=nomination, by=office_admin, on=dt.date(2025, 5, 1))
    assert client.get(reverse("indicators:json")).json() == before


@pytest.mark.parametrize("role", ["unit_head", "learner"])
def test_only_the_office_opens_the_publication_page(client, request, setup, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("publication:list")).status_code == 404
    assert client.post(reverse("publication:list"), {"snapshot": setup["snapshot"].pk}).status_code == 404
    assert not Publication.objects.exists()


def test_office_prepares_and_publishes_on_its_page(client, setup, office_admin):
    client.force_login(office_admin)
    page = client.get(reverse("publication:list"))
    assert page.status_code == 200 and page.context["snapshots"] == [setup["snapshot"]]
    client.post(reverse("publication:list"), {"snapshot": setup["snapshot"].pk})
    publication = Publication.objects.get()
    client.post(reverse("publication:change", args=[publication.pk, "publish"]))
    publication.refresh_from_db()
    assert publication.is_published and publication.published_by == office_admin
    client.post(reverse("publication:change", args=[publication.pk, "unpublish"]))
    publication.refresh_from_db()
    assert not publication.is_published


@pytest.mark.parametrize("value", ["abc", "1.5", "", "9999999"])
def test_an_unknown_or_malformed_snapshot_is_not_found(client, setup, office_admin, value):
    client.force_login(office_admin)
    assert client.post(reverse("publication:list"), {"snapshot": value}).status_code == 404
    assert not Publication.objects.exists()


def test_publishing_asks_first(client, setup, office_admin):
    publication = publication_create(snapshot=setup["snapshot"], by=office_admin)
    client.force_login(office_admin)
    assert (
        reverse("publication:change", args=[publication.pk, "publish"])
        in client.get(reverse("publication:list")).content.decode()
    )
    confirm = client.get(reverse("publication:change", args=[publication.pk, "publish"])).content.decode()
    assert "Publish the figures of 15/06/2025?" in confirm and "without signing in" in confirm
    publication.refresh_from_db()
    assert not publication.is_published
    done = client.post(reverse("publication:change", args=[publication.pk, "publish"]), follow=True)
    assert "Published: the figures of 15/06/2025 are on the public page." in done.content.decode()
