"""roster_changed: what the org chart tells the apps above it after a roster import."""

import datetime as dt

import pytest
from django.db import connection

from core.importing import ImportRefused
from orgchart.models import Staff
from orgchart.services.roster import roster_import
from orgchart.signals import roster_changed

from .files import person

D0 = dt.date(2026, 1, 1)


@pytest.fixture
def heard():
    calls = []

    def listener(sender, **kwargs):
        calls.append({**kwargs, "savepoints": len(connection.savepoint_ids)})

    roster_changed.connect(listener, dispatch_uid="tests.orgchart.roster_changed")
    yield calls
    roster_changed.disconnect(dispatch_uid="tests.orgchart.roster_changed")


def test_sent_once_inside_the_import_transaction_with_what_changed(tree, heard):
    outside = len(connection.savepoint_ids)  # the test's own transaction; the import opens one more
    summary = roster_import(rows=[person("CB001", "Nguyễn Văn An", "VP")], effective_date=D0)
    assert len(heard) == 1
    assert heard[0]["effective_date"] == D0
    assert heard[0]["summary"] is summary
    assert heard[0]["savepoints"] > outside


def test_not_sent_for_a_dry_run_or_a_refusal(tree, heard):
    roster_import(rows=[person("CB001", "Nguyễn Văn An", "VP")], effective_date=D0, dry_run=True)
    with pytest.raises(ImportRefused):
        roster_import(rows=[person("CB001", "Nguyễn Văn An", "NO-SUCH-UNIT")], effective_date=D0)
    assert heard == []


def test_a_receiver_that_fails_undoes_the_import(tree):

    def failing(sender, **kwargs):
        raise RuntimeError("receiver failed")

    roster_changed.connect(failing, dispatch_uid="tests.orgchart.failing")
    try:
        with pytest.raises(RuntimeError):
            roster_import(rows=[person("CB001", "Nguyễn Văn An", "VP")], effective_date=D0)
    finally:
        roster_changed.disconnect(dispatch_uid="tests.orgchart.failing")
    assert not Staff.objects.filter(code="CB001").exists()
