"""completion_recorded: what courses tells the apps above it when someone completes a course."""

import datetime as dt

import pytest

from courses.models import Completion, CompletionEvidence, CompletionReview
from courses.services.completions import completion_record
from courses.signals import completion_recorded
from tests.factories import StaffFactory
from tests.notifications.builders import publish_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    calls = []

    def listener(sender, **kwargs):
        calls.append(kwargs["completion"])

    completion_recorded.connect(listener, dispatch_uid="tests.courses.completion_recorded")
    yield calls
    completion_recorded.disconnect(dispatch_uid="tests.courses.completion_recorded")


def test_sent_once_per_new_completion(heard):
    version = publish_course()
    staff = StaffFactory()
    record = {
        "staff": staff,
        "course": version.course,
        "completed_on": dt.date(2026, 3, 2),
        "evidence": CompletionEvidence.EXTERNAL,
        "review": CompletionReview.ACCEPTED,
        "external_reference": "QĐ 12",
    }
    completion, created = completion_record(**record)
    again, created_again = completion_record(**record)
    assert (created, created_again) == (True, False)
    assert heard == [completion] and again == completion
    assert Completion.objects.count() == 1
