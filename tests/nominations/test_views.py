"""Nomination pages: head scoping (404 outside their tree), refusals shown, Office approval, certificates."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from nominations import services
from nominations.models import Nomination, NominationEvent, NominationStatus

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _messages(response) -> str:
    return " ".join(str(message) for message in response.context["messages"])


@pytest.mark.parametrize(
    ("role", "status"),
    [("office_admin", 200), ("unit_head", 200), ("other_unit_head", 200), ("learner", 404)],
)
@pytest.mark.parametrize("name", ["nominations:staff", "nominations:list", "nominations:progress"])
def test_pages_per_role(client, request, role, status, name):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse(name)).status_code == status


def test_anonymous_is_sent_to_sign_in(client, db):
    response = client.get(reverse("nominations:staff"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_head_lists_only_their_communications_staff(client, unit_head, comms_vp, comms_tgpl, not_comms_vp, programme):
    client.force_login(unit_head)
    response = client.get(reverse("nominations:staff"))
    assert [m.staff.code for m in response.context["page"].object_list] == ["TT-VP"]
    html = response.content.decode()
    assert "Ngô Thị Truyền" in html and "Đinh Văn Thông" not in html and "Lý Văn Khác" not in html
    assert "Kỹ năng truyền thông số" in html  # the open programme to nominate to


def test_head_nominates_their_staff(client, unit_head, comms_vp, programme):
    client.force_login(unit_head)
    response = client.post(reverse("nominations:nominate"), {"staff": comms_vp.pk, "programme": programme.pk})
    nomination = Nomination.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("nominations:detail", args=[nomination.pk])
    assert (nomination.staff, nomination.status, nomination.nominated_by) == (comms_vp, "nominated", unit_head)


def test_head_cannot_nominate_outside_their_tree(client, unit_head, comms_tgpl, programme):
    client.force_login(unit_head)
    response = client.post(reverse("nominations:nominate"), {"staff": comms_tgpl.pk, "programme": programme.pk})
    assert response.status_code == 404
    assert not Nomination.objects.exists()


def test_head_cannot_nominate_non_communications_staff(client, unit_head, not_comms_vp, programme):
    client.force_login(unit_head)
    response = client.post(
        reverse("nominations:nominate"), {"staff": not_comms_vp.pk, "programme": programme.pk}, follow=True
    )
    assert "Lý Văn Khác is not recorded as communications staff" in _messages(response)
    assert not Nomination.objects.exists()


def test_office_approves_and_a_head_cannot(client, unit_head, office_admin, comms_vp, programme):
    nomination = services.nomination_create(staff=comms_vp, programme=programme, by=unit_head)
    client.force_login(unit_head)
    page = client.get(reverse("nominations:detail", args=[nomination.pk]))
    assert page.context["actions"] == ["withdraw"]
    response = client.post(reverse("nominations:change", args=[nomination.pk, "approve"]), follow=True)
    assert "Only the Office can do this." in _messages(response)
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.NOMINATED

    client.force_login(office_admin)
    page = client.get(reverse("nominations:detail", args=[nomination.pk]))
    assert page.context["actions"] == ["approve", "decline", "withdraw"]
    client.post(reverse("nominations:change", args=[nomination.pk, "approve"]), {"on": "", "reason": "Đồng ý"})
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.APPROVED
    assert NominationEvent.objects.filter(nomination=nomination, status="approved", by=office_admin).exists()


def test_a_bad_date_is_refused_with_a_message(client, unit_head, office_admin, comms_vp, programme):
    nomination = services.nomination_create(staff=comms_vp, programme=programme, by=unit_head)
    client.force_login(office_admin)
    response = client.post(
        reverse("nominations:change", args=[nomination.pk, "approve"]), {"on": "31/02/2026"}, follow=True
    )
    assert "“31/02/2026” is not a date" in _messages(response)
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.NOMINATED


def test_other_units_nomination_is_not_found(client, unit_head, other_unit_head, comms_vp, programme):
    nomination = services.nomination_create(staff=comms_vp, programme=programme, by=unit_head)
    client.force_login(other_unit_head)
    assert client.get(reverse("nominations:detail", args=[nomination.pk])).status_code == 404
    assert client.post(reverse("nominations:change", args=[nomination.pk, "withdraw"])).status_code == 404
    assert client.get(reverse("nominations:list")).context["page"].paginator.count == 0
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.NOMINATED


def test_completion_with_a_certificate_and_its_download(
    client, unit_head, other_unit_head, office_admin, comms_vp, programme
):
    nomination = services.nomination_create(staff=comms_vp, programme=programme, by=unit_head)
    services.nomination_approve(nomination=nomination, by=office_admin)
    services.nomination_start(nomination=nomination, by=office_admin)
    client.force_login(unit_head)
    bad = SimpleUploadedFile("gcn.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    response = client.post(
        reverse("nominations:change", args=[nomination.pk, "complete"]), {"certificate": bad}, follow=True
    )
    assert "is not a PDF file" in _messages(response)
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.ATTENDING
    good = SimpleUploadedFile("gcn.pdf", PDF, content_type="application/pdf")
    client.post(reverse("nominations:change", args=[nomination.pk, "complete"]), {"certificate": good})
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.COMPLETED
    download = client.get(reverse("nominations:certificate", args=[nomination.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    client.force_login(other_unit_head)
    assert client.get(reverse("nominations:certificate", args=[nomination.pk])).status_code == 404


def test_unknown_action_is_404(client, unit_head, office_admin, comms_vp, programme):
    nomination = services.nomination_create(staff=comms_vp, programme=programme, by=unit_head)
    client.force_login(office_admin)
    assert client.post(reverse("nominations:change", args=[nomination.pk, "delete"])).status_code == 404


def test_office_admin_pages(client, office_admin, unit_head, comms_vp, programme):
    nomination = services.nomination_create(staff=comms_vp, programme=programme, by=unit_head)
    client.force_login(office_admin)
    assert client.get(reverse("admin:nominations_trainingprogramme_changelist")).status_code == 200
    assert client.get(reverse("admin:nominations_nomination_change", args=[nomination.pk])).status_code == 200
    response = client.post(
        reverse("admin:nominations_trainingprogramme_add"),
        {"title": "Khóa B", "provider": "Nhà cung cấp", "starts_on": "01/06/2026", "ends_on": "01/05/2026"},
    )
    assert response.status_code == 200
    assert "The programme ends before it starts." in response.content.decode()
    assert not Nomination.objects.exclude(pk=nomination.pk).exists()


def test_list_filters_by_status(client, office_admin, unit_head, comms_vp, comms_tgpl, programme):
    services.nomination_create(staff=comms_vp, programme=programme, by=office_admin)
    second = services.nomination_create(staff=comms_tgpl, programme=programme, by=office_admin)
    services.nomination_approve(nomination=second, by=office_admin)
    client.force_login(office_admin)
    page = client.get(reverse("nominations:list"), {"status": "approved"}).context["page"]
    assert [n.staff.code for n in page.object_list] == ["TT-TG"]
    assert dt.date.today() >= second.nominated_on


def test_nominate_is_not_offered_for_someone_already_nominated(client, unit_head, comms_vp, programme):
    client.force_login(unit_head)
    before = client.get(reverse("nominations:staff")).content.decode()
    assert reverse("nominations:nominate") in before
    client.post(reverse("nominations:nominate"), {"staff": comms_vp.pk, "programme": programme.pk})
    after = client.get(reverse("nominations:staff")).content.decode()
    assert reverse("nominations:nominate") not in after
    assert "Already nominated to every open programme" in after
    # A declined nomination is history: the person can be nominated again.
    Nomination.objects.update(status=NominationStatus.DECLINED)
    assert reverse("nominations:nominate") in client.get(reverse("nominations:staff")).content.decode()
