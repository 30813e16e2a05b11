"""Preparing and publishing the indicators: the figures are frozen; only the Office, and a snapshot once."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from publication.models import Publication
from publication.services import publication_create

from ..factories import (
    CoverageSnapshotFactory,
    MembershipFactory,
    PublishedVersionFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_publication_freezes_the_figures(setup, office_admin):
    publication = publication_create(snapshot=setup["snapshot"], by=office_admin)
    # Audience: CB-HV, CB-VP, CB-TG, TT-01 = 4; informed: CB-VP → 25 %. Communications staff: TT-01, trained.
    assert (publication.staff, publication.informed, publication.exempt, float(publication.percent_informed)) == (
        4,
        1,
        0,
        25.0,
    )
    assert (publication.communications_staff, publication.nominated, publication.trained) == (1, 1, 1)
    assert not publication.is_published


def test_only_the_office_publishes_and_a_snapshot_once(setup, office_admin, unit_head):
    with pytest.raises(ValidationError):
        publication_create(snapshot=setup["snapshot"], by=unit_head)
    assert not Publication.objects.exists()
    publication_create(snapshot=setup["snapshot"], by=office_admin)
    with pytest.raises(ValidationError, match="already been prepared"):
        publication_create(snapshot=setup["snapshot"], by=office_admin)


def test_an_untitled_assignment_is_published_under_its_course_title():
    version = PublishedVersionFactory(title="Nghị quyết 57-NQ/TW: những điều cần biết")
    unit = UnitFactory()
    MembershipFactory(unit=unit, valid_from=dt.date(2026, 1, 1))
    snapshot = CoverageSnapshotFactory(
        assignment__title="", assignment__course=version.course, assignment__units=[unit]
    )
    office = UserFactory(is_office_admin=True, is_staff=True)
    assert publication_create(snapshot=snapshot, by=office).title == "Nghị quyết 57-NQ/TW: những điều cần biết"


def test_a_date_with_no_one_in_the_audience_has_no_percent_to_publish(office_admin):
    snapshot = CoverageSnapshotFactory(assignment__units=[UnitFactory()])
    with pytest.raises(ValidationError, match="no percent to publish"):
        publication_create(snapshot=snapshot, by=office_admin)
    assert not Publication.objects.exists()
