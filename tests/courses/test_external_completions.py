"""Issue 11 item 7: external completions are accepted or rejected by the Office (who, when, why), in the
admin and by spreadsheet; only accepted ones count. Snapshots freeze each exempt person's exemption reason
and approver."""

import csv
import datetime as dt
import io

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from courses.models import Completion, CompletionEvidence, CompletionReview
from courses.services.completions import completion_record, completion_review
from courses.signals import completion_recorded
from reports.selectors.coverage import coverage_as_of
from reports.selectors.snapshots import snapshot_data
from reports.services.snapshots import snapshot_create

from ..factories import (
    AssignmentFactory,
    CompletionFactory,
    ExemptionFactory,
    MembershipFactory,
    PublishedVersionFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 6, 15)


@pytest.fixture
def setting(tree):
    course = PublishedVersionFactory(title="NQ57", lessons=1, questions=1).course
    assignment = AssignmentFactory(
        slug="nq57-2026", course=course, starts_on=dt.date(2026, 1, 5), due_on=ON, units=[tree["root"]]
    )
    people = {}
    for code, name in (("E1", "Nguyễn Văn Một"), ("E2", "Trần Thị Hai"), ("E3", "Lê Văn Ba")):
        people[code] = StaffFactory(code=code, full_name=name)
        MembershipFactory(staff=people[code], unit=tree["vp"], valid_from=dt.date(2025, 1, 1))
    return course, assignment, people


def _external(staff, course, reference="GCN-1", **kwargs):
    completion, _created = completion_record(
        staff=staff,
        course=course,
        completed_on=dt.date(2026, 3, 1),
        evidence=CompletionEvidence.EXTERNAL,
        external_reference=reference,
        **kwargs,
    )
    return completion


def test_an_external_completion_counts_only_once_accepted(setting, office_admin):
    course, assignment, people = setting
    heard = []
    completion_recorded.connect(lambda **kw: heard.append(kw["completion"].pk), weak=False, dispatch_uid="t-ext")
    try:
        completion = _external(people["E1"], course)
        assert completion.review == CompletionReview.PENDING
        assert coverage_as_of(assignment=assignment, as_of=ON).total.informed == 0
        assert heard == []  # no certificate for a completion nobody has accepted

        completion_review(completion=completion, review=CompletionReview.ACCEPTED, reason="GCN hợp lệ", by=office_admin)
        completion.refresh_from_db()
        assert (completion.review, completion.reviewed_by, completion.review_reason) == (
            CompletionReview.ACCEPTED,
            office_admin,
            "GCN hợp lệ",
        )
        assert completion.reviewed_at is not None
        assert coverage_as_of(assignment=assignment, as_of=ON).total.informed == 1
        assert heard == [completion.pk]

        completion_review(
            completion=completion, review=CompletionReview.REJECTED, reason="Sai khóa học", by=office_admin
        )
        assert coverage_as_of(assignment=assignment, as_of=ON).total.informed == 0
    finally:
        completion_recorded.disconnect(dispatch_uid="t-ext")


def test_a_rejected_one_never_counts(setting, office_admin):
    course, assignment, people = setting
    _external(people["E1"], course, review=CompletionReview.REJECTED, recorded_by=office_admin, review_reason="x")
    assert coverage_as_of(assignment=assignment, as_of=ON).total.informed == 0


def test_a_decision_needs_a_reason_and_an_external_completion(setting, office_admin):
    course, _assignment, people = setting
    completion = _external(people["E1"], course)
    with pytest.raises(ValidationError, match="lý do"):
        completion_review(completion=completion, review=CompletionReview.ACCEPTED, reason="  ", by=office_admin)
    completion.refresh_from_db()
    assert completion.review == CompletionReview.PENDING and completion.reviewed_by is None
    quiz = CompletionFactory(staff=people["E2"], course=course, quiz=True, completed_on=dt.date(2026, 3, 1))
    with pytest.raises(ValidationError, match="Chỉ hoàn thành bên ngoài"):
        completion_review(completion=quiz, review=CompletionReview.REJECTED, reason="x", by=office_admin)


def test_the_office_decides_in_the_admin(setting, office_admin, client):
    course, assignment, people = setting
    completion = _external(people["E1"], course)
    client.force_login(office_admin)
    url = reverse("admin:courses_completion_change", args=[completion.pk])
    assert client.get(url).status_code == 200
    # No reason: refused, nothing written.
    response = client.post(url, {"review": "accepted", "review_reason": ""})
    assert response.status_code == 200
    completion.refresh_from_db()
    assert completion.review == CompletionReview.PENDING
    response = client.post(url, {"review": "accepted", "review_reason": "Giấy chứng nhận số 12 của Sở TT&TT"})
    assert response.status_code == 302
    completion.refresh_from_db()
    assert (completion.review, completion.reviewed_by) == (CompletionReview.ACCEPTED, office_admin)
    assert coverage_as_of(assignment=assignment, as_of=ON).total.informed == 1
    # A quiz completion has no decision to take: its page is read-only.
    quiz = CompletionFactory(staff=people["E2"], course=course, quiz=True, completed_on=dt.date(2026, 3, 1))
    client.post(
        reverse("admin:courses_completion_change", args=[quiz.pk]), {"review": "rejected", "review_reason": "x"}
    )
    quiz.refresh_from_db()
    assert quiz.review == CompletionReview.ACCEPTED
    # The list filters by decision.
    listing = client.get(reverse("admin:courses_completion_changelist"), {"review__exact": "accepted"})
    assert listing.status_code == 200


def _sheet(tmp_path, rows):
    path = tmp_path / "ngoai.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Mã cán bộ", "Họ và tên", "Ngày hoàn thành", "Số hiệu", "Quyết định", "Lý do"])
        writer.writerows(rows)
    return str(path)


def test_by_spreadsheet_only_accepted_rows_count(setting, office_admin, tmp_path):
    course, assignment, people = setting
    path = _sheet(
        tmp_path,
        [
            ["E1", "Nguyễn Văn Một", "01/03/2026", "GCN-01", "Chấp nhận", "GCN của Học viện Chính trị"],
            ["E2", "Trần Thị Hai", "02/03/2026", "GCN-02", "Từ chối", "Khóa học khác nội dung"],
        ],
    )
    out = io.StringIO()
    call_command("import_external_completions", path, "--course", course.slug, "--by", office_admin.email, stdout=out)
    assert "1 được chấp nhận, 1 bị từ chối" in out.getvalue()
    rows = {c.staff.code: c for c in Completion.objects.select_related("staff")}
    assert rows["E1"].review == CompletionReview.ACCEPTED and rows["E1"].reviewed_by == office_admin
    # The audit trail names the deciding account.
    assert LogEntry.objects.get_for_object(rows["E1"]).get().actor == office_admin
    assert rows["E2"].review == CompletionReview.REJECTED and rows["E2"].review_reason == "Khóa học khác nội dung"
    report = coverage_as_of(assignment=assignment, as_of=ON)
    assert (report.total.staff, report.total.informed) == (3, 1)

    # The same sheet with E2 now accepted changes the decision on the row already recorded.
    path = _sheet(tmp_path, [["E2", "Trần Thị Hai", "02/03/2026", "GCN-02", "Chấp nhận", "Đã bổ sung hồ sơ"]])
    call_command(
        "import_external_completions", path, "--course", course.slug, "--by", office_admin.email, stdout=io.StringIO()
    )
    assert Completion.objects.count() == 2
    assert coverage_as_of(assignment=assignment, as_of=ON).total.informed == 2


def test_a_bad_sheet_is_refused_with_every_problem_and_nothing_written(setting, office_admin, learner, tmp_path):
    course, _assignment, _people = setting
    path = _sheet(
        tmp_path,
        [
            ["E1", "Tên Khác", "01/03/2026", "GCN-01", "Chấp nhận", "ok"],
            ["E9", "Ai Đó", "31/02/2026", "", "Có lẽ", ""],
            ["E3", "Lê Văn Ba", "01/03/2026", "GCN-03", "Chấp nhận", "ok"],
        ],
    )
    with pytest.raises(CommandError) as refused:
        call_command("import_external_completions", path, "--course", course.slug, "--by", office_admin.email)
    message = str(refused.value)
    for expected in ("Dòng 2", "không khớp", 'không có cán bộ nào có mã "E9"', "Số hiệu", "Quyết định", "Lý do"):
        assert expected in message, expected
    assert not Completion.objects.exists()
    with pytest.raises(CommandError, match="không phải là tài khoản của Văn phòng Sở"):
        call_command("import_external_completions", path, "--course", course.slug, "--by", learner.email)


def test_dry_run_writes_nothing(setting, office_admin, tmp_path):
    course, _assignment, _people = setting
    path = _sheet(tmp_path, [["E1", "Nguyễn Văn Một", "01/03/2026", "GCN-01", "Chấp nhận", "ok"]])
    out = io.StringIO()
    call_command(
        "import_external_completions",
        path,
        "--course",
        course.slug,
        "--by",
        office_admin.email,
        "--dry-run",
        stdout=out,
    )
    assert "chạy thử" in out.getvalue()
    assert not Completion.objects.exists()


def test_snapshots_freeze_each_exempt_persons_reason_and_approver(setting):
    _course, assignment, people = setting
    exemption = ExemptionFactory(
        staff=people["E3"],
        assignment=assignment,
        valid_from=dt.date(2026, 5, 1),
        valid_to=dt.date(2026, 12, 31),
        reason="Nghỉ thai sản",
        approver_name="Nguyễn Văn Giám, Giám đốc Sở",
    )
    snapshot, _created = snapshot_create(assignment=assignment, as_of=ON)
    frozen = {person["code"]: person for person in snapshot_data(snapshot=snapshot)["people"]}
    assert frozen["E3"]["exemption"] == {"reason": "Nghỉ thai sản", "approver": "Nguyễn Văn Giám, Giám đốc Sở"}
    assert frozen["E1"]["exemption"] is None
    # Changing the exemption later leaves the snapshot as it was.
    exemption.reason = "Đi học dài hạn"
    exemption.save()
    snapshot.refresh_from_db()
    frozen = {person["code"]: person for person in snapshot_data(snapshot=snapshot)["people"]}
    assert frozen["E3"]["exemption"]["reason"] == "Nghỉ thai sản"


def test_the_office_uploads_the_sheet_in_the_admin(setting, office_admin, client, tmp_path):
    course, assignment, _people = setting
    client.force_login(office_admin)
    url = reverse("admin:courses_completion_import_external")
    assert url in client.get(reverse("admin:courses_completion_changelist")).content.decode()
    bad = _sheet(tmp_path, [["E1", "Nguyễn Văn Một", "01/03/2026", "GCN-01", "Có lẽ", "ok"]])
    with open(bad, "rb") as handle:
        response = client.post(url, {"course": course.pk, "import_file": handle})
    assert response.status_code == 200 and "Quyết định" in response.content.decode()
    assert not Completion.objects.exists()
    good = _sheet(tmp_path, [["E1", "Nguyễn Văn Một", "01/03/2026", "GCN-01", "Chấp nhận", "GCN hợp lệ"]])
    with open(good, "rb") as handle:
        response = client.post(url, {"course": course.pk, "import_file": handle})
    assert response.status_code == 302
    completion = Completion.objects.get()
    assert (completion.review, completion.reviewed_by) == (CompletionReview.ACCEPTED, office_admin)
    assert coverage_as_of(assignment=assignment, as_of=ON).total.informed == 1
