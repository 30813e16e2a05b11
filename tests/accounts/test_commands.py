"""invite_staff: codes, a unit, or everyone; one-line Vietnamese summary; nothing written on failure."""

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import User
from tests.factories import MembershipFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def run(*args, capture):
    out = StringIO()
    with capture(execute=True):
        call_command("invite_staff", *args, stdout=out)
    return out.getvalue().strip()


@pytest.fixture
def roster(tree):
    """VP: two with email, one without; VP-TH (team under VP): one; TGPL: one; a leaver of VP."""
    people = {}
    for code, unit, email in [
        ("VP-1", "vp", "vp1@stp.dongnai.gov.vn"),
        ("VP-2", "vp", "vp2@stp.dongnai.gov.vn"),
        ("VP-3", "vp", ""),
        ("TH-1", "vp_team", "th1@stp.dongnai.gov.vn"),
        ("TG-1", "tgpl", "tg1@stp.dongnai.gov.vn"),
        ("OLD-1", "vp", "old1@stp.dongnai.gov.vn"),
    ]:
        people[code] = StaffFactory(code=code, email=email)
        MembershipFactory(staff=people[code], unit=tree[unit], valid_from=dt.date(2024, 1, 1))
    people["OLD-1"].memberships.update(valid_to=dt.date(2024, 12, 31))
    return people


def test_invite_by_codes(roster, django_capture_on_commit_callbacks):
    line = run("VP-1", "TG-1", capture=django_capture_on_commit_callbacks)
    assert line == "Đã gửi lời mời cho 2 cán bộ."
    assert sorted(m.to[0] for m in mail.outbox) == ["tg1@stp.dongnai.gov.vn", "vp1@stp.dongnai.gov.vn"]


def test_invite_a_unit_with_its_sub_units_skips_leavers_and_reports_no_email(
    roster, django_capture_on_commit_callbacks
):
    line = run("--unit", "VP", capture=django_capture_on_commit_callbacks)
    assert line == "Đã gửi lời mời cho 3 cán bộ; bỏ qua 1 cán bộ không có email (VP-3)."
    assert sorted(m.to[0] for m in mail.outbox) == [
        "th1@stp.dongnai.gov.vn",
        "vp1@stp.dongnai.gov.vn",
        "vp2@stp.dongnai.gov.vn",
    ]


def test_invite_a_unit_without_sub_units(roster, django_capture_on_commit_callbacks):
    line = run("--unit", "VP", "--no-descendants", capture=django_capture_on_commit_callbacks)
    assert line.startswith("Đã gửi lời mời cho 2 cán bộ;")


def test_invite_all_then_again_skips_those_already_invited_only_once_they_set_a_password(
    roster, django_capture_on_commit_callbacks
):
    assert run("--all", capture=django_capture_on_commit_callbacks).startswith("Đã gửi lời mời cho 4 cán bộ;")
    user = User.objects.get(email="vp1@stp.dongnai.gov.vn")
    user.set_password("da-dat-mat-khau-2026")
    user.save()
    line = run("--all", capture=django_capture_on_commit_callbacks)
    assert line == (
        "Đã gửi lời mời cho 3 cán bộ; bỏ qua 1 cán bộ không có email (VP-3); bỏ qua 1 cán bộ đã đặt mật khẩu."
    )


def test_dry_run_sends_and_writes_nothing(roster, django_capture_on_commit_callbacks):
    line = run("--all", "--dry-run", capture=django_capture_on_commit_callbacks)
    assert line.startswith("Chạy thử, sẽ gửi lời mời cho 4 cán bộ;")
    assert not User.objects.exists()
    assert mail.outbox == []


def test_unknown_codes_are_all_listed_and_nothing_is_sent(roster, django_capture_on_commit_callbacks):
    with pytest.raises(CommandError) as excinfo:
        run("VP-1", "KHONG-CO", "CUNG-KHONG", capture=django_capture_on_commit_callbacks)
    assert "KHONG-CO" in str(excinfo.value) and "CUNG-KHONG" in str(excinfo.value)
    assert not User.objects.exists()
    assert mail.outbox == []


def test_unknown_unit(roster, django_capture_on_commit_callbacks):
    with pytest.raises(CommandError, match="Không có đơn vị nào có mã XYZ"):
        run("--unit", "XYZ", capture=django_capture_on_commit_callbacks)


def test_a_problem_refuses_the_whole_batch(roster, django_capture_on_commit_callbacks):
    UserFactory(email="vp2@stp.dongnai.gov.vn")
    with pytest.raises(CommandError) as excinfo:
        run("--unit", "VP", capture=django_capture_on_commit_callbacks)
    assert "VP-2" in str(excinfo.value)
    assert User.objects.count() == 1
    assert mail.outbox == []


@pytest.mark.parametrize("args", [[], ["--all", "VP-1"], ["--unit", "VP", "--all"]])
def test_exactly_one_selection_is_required(roster, args, django_capture_on_commit_callbacks):
    with pytest.raises(CommandError, match="Hãy chọn đúng một"):
        run(*args, capture=django_capture_on_commit_callbacks)
