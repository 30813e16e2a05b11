import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from certificates import services
from certificates.models import Certificate, CertificateStatus, CourseCertificateSetting, SerialCounter
from certificates.rendering import format_percent
from core.dates import date_line, format_date
from orgchart.models import Membership
from tests.spreadsheets import assert_printable, assert_prints, header_row_of, table_rows

from .conftest import COURSE_TITLE, in_person_completion, person, quiz_completion

pytestmark = pytest.mark.django_db


def test_issue_enters_the_register_with_a_yearly_serial_and_a_random_code(completion):
    certificate, created = services.certificate_issue(completion=completion, issued_on=dt.date(2026, 6, 5))

    assert created
    assert certificate.serial == "0001/2026/GCN-STP"
    assert (certificate.year, certificate.number) == (2026, 1)
    assert re.fullmatch(r"[A-Z2-7]{16}", certificate.code)  # 80 random bits, base32
    assert certificate.status == CertificateStatus.VALID
    assert certificate.holder_name == "Nguyễn Thị Hồng Nhung"
    assert certificate.course_title == COURSE_TITLE
    assert (certificate.form, certificate.result) == ("trực tuyến", "90%")
    assert (certificate.signer_title, certificate.signer_name) == ("GIÁM ĐỐC", "Phạm Thị Bích Thủy")
    assert SerialCounter.objects.get(year=2026).last_number == 1


def test_serials_follow_each_other_and_restart_each_year(tree, version):
    people = [person(tree["vp"]) for _ in range(3)]
    completions = [quiz_completion(staff=staff, version=version, on_date=dt.date(2025, 12, 1)) for staff in people]

    serials = [
        services.certificate_issue(completion=completions[0], issued_on=dt.date(2025, 12, 30))[0].serial,
        services.certificate_issue(completion=completions[1], issued_on=dt.date(2025, 12, 31))[0].serial,
        services.certificate_issue(completion=completions[2], issued_on=dt.date(2026, 1, 2))[0].serial,
    ]

    assert serials == ["0001/2025/GCN-STP", "0002/2025/GCN-STP", "0001/2026/GCN-STP"]


def test_codes_are_unique_and_unpredictable(tree, version):
    codes = {
        services.certificate_issue(completion=quiz_completion(staff=person(tree["vp"]), version=version))[0].code
        for _ in range(20)
    }
    assert len(codes) == 20


def test_issuing_twice_returns_the_same_certificate_and_uses_no_number(completion):
    first, _created = services.certificate_issue(completion=completion)
    again, created = services.certificate_issue(completion=completion)

    assert not created
    assert again.pk == first.pk
    assert Certificate.objects.count() == 1
    assert SerialCounter.objects.get().last_number == 1


def test_a_second_completion_of_the_same_course_gets_no_second_certificate(holder, course, completion):
    services.certificate_issue(completion=completion)
    briefing = in_person_completion(staff=holder, course=course)

    certificate, created = services.certificate_issue(completion=briefing)

    assert not created
    assert certificate.completion_id == completion.pk


def test_unit_and_position_are_those_of_the_completion_date(tree, holder, version):
    Membership.objects.filter(staff=holder).update(valid_to=dt.date(2026, 6, 30))
    Membership.objects.create(
        staff=holder,
        unit=tree["tgpl"],
        position="Trợ giúp viên",
        category="public_employee",
        valid_from=dt.date(2026, 7, 1),
    )
    completion = quiz_completion(staff=holder, version=version, on_date=dt.date(2026, 6, 5))

    certificate, _created = services.certificate_issue(completion=completion, issued_on=dt.date(2026, 8, 1))

    assert (certificate.unit_name, certificate.position) == ("Tổ Tổng hợp", "Chuyên viên chính")


def test_in_person_completion_is_printed_as_tap_trung(holder, course, version):
    certificate, _created = services.certificate_issue(completion=in_person_completion(staff=holder, course=course))
    assert (certificate.form, certificate.result) == ("tập trung", "")


def test_issue_before_the_completion_is_refused_and_nothing_written(completion):
    with pytest.raises(ValidationError):
        services.certificate_issue(completion=completion, issued_on=completion.completed_on - dt.timedelta(days=1))
    assert not Certificate.objects.exists()
    assert not SerialCounter.objects.filter(last_number__gt=0).exists()


def test_revoke_needs_a_reason_and_records_who_and_when(completion, office_admin):
    certificate, _created = services.certificate_issue(completion=completion)

    with pytest.raises(ValidationError):
        services.certificate_revoke(certificate=certificate, reason="  ", revoked_by=office_admin)
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID

    revoked = services.certificate_revoke(certificate=certificate, reason="Cấp nhầm người", revoked_by=office_admin)
    assert revoked.status == CertificateStatus.REVOKED
    assert revoked.revocation_reason == "Cấp nhầm người"
    assert revoked.revoked_by == office_admin
    assert revoked.revoked_at is not None
    with pytest.raises(ValidationError):
        services.certificate_revoke(certificate=revoked, reason="lần nữa", revoked_by=office_admin)


def test_reissue_revokes_the_old_one_and_links_a_new_serial(completion, holder, office_admin):
    old, _created = services.certificate_issue(completion=completion, issued_on=dt.date(2026, 6, 5))
    holder.full_name = "Nguyễn Thị Hồng Nhung (đã sửa)"
    holder.save()

    new = services.certificate_reissue(
        certificate=old, reason="Sai họ tên", issued_by=office_admin, issued_on=dt.date(2026, 6, 10)
    )

    old.refresh_from_db()
    assert old.status == CertificateStatus.REVOKED
    assert old.revocation_reason == "Sai họ tên"
    assert new.replaces == old
    assert new.serial == "0002/2026/GCN-STP"
    assert new.code != old.code
    assert new.holder_name == "Nguyễn Thị Hồng Nhung (đã sửa)"
    assert new.pdf and new.pdf_sha256


def test_reissue_of_a_revoked_certificate_is_refused_and_nothing_written(completion, office_admin):
    certificate, _created = services.certificate_issue(completion=completion)
    services.certificate_revoke(certificate=certificate, reason="Thu hồi", revoked_by=office_admin)

    with pytest.raises(ValidationError):
        services.certificate_reissue(certificate=certificate, reason="Cấp lại", issued_by=office_admin)
    assert Certificate.objects.count() == 1


def test_pdf_ensure_stores_once(completion):
    certificate, _created = services.certificate_issue(completion=completion)
    stored = services.certificate_pdf_ensure(certificate=certificate)
    name, digest = stored.pdf.name, stored.pdf_sha256

    again = services.certificate_pdf_ensure(certificate=Certificate.objects.get(pk=certificate.pk))

    assert (again.pdf.name, again.pdf_sha256) == (name, digest)
    assert re.fullmatch(r"certificates/2026/[\w-]{22}/0001-2026-GCN-STP\.pdf", name)  # a random part


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 6, 5), "Đồng Nai, ngày 05 tháng 6 năm 2026"),
        (dt.date(2026, 1, 9), "Đồng Nai, ngày 09 tháng 01 năm 2026"),
        (dt.date(2026, 2, 28), "Đồng Nai, ngày 28 tháng 02 năm 2026"),
        (dt.date(2026, 12, 15), "Đồng Nai, ngày 15 tháng 12 năm 2026"),
        (dt.date(2026, 3, 10), "Đồng Nai, ngày 10 tháng 3 năm 2026"),
    ],
)
def test_date_line(day, expected):
    assert date_line(place="Đồng Nai", on_date=day) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [(Decimal("90.00"), "90%"), (Decimal("86.67"), "86,67%"), (Decimal("82.50"), "82,5%")]
)
def test_format_percent(value, expected):
    assert format_percent(value) == expected


def test_serial_file_name():
    assert services.serial_file_name("0001/2026/GCN-STP") == "0001-2026-GCN-STP.pdf"
    assert services.serial_file_name("0001/2026/../x y") == "0001-2026----x-y.pdf"


def test_register_export_keeps_formula_like_text_as_text_and_dates_as_dates(tmp_path, tree, version):
    staff = person(tree["vp"], name='=HYPERLINK("http://x")')
    certificate, _created = services.certificate_issue(completion=quiz_completion(staff=staff, version=version))
    target = tmp_path / "so.xlsx"

    count = services.register_export_xlsx(
        certificates=Certificate.objects.select_related("staff", "replaces"), target=target
    )

    sheet = load_workbook(target).active
    rows = table_rows(sheet)
    assert count == 1
    assert rows[0][:4] == ("Số vào sổ", "Số hiệu", "Ngày cấp", "Họ và tên")
    assert rows[1][0] == certificate.serial
    assert rows[1][3] == '=HYPERLINK("http://x")'
    name_cell = sheet.cell(row=header_row_of(sheet) + 1, column=4)
    assert name_cell.data_type == "s" and name_cell.quotePrefix
    assert rows[1][2] == dt.datetime.combine(certificate.issued_on, dt.time())
    assert rows[1][8] == dt.datetime.combine(certificate.completed_on, dt.time())
    assert rows[1][12] == "Còn hiệu lực"


@pytest.mark.libreoffice
def test_register_export_is_printable(tmp_path, tree, version):
    for name in ["Nguyễn Văn An", "Trần Thị Bích Ngọc"]:
        services.certificate_issue(completion=quiz_completion(staff=person(tree["vp"], name=name), version=version))
    target = tmp_path / "so.xlsx"
    services.register_export_xlsx(
        certificates=Certificate.objects.select_related("staff", "replaces").order_by("number"),
        target=target,
        as_of=dt.date(2026, 12, 3),
    )

    sheet = load_workbook(target).active
    assert_printable(
        sheet,
        name="Sổ cấp giấy chứng nhận",
        title=["Sổ cấp giấy chứng nhận", "03/12/2026"],
        date_columns=[2, 8],
    )
    issued = format_date(Certificate.objects.first().issued_on)
    text = assert_prints(target, tmp_path, title="Sổ cấp giấy chứng nhận", header=["Số vào sổ"])
    assert issued in text and "Trần Thị Bích Ngọc" in text


def test_completion_issues_after_commit_when_the_course_says_so(tree, version, django_capture_on_commit_callbacks):
    CourseCertificateSetting.objects.create(course=version.course, issue_on_completion=True)
    staff = person(tree["vp"], name="Trần Văn Đạt")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        completion = quiz_completion(staff=staff, version=version)
    assert not Certificate.objects.exists()  # not before the commit
    assert len(callbacks) == 1

    with django_capture_on_commit_callbacks(execute=True):
        callbacks[0]()
    certificate = Certificate.objects.get()
    assert certificate.completion == completion
    assert certificate.holder_name == "Trần Văn Đạt"
    assert certificate.pdf_sha256


def test_completion_issues_nothing_when_the_course_does_not_say_so(tree, version, django_capture_on_commit_callbacks):
    CourseCertificateSetting.objects.create(course=version.course, issue_on_completion=False)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        quiz_completion(staff=person(tree["vp"]), version=version)
    assert callbacks == []
    assert not Certificate.objects.exists()
