"""The nomination state machine: every transition, every refusal, nothing written on refusal."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from nominations import services
from nominations.models import Nomination, NominationEvent, NominationStatus

from .conftest import communications_person

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 5, 20)  # the conftest's fixed today
PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _snapshot(nomination=None):
    rows = list(Nomination.objects.order_by("pk").values())
    events = list(NominationEvent.objects.order_by("pk").values("nomination_id", "status", "on", "note", "by_id"))
    return rows, events


def _refused(call, *fragments):
    before = _snapshot()
    with pytest.raises(ValidationError) as caught:
        call()
    text = " ".join(caught.value.messages)
    for fragment in fragments:
        assert fragment in text, text
    assert _snapshot() == before
    return caught.value.messages


def test_the_whole_path_to_completed(unit_head, office_admin, comms_vp, programme, media):
    nomination = services.nomination_create(
        staff=comms_vp, programme=programme, by=unit_head, note="Phụ trách trang tin"
    )
    assert nomination.status == NominationStatus.NOMINATED and nomination.nominated_on == TODAY
    nomination = services.nomination_approve(nomination=nomination, by=office_admin, on=dt.date(2026, 5, 20))
    assert nomination.status == NominationStatus.APPROVED and nomination.approved_on == TODAY
    nomination = services.nomination_start(nomination=nomination, by=unit_head, on=TODAY)
    assert nomination.status == NominationStatus.ATTENDING and nomination.started_on == TODAY
    certificate = SimpleUploadedFile("chung-nhan.pdf", PDF, content_type="application/pdf")
    nomination = services.nomination_complete(nomination=nomination, by=office_admin, certificate=certificate)
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.COMPLETED and nomination.completed_on == TODAY
    assert nomination.certificate.read() == PDF
    events = list(nomination.events.order_by("pk").values_list("status", "on", "by_id", "note"))
    assert events == [
        ("nominated", TODAY, unit_head.pk, "Phụ trách trang tin"),
        ("approved", TODAY, office_admin.pk, ""),
        ("attending", TODAY, unit_head.pk, ""),
        ("completed", TODAY, office_admin.pk, ""),
    ]


def test_decline_and_withdraw_close_with_a_date(unit_head, office_admin, comms_vp, programme):
    first = services.nomination_create(staff=comms_vp, programme=programme, by=unit_head, on=dt.date(2026, 5, 1))
    first = services.nomination_decline(
        nomination=first, by=office_admin, reason="Chưa đủ điều kiện", on=dt.date(2026, 5, 5)
    )
    assert (first.status, first.closed_on) == (NominationStatus.DECLINED, dt.date(2026, 5, 5))
    # Declined is history: the person can be nominated again.
    second = services.nomination_create(staff=comms_vp, programme=programme, by=unit_head)
    second = services.nomination_approve(nomination=second, by=office_admin)
    second = services.nomination_withdraw(nomination=second, by=unit_head, reason="Chuyển công tác")
    assert (second.status, second.closed_on) == (NominationStatus.WITHDRAWN, TODAY)
    assert second.events.last().note == "Chuyển công tác"


def test_approved_can_be_declined_and_attending_withdrawn(unit_head, office_admin, comms_vp, programme):
    nomination = services.nomination_create(staff=comms_vp, programme=programme, by=unit_head)
    nomination = services.nomination_approve(nomination=nomination, by=office_admin)
    assert (
        services.nomination_decline(nomination=nomination, by=office_admin, reason="Hết chỉ tiêu").status == "declined"
    )
    again = services.nomination_create(staff=comms_vp, programme=programme, by=unit_head)
    services.nomination_approve(nomination=again, by=office_admin)
    services.nomination_start(nomination=again, by=office_admin)
    assert services.nomination_withdraw(nomination=again, by=office_admin).status == "withdrawn"


# --- refusals --------------------------------------------------------------------------------------------


def test_create_refuses_non_communications_staff(unit_head, not_comms_vp, programme):
    _refused(
        lambda: services.nomination_create(staff=not_comms_vp, programme=programme, by=unit_head),
        "Lý Văn Khác is not recorded as communications staff",
    )


def test_create_refuses_someone_outside_the_heads_units(unit_head, comms_tgpl, programme):
    _refused(
        lambda: services.nomination_create(staff=comms_tgpl, programme=programme, by=unit_head),
        "only people of the units you head",
    )


def test_a_learner_cannot_nominate(learner, comms_vp, programme):
    _refused(lambda: services.nomination_create(staff=comms_vp, programme=programme, by=learner), "units you head")


def test_create_refuses_a_second_active_nomination(unit_head, office_admin, comms_vp, programme):
    services.nomination_create(staff=comms_vp, programme=programme, by=unit_head)
    _refused(
        lambda: services.nomination_create(staff=comms_vp, programme=programme, by=office_admin),
        "already has a nomination to this programme",
    )


def test_create_refuses_a_finished_programme_a_leaver_and_a_future_date(tree, office_admin, programme):
    leaver = communications_person(tree["vp"], code="TT-DI", valid_to=dt.date(2026, 1, 31))
    messages = _refused(
        lambda: services.nomination_create(staff=leaver, programme=programme, by=office_admin, on=dt.date(2027, 1, 5))
    )
    assert len(messages) == 3
    assert any("is not on the roster on 05/01/2027" in m for m in messages)
    assert any("ended on 31/12/2026" in m for m in messages)
    assert any("05/01/2027 has not come yet" in m for m in messages)


@pytest.mark.parametrize(
    ("step", "status_needed"),
    [
        ("approve", None),
        ("start", "approved"),
        ("complete", "attending"),
    ],
)
def test_steps_out_of_order_are_refused(unit_head, office_admin, comms_vp, programme, step, status_needed):
    nomination = services.nomination_create(staff=comms_vp, programme=programme, by=unit_head)
    if step == "approve":
        services.nomination_approve(nomination=nomination, by=office_admin)
        call = lambda: services.nomination_approve(nomination=nomination, by=office_admin)  # noqa: E731
        _refused(call, "This nomination is approved; it cannot become approved.")
        return
    call = {
        "start": lambda: services.nomination_start(nomination=nomination, by=office_admin),
        "complete": lambda: services.nomination_complete(nomination=nomination, by=office_admin),
    }[step]
    _refused(call, "This nomination is nominated; it cannot become")


def test_closed_and_completed_are_final(unit_head, office_admin, comms_vp, programme):
    nomination = services.nomination_create(staff=comms_vp, programme=programme, by=unit_head)
    services.nomination_withdraw(nomination=nomination, by=unit_head)
    _refused(lambda: services.nomination_approve(nomination=nomination, by=office_admin), "is withdrawn")
    done = services.nomination_create(staff=comms_vp, programme=programme, by=unit_head)
    services.nomination_approve(nomination=done, by=office_admin)
    services.nomination_start(nomination=done, by=office_admin)
    services.nomination_complete(nomination=done, by=office_admin)
    _refused(lambda: services.nomination_withdraw(nomination=done, by=office_admin), "is completed")
    _refused(lambda: services.nomination_decline(nomination=done, by=office_admin, reason="x"), "is completed")


def test_only_the_office_approves_and_declines(unit_head, comms_vp, programme):
    nomination = services.nomination_create(staff=comms_vp, programme=programme, by=unit_head)
    _refused(lambda: services.nomination_approve(nomination=nomination, by=unit_head), "Only the Office")
    _refused(lambda: services.nomination_decline(nomination=nomination, by=unit_head, reason="x"), "Only the Office")


def test_another_head_cannot_touch_the_nomination(unit_head, other_unit_head, office_admin, comms_vp, programme):
    nomination = services.nomination_create(staff=comms_vp, programme=programme, by=unit_head)
    services.nomination_approve(nomination=nomination, by=office_admin)
    _refused(lambda: services.nomination_start(nomination=nomination, by=other_unit_head), "head of the person's unit")
    _refused(
        lambda: services.nomination_withdraw(nomination=nomination, by=other_unit_head), "head of the person's unit"
    )


def test_decline_needs_a_reason(unit_head, office_admin, comms_vp, programme):
    nomination = services.nomination_create(staff=comms_vp, programme=programme, by=unit_head)
    _refused(lambda: services.nomination_decline(nomination=nomination, by=office_admin, reason="  "), "Say why")


def test_dates_must_follow_the_previous_step_and_not_be_in_the_future(unit_head, office_admin, comms_vp, programme):
    nomination = services.nomination_create(staff=comms_vp, programme=programme, by=unit_head, on=dt.date(2026, 5, 10))
    _refused(
        lambda: services.nomination_approve(nomination=nomination, by=office_admin, on=dt.date(2026, 5, 9)),
        "09/05/2026 is before the previous step date (10/05/2026)",
    )
    _refused(
        lambda: services.nomination_approve(nomination=nomination, by=office_admin, on=dt.date(2026, 5, 21)),
        "21/05/2026 has not come yet",
    )


def test_attendance_cannot_start_before_the_programme(tree, unit_head, office_admin, comms_vp):
    from nominations.models import TrainingProgramme

    later = TrainingProgramme.objects.create(
        title="Khóa sau", provider="Nhà cung cấp", starts_on=dt.date(2026, 6, 1), ends_on=dt.date(2026, 9, 1)
    )
    nomination = services.nomination_create(staff=comms_vp, programme=later, by=unit_head)
    services.nomination_approve(nomination=nomination, by=office_admin)
    _refused(
        lambda: services.nomination_start(nomination=nomination, by=office_admin), "The programme starts on 01/06/2026"
    )


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"PK\x03\x04 not a pdf", "is not a PDF file"),
        (b"%PDF-" + b"0" * (10 * 1024 * 1024), "the limit is 10.0"),
    ],
)
def test_complete_refuses_a_bad_certificate(unit_head, office_admin, comms_vp, programme, media, content, fragment):
    nomination = services.nomination_create(staff=comms_vp, programme=programme, by=unit_head)
    services.nomination_approve(nomination=nomination, by=office_admin)
    services.nomination_start(nomination=nomination, by=office_admin)
    upload = SimpleUploadedFile("chung-nhan.pdf", content, content_type="application/pdf")
    _refused(lambda: services.nomination_complete(nomination=nomination, by=office_admin, certificate=upload), fragment)
    assert not list((media).glob("**/*.pdf")) if media.exists() else True


def test_programme_create_lists_every_problem(db):
    from nominations.models import TrainingProgramme

    with pytest.raises(ValidationError) as caught:
        services.programme_create(title=" ", provider="", starts_on=dt.date(2026, 5, 1), ends_on=dt.date(2026, 4, 1))
    assert len(caught.value.messages) == 3
    assert not TrainingProgramme.objects.exists()


def test_a_second_nomination_names_the_date_the_first_ones_status_began(unit_head, office_admin, comms_vp, programme):
    first = services.nomination_create(staff=comms_vp, programme=programme, by=unit_head, on=dt.date(2026, 3, 2))
    services.nomination_approve(nomination=first, by=office_admin, on=dt.date(2026, 3, 9))
    messages = _refused(
        lambda: services.nomination_create(
            staff=comms_vp, programme=programme, by=office_admin, on=dt.date(2026, 3, 10)
        )
    )
    assert any("(Approved since 09/03/2026)" in message for message in messages), messages
