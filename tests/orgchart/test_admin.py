"""The Office's admin: who gets in, the import pages (upload → preview → confirm), exports.

The imports go through import-export's own views and our resources; the file reader, the
services and the database are all real.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from core.importing import read_table
from core.spreadsheets import sheet_title
from orgchart.models import Membership, Staff, StaffCategory, Unit, UnitVersion
from orgchart.resources import RosterResource, UnitResource
from orgchart.selectors import membership_list_in_unit_on, unit_tree_on
from orgchart.services.roster import roster_import
from orgchart.services.units import units_import
from tests.factories import MembershipFactory, StaffFactory, UnitFactory, UserFactory
from tests.spreadsheets import assert_printable, assert_prints, header_row_of, table_rows

from .files import ROSTER_HEADER, UNITS_HEADER, csv_bytes, xlsx_bytes

CHANGELISTS = ["orgchart_unit", "orgchart_staff", "orgchart_membership"]
ON = dt.date(2026, 7, 1)


def _url(name: str, *args) -> str:
    return reverse(f"admin:{name}", args=args)


@pytest.fixture
def office_client(client, office_admin):
    client.force_login(office_admin)
    return client


@pytest.fixture
def staff_only_user(tree):
    """`is_staff` and even Django model permissions, but not the Office."""
    user = UserFactory(email="khong.phai.vp@stp.dongnai.gov.vn", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="orgchart"))
    return user


# --- who gets in ------------------------------------------------------------------------------


@pytest.mark.parametrize("page", [*(f"{name}_changelist" for name in CHANGELISTS), "index"])
@pytest.mark.parametrize("role", ["office_admin", "superuser"])
def test_office_and_superuser_open_every_changelist(client, request, tree, role, page):
    client.force_login(request.getfixturevalue(role))
    MembershipFactory(unit=tree["vp"])  # something to list

    response = client.get(_url(page))

    assert response.status_code == 200


@pytest.mark.parametrize(
    "page",
    [
        "index",
        *(f"{name}_changelist" for name in CHANGELISTS),
        "orgchart_staff_import",
        "orgchart_staff_export",
        "orgchart_unit_import",
    ],
)
def test_is_staff_alone_opens_nothing(client, staff_only_user, page):
    client.force_login(staff_only_user)

    response = client.get(_url(page))

    # Signed in but not the Office: the admin does not exist for them (no redirect, no 403).
    assert response.status_code == 404
    assert client.get(reverse("admin:login")).status_code == 404


def test_admin_login_hands_over_to_allauth(client, db):
    response = client.get(_url("index"), follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
    assert "next=/admin/" in response.redirect_chain[-1][0]


def test_staff_changelist_shows_the_current_unit_without_n_plus_one(office_client, tree):
    def people(count: int) -> None:
        for _ in range(count):
            person = StaffFactory()
            MembershipFactory(
                staff=person, unit=tree["tgpl"], valid_from=dt.date(2024, 1, 1), valid_to=dt.date(2024, 12, 31)
            )
            MembershipFactory(
                staff=person, unit=tree["vp"], position="Chuyên viên chính", valid_from=dt.date(2025, 1, 1)
            )

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = office_client.get(_url("orgchart_staff_changelist"))
        assert response.status_code == 200
        return len(captured)

    people(2)
    few = queries()
    people(40)
    many = queries()

    assert few == many
    response = office_client.get(_url("orgchart_staff_changelist"))
    assert "Văn phòng Sở (VP)" in response.content.decode()
    assert "Chuyên viên chính" in response.content.decode()


def test_staff_changelist_search_ignores_diacritics(office_client, tree):
    MembershipFactory(staff=StaffFactory(full_name="Nguyễn Thị Ánh Tuyết", code="CB-TUYET"), unit=tree["vp"])
    MembershipFactory(staff=StaffFactory(full_name="Lê Văn Hùng", code="CB-HUNG"), unit=tree["vp"])

    response = office_client.get(_url("orgchart_staff_changelist"), {"q": "anh tuyet"})

    assert response.context["cl"].result_count == 1
    assert "CB-TUYET" in response.content.decode()


# --- the roster import page -----------------------------------------------------------------


def _roster_file(rows, *, kind: str = "xlsx") -> SimpleUploadedFile:
    grid = [ROSTER_HEADER, *rows]
    content = xlsx_bytes(grid) if kind == "xlsx" else csv_bytes(grid)
    return SimpleUploadedFile(f"danh-sach.{kind}", content)


def _row(code, name, unit, *, position="Chuyên viên", category="Công chức", email=None):
    return [code, name, email or f"{code.lower()}@stp.dongnai.gov.vn", unit, position, category, "Không", "05/09/1985"]


def _upload(client, upload, *, effective_date: dt.date = ON, url: str = "orgchart_staff_import"):
    return client.post(_url(url), {"import_file": upload, "effective_date": effective_date.strftime("%d/%m/%Y")})


def _confirm(client, preview, *, url: str = "orgchart_staff_process_import", **answers):
    confirm_form = preview.context["confirm_form"]
    data = {name: confirm_form[name].value() for name in confirm_form.fields} | answers
    data = {name: value for name, value in data.items() if value is not None}
    if "effective_date" in data:
        data["effective_date"] = data["effective_date"].strftime("%d/%m/%Y")
    return client.post(_url(url), data)


def test_roster_import_preview_writes_nothing_then_confirm_writes(office_client, tree):
    upload = _roster_file(
        [
            _row("CB001", "Nguyễn Văn An", "VP", position="Chánh Văn phòng", category="Lãnh đạo"),
            _row("CB002", "Trần Thị Bình", "VP-TH"),
            _row("CB003", "Lê Minh Châu", "TGPL", category="Viên chức"),
        ]
    )

    preview = _upload(office_client, upload)

    assert preview.status_code == 200
    page = preview.content.decode()
    assert preview.context["confirm_form"] is not None
    for code, name in [("CB001", "Nguyễn Văn An"), ("CB002", "Trần Thị Bình"), ("CB003", "Lê Minh Châu")]:
        assert code in page and name in page
    assert "→ VP-TH" in page
    assert "3 mới" in page and "chạy thử" in page
    assert Staff.objects.count() == 0
    assert Membership.objects.count() == 0

    done = _confirm(office_client, preview)

    assert done.status_code == 302
    assert done["Location"] == _url("orgchart_staff_changelist")
    assert Staff.objects.count() == 3
    in_vp = membership_list_in_unit_on(unit=tree["vp"], on_date=ON)
    assert sorted(m.staff.code for m in in_vp) == ["CB001", "CB002"]
    assert set(Membership.objects.values_list("valid_from", flat=True)) == {ON}
    leader = Membership.objects.get(staff__code="CB001")
    assert (leader.position, leader.category) == ("Chánh Văn phòng", StaffCategory.LEADER)
    assert Staff.objects.get(code="CB002").search_text  # index fields set by the service
    log = LogEntry.objects.get()
    assert "3 mới" in log.change_message
    messages = [str(m) for m in done.wsgi_request._messages]
    assert any("3 mới" in m for m in messages)


def test_roster_reimport_preview_lists_movers_and_leavers(office_client, tree):
    roster_import(
        rows=[
            dict(zip(ROSTER_HEADER, row, strict=True))
            for row in [
                _row("CB001", "Nguyễn Văn An", "VP"),
                _row("CB002", "Trần Thị Bình", "VP"),
                _row("CB003", "Lê Minh Châu", "TGPL"),
            ]
        ],
        effective_date=dt.date(2026, 1, 1),
    )
    upload = _roster_file([_row("CB001", "Nguyễn Văn An", "TGPL"), _row("CB003", "Lê Minh Châu", "TGPL")], kind="csv")

    preview = _upload(office_client, upload)

    page = preview.content.decode()
    assert "VP → TGPL" in page
    assert "CB002" in page and "nghỉ từ 01/07/2026" in page
    assert "1 chuyển đơn vị" in page and "1 nghỉ" in page
    assert Membership.objects.filter(valid_to__isnull=False).count() == 0
    # One of three leaves (more than 10%): the list, and a second step asking for the number.
    assert 'class="errorlist lantoa-import-leavers"' in page
    assert 'name="confirm_leavers"' in page

    refused = _confirm(office_client, preview)  # confirmed without the number: refused, nothing written
    assert "hãy xác nhận số 1" in refused.content.decode()
    assert Membership.objects.filter(valid_to__isnull=False).count() == 0

    upload.seek(0)
    _confirm(office_client, _upload(office_client, upload), confirm_leavers=1)

    assert Membership.objects.get(staff__code="CB002").valid_to == ON - dt.timedelta(days=1)
    assert Membership.objects.get(staff__code="CB001", valid_to__isnull=True).unit == tree["tgpl"]
    assert Staff.objects.filter(code="CB002").exists()  # end-dated, never deleted


def test_roster_import_with_bad_rows_shows_every_problem_in_vietnamese_and_writes_nothing(office_client, tree):
    upload = _roster_file(
        [
            _row("CB001", "Nguyễn Văn An", "KHONG-CO"),
            _row("CB002", "Trần Thị Bình", "VP", category="Cán bộ"),
            _row("CB002", "Trần Thị Bình", "VP"),
        ]
    )

    response = _upload(office_client, upload)

    assert response.status_code == 200
    assert response.context.get("confirm_form") is None
    problems = response.context["result"].problems
    page = response.content.decode()
    assert 'Dòng 2, cột "Mã đơn vị": không có đơn vị nào có mã "KHONG-CO"' in problems[0]
    assert any(p.startswith('Dòng 3, cột "Đối tượng": "Cán bộ" không hợp lệ') for p in problems)
    assert any(p.startswith('Dòng 4, cột "Mã cán bộ": mã "CB002" trùng với dòng 3') for p in problems)
    for problem in problems:
        assert problem.replace('"', "&quot;") in page
    assert Staff.objects.count() == 0
    assert Membership.objects.count() == 0


def test_header_only_file_is_refused_on_the_preview(office_client, tree):
    response = _upload(office_client, SimpleUploadedFile("danh-sach.csv", (",".join(ROSTER_HEADER) + "\n").encode()))

    assert response.status_code == 200
    assert response.context.get("confirm_form") is None
    assert "chỉ có dòng tiêu đề" in response.content.decode()
    assert Staff.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("danh-sach.xlsx", b"%PDF-1.4 not a workbook", "không phải là tệp Excel .xlsx hợp lệ (nội dung là tệp PDF)"),
        ("danh-sach.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "Excel 97-2003 (.xls)"),
        ("danh-sach.pdf", b"%PDF-1.4", 'Định dạng tệp ".pdf" không được hỗ trợ'),
        ("danh-sach.csv", "Mã,Tên\nAn,Bình\n".encode("cp1252"), "không dùng bảng mã UTF-8"),
    ],
)
def test_unreadable_files_are_refused_in_vietnamese(office_client, tree, name, content, expected):
    response = _upload(office_client, SimpleUploadedFile(name, content))

    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["import_file"])
    assert expected in errors
    assert response.context.get("confirm_form") is None
    assert Staff.objects.count() == 0


def test_legacy_encoded_roster_is_refused(office_client, tree):
    response = _upload(office_client, _roster_file([_row("CB001", "Lª ThÞ Thu", "VP")]))

    assert any("TCVN3" in problem for problem in response.context["result"].problems)
    assert Staff.objects.count() == 0


def test_oversized_file_is_refused_before_reading(office_client, tree, settings):
    settings.LANTOA_IMPORT_MAX_BYTES = 2048
    upload = _roster_file([_row(f"CB{n:03d}", "Nguyễn Văn An", "VP") for n in range(200)], kind="csv")

    response = _upload(office_client, upload)

    assert "Tệp quá lớn" in " ".join(response.context["form"].errors["import_file"])
    assert Staff.objects.count() == 0


def test_confirm_reports_problems_when_the_data_changed_since_the_preview(office_client, tree):
    preview = _upload(office_client, _roster_file([_row("CB001", "Nguyễn Văn An", "TGPL")]))
    # Closed between preview and confirm (ended before the roster's date).
    Unit.objects.filter(code="TGPL").update(is_active=False)
    UnitVersion.objects.filter(unit__code="TGPL").update(valid_to=dt.date(2000, 1, 1))

    response = _confirm(office_client, preview)

    assert response.status_code == 200
    assert any('"TGPL" không hoạt động vào ngày' in problem for problem in response.context["result"].problems)
    assert Staff.objects.count() == 0


# --- the units import page -------------------------------------------------------------------


def test_units_import_preview_then_confirm(office_client, tree):
    grid = [
        UNITS_HEADER,
        ["STP", "Sở Tư pháp tỉnh Đồng Nai", "", "Sở"],
        ["PBGD", "Phòng Phổ biến, giáo dục pháp luật", "STP", "Phòng"],
        ["TGPL", "Trung tâm Trợ giúp pháp lý nhà nước tỉnh Đồng Nai", "STP", "Đơn vị sự nghiệp"],
    ]

    preview = office_client.post(
        _url("orgchart_unit_import"),
        {"import_file": SimpleUploadedFile("don-vi.xlsx", xlsx_bytes(grid)), "format": "", "resource": ""},
    )

    page = preview.content.decode()
    assert "PBGD" in page and "trong STP" in page
    assert "Trung tâm Trợ giúp pháp lý nhà nước tỉnh Đồng Nai" in page
    assert not Unit.objects.filter(code="PBGD").exists()

    _confirm(office_client, preview, url="orgchart_unit_process_import")

    pbgd = Unit.objects.get(code="PBGD")
    assert Unit.objects.get_parent(pbgd).code == "STP"
    assert Unit.objects.get(code="TGPL").name.endswith("tỉnh Đồng Nai")


def test_units_import_page_takes_an_effective_date(office_client, tree):
    grid = [
        UNITS_HEADER,
        ["STP", "Sở Tư pháp tỉnh Đồng Nai", "", "Sở"],
        ["PBGD", "Phòng Phổ biến, giáo dục pháp luật", "STP", "Phòng"],
        ["TGPL", "Trung tâm Trợ giúp pháp lý nhà nước", "STP", "Đơn vị sự nghiệp"],
    ]
    preview = _upload(
        office_client,
        SimpleUploadedFile("don-vi.xlsx", xlsx_bytes(grid)),
        effective_date=dt.date(2026, 7, 1),
        url="orgchart_unit_import",
    )
    page = preview.content.decode()
    assert "VP-TH" in page and "ngừng hoạt động từ 01/07/2026" in page

    _confirm(office_client, preview, url="orgchart_unit_process_import")

    before = {unit.code for unit in unit_tree_on(on_date=dt.date(2026, 6, 30)).values()}
    after = {unit.code for unit in unit_tree_on(on_date=dt.date(2026, 7, 1)).values()}
    assert before == {"STP", "VP", "VP-TH", "TGPL"}
    assert after == {"STP", "PBGD", "TGPL"}


# --- exports -----------------------------------------------------------------------------------

DANGEROUS = ['=HYPERLINK("http://x")', "+84 912", "-1+1", "@SUM(A1)", "\tTab", "\rCR"]


def _export(client, model: str, resource: str, fields: list[str], file_format: int) -> bytes:
    data = {"format": str(file_format), "resource": "0"}
    data.update({f"{resource}_{field}": "on" for field in fields})
    response = client.post(_url(f"orgchart_{model}_export"), data)
    assert response.status_code == 200, response.content[:500]
    return response.content


ROSTER_FIELDS = ["code", "full_name", "email", "unit", "position", "category", "is_communications", "date_of_birth"]


@pytest.mark.parametrize("dangerous", DANGEROUS)
def test_staff_export_escapes_formula_cells(office_client, tree, dangerous):
    person = StaffFactory(code="CB-1", full_name=dangerous, date_of_birth=dt.date(1985, 9, 5))
    MembershipFactory(staff=person, unit=tree["vp"], position=dangerous, category=StaffCategory.LEADER)

    content = _export(office_client, "staff", "rosterresource", ROSTER_FIELDS, file_format=1)  # CSV

    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    assert rows[0] == ROSTER_HEADER
    assert rows[1] == [
        "CB-1",
        "'" + dangerous,
        person.email,
        "VP",
        "'" + dangerous,
        "Lãnh đạo",
        "Không",
        "05/09/1985",
    ]


def _people_and_units_to_export(tree):
    people = [
        ("CB001", "=1+2", "VP", "Chánh Văn phòng", StaffCategory.LEADER),
        ("CB002", "Trần Thị Bình", "VP-TH", "-Chuyên viên", StaffCategory.CIVIL_SERVANT),
        ("CB003", "Lê Minh Châu", "TGPL", "Trợ giúp viên pháp lý", StaffCategory.PUBLIC_EMPLOYEE),
    ]
    for code, name, unit, position, category in people:
        MembershipFactory(
            staff=StaffFactory(
                code=code, full_name=name, is_communications=code == "CB003", date_of_birth=dt.date(1985, 9, 5)
            ),
            unit=Unit.objects.get(code=unit),
            position=position,
            category=category,
        )
    leaver = StaffFactory(code="CB009")
    MembershipFactory(staff=leaver, unit=tree["vp"], valid_to=dt.date(2025, 6, 30))
    Unit.objects.filter(code="VP-TH").update(name="@Tổ Tổng hợp")
    UnitVersion.objects.filter(unit__code="VP-TH").update(name="@Tổ Tổng hợp")  # the dated name too


def _table_only(xlsx: bytes) -> bytes:
    """The export without its title block (what an import that finds the header below one reads)."""
    workbook = load_workbook(io.BytesIO(xlsx))
    sheet = workbook.active
    sheet.delete_rows(1, header_row_of(sheet) - 1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_exports_keep_text_as_typed_and_reimport_unchanged(office_client, tree):
    _people_and_units_to_export(tree)

    staff_xlsx = _export(office_client, "staff", "rosterresource", ROSTER_FIELDS, file_format=0)
    units_xlsx = _export(office_client, "unit", "unitresource", ["code", "name", "parent_code", "kind"], file_format=0)

    sheet = load_workbook(io.BytesIO(staff_xlsx)).active
    values = [list(row) for row in table_rows(sheet)]
    assert values[0] == ROSTER_HEADER
    assert [row[0] for row in values[1:]] == ["CB001", "CB002", "CB003"]  # the leaver is not on the roster
    # Formula-like text is a text cell holding exactly the value (no apostrophe to show or strip).
    assert values[1][1] == "=1+2" and values[2][4] == "-Chuyên viên"
    first = header_row_of(sheet) + 1
    assert sheet.cell(row=first, column=2).data_type == "s" and sheet.cell(row=first, column=2).quotePrefix
    assert values[3][3:8] == ["TGPL", "Trợ giúp viên pháp lý", "Viên chức", "Có", dt.datetime(1985, 9, 5)]
    unit_rows = [list(row) for row in table_rows(load_workbook(io.BytesIO(units_xlsx)).active)]
    assert unit_rows[0] == UNITS_HEADER
    assert ["VP-TH", "@Tổ Tổng hợp", "VP", "Tổ"] in unit_rows
    assert ["STP", "Sở Tư pháp tỉnh Đồng Nai", None, "Sở"] in unit_rows

    # What is exported re-imports as "nothing changes", the formula-like cells included.
    roster = roster_import(
        rows=read_table(content=_table_only(staff_xlsx), filename="x.xlsx"), effective_date=ON, dry_run=True
    )
    units = units_import(rows=read_table(content=_table_only(units_xlsx), filename="x.xlsx"), dry_run=True)
    assert (roster.joined, roster.moved, roster.updated, roster.left, roster.unchanged) == (0, 0, 0, 0, 3)
    assert (units.created, units.updated, units.moved, units.unchanged) == (0, 0, 0, 4)


def test_xlsx_export_reimports_unchanged_as_downloaded(office_client, tree):
    _people_and_units_to_export(tree)
    staff_xlsx = _export(office_client, "staff", "rosterresource", ROSTER_FIELDS, file_format=0)
    units_xlsx = _export(office_client, "unit", "unitresource", ["code", "name", "parent_code", "kind"], file_format=0)

    # The download as it is (title row above the header): the import finds the table and writes nothing new.
    roster = roster_import(rows=read_table(content=staff_xlsx, filename="x.xlsx"), effective_date=ON)
    units = units_import(rows=read_table(content=units_xlsx, filename="x.xlsx"))
    assert (roster.joined, roster.moved, roster.updated, roster.left, roster.unchanged) == (0, 0, 0, 0, 3)
    assert (units.created, units.updated, units.moved, units.unchanged) == (0, 0, 0, 4)
    assert Staff.objects.get(code="CB001").full_name == "=1+2"
    assert Membership.objects.get(staff__code="CB002", valid_to__isnull=True).position == "-Chuyên viên"
    assert Unit.objects.get(code="VP-TH").name == "@Tổ Tổng hợp"


@pytest.mark.libreoffice
def test_admin_xlsx_exports_are_printable(office_client, tree, tmp_path):
    _people_and_units_to_export(tree)

    staff_xlsx = _export(office_client, "staff", "rosterresource", ROSTER_FIELDS, file_format=0)
    units_xlsx = _export(office_client, "unit", "unitresource", ["code", "name", "parent_code", "kind"], file_format=0)

    staff_sheet = load_workbook(io.BytesIO(staff_xlsx)).active
    with translation.override("vi"):  # what the admin answers in (whatever the compiled catalogue says)
        roster_title, units_title = str(RosterResource.export_title), str(UnitResource.export_title)
        title_of = {what: sheet_title(what=what, as_of=timezone.localdate()) for what in (roster_title, units_title)}
    assert_printable(staff_sheet, name=roster_title, title=[title_of[roster_title]], date_columns=[7])
    assert_printable(load_workbook(io.BytesIO(units_xlsx)).active, name=units_title, title=[title_of[units_title]])
    text = assert_prints(staff_xlsx, tmp_path / "staff", title=title_of[roster_title], header=["Mã cán bộ"])
    assert "05/09/1985" in text and "=1+2" in text and "'=1+2" not in text
    assert_prints(units_xlsx, tmp_path / "units", title=title_of[units_title], header=["Mã đơn vị"])


# --- editing a person --------------------------------------------------------------------------


def _change_form_data(response) -> dict:
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value in (None, False):
            continue
        data[name] = value.strftime("%d/%m/%Y") if isinstance(value, dt.date) else value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update({formset.add_prefix(k): v for k, v in formset.management_form.initial.items()})
        for sub in formset.forms:
            for name in sub.fields:
                value = sub[name].value()
                if value is not None:
                    data[sub.add_prefix(name)] = value
    return data


def test_editing_a_person_goes_through_the_service(office_client, tree):
    person = StaffFactory(code="CB001", full_name="Nguyen Van An")
    MembershipFactory(staff=person, unit=tree["vp"])
    url = _url("orgchart_staff_change", person.pk)
    page = office_client.get(url)
    assert "Văn phòng Sở" in page.content.decode()  # the history inline

    data = _change_form_data(page) | {"full_name": "  Nguyễn Văn Ân  "}
    response = office_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    person.refresh_from_db()
    assert person.full_name == "Nguyễn Văn Ân"
    assert person.search_text.startswith("nguyen van an")
    assert Membership.objects.filter(staff=person).count() == 1


def test_a_legacy_encoded_name_is_refused_on_the_form(office_client, tree):
    person = StaffFactory(code="CB001", full_name="Lê Thị Thu")
    page = office_client.get(_url("orgchart_staff_change", person.pk))

    response = office_client.post(
        _url("orgchart_staff_change", person.pk), _change_form_data(page) | {"full_name": "Lª ThÞ Thu"}
    )

    assert response.status_code == 200
    assert "full_name" in response.context["adminform"].form.errors
    person.refresh_from_db()
    assert person.full_name == "Lê Thị Thu"


def test_staff_cannot_be_added_or_deleted_in_the_admin(office_client, tree):
    person = StaffFactory()

    assert office_client.get(_url("orgchart_staff_add")).status_code == 403
    assert office_client.post(_url("orgchart_staff_delete", person.pk), {"post": "yes"}).status_code == 403
    assert Staff.objects.filter(pk=person.pk).exists()


def test_memberships_are_read_only(office_client, tree):
    membership = MembershipFactory(unit=tree["vp"])

    assert office_client.get(_url("orgchart_membership_change", membership.pk)).status_code == 200
    assert office_client.post(_url("orgchart_membership_change", membership.pk), {"position": "X"}).status_code == 403
    assert office_client.get(_url("orgchart_membership_add")).status_code == 403
    membership.refresh_from_db()
    assert membership.position == "Chuyên viên"


def test_membership_changelist_filters_by_unit_and_has_a_date_hierarchy(office_client, tree):
    MembershipFactory(unit=tree["vp"], valid_from=dt.date(2025, 3, 1))
    MembershipFactory(unit=tree["tgpl"], valid_from=dt.date(2026, 3, 1))

    by_unit = office_client.get(_url("orgchart_membership_changelist"), {"unit__id__exact": tree["tgpl"].pk})
    by_year = office_client.get(_url("orgchart_membership_changelist"), {"valid_from__year": "2025"})

    assert by_unit.context["cl"].result_count == 1
    assert by_year.context["cl"].result_count == 1


# --- the other pages ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "page", ["orgchart_unit_add", "orgchart_unit_import", "orgchart_unit_export", "orgchart_staff_export"]
)
def test_office_pages_render(office_client, tree, page):
    assert office_client.get(_url(page)).status_code == 200


def test_roster_import_page_asks_for_the_effective_date(office_client, tree):
    response = office_client.get(_url("orgchart_staff_import"))

    form = response.context["form"]
    assert "effective_date" in form.fields
    assert form["effective_date"].value() == timezone.localdate() or form.initial == {}
    assert 'name="effective_date"' in response.content.decode()


def test_adding_a_unit_under_a_parent_through_the_tree_form(office_client, tree):
    response = office_client.post(
        _url("orgchart_unit_add"),
        {
            "code": "TGPL-LD",
            "name": "Tổ Trợ giúp pháp lý lưu động",
            "kind": "team",
            "is_active": "on",
            "treebeard_position": "first-child",
            "treebeard_ref_node": str(tree["tgpl"].pk),
            "effective_date": "2026-07-01",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Unit.objects.get_parent(Unit.objects.get(code="TGPL-LD")).code == "TGPL"
    # It opens on the date given: the tree of the day before does not have it.
    assert "TGPL-LD" not in {unit.code for unit in unit_tree_on(on_date=dt.date(2026, 6, 30)).values()}
    assert unit_tree_on(on_date=dt.date(2026, 7, 1))[Unit.objects.get(code="TGPL-LD").pk].parent == "TGPL"


def _edit_unit(office_client, unit, **changes):
    data = {
        "code": unit.code,
        "name": unit.name,
        "kind": unit.kind,
        "is_active": "on",
        "treebeard_position": "first-child",
        "treebeard_ref_node": str(Unit.objects.get_parent(unit).pk),
        "effective_date": "2026-07-01",
        **changes,
    }
    return office_client.post(_url("orgchart_unit_change", unit.pk), {k: v for k, v in data.items() if v is not None})


def test_moving_and_renaming_a_unit_in_the_admin_is_dated(office_client, tree):
    response = _edit_unit(office_client, tree["vp_team"], name="Tổ Pháp chế", treebeard_ref_node=str(tree["tgpl"].pk))

    assert response.status_code == 302, response.context["adminform"].form.errors
    before = {unit.code: unit for unit in unit_tree_on(on_date=dt.date(2026, 6, 30)).values()}
    after = {unit.code: unit for unit in unit_tree_on(on_date=dt.date(2026, 7, 1)).values()}
    assert (before["VP-TH"].name, before["VP-TH"].parent) == ("Tổ Tổng hợp", "VP")
    assert (after["VP-TH"].name, after["VP-TH"].parent) == ("Tổ Pháp chế", "TGPL")
    assert after["VP-TH"].path.startswith(after["TGPL"].path)


def test_closing_a_unit_in_the_admin_with_people_in_it_is_refused(office_client, tree):
    MembershipFactory(staff=StaffFactory(code="CB009", full_name="Người Chín"), unit=tree["vp_team"])

    response = _edit_unit(office_client, tree["vp_team"], is_active=None)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["effective_date"]
    assert errors == [
        'đơn vị "VP-TH" vẫn còn cán bộ công tác từ ngày 01/07/2026: CB009 (Người Chín) — hãy nhập danh sách cán bộ '
        "chuyển họ sang đơn vị khác trước."
    ]
    assert Unit.objects.get(code="VP-TH").is_active
    assert "VP-TH" in {unit.code for unit in unit_tree_on(on_date=dt.date(2026, 7, 1)).values()}


def test_closing_an_empty_unit_in_the_admin_ends_it_the_day_before(office_client, tree):
    response = _edit_unit(office_client, tree["vp_team"], is_active=None)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert "VP-TH" in {unit.code for unit in unit_tree_on(on_date=dt.date(2026, 6, 30)).values()}
    assert "VP-TH" not in {unit.code for unit in unit_tree_on(on_date=dt.date(2026, 7, 1)).values()}


def test_unit_changelist_lists_heads(office_client, tree):
    head = StaffFactory(full_name="Phạm Minh Khác")
    tree["root"].heads.add(head)

    response = office_client.get(_url("orgchart_unit_changelist"))

    assert "Phạm Minh Khác" in response.content.decode()


def test_invitation_action_is_wired(office_client, tree, mailoutbox, django_capture_on_commit_callbacks):
    person = StaffFactory(code="CB001", email="an.nguyen@stp.dongnai.gov.vn")
    MembershipFactory(staff=person, unit=tree["vp"])

    with django_capture_on_commit_callbacks(execute=True):
        response = office_client.post(
            _url("orgchart_staff_changelist"),
            {"action": "invite_selected_staff", "_selected_action": [str(person.pk)]},
        )

    assert response.status_code == 302
    assert [message.to for message in mailoutbox] == [["an.nguyen@stp.dongnai.gov.vn"]]


def test_preview_names_ignored_columns_and_hidden_rows(office_client, tree):
    """The corpus file with a hidden row and two columns nobody asked for (tests/data/imports/)."""
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "data" / "imports" / "hidden_row_extra_columns.xlsx"
    preview = _upload(office_client, SimpleUploadedFile(path.name, path.read_bytes()))

    page = preview.content.decode()
    assert preview.context["confirm_form"] is not None
    assert "Bỏ qua các cột không dùng: &quot;Quê quán&quot; (cột J), &quot;Ghi chú&quot; (cột K)." in page
    assert "Có dòng đang bị ẩn (bộ lọc hoặc ẩn dòng) — vẫn được nhập: dòng 3." in page
    assert Staff.objects.count() == 0


def test_export_page_offers_the_fields_under_their_vietnamese_column_names(office_client, tree):
    page = office_client.get(_url("orgchart_staff_export")).content.decode()
    for column in ROSTER_HEADER:
        assert f">{column}<" in page or f"{column}</label>" in page, column
    assert "Code (" not in page and "Is Communications" not in page


def test_unit_autocomplete_finds_units_without_accents(office_client, tree):
    UnitFactory(code="PBGDPL", name="Phòng Phổ biến, giáo dục pháp luật", parent=tree["root"])
    response = office_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "courses", "model_name": "assignmentunit", "field_name": "unit", "term": "pho bien"},
    )
    assert response.status_code == 200, response.content[:300]
    assert [row["text"] for row in response.json()["results"]] == ["Phòng Phổ biến, giáo dục pháp luật (PBGDPL)"]
    listed = office_client.get(_url("orgchart_unit_changelist"), {"q": "PHO BIEN giao duc"}).content.decode()
    assert "Phòng Phổ biến, giáo dục pháp luật" in listed and "Văn phòng Sở" not in listed
