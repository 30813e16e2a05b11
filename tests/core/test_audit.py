"""core.audit: the bulk writes of registered models leave the same audit entries as single saves, with the actor of
auditlog's context and, inside an import, the import's correlation id; the import record names the file."""

import datetime as dt
import hashlib

import pytest
from auditlog.context import disable_auditlog, set_actor
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.audit import (
    audited_bulk_create,
    audited_bulk_update,
    audited_update,
    import_recording,
)
from core.importing import ImportRefused, read_table
from core.models import ImportKind, ImportRecord
from orgchart.models import Membership, Staff, Unit, UnitVersion
from orgchart.services.roster import roster_import
from orgchart.services.units import units_import

from ..factories import MembershipFactory, StaffFactory, UnitFactory
from ..orgchart.files import csv_bytes, grid_of, person, unit_row

pytestmark = pytest.mark.django_db


def _entries(obj) -> list[LogEntry]:
    return list(LogEntry.objects.get_for_object(obj).order_by("pk"))


def test_a_bulk_update_is_recorded_like_a_single_save(office_admin):
    saved, bulk = UnitFactory(code="A", name="Phòng A"), UnitFactory(code="B", name="Phòng A")
    with set_actor(office_admin):
        saved.name = "Phòng Phổ biến"
        saved.save()
        bulk.name = "Phòng Phổ biến"
        audited_bulk_update(Unit, [bulk], ["name"])
    [by_save], [by_bulk] = _entries(saved)[-1:], _entries(bulk)[-1:]
    assert (by_bulk.action, by_bulk.changes, by_bulk.actor) == (by_save.action, by_save.changes, by_save.actor)
    assert by_bulk.changes == {"name": ["Phòng A", "Phòng Phổ biến"]}
    assert by_bulk.object_repr == "Phòng Phổ biến (B)"
    assert Unit.objects.get(pk=bulk.pk).name == "Phòng Phổ biến"


def test_create_and_update_in_bulk_each_leave_an_entry(tree, office_admin):
    staff = StaffFactory(code="CB1")
    with set_actor(office_admin):
        [membership] = audited_bulk_create(
            Membership,
            [Membership(staff=staff, unit=tree["vp"], category="civil_servant", valid_from=dt.date(2025, 1, 1))],
        )
        audited_update(Membership.objects.filter(pk=membership.pk), valid_to=dt.date(2025, 5, 31))
        audited_update(Membership.objects.filter(pk=membership.pk), valid_to=dt.date(2025, 5, 31))  # no change
        Membership.objects.filter(pk=membership.pk).delete()  # auditlog's own receivers record it
    created, updated, deleted = _entries(membership)
    assert created.action == LogEntry.Action.CREATE
    assert created.changes["valid_from"] == [None, "2025-01-01"]
    assert created.changes["unit"] == [None, tree["vp"].pk]
    assert updated.action == LogEntry.Action.UPDATE and updated.changes == {"valid_to": [None, "2025-05-31"]}
    assert deleted.action == LogEntry.Action.DELETE and deleted.changes["staff"] == [staff.pk, None]
    assert {created.actor, updated.actor, deleted.actor} == {office_admin}
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_the_actor_is_only_who_is_signed_in_now(tree, office_admin):
    """auditlog keeps its last context value after `set_actor` ends: a later command's writes are nobody's."""
    with set_actor(office_admin):
        UnitFactory(code="X")
    unit = UnitFactory(code="Y")
    unit.name = "Tổ Y"
    audited_bulk_update(Unit, [unit], ["name"])
    assert _entries(unit)[-1].actor is None


def test_nothing_is_recorded_when_auditlog_is_off(tree):
    unit = UnitFactory(code="Z")
    before = LogEntry.objects.count()
    with disable_auditlog():
        unit.name = "Khác"
        audited_bulk_update(Unit, [unit], ["name"])
    assert LogEntry.objects.count() == before


def test_an_import_record_tags_every_entry_written_inside_it(tree, office_admin):
    file = read_table(content=csv_bytes([["Mã đơn vị"], ["X"]]), filename="tep.csv")
    with (
        set_actor(office_admin),
        import_recording(kind=ImportKind.UNITS, file=file, options={"a": 1, "b": None}) as record,
    ):
        unit = UnitFactory(code="Q")  # a single save inside the import
        unit.name = "Tổ Q"
        audited_bulk_update(Unit, [unit], ["name"])
    assert {entry.cid for entry in _entries(unit)} == {record.cid} == {f"import-{record.pk}"}
    assert (record.filename, record.sha256) == (
        "tep.csv",
        hashlib.sha256(csv_bytes([["Mã đơn vị"], ["X"]])).hexdigest(),
    )
    assert (record.actor, record.actor_label, record.options) == (office_admin, office_admin.get_full_name(), {"a": 1})
    # Outside the import, entries carry no correlation id again.
    unit.name = "Tổ R"
    unit.save()
    assert _entries(unit)[-1].cid is None


def test_a_roster_import_records_the_file_and_each_change(tree, office_admin):
    staff = StaffFactory(code="CB1", full_name="Lê Văn Một", email="mot@x.vn")
    old = MembershipFactory(staff=staff, unit=tree["vp"], valid_from=dt.date(2025, 1, 1))
    content = csv_bytes(
        grid_of(
            [
                person("CB1", "Lê Văn Một", "TGPL", email="le.mot@x.vn"),  # moved, new e-mail
                person("CB2", "Trần Thị Hai", "VP"),  # joins
            ]
        )
    )
    with set_actor(office_admin):
        roster_import(
            rows=read_table(content=content, filename="danh-sach.csv"),
            effective_date=dt.date(2025, 6, 1),
            mode="changes",
        )
    [record] = ImportRecord.objects.all()
    assert (record.kind, record.filename, record.sha256) == (
        "roster",
        "danh-sach.csv",
        hashlib.sha256(content).hexdigest(),
    )
    assert (record.effective_date, record.actor, record.options) == (
        dt.date(2025, 6, 1),
        office_admin,
        {"mode": "changes"},
    )
    assert record.summary.startswith("Danh sách cán bộ ngày 01/06/2025: 1 mới, 1 chuyển đơn vị")
    entries = LogEntry.objects.filter(cid=record.cid)
    assert {entry.actor for entry in entries} == {office_admin}
    # The old record ended the day before; a new one opened; the e-mail changed in one step (not via "").
    [closing] = [e for e in entries if e.content_type.model == "membership" and e.object_id == old.pk]
    assert closing.changes == {"valid_to": [None, "2025-05-31"]}
    [opening] = [
        e
        for e in entries
        if e.content_type.model == "membership"
        and e.action == LogEntry.Action.CREATE
        and e.changes["staff"][1] == staff.pk
    ]
    assert opening.changes["unit"] == [None, tree["tgpl"].pk] and opening.changes["valid_from"] == [
        None,
        "2025-06-01",
    ]
    [email] = [entry for entry in entries if entry.content_type.model == "staff" and entry.object_id == staff.pk]
    assert email.changes == {"email": ["mot@x.vn", "le.mot@x.vn"]}
    newcomer = Staff.objects.get(code="CB2")
    assert entries.filter(object_id=newcomer.pk, content_type__model="staff", action=LogEntry.Action.CREATE).exists()


def test_a_dry_run_or_a_refused_import_records_nothing(tree):
    rows = [person("CB1", "Lê Văn Một", "VP")]
    roster_import(rows=rows, effective_date=dt.date(2025, 6, 1), dry_run=True)
    with pytest.raises(ImportRefused):
        roster_import(rows=[person("CB1", "Lê Văn Một", "KHONG-CO")], effective_date=dt.date(2025, 6, 1))
    assert not ImportRecord.objects.exists()
    assert not LogEntry.objects.filter(content_type__model__in=["staff", "membership"]).exists()


def test_a_units_import_records_the_dated_tree_it_wrote(tree, office_admin):
    rows = [
        unit_row("STP", "Sở Tư pháp tỉnh Đồng Nai", None, "Sở"),
        unit_row("VP", "Văn phòng Sở", "STP"),
        unit_row("VP-TH", "Tổ Tổng hợp", "VP", "Tổ"),
        unit_row("TGPL", "Trung tâm Trợ giúp pháp lý", "STP", "Đơn vị sự nghiệp"),  # renamed
    ]
    content = csv_bytes(grid_of(rows))
    with set_actor(office_admin):
        units_import(rows=read_table(content=content, filename="don-vi.csv"), effective_date=dt.date(2025, 7, 1))
    [record] = ImportRecord.objects.all()
    assert (record.kind, record.effective_date, record.sha256) == (
        "units",
        dt.date(2025, 7, 1),
        hashlib.sha256(content).hexdigest(),
    )
    entries = LogEntry.objects.filter(cid=record.cid)
    tgpl = tree["tgpl"]
    [renamed] = entries.filter(content_type__model="unit", object_id=tgpl.pk)
    assert renamed.changes == {"name": ["Trung tâm Trợ giúp pháp lý nhà nước", "Trung tâm Trợ giúp pháp lý"]}
    versions = {entry.action: entry for entry in entries.filter(content_type__model="unitversion")}
    assert versions[LogEntry.Action.UPDATE].changes == {"valid_to": [None, "2025-06-30"]}
    new_version = UnitVersion.objects.get(unit=tgpl, valid_from=dt.date(2025, 7, 1))
    assert versions[LogEntry.Action.CREATE].object_id == new_version.pk


def test_the_office_reads_imports_and_follows_one_to_its_changes(tree, office_admin, client):
    for name in ("a.csv", "b.csv", "c.csv"):
        rows = [person(f"CB-{name[0]}", "Lê Văn Một", "VP")]
        with set_actor(office_admin):
            roster_import(
                rows=read_table(content=csv_bytes(grid_of(rows)), filename=name),
                effective_date=dt.date(2025, 6, 1),
                mode="changes",
            )
    client.force_login(office_admin)
    url = reverse("admin:core_importrecord_changelist")
    with CaptureQueriesContext(connection) as three:
        page = client.get(url)
    assert page.status_code == 200
    record = ImportRecord.objects.get(filename="b.csv")
    changes = reverse("admin:auditlog_logentry_changelist") + f"?cid={record.cid}"
    assert f'href="{changes}">2 thay đổi</a>'.encode() in page.content
    listed = client.get(changes)
    assert {entry.cid for entry in listed.context["cl"].result_list} == {record.cid}
    assert listed.context["cl"].result_count == 2  # the person and their membership
    with set_actor(office_admin):
        roster_import(rows=[person("CB-d", "Lê Văn Bốn", "VP")], effective_date=dt.date(2025, 6, 1), mode="changes")
    with CaptureQueriesContext(connection) as four:
        client.get(url)
    assert len(four) == len(three)


def test_imports_are_the_offices_only(learner, unit_head, client):
    for user in (learner, unit_head):
        client.force_login(user)
        assert client.get(reverse("admin:core_importrecord_changelist")).status_code == 404
