"""Issue 11 item 8: the audit trail (django-auditlog). Every change of a unit, a membership, a person, an
assignment, an exemption, a completion or a certificate is recorded with who, when, before and after; the
Office reads it in the admin by person and by date; the live comparison of a snapshot says "record
corrected on dd/mm/yyyy by …" where a past membership was edited, instead of inventing a move."""

import datetime as dt

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone, translation

from certificates.services.register import certificate_revoke
from core.importing import SpreadsheetFile, read_table
from courses.models import CompletionReview
from courses.services.completions import completion_review
from orgchart.services.roster import roster_import
from reports.selectors.audit import audit_list_for_person
from reports.selectors.snapshots import snapshot_compare_live
from reports.services.snapshots import snapshot_create

from ..factories import (
    AssignmentFactory,
    CertificateFactory,
    CompletionFactory,
    ExemptionFactory,
    MembershipFactory,
    PublishedVersionFactory,
    StaffFactory,
    UnitFactory,
)
from ..orgchart.files import csv_bytes, grid_of, person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _last_entry(obj) -> LogEntry:
    return LogEntry.objects.get_for_object(obj).order_by("-timestamp", "-pk").first()


def test_a_unit_change_is_recorded_with_who_when_before_and_after(office_admin):
    unit = UnitFactory(code="PB", name="Phòng Phổ biến")
    with set_actor(office_admin):
        unit.name = "Phòng Phổ biến, giáo dục pháp luật"
        unit.save()
    entry = _last_entry(unit)
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.actor == office_admin
    assert entry.changes["name"] == ["Phòng Phổ biến", "Phòng Phổ biến, giáo dục pháp luật"]
    assert abs(entry.timestamp - timezone.now()) < dt.timedelta(minutes=1)


def test_a_membership_change_is_recorded(tree, office_admin):
    membership = MembershipFactory(unit=tree["vp"], valid_from=dt.date(2025, 1, 1))
    with set_actor(office_admin):
        membership.unit = tree["tgpl"]
        membership.valid_from = dt.date(2025, 3, 1)
        membership.save()
    entry = _last_entry(membership)
    assert entry.actor == office_admin
    assert entry.changes["unit"] == [tree["vp"].pk, tree["tgpl"].pk]
    assert entry.changes["valid_from"] == ["2025-01-01", "2025-03-01"]


def test_a_person_change_is_recorded(office_admin):
    staff = StaffFactory(code="CB1", full_name="Nguyễn Văn Môt")
    with set_actor(office_admin):
        staff.full_name = "Nguyễn Văn Một"
        staff.save()
    entry = _last_entry(staff)
    assert (entry.actor, entry.changes["full_name"]) == (office_admin, ["Nguyễn Văn Môt", "Nguyễn Văn Một"])


def test_an_assignment_change_is_recorded(office_admin):
    assignment = AssignmentFactory(due_on=dt.date(2026, 6, 30))
    with set_actor(office_admin):
        assignment.due_on = dt.date(2026, 9, 30)
        assignment.save()
    assert _last_entry(assignment).changes["due_on"] == ["2026-06-30", "2026-09-30"]


def test_an_exemption_change_and_deletion_are_recorded(office_admin):
    exemption = ExemptionFactory(reason="Nghỉ ốm")
    with set_actor(office_admin):
        exemption.reason = "Nghỉ thai sản"
        exemption.save()
        pk = exemption.pk
        exemption.delete()
    entries = LogEntry.objects.filter(content_type__model="exemption", object_id=pk).order_by("timestamp", "pk")
    assert [entry.action for entry in entries] == [
        LogEntry.Action.CREATE,
        LogEntry.Action.UPDATE,
        LogEntry.Action.DELETE,
    ]
    assert entries[1].changes["reason"] == ["Nghỉ ốm", "Nghỉ thai sản"]
    assert entries[2].actor == office_admin


def test_a_completion_decision_is_recorded(office_admin):
    completion = CompletionFactory(review=CompletionReview.PENDING)
    completion_review(completion=completion, review=CompletionReview.REJECTED, reason="Sai khóa", by=office_admin)
    with set_actor(office_admin):
        completion_review(completion=completion, review=CompletionReview.ACCEPTED, reason="Đã bổ sung", by=office_admin)
    entry = _last_entry(completion)
    assert entry.changes["review"] == ["rejected", "accepted"]
    assert entry.changes["review_reason"] == ["Sai khóa", "Đã bổ sung"]


def test_a_certificate_revocation_is_recorded(office_admin):
    certificate = CertificateFactory()
    with set_actor(office_admin):
        certificate_revoke(certificate=certificate, reason="Cấp nhầm người", revoked_by=office_admin)
    entry = _last_entry(certificate)
    assert entry.actor == office_admin
    assert "status" in entry.changes


def test_the_admin_records_who_through_the_request(tree, office_admin, client):
    unit = UnitFactory(code="TTCT", name="Trung tâm", parent=tree["root"])
    staff = StaffFactory(code="CB9", full_name="Lê Thị Chín")
    MembershipFactory(staff=staff, unit=unit, valid_from=dt.date(2025, 1, 1))
    completion = CompletionFactory(staff=staff, review=CompletionReview.PENDING)
    client.force_login(office_admin)
    response = client.post(
        reverse("admin:courses_completion_change", args=[completion.pk]),
        {"review": "accepted", "review_reason": "Giấy chứng nhận hợp lệ"},
    )
    assert response.status_code == 302
    assert _last_entry(completion).actor == office_admin


def test_the_office_reads_the_trail_by_person_and_by_date(tree, office_admin, client):
    staff = StaffFactory(code="CB7", full_name="Phạm Văn Bảy")
    other = StaffFactory(code="CB8")
    with set_actor(office_admin):
        membership = MembershipFactory(staff=staff, unit=tree["vp"], valid_from=dt.date(2025, 1, 1))
        ExemptionFactory(staff=staff)
        MembershipFactory(staff=other, unit=tree["vp"])
    mine = list(audit_list_for_person(staff=staff))
    assert {entry.content_type.model for entry in mine} == {"staff", "membership", "exemption"}
    assert all(str(other.pk) != entry.object_pk or entry.content_type.model != "staff" for entry in mine)

    client.force_login(office_admin)
    url = reverse("admin:auditlog_logentry_changelist")
    page = client.get(url, {"person": "CB7"})
    assert page.status_code == 200
    shown = {entry.pk for entry in page.context["cl"].result_list}
    assert shown == {entry.pk for entry in mine}
    assert _last_entry(membership).pk in shown
    # The search box takes a staff code too.
    assert {e.pk for e in client.get(url, {"q": "cb7"}).context["cl"].result_list} == shown
    # By date: nothing before today, everything today.
    today = timezone.localdate()
    since = {"timestamp__gte": today.isoformat(), "timestamp__lt": (today + dt.timedelta(days=1)).isoformat()}
    assert client.get(url, {"person": "CB7", **since}).context["cl"].result_count == len(shown)
    before = {"timestamp__lt": today.isoformat()}
    assert client.get(url, {"person": "CB7", **before}).context["cl"].result_count == 0


def test_a_learner_cannot_read_the_trail(learner, client):
    client.force_login(learner)
    assert client.get(reverse("admin:auditlog_logentry_changelist")).status_code == 404


def test_the_comparison_says_record_corrected_instead_of_a_move(tree, office_admin, settings):
    course = PublishedVersionFactory(lessons=1, questions=1).course
    assignment = AssignmentFactory(
        slug="nq57", course=course, starts_on=dt.date(2025, 1, 1), due_on=dt.date(2025, 12, 31), units=[tree["root"]]
    )
    staff = StaffFactory(code="CB5", full_name="Đỗ Thị Năm")
    membership = MembershipFactory(staff=staff, unit=tree["vp"], valid_from=dt.date(2025, 1, 1))
    snapshot, _created = snapshot_create(assignment=assignment, as_of=dt.date(2025, 6, 15))

    # The Office finds the person was in TGPL all along and corrects the record.
    with set_actor(office_admin):
        membership.unit = tree["tgpl"]
        membership.save()
    comparison = snapshot_compare_live(snapshot=snapshot)
    [change] = comparison.people
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert change.reasons == [f"record corrected on {today} by {office_admin.get_full_name()} (unit)"]
    assert not any("moved" in reason for reason in change.reasons)


def test_the_comparison_says_record_corrected_instead_of_left_the_roster(tree, office_admin):
    course = PublishedVersionFactory(lessons=1, questions=1).course
    assignment = AssignmentFactory(
        slug="nq57", course=course, starts_on=dt.date(2025, 1, 1), due_on=dt.date(2025, 12, 31), units=[tree["root"]]
    )
    staff = StaffFactory(code="CB6")
    membership = MembershipFactory(staff=staff, unit=tree["vp"], valid_from=dt.date(2025, 1, 1))
    snapshot, _created = snapshot_create(assignment=assignment, as_of=dt.date(2025, 6, 15))
    # The person in fact only joined in September: the start date is corrected.
    with set_actor(office_admin):
        membership.valid_from = dt.date(2025, 9, 1)
        membership.save()
    [change] = snapshot_compare_live(snapshot=snapshot).people
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert change.reasons == [f"record corrected on {today} by {office_admin.get_full_name()} (valid from)"]


def _roster_file(rows: list[dict]) -> SpreadsheetFile:
    return read_table(content=csv_bytes(grid_of(rows)), filename="danh-sach-can-bo.csv")


def test_a_back_dated_roster_import_is_a_move_and_names_the_import(tree, office_admin):
    """A move the roster import records after the snapshot keeps its wording, and says which import wrote it."""
    course = PublishedVersionFactory(lessons=1, questions=1).course
    assignment = AssignmentFactory(
        slug="nq57", course=course, starts_on=dt.date(2025, 1, 1), due_on=dt.date(2025, 12, 31), units=[tree["root"]]
    )
    staff = StaffFactory(code="CB4", full_name="Lê Văn Bốn")
    MembershipFactory(staff=staff, unit=tree["vp"], valid_from=dt.date(2025, 1, 1))
    snapshot, _created = snapshot_create(assignment=assignment, as_of=dt.date(2025, 6, 15))
    # A back-dated roster import: from 01/06/2025 the person is in TGPL (bulk writes, recorded by core.audit).
    file = _roster_file([person("CB4", "Lê Văn Bốn", "TGPL")])
    with set_actor(office_admin):
        roster_import(rows=file, effective_date=dt.date(2025, 6, 1), mode="changes")
    [change] = snapshot_compare_live(snapshot=snapshot).people
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert change.reasons == [
        "moved from VP to TGPL on 01/06/2025",
        f"recorded on {today} by {office_admin.get_full_name()} through the import of the roster, "
        f"file “danh-sach-can-bo.csv”, SHA-256 {file.sha256[:12]}…, effective from 01/06/2025",
    ]


def test_a_roster_import_dated_after_the_report_date_is_not_cited(tree, office_admin):
    """Only the changes that rewrote where the person stood on the report's date explain a difference."""
    course = PublishedVersionFactory(lessons=1, questions=1).course
    assignment = AssignmentFactory(
        slug="nq57", course=course, starts_on=dt.date(2025, 1, 1), due_on=dt.date(2025, 12, 31), units=[tree["root"]]
    )
    staff = StaffFactory(code="CB4", full_name="Lê Văn Bốn")
    membership = MembershipFactory(staff=staff, unit=tree["vp"], valid_from=dt.date(2025, 1, 1))
    snapshot, _created = snapshot_create(assignment=assignment, as_of=dt.date(2025, 6, 15))
    with set_actor(office_admin):
        # A move from 01/09/2025 (after the report's date), then a hand correction of the old record's unit.
        roster_import(
            rows=_roster_file([person("CB4", "Lê Văn Bốn", "TGPL")]), effective_date=dt.date(2025, 9, 1), mode="changes"
        )
        membership.refresh_from_db()
        membership.unit = tree["vp_team"]
        membership.save()
    [change] = snapshot_compare_live(snapshot=snapshot).people
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert change.reasons == [f"record corrected on {today} by {office_admin.get_full_name()} (unit)"]
