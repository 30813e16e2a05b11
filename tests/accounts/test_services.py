"""Invitations: create the account of a roster staff member and email a set-password link."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from orgchart.services.accounts import account_invite, account_invite_many
from tests.factories import StaffFactory, UserFactory

from .conftest import link_in_last_email, set_password_through_link, sign_in

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "mat-khau-rieng-cua-toi-2026"


@pytest.fixture(autouse=True)
def english():
    """These tests read the services' English source messages; with no language
    activated Django would use the default, Vietnamese (tests/core/test_i18n.py)."""
    with translation.override("en"):
        yield


def _state():
    """Everything an invitation may write, to check that a refusal wrote nothing."""
    return (
        sorted(User.objects.values_list("pk", "email", "password", "display_name")),
        sorted(EmailAddress.objects.values_list("user_id", "email", "verified", "primary")),
    )


@pytest.fixture
def staff(db):
    return StaffFactory(code="CB-MOI", full_name="Nguyễn Thị Mới", email="Moi.Nguyen@STP.dongnai.gov.vn")


def test_invite_creates_a_linked_account_and_emails_a_working_set_password_link(
    client, staff, office_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        user = account_invite(staff=staff, invited_by=office_admin)
    assert len(callbacks) == 1

    staff.refresh_from_db()
    assert staff.user == user
    assert user.email == "moi.nguyen@stp.dongnai.gov.vn"
    assert user.display_name == "Nguyễn Thị Mới"
    assert not user.has_usable_password()
    assert not user.is_office_admin and not user.is_staff and not user.is_superuser
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == (user.email, True, True)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert message.subject.startswith("[Lan Tỏa] ")
    assert "Nguyễn Thị Mới" in message.body
    assert office_admin.get_full_name() in message.body
    link = link_in_last_email()
    assert link.startswith("http://127.0.0.1:8000/"), "no request: the configured site URL"

    response = set_password_through_link(client, link=link, password=NEW_PASSWORD)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.has_usable_password()
    assert sign_in(client, email=user.email, password=NEW_PASSWORD)["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_the_email_is_sent_only_after_commit(staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        account_invite(staff=staff)
    assert mail.outbox == []
    assert len(callbacks) == 1


def test_invite_link_uses_the_requests_host(rf, settings, staff, django_capture_on_commit_callbacks):
    settings.ALLOWED_HOSTS = ["lantoa.stp.dongnai.gov.vn"]
    request = rf.get("/admin/", HTTP_HOST="lantoa.stp.dongnai.gov.vn", secure=True)
    with django_capture_on_commit_callbacks(execute=True):
        account_invite(staff=staff, request=request)
    assert link_in_last_email().startswith("https://lantoa.stp.dongnai.gov.vn/accounts/password/reset/key/")


def test_invite_refuses_staff_without_email_and_writes_nothing(django_capture_on_commit_callbacks):
    staff = StaffFactory(email="")
    before = _state()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(ValidationError) as excinfo:
        account_invite(staff=staff)
    assert excinfo.value.code == "no_email"
    assert "no email" in excinfo.value.messages[0]
    assert _state() == before
    staff.refresh_from_db()
    assert staff.user is None
    assert callbacks == [] and mail.outbox == []


@pytest.mark.parametrize("linked_to_other_staff", [True, False])
def test_invite_refuses_an_email_that_belongs_to_another_account(
    linked_to_other_staff, django_capture_on_commit_callbacks
):
    other = UserFactory(email="chung@stp.dongnai.gov.vn")
    if linked_to_other_staff:
        StaffFactory(email="khac@stp.dongnai.gov.vn", user=other)
    staff = StaffFactory(email="Chung@stp.dongnai.gov.vn")
    before = _state()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as excinfo:
        account_invite(staff=staff)
    assert excinfo.value.code == "email_taken"
    assert "belongs to another account" in excinfo.value.messages[0]
    assert _state() == before
    staff.refresh_from_db()
    assert staff.user is None
    assert mail.outbox == []


def test_invite_refuses_an_email_registered_as_another_accounts_address(django_capture_on_commit_callbacks):
    other = UserFactory(email="rieng@stp.dongnai.gov.vn")
    EmailAddress.objects.create(user=other, email="phu@stp.dongnai.gov.vn", verified=True, primary=False)
    staff = StaffFactory(email="phu@stp.dongnai.gov.vn")
    before = _state()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        account_invite(staff=staff)
    assert _state() == before
    assert mail.outbox == []


def test_invite_refuses_someone_who_already_set_a_password(learner, django_capture_on_commit_callbacks):
    staff = learner.staff
    before = _state()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as excinfo:
        account_invite(staff=staff)
    assert excinfo.value.code == "already_active"
    assert _state() == before
    assert mail.outbox == []


def test_invite_refuses_a_disabled_account(staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user = account_invite(staff=staff)
    User.objects.filter(pk=user.pk).update(is_active=False)
    mail.outbox.clear()
    staff.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as excinfo:
        account_invite(staff=staff)
    assert excinfo.value.code == "inactive"
    assert mail.outbox == []


def test_reinvite_sends_the_email_again_and_both_links_work(client, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user = account_invite(staff=staff)
    first_link = link_in_last_email()
    staff.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        again = account_invite(staff=staff)
    assert again.pk == user.pk
    assert User.objects.count() == 1
    assert EmailAddress.objects.filter(user=user).count() == 1
    assert len(mail.outbox) == 2

    assert set_password_through_link(client, link=first_link, password=NEW_PASSWORD).status_code == 302
    assert client.get(link_in_last_email()).context["token_fail"], "links die once the password is set"


def test_reinvite_follows_a_changed_roster_email(staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user = account_invite(staff=staff)
    staff.refresh_from_db()
    staff.email = "moi.nguyen2@stp.dongnai.gov.vn"
    staff.save()
    with django_capture_on_commit_callbacks(execute=True):
        account_invite(staff=staff)
    user.refresh_from_db()
    assert user.email == "moi.nguyen2@stp.dongnai.gov.vn"
    assert list(EmailAddress.objects.filter(user=user).values_list("email", flat=True)) == [user.email]
    assert mail.outbox[-1].to == [user.email]


def test_invite_takes_over_an_unlinked_account_left_by_an_earlier_invitation(staff, django_capture_on_commit_callbacks):
    leftover = User.objects.create_user(email="moi.nguyen@stp.dongnai.gov.vn")
    with django_capture_on_commit_callbacks(execute=True):
        user = account_invite(staff=staff)
    assert user.pk == leftover.pk
    assert User.objects.count() == 1


def test_an_invited_office_admin_must_activate_totp_after_setting_the_password(
    client, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user = account_invite(staff=staff)
    User.objects.filter(pk=user.pk).update(is_office_admin=True, is_staff=True)
    set_password_through_link(client, link=link_in_last_email(), password=NEW_PASSWORD)
    sign_in(client, email=user.email, password=NEW_PASSWORD)
    assert client.get("/admin/")["Location"].startswith(reverse("mfa_activate_totp"))


# --- many -------------------------------------------------------------------------


def test_invite_many_invites_and_reports_the_skipped(learner, django_capture_on_commit_callbacks):
    first = StaffFactory(code="CB-A", email="a@stp.dongnai.gov.vn")
    second = StaffFactory(code="CB-B", email="b@stp.dongnai.gov.vn")
    no_email = StaffFactory(code="CB-C", email="")
    with django_capture_on_commit_callbacks(execute=True):
        summary = account_invite_many(staff_ids=[first.pk, second.pk, no_email.pk, learner.staff.pk])
    assert summary.invited == ("CB-A", "CB-B")
    assert summary.skipped_no_email == ("CB-C",)
    assert summary.skipped_active == ("CB-HV",)
    assert sorted(m.to[0] for m in mail.outbox) == ["a@stp.dongnai.gov.vn", "b@stp.dongnai.gov.vn"]
    assert User.objects.filter(staff__code__in=["CB-A", "CB-B"]).count() == 2


def test_invite_many_refuses_the_whole_batch_on_any_problem(django_capture_on_commit_callbacks):
    good = StaffFactory(code="CB-A", email="a@stp.dongnai.gov.vn")
    UserFactory(email="b@stp.dongnai.gov.vn")
    taken = StaffFactory(code="CB-B", email="b@stp.dongnai.gov.vn")
    before = _state()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as excinfo:
        account_invite_many(staff_ids=[good.pk, taken.pk, 999_999])
    messages = excinfo.value.messages
    assert len(messages) == 2
    assert any("CB-B" in m and "another account" in m for m in messages)
    assert any("999999" in m for m in messages)
    assert _state() == before
    good.refresh_from_db()
    assert good.user is None
    assert mail.outbox == []


def test_invite_many_refuses_two_staff_with_the_same_email(django_capture_on_commit_callbacks):
    first = StaffFactory(code="CB-A", email="chung@stp.dongnai.gov.vn")
    second = StaffFactory(code="CB-B", email="Chung@stp.dongnai.gov.vn")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as excinfo:
        account_invite_many(staff_ids=[first.pk, second.pk])
    assert "same email" in excinfo.value.messages[0]
    assert not User.objects.exists()


def test_invite_many_dry_run_writes_nothing(django_capture_on_commit_callbacks):
    staff = StaffFactory(code="CB-A", email="a@stp.dongnai.gov.vn")
    before = _state()
    with django_capture_on_commit_callbacks(execute=True):
        summary = account_invite_many(staff_ids=[staff.pk], dry_run=True)
    assert summary.invited == ("CB-A",) and summary.dry_run
    assert _state() == before
    assert mail.outbox == []
