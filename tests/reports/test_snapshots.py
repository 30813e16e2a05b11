"""Snapshots: frozen content and hash; byte-identical after roster changes, late completions and exemptions;
the comparison with the live report says where and why."""

import datetime as dt
import getpass
import hashlib
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone, translation

from courses.models import CompletionEvidence, CompletionReview
from courses.services.completions import completion_record
from orgchart.models import Staff
from reports.models import CoverageSnapshot
from reports.selectors.snapshots import snapshot_compare_live, snapshot_report, snapshot_verify
from reports.services.exemptions import exemption_create
from reports.services.snapshots import snapshot_create

from ..orgchart.files import person
from .conftest import roster

pytestmark = pytest.mark.django_db

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
D5 = dt.date(2025, 9, 1)
FROZEN_AT = dt.datetime(2025, 9, 2, 10, 0, tzinfo=LOCAL)


@pytest.fixture(autouse=True)
def english():
    """The reasons are translated strings; these tests read their English source."""
    with translation.override("en"):
        yield


def _freeze(scenario):
    with time_machine.travel(FROZEN_AT, tick=False):
        snapshot, created = snapshot_create(assignment=scenario.assignment, as_of=D5, created_by=scenario.office)
    assert created
    return snapshot


def _change_everything_after(scenario):
    """After the snapshot, things recorded late that touch 01/09/2025:

    - a roster dated 15/08/2025 (HR paperwork arriving late): B1 moves PB → VP, C2 leaves
      (absent: end-dated 14/08), N1 joins VP-TH;
    - C1's external completion dated 20/08/2025, recorded now;
    - A3 exempted from 25/08/2025 to 31/12/2025, recorded now.
    """
    a1 = person("A1", "Nguyễn Văn An", "VP-TH")
    a3 = person("A3", "Lê Văn Cường", "PB")
    b1 = person("B1", "Phạm Thị Dung", "VP")
    b3 = person("B3", "Đỗ Thị Giang", "VP", category="Người lao động")
    c1 = person("C1", "Võ Minh Hải", "VP-TH")
    n1 = person("N1", "Lý Thị Ngọc", "VP-TH")
    roster(dt.date(2025, 8, 15), a1, a3, b1, b3, c1, n1)
    completion_record(
        staff=Staff.objects.get(code="C1"),
        course=scenario.course,
        completed_on=dt.date(2025, 8, 20),
        evidence=CompletionEvidence.EXTERNAL,
        review=CompletionReview.ACCEPTED,
        external_reference="Giấy chứng nhận số 12/GCN-TTCT",
    )
    exemption_create(
        staff=Staff.objects.get(code="A3"),
        assignment=scenario.assignment,
        valid_from=dt.date(2025, 8, 25),
        valid_to=dt.date(2025, 12, 31),
        reason="Biệt phái sang Sở Nội vụ",
        approver_name="Nguyễn Văn Giám, Giám đốc Sở",
    )


def test_snapshot_stores_figures_people_and_hash(scenario):
    snapshot = _freeze(scenario)
    assert snapshot.sha256 == hashlib.sha256(snapshot.content.encode("utf-8")).hexdigest()
    assert snapshot_verify(snapshot=snapshot)
    data = json.loads(snapshot.content)
    # Canonical: sorted keys, no whitespace.
    assert snapshot.content == json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert data["total"] == {"staff": 6, "informed": 4, "exempt": 0, "percent": 66.67}
    assert [(p["code"], p["unit"], p["status"]) for p in data["people"]] == [
        ("A1", "VP-TH", "informed"),
        ("A3", "PB", "informed"),
        ("B1", "PB", "informed"),
        ("B3", "VP", "informed"),
        ("C1", "VP-TH", "not_informed"),
        ("C2", "PB", "not_informed"),
    ]
    assert data["people"][0] == {
        "category": "civil_servant",
        "code": "A1",
        "completed_on": "2025-02-10",
        "evidence": "quiz",
        "exemption": None,
        "name": "Nguyễn Văn An",
        "status": "informed",
        "unit": "VP-TH",
    }
    assert snapshot_report(snapshot=snapshot) == {key: data[key] for key in ("assignment", "as_of", "total", "units")}


def test_snapshot_stays_byte_identical_and_compare_says_why(scenario):
    snapshot = _freeze(scenario)
    content, sha = snapshot.content, snapshot.sha256

    _change_everything_after(scenario)

    stored = CoverageSnapshot.objects.get(pk=snapshot.pk)
    assert stored.content == content
    assert stored.sha256 == sha
    assert snapshot_verify(snapshot=stored)
    # Asking again for the same date gives the frozen snapshot back, unchanged.
    again, created = snapshot_create(assignment=scenario.assignment, as_of=D5)
    assert (again.pk, created, again.content.encode(), again.sha256) == (snapshot.pk, False, content.encode(), sha)
    assert CoverageSnapshot.objects.count() == 1

    comparison = snapshot_compare_live(snapshot=stored)
    assert not comparison.is_identical
    # Live on 01/09/2025, by hand:
    #   VP-TH: A1 ✓, C1 ✓ (external 20/08), N1          → 3, 2 → 66.67
    #   VP:    B1 ✓ (moved 15/08), B3 ✓ + VP-TH           → 5, 4 → 80.0
    #   PB:    A3 (exempt from 25/08)                      → staff 0, exempt 1 → no percent (null)
    #   STP:   audience 6, exempt 1 → 5, 4 → 80.0
    assert comparison.total_before == {"staff": 6, "informed": 4, "exempt": 0, "percent": 66.67}
    assert comparison.total_after == {"staff": 5, "informed": 4, "exempt": 1, "percent": 80.0}
    deltas = {u.code: (u.before, u.after) for u in comparison.units}
    assert deltas == {
        "STP": (
            {"staff": 6, "informed": 4, "exempt": 0, "percent": 66.67},
            {"staff": 5, "informed": 4, "exempt": 1, "percent": 80.0},
        ),
        "VP": (
            {"staff": 3, "informed": 2, "exempt": 0, "percent": 66.67},
            {"staff": 5, "informed": 4, "exempt": 0, "percent": 80.0},
        ),
        "VP-TH": (
            {"staff": 2, "informed": 1, "exempt": 0, "percent": 50.0},
            {"staff": 3, "informed": 2, "exempt": 0, "percent": 66.67},
        ),
        "PB": (
            {"staff": 3, "informed": 2, "exempt": 0, "percent": 66.67},
            {"staff": 0, "informed": 0, "exempt": 1, "percent": None},
        ),
    }
    assert next(u for u in comparison.units if u.code == "VP").change("staff") == 2

    reasons = {change.code: change.reasons for change in comparison.people}
    assert set(reasons) == {"A3", "B1", "C1", "C2", "N1"}
    assert len(reasons["A3"]) == 1 and reasons["A3"][0].startswith("exemption added on ")
    assert "25/08/2025–31/12/2025: Biệt phái sang Sở Nội vụ" in reasons["A3"][0]
    # The roster import dated 15/08 was made after the snapshot: each change it made to 01/09 names it.
    today = timezone.localdate().strftime("%d/%m/%Y")
    by_import = (
        f"recorded on {today} by {getpass.getuser()} on the server (management command) through the import of the "
        "roster, effective from 15/08/2025"
    )
    assert reasons["B1"] == ["moved from PB to VP on 15/08/2025", by_import]
    assert len(reasons["C1"]) == 1
    assert reasons["C1"][0].startswith("completion recorded later, on ")
    assert "dated 20/08/2025" in reasons["C1"][0]
    assert reasons["C2"] == ["left the roster: their record in PB now ends on 14/08/2025", by_import]
    assert len(reasons["N1"]) == 2 and reasons["N1"][0].startswith("joined the audience: in VP-TH from 15/08/2025")
    assert reasons["N1"][1] == by_import
    c2 = next(change for change in comparison.people if change.code == "C2")
    assert (c2.before["unit"], c2.after) == ("PB", None)


def test_compare_with_nothing_changed_is_identical(scenario):
    snapshot = _freeze(scenario)
    # A roster change dated after the snapshot's date does not touch 01/09/2025.
    roster(
        dt.date(2025, 10, 1),
        person("A1", "Nguyễn Văn An", "PB"),
        person("A3", "Lê Văn Cường", "PB"),
        person("B1", "Phạm Thị Dung", "PB"),
        person("B3", "Đỗ Thị Giang", "VP", category="Người lao động"),
        person("C1", "Võ Minh Hải", "VP-TH"),
        person("C2", "Bùi Thị Khánh", "PB"),
    )
    comparison = snapshot_compare_live(snapshot=snapshot)
    assert comparison.is_identical
    assert comparison.people == [] and comparison.units == []


def test_tampered_content_fails_verification(scenario):
    snapshot = _freeze(scenario)
    altered = snapshot.content.replace('"informed":4', '"informed":5')
    assert altered != snapshot.content
    CoverageSnapshot.objects.filter(pk=snapshot.pk).update(content=altered)
    assert not snapshot_verify(snapshot=CoverageSnapshot.objects.get(pk=snapshot.pk))


def test_snapshot_of_a_future_date_is_refused(scenario):
    with time_machine.travel(FROZEN_AT, tick=False), pytest.raises(ValidationError) as caught:
        snapshot_create(assignment=scenario.assignment, as_of=dt.date(2025, 9, 3))
    assert "as_of" in caught.value.message_dict
    assert CoverageSnapshot.objects.count() == 0


def test_snapshot_create_command_prints_the_hash(scenario, capsys):
    call_command("snapshot_create", "--assignment", "nq57-2025", "--as-of", "2025-09-01")
    snapshot = CoverageSnapshot.objects.get()
    out = capsys.readouterr().out
    assert snapshot.sha256 in out
    call_command("snapshot_create", "--assignment", "NQ57-2025", "--as-of", "01/09/2025")
    assert snapshot.sha256 in capsys.readouterr().out
    assert CoverageSnapshot.objects.count() == 1


def test_snapshot_create_command_lists_every_problem(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as caught:
        call_command("snapshot_create", "--assignment", "khong-co", "--as-of", "31/02/2025")
    message = str(caught.value)
    assert "2 lỗi" in message and '"khong-co"' in message and "31/02/2025" in message
    assert CoverageSnapshot.objects.count() == 0
