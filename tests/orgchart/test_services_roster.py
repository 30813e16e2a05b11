"""roster_import: reconciliation across effective dates, every refusal, nothing written on failure."""

import datetime as dt
import unicodedata

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from core.importing import ImportRefused, read_table
from core.text import fold_diacritics, name_sort_key
from orgchart.models import Membership, Staff, StaffCategory
from orgchart.selectors import membership_list_in_unit_on
from orgchart.services.roster import roster_import

from ..factories import MembershipFactory, StaffFactory, UnitFactory
from .files import ROSTER_HEADER, csv_bytes, grid_of, person, xlsx_bytes

D0 = dt.date(2026, 1, 1)


def db_state():
    """Everything the import could write, to compare before and after a refusal."""
    return (
        list(Staff.objects.order_by("pk").values_list()),
        list(Membership.objects.order_by("pk").values_list()),
    )


@pytest.fixture
def baseline(tree):
    """Three people imported on D0: two in the Office (one in its team), one in legal aid."""
    roster_import(
        rows=[
            person("CB001", "Nguyễn Văn An", "VP", position="Chánh Văn phòng", category="Lãnh đạo"),
            person("CB002", "Trần Thị Bình", "VP-TH"),
            person("CB003", "Lê Minh Châu", "TGPL", category="Viên chức", communications="Có"),
        ],
        effective_date=D0,
    )
    return tree


def baseline_rows():
    return [
        person("CB001", "Nguyễn Văn An", "VP", position="Chánh Văn phòng", category="Lãnh đạo"),
        person("CB002", "Trần Thị Bình", "VP-TH"),
        person("CB003", "Lê Minh Châu", "TGPL", category="Viên chức", communications="Có"),
    ]


def refused(rows, *, on=dt.date(2026, 3, 1)) -> list[str]:
    """Import `rows`, expect a refusal, check nothing was written, return the problems as text."""
    before = db_state()
    with pytest.raises(ImportRefused) as caught:
        roster_import(rows=rows, effective_date=on)
    assert db_state() == before
    return [str(problem) for problem in caught.value.problems]


def refused_file(content: bytes, filename: str, *, on=dt.date(2026, 3, 1)) -> list[str]:
    before = db_state()
    with pytest.raises(ImportRefused) as caught:
        roster_import(rows=read_table(content=content, filename=filename), effective_date=on)
    assert db_state() == before
    return [str(problem) for problem in caught.value.problems]


def codes_in(unit, on, *, include_descendants=True) -> set[str]:
    return {
        membership.staff.code
        for membership in membership_list_in_unit_on(unit=unit, on_date=on, include_descendants=include_descendants)
    }


# --- happy paths ------------------------------------------------------------------------


def test_first_import_creates_staff_and_memberships(tree):
    rows = [
        person("CB001", "Nguyễn Văn An", "VP", position="Chánh Văn phòng", category="Lãnh đạo", born="05/09/1975"),
        person("CB002", "Trần Thị Bình", "VP-TH", communications="Có", born=dt.datetime(1990, 1, 31)),
    ]
    summary = roster_import(rows=rows, effective_date=D0)

    assert str(summary) == (
        "Danh sách cán bộ ngày 01/01/2026: 2 mới, 0 chuyển đơn vị, 0 thay đổi thông tin, 0 nghỉ, 0 không đổi."
    )
    assert [(c.row, c.code, c.kind, c.detail) for c in summary.changes] == [
        (2, "CB001", "joined", "→ VP, Chánh Văn phòng"),
        (3, "CB002", "joined", "→ VP-TH, Chuyên viên"),
    ]
    an = Staff.objects.get(code="CB001")
    assert an.full_name == "Nguyễn Văn An"
    assert an.email == "cb001@stp.dongnai.gov.vn"
    assert an.date_of_birth == dt.date(1975, 9, 5)
    assert an.is_communications is False
    assert bytes(an.sort_key) == name_sort_key("Nguyễn Văn An")
    # The mailbox is searchable, the shared domain is not.
    assert an.search_text == fold_diacritics("Nguyễn Văn An CB001 cb001")
    binh = Staff.objects.get(code="CB002")
    assert binh.is_communications is True
    assert binh.date_of_birth == dt.date(1990, 1, 31)
    membership = an.memberships.get()
    assert (membership.unit.code, membership.position, membership.category) == ("VP", "Chánh Văn phòng", "leader")
    assert (membership.valid_from, membership.valid_to) == (D0, None)


def test_xlsx_file_end_to_end(tree):
    rows = [person("CB001", "Nguyễn Văn An", "VP", born=dt.datetime(1980, 2, 29))]
    content = xlsx_bytes(grid_of(rows))
    summary = roster_import(rows=read_table(content=content, filename="ds.xlsx"), effective_date=D0)
    assert summary.joined == 1
    assert Staff.objects.get(code="CB001").date_of_birth == dt.date(1980, 2, 29)


def test_reimporting_the_same_file_changes_nothing(baseline):
    before = db_state()
    summary = roster_import(rows=baseline_rows(), effective_date=D0)
    assert (summary.joined, summary.moved, summary.updated, summary.left, summary.unchanged) == (0, 0, 0, 0, 3)
    assert db_state() == before


def test_dry_run_reports_and_writes_nothing(baseline):
    before = db_state()
    rows = [person("CB001", "Nguyễn Văn An", "TGPL"), person("CB009", "Phạm Thị Dung", "VP")]
    summary = roster_import(rows=rows, effective_date=dt.date(2026, 3, 1), dry_run=True)
    assert str(summary) == (
        "Danh sách cán bộ ngày 01/03/2026: 1 mới, 1 chuyển đơn vị, 0 thay đổi thông tin, 2 nghỉ, 0 không đổi "
        "(chạy thử, chưa ghi gì)."
    )
    assert db_state() == before


def test_personal_fields_update_the_staff_record_only(baseline):
    rows = baseline_rows()
    rows[0] |= {"Họ và tên": "Nguyễn Văn Ân", "Email": "an.nguyen@stp.dongnai.gov.vn", "Ngày sinh": "01/01/1970"}
    summary = roster_import(rows=rows, effective_date=dt.date(2026, 2, 1))
    assert (summary.updated, summary.unchanged) == (1, 2)
    assert summary.changes[0].detail == (
        "Họ và tên: Nguyễn Văn An → Nguyễn Văn Ân; Email: cb001@stp.dongnai.gov.vn → an.nguyen@stp.dongnai.gov.vn; "
        "Ngày sinh: (trống) → 01/01/1970"
    )
    an = Staff.objects.get(code="CB001")
    assert an.full_name == "Nguyễn Văn Ân"
    assert bytes(an.sort_key) == name_sort_key("Nguyễn Văn Ân")
    assert "an.nguyen" in an.search_text and "gov.vn" not in an.search_text
    # A personal change is not an org-chart change: still one open membership from D0.
    assert list(an.memberships.values_list("valid_from", "valid_to")) == [(D0, None)]


def test_two_people_can_swap_emails(baseline):
    rows = baseline_rows()
    rows[0]["Email"], rows[1]["Email"] = rows[1]["Email"], rows[0]["Email"]
    roster_import(rows=rows, effective_date=dt.date(2026, 2, 1))
    assert Staff.objects.get(code="CB001").email == "cb002@stp.dongnai.gov.vn"
    assert Staff.objects.get(code="CB002").email == "cb001@stp.dongnai.gov.vn"


def test_newcomer_may_take_an_email_its_holder_gives_up(baseline):
    rows = baseline_rows()
    rows[0]["Email"] = "an.nguyen@stp.dongnai.gov.vn"
    rows.append(person("CB010", "Đỗ Văn Em", "VP", email="cb001@stp.dongnai.gov.vn"))
    roster_import(rows=rows, effective_date=dt.date(2026, 2, 1))
    assert Staff.objects.get(code="CB010").email == "cb001@stp.dongnai.gov.vn"


def test_without_optional_columns_existing_values_are_kept(baseline):
    rows = [{key: row[key] for key in ("Mã cán bộ", "Họ và tên", "Mã đơn vị", "Đối tượng")} for row in baseline_rows()]
    summary = roster_import(rows=rows, effective_date=dt.date(2026, 2, 1))
    assert summary.unchanged == 3
    chau = Staff.objects.get(code="CB003")
    assert (chau.email, chau.is_communications) == ("cb003@stp.dongnai.gov.vn", True)
    assert Membership.objects.get(staff__code="CB001").position == "Chánh Văn phòng"


def test_nfd_input_is_stored_nfc(tree):
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Thủy")
    assert decomposed != "Nguyễn Thị Thủy"
    roster_import(
        rows=[person("CB001", decomposed, "VP", position=unicodedata.normalize("NFD", "Phó Chánh Văn phòng"))],
        effective_date=D0,
    )
    staff = Staff.objects.get(code="CB001")
    assert staff.full_name == "Nguyễn Thị Thủy"
    assert unicodedata.is_normalized("NFC", staff.full_name)
    assert staff.memberships.get().position == "Phó Chánh Văn phòng"


def test_stray_whitespace_is_trimmed(tree):
    row = {
        " mã cán bộ ": "  CB001 ",
        "Họ và tên": "  Nguyễn   Văn\tAn  ",
        "EMAIL": " An.Nguyen@STP.dongnai.gov.vn ",
        "Mã đơn vị": " VP ",
        "Chức vụ": " Chuyên viên ",
        "Đối tượng": " công chức ",
        "Công tác truyền thông": " có ",
        "Ngày sinh": " 05/09/1985 ",
    }
    roster_import(rows=[row], effective_date=D0)
    staff = Staff.objects.get()
    assert (staff.code, staff.full_name, staff.email) == ("CB001", "Nguyễn Văn An", "an.nguyen@stp.dongnai.gov.vn")
    assert (staff.is_communications, staff.date_of_birth) == (True, dt.date(1985, 9, 5))
    membership = staff.memberships.get()
    assert (membership.unit.code, membership.position, membership.category) == ("VP", "Chuyên viên", "civil_servant")


def test_a_correction_on_the_same_day_rewrites_that_days_record(baseline):
    on = dt.date(2026, 2, 1)
    rows = baseline_rows()
    rows[1]["Mã đơn vị"] = "TGPL"
    roster_import(rows=rows, effective_date=on)
    rows[1]["Mã đơn vị"] = "VP"  # the Office corrects its file and imports again, same date
    summary = roster_import(rows=rows, effective_date=on)
    assert [(c.code, c.kind, c.detail) for c in summary.changes if c.kind != "unchanged"] == [
        ("CB002", "moved", "TGPL → VP")
    ]
    history = list(Membership.objects.filter(staff__code="CB002").values_list("unit__code", "valid_from", "valid_to"))
    assert history == [("VP-TH", D0, dt.date(2026, 1, 31)), ("VP", on, None)]


def _split_audit_inserts(queries) -> tuple[int, int]:
    """(queries other than the audit trail's inserts, the audit trail's inserts)."""
    audit = sum(1 for query in queries if query["sql"].startswith('INSERT INTO "auditlog_logentry"'))
    return len(queries) - audit, audit


def test_import_runs_a_constant_number_of_queries(tree):
    """No per-row queries: 5 and 80 rows (joiners, then movers and a leaver) cost the same.

    The audit entries (one per row written, core.audit) are inserted in batches: one per kind of
    change on PostgreSQL; on SQLite, whose statements take at most 999 parameters, one per 71 entries.
    """
    kept: list[dict] = []
    counts = []
    for size, prefix, month in ((5, "A", 1), (80, "B", 3)):
        first = [person(f"{prefix}{n:03d}", f"Nguyễn Văn Số {n}", "VP") for n in range(size)]
        with CaptureQueriesContext(connection) as joined:
            roster_import(rows=[*kept, *first], effective_date=dt.date(2026, month, 1))
        second = [row | {"Mã đơn vị": "TGPL", "Chức vụ": "Trưởng phòng"} for row in first[1:]]
        with CaptureQueriesContext(connection) as moved:
            summary = roster_import(
                rows=[*kept, *second], effective_date=dt.date(2026, month + 1, 1), confirm_leavers=1
            )
        assert (summary.moved, summary.left, summary.unchanged) == (size - 1, 1, len(kept))
        counts.append((_split_audit_inserts(joined), _split_audit_inserts(moved)))
        kept = second
    (joined_small, moved_small), (joined_large, moved_large) = counts
    assert (joined_small[0], moved_small[0]) == (joined_large[0], moved_large[0])
    # Joiners: people and memberships created; movers: memberships ended and opened (80 rows: ≤ 2 batches each).
    assert joined_small[1] == moved_small[1] == 2
    assert joined_large[1] <= 4 and moved_large[1] <= 4


# --- the reconciliation across three effective dates -----------------------------------


def test_reconciliation_across_three_effective_dates(tree):
    root, vp, vp_team, tgpl = tree["root"], tree["vp"], tree["vp_team"], tree["tgpl"]
    d1, d2, d3 = dt.date(2026, 1, 1), dt.date(2026, 4, 1), dt.date(2026, 7, 1)

    first = roster_import(
        rows=[
            person("A", "Nguyễn Văn An", "VP"),
            person("B", "Trần Thị Bình", "VP-TH"),
            person("C", "Lê Minh Châu", "TGPL", category="Viên chức"),
            person("D", "Phạm Thị Dung", "TGPL", category="Viên chức"),
            person("E", "Hoàng Văn Em", "VP"),
        ],
        effective_date=d1,
    )
    assert (first.joined, first.moved, first.updated, first.left, first.unchanged) == (5, 0, 0, 0, 0)

    second = roster_import(
        rows=[
            person("A", "Nguyễn Văn An", "TGPL"),  # moves out of the Office
            person("B", "Trần Thị Bình", "VP-TH"),
            # C leaves
            person("D", "Phạm Thị Dung", "TGPL", position="Phó Giám đốc", category="Lãnh đạo"),
            person("E", "Hoàng Văn Em", "VP"),
            person("F", "Vũ Thị Phương", "VP-TH"),  # joins
        ],
        effective_date=d2,
        confirm_leavers=1,  # one of five: more than 10%
    )
    assert (second.joined, second.moved, second.updated, second.left, second.unchanged) == (1, 1, 1, 1, 2)
    by_code = {change.code: change for change in second.changes}
    assert by_code["A"].detail == "VP → TGPL"
    assert by_code["C"].kind == "left"
    assert by_code["C"].row is None
    assert by_code["D"].detail == "Chức vụ: Chuyên viên → Phó Giám đốc; Đối tượng: Viên chức → Lãnh đạo"

    third = roster_import(
        rows=[
            person("A", "Nguyễn Văn An", "TGPL"),
            person("B", "Trần Thị Bình", "VP-TH"),
            person("C", "Lê Minh Châu", "VP", category="Công chức"),  # comes back, elsewhere
            person("D", "Phạm Thị Dung", "TGPL", position="Phó Giám đốc", category="Lãnh đạo"),
            # E leaves
            person("F", "Vũ Thị Phương", "VP"),  # moves up from the team to the Office itself
        ],
        effective_date=d3,
        confirm_leavers=1,
    )
    assert (third.joined, third.moved, third.updated, third.left, third.unchanged) == (1, 1, 0, 1, 3)
    assert [(c.code, c.kind, c.detail) for c in third.changes if c.kind != "unchanged"] == [
        ("C", "joined", "Trở lại (đã nghỉ từ 01/04/2026): → VP, Chuyên viên"),
        ("F", "moved", "VP-TH → VP"),
        ("E", "left", "VP → nghỉ từ 01/07/2026"),
    ]

    day = dt.timedelta(days=1)
    assert codes_in(root, d1 - day) == set()
    assert codes_in(vp, d1) == {"A", "B", "E"}
    assert codes_in(vp, d1, include_descendants=False) == {"A", "E"}
    assert codes_in(tgpl, d1) == {"C", "D"}
    assert codes_in(vp, d2 - day) == {"A", "B", "E"}
    assert codes_in(tgpl, d2 - day) == {"C", "D"}
    assert codes_in(vp, d2) == {"B", "E", "F"}
    assert codes_in(vp, d2, include_descendants=False) == {"E"}
    assert codes_in(vp_team, d2) == {"B", "F"}
    assert codes_in(tgpl, d2) == {"A", "D"}
    assert codes_in(root, d2) == {"A", "B", "D", "E", "F"}
    assert codes_in(vp, d3 - day) == {"B", "E", "F"}
    assert codes_in(vp, d3) == {"B", "C", "F"}
    assert codes_in(vp, d3, include_descendants=False) == {"C", "F"}
    assert codes_in(vp_team, d3) == {"B"}
    assert codes_in(root, d3) == {"A", "B", "C", "D", "F"}
    assert codes_in(root, dt.date(2030, 1, 1)) == {"A", "B", "C", "D", "F"}

    # The position change is effective-dated too.
    positions = {
        on: [m.position for m in membership_list_in_unit_on(unit=tgpl, on_date=on) if m.staff.code == "D"]
        for on in (d2 - day, d2)
    }
    assert positions == {d2 - day: ["Chuyên viên"], d2: ["Phó Giám đốc"]}
    # Nothing deleted: every person is still on file, with their whole history.
    assert Staff.objects.count() == 6
    assert list(Membership.objects.filter(staff__code="C").values_list("unit__code", "valid_from", "valid_to")) == [
        ("TGPL", d1, d2 - day),
        ("VP", d3, None),
    ]
    assert list(Membership.objects.filter(staff__code="E").values_list("valid_from", "valid_to")) == [(d1, d3 - day)]


# --- refusals: one test per kind of bad input --------------------------------------------


def test_duplicate_codes_are_refused(baseline):
    rows = [*baseline_rows(), person("cb002", "Đỗ Văn Em", "VP", email="em.do@stp.dongnai.gov.vn")]
    assert refused(rows) == ['Dòng 5, cột "Mã cán bộ": mã "cb002" trùng với dòng 3.']


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", 'Dòng 2, cột "Mã cán bộ": bắt buộc, không được để trống.'),
        (
            "CB 01",
            'Dòng 2, cột "Mã cán bộ": "CB 01" không hợp lệ: mã chỉ được gồm chữ cái không dấu, chữ số, dấu chấm, '
            "gạch ngang, gạch dưới (tối đa 32 ký tự).",
        ),
    ],
)
def test_bad_codes_are_refused(tree, code, message):
    assert refused([person("X", "Nguyễn Văn An", "VP", email="an@stp.dongnai.gov.vn") | {"Mã cán bộ": code}]) == [
        message
    ]


def test_unknown_unit_is_refused(baseline):
    rows = baseline_rows()
    rows[2]["Mã đơn vị"] = "TTDG"
    assert refused(rows) == [
        'Dòng 4, cột "Mã đơn vị": không có đơn vị nào có mã "TTDG" — '
        "hãy kiểm tra lại mã hoặc nhập danh sách đơn vị trước."
    ]


def test_inactive_unit_is_refused(tree):
    UnitFactory(code="CU", name="Phòng đã giải thể", parent=tree["root"], is_active=False)
    assert refused([person("CB001", "Nguyễn Văn An", "CU")]) == [
        'Dòng 2, cột "Mã đơn vị": đơn vị "CU" không hoạt động vào ngày 01/03/2026 — hãy kiểm tra lại mã đơn vị.'
    ]


@pytest.mark.parametrize(
    ("born", "message"),
    [
        ("1985/09/05", '"1985/09/05" không đúng dạng ngày dd/mm/yyyy (ví dụ 05/09/1985).'),
        ("31/02/1985", '"31/02/1985" không phải là ngày có thật.'),
        ("01/01/2999", "01/01/2999 chưa đến — ngày sinh phải ở trong quá khứ."),
        ("31/12/1899", "31/12/1899 trước năm 1900 — hãy kiểm tra lại năm sinh."),
        ("tháng 9", '"tháng 9" không đúng dạng ngày dd/mm/yyyy (ví dụ 05/09/1985).'),
    ],
)
def test_bad_dates_are_refused(baseline, born, message):
    rows = baseline_rows()
    rows[1]["Ngày sinh"] = born
    assert refused(rows) == [f'Dòng 3, cột "Ngày sinh": {message}']


@pytest.mark.parametrize("category", ["Cán bộ", "leader", ""])
def test_bad_category_is_refused(baseline, category):
    rows = baseline_rows()
    rows[0]["Đối tượng"] = category
    expected = (
        "bắt buộc, không được để trống."
        if not category
        else f'"{category}" không hợp lệ; chỉ nhận: Lãnh đạo, Công chức, Viên chức, Người lao động.'
    )
    assert refused(rows) == [f'Dòng 2, cột "Đối tượng": {expected}']


@pytest.mark.parametrize("flag", ["Yes", "x", "Co"])
def test_bad_communications_flag_is_refused(baseline, flag):
    rows = baseline_rows()
    rows[2]["Công tác truyền thông"] = flag
    assert refused(rows) == [
        f'Dòng 4, cột "Công tác truyền thông": "{flag}" không hợp lệ; chỉ nhận "Có", "Không" hoặc để trống.'
    ]


def test_bad_email_is_refused(baseline):
    rows = baseline_rows()
    rows[0]["Email"] = "an.nguyen@"
    assert refused(rows) == ['Dòng 2, cột "Email": "an.nguyen@" không phải là địa chỉ email hợp lệ.']


def test_duplicate_email_in_the_file_is_refused(baseline):
    rows = baseline_rows()
    rows[2]["Email"] = "CB001@stp.dongnai.gov.vn"
    assert refused(rows) == ['Dòng 4, cột "Email": email "cb001@stp.dongnai.gov.vn" trùng với dòng 2.']


def test_email_of_someone_else_on_file_is_refused(baseline):
    # CB003 is absent, so leaves — but keeps their record and email.
    rows = [*baseline_rows()[:2], person("CB010", "Đỗ Văn Em", "VP", email="cb003@stp.dongnai.gov.vn")]
    assert refused(rows) == [
        'Dòng 4, cột "Email": email "cb003@stp.dongnai.gov.vn" đang là email của cán bộ CB003 (Lê Minh Châu).'
    ]


def test_missing_name_and_overlong_name_are_refused(tree):
    rows = [person("CB001", "", "VP"), person("CB002", "A" * 151, "VP")]
    assert refused(rows) == [
        'Dòng 2, cột "Họ và tên": bắt buộc, không được để trống.',
        'Dòng 3, cột "Họ và tên": dài 151 ký tự, tối đa 150.',
    ]


def test_missing_column_is_refused(baseline):
    rows = [{key: value for key, value in row.items() if key != "Đối tượng"} for row in baseline_rows()]
    assert refused(rows) == [
        'Dòng 1, cột "Đối tượng": thiếu cột bắt buộc này trong dòng tiêu đề — hãy thêm cột hoặc sửa tên cột cho đúng.'
    ]


def test_missing_columns_in_a_file_are_each_named(baseline):
    # "Họ tên" is an accepted wording of "Họ và tên" (core.importing.HEADER_ALIASES).
    content = csv_bytes([["Mã cán bộ", "Họ tên", "Email"], ["CB001", "Nguyễn Văn An", ""]])
    assert refused_file(content, "ds.csv") == [
        'Dòng 1, cột "Mã đơn vị": thiếu cột bắt buộc này trong dòng tiêu đề — hãy thêm cột hoặc sửa tên cột cho đúng.',
        'Dòng 1, cột "Đối tượng": thiếu cột bắt buộc này trong dòng tiêu đề — hãy thêm cột hoặc sửa tên cột cho đúng.',
    ]


def test_empty_file_is_refused(baseline):
    assert refused_file(b"", "ds.xlsx") == ["Tệp rỗng, không có dữ liệu."]
    assert refused_file(csv_bytes([ROSTER_HEADER]), "ds.csv") == ["Tệp chỉ có dòng tiêu đề, không có dòng dữ liệu nào."]
    assert refused([]) == ["Tệp không có dòng dữ liệu nào."]


def test_blank_rows_only_are_refused_rather_than_making_everyone_leave(baseline):
    blank = dict.fromkeys(ROSTER_HEADER, "")
    assert refused([blank, blank]) == ["Tệp không có dòng dữ liệu nào."]


@pytest.mark.parametrize(
    ("content", "filename", "expected"),
    [
        (
            b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
            "ds.xlsx",
            "Tệp có đuôi .xlsx nhưng không phải là tệp Excel .xlsx hợp lệ (nội dung là tệp PDF).",
        ),
        (
            "Mã cán bộ,Họ và tên\nCB001,Nguyễn Văn An\n".encode(),
            "ds.xlsx",
            "Tệp có đuôi .xlsx nhưng không phải là tệp Excel .xlsx hợp lệ.",
        ),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
            "ds.xls",
            "Tệp Excel 97-2003 (.xls) không đọc được (có thể bị hỏng hoặc có mật khẩu) — "
            "hãy mở bằng Excel và lưu lại thành .xlsx.",
        ),
    ],
    ids=["pdf-renamed-xlsx", "csv-renamed-xlsx", "broken-xls"],
)
def test_wrong_format_is_refused(baseline, content, filename, expected):
    assert refused_file(content, filename) == [expected]


@override_settings(LANTOA_IMPORT_MAX_BYTES=1024)
def test_oversized_file_is_refused(baseline):
    content = xlsx_bytes(grid_of(baseline_rows()))
    assert refused_file(content, "ds.xlsx") == [
        f"Tệp quá lớn ({len(content) // 1024} KB); giới hạn là 1 KB — "
        "hãy bỏ các trang tính, hình ảnh không cần nhập hoặc chia thành nhiều tệp."
    ]


def test_non_utf8_csv_is_refused(baseline):
    # What Excel's plain "CSV" writes on a Vietnamese Windows: windows-1258, not UTF-8.
    content = "Mã cán bộ,Họ và tên,Mã đơn vị,Đối tượng\n".encode() + "CB004,Lê Văn Tâm,VP,".encode("cp1258")
    assert refused_file(content, "ds.csv") == [
        'Dòng 2: Tệp CSV không dùng bảng mã UTF-8 — hãy lưu lại bằng "CSV UTF-8 (Comma delimited)" trong Excel '
        "rồi nhập lại."
    ]


def test_tcvn3_text_is_refused(baseline):
    rows = [*baseline_rows(), person("CB004", "NguyÔn V¨n Hµ", "VP", position="Phã Ch¸nh V¨n phßng")]
    assert refused(rows) == [
        'Dòng 5, cột "Họ và tên": văn bản dùng bảng mã TCVN3 (phông .VnTime) — hãy chuyển sang Unicode trước khi nhập',
        'Dòng 5, cột "Chức vụ": văn bản dùng bảng mã TCVN3 (phông .VnTime) — hãy chuyển sang Unicode trước khi nhập',
    ]


def test_vni_text_is_refused(baseline):
    rows = [*baseline_rows(), person("CB004", "Nguyeãn Vaên Tuaán", "VP")]
    assert refused(rows) == [
        'Dòng 5, cột "Họ và tên": văn bản dùng bảng mã VNI (phông VNI-Times) — hãy chuyển sang Unicode trước khi nhập'
    ]


def test_every_problem_is_listed_at_once(baseline):
    rows = [
        person("CB001", "Nguyễn Văn An", "XX"),
        person("CB002", "Trần Thị Bình", "VP", category="Khác", born="30/02/1990"),
        person("CB001", "Lê Minh Châu", "TGPL", communications="Không biết"),
    ]
    assert refused(rows) == [
        'Dòng 2, cột "Mã đơn vị": không có đơn vị nào có mã "XX" — '
        "hãy kiểm tra lại mã hoặc nhập danh sách đơn vị trước.",
        'Dòng 3, cột "Đối tượng": "Khác" không hợp lệ; chỉ nhận: Lãnh đạo, Công chức, Viên chức, Người lao động.',
        'Dòng 3, cột "Ngày sinh": "30/02/1990" không phải là ngày có thật.',
        'Dòng 4, cột "Mã cán bộ": mã "CB001" trùng với dòng 2.',
        'Dòng 4, cột "Email": email "cb001@stp.dongnai.gov.vn" trùng với dòng 2.',
        'Dòng 4, cột "Công tác truyền thông": "Không biết" không hợp lệ; chỉ nhận "Có", "Không" hoặc để trống.',
    ]


# --- refusals: dates that would rewrite history ---------------------------------------------


def test_effective_date_before_the_latest_change_is_refused(baseline):
    rows = baseline_rows()
    rows[0]["Mã đơn vị"] = "TGPL"
    roster_import(rows=rows, effective_date=dt.date(2026, 3, 1))
    assert refused(baseline_rows(), on=dt.date(2026, 2, 1)) == [
        'Dòng 2, cột "Mã cán bộ": ngày hiệu lực 01/02/2026 sớm hơn thay đổi gần nhất đã ghi cho cán bộ CB001 '
        "(từ ngày 01/03/2026) — hãy nhập các danh sách theo thứ tự thời gian."
    ]


def test_leaver_whose_record_starts_on_the_effective_date_is_refused(baseline):
    on = dt.date(2026, 3, 1)
    roster_import(rows=[*baseline_rows(), person("CB004", "Đỗ Văn Em", "VP")], effective_date=on)
    assert refused(baseline_rows(), on=on) == [
        "Cán bộ CB004 (Đỗ Văn Em) không có trong tệp nhưng đã được ghi vào đơn vị VP từ chính ngày hiệu lực "
        "01/03/2026; không thể ghi nghỉ từ ngày 01/03/2026."
    ]


def test_absent_person_recorded_until_after_the_effective_date_is_refused(tree):
    # Recorded elsewhere (by hand): CB009 was in VP until 30/06/2026.
    staff = StaffFactory(code="CB009", full_name="Phạm Thị Dung")
    MembershipFactory(staff=staff, unit=tree["vp"], valid_from=D0, valid_to=dt.date(2026, 6, 30))
    assert refused([person("CB001", "Nguyễn Văn An", "VP")], on=dt.date(2026, 6, 1)) == [
        "Cán bộ CB009 (Phạm Thị Dung) không có trong tệp nhưng đã được ghi là còn công tác đến ngày 30/06/2026; "
        "ngày hiệu lực 01/06/2026 phải sau ngày đó."
    ]
    # The day after, the same file is fine.
    assert roster_import(rows=[person("CB001", "Nguyễn Văn An", "VP")], effective_date=dt.date(2026, 7, 1)).joined == 1


def test_returning_person_before_their_leaving_date_is_refused(tree):
    staff = StaffFactory(code="CB009", full_name="Phạm Thị Dung")
    MembershipFactory(staff=staff, unit=tree["vp"], valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2026, 6, 30))
    assert refused([person("CB009", "Phạm Thị Dung", "VP")], on=dt.date(2026, 5, 1)) == [
        'Dòng 2, cột "Mã cán bộ": cán bộ CB009 đã được ghi nghỉ từ ngày 01/07/2026; '
        "ngày hiệu lực 01/05/2026 phải sau ngày 30/06/2026."
    ]


def test_staff_with_a_legacy_membership_category_are_reconciled(tree):
    """People created outside the import (admin, factories) reconcile like any other."""
    staff = StaffFactory(code="CB009", full_name="Phạm Thị Dung", email="Dung.Pham@stp.dongnai.gov.vn")
    MembershipFactory(staff=staff, unit=tree["vp"], category=StaffCategory.LEADER, valid_from=dt.date(2025, 1, 1))
    summary = roster_import(
        rows=[person("CB009", "Phạm Thị Dung", "VP", category="Lãnh đạo", email="dung.pham@stp.dongnai.gov.vn")],
        effective_date=D0,
    )
    assert summary.unchanged == 1


# --- imports that cannot hurt: the leaver threshold, changes mode, probable code changes ----------


def _roster_of(count: int, *, prefix: str = "P") -> list[dict]:
    return [person(f"{prefix}{n:03d}", f"Nguyễn Văn Số {n}", "VP") for n in range(count)]


@pytest.mark.parametrize(
    ("on_roster", "kept", "needs_confirmation"),
    [
        (30, 27, False),  # 3 of 30 leave: 10%, not more
        (30, 26, True),  # 4 of 30: more than 10%
        (300, 280, False),  # 20 of 300: 6.7%, and not more than 20 people
        (300, 279, True),  # 21 people: more than 20, though only 7%
    ],
)
def test_leavers_past_the_threshold_need_their_exact_number(tree, on_roster, kept, needs_confirmation):
    everyone = _roster_of(on_roster)
    roster_import(rows=everyone, effective_date=D0)
    leavers = on_roster - kept
    on = dt.date(2026, 3, 1)

    preview = roster_import(rows=everyone[:kept], effective_date=on, dry_run=True)
    assert preview.left == leavers
    assert preview.leavers_to_confirm == (leavers if needs_confirmation else None)
    if not needs_confirmation:
        assert roster_import(rows=everyone[:kept], effective_date=on).left == leavers
        return
    assert any(f"hãy xác nhận số {leavers} (lệnh: --confirm-leavers {leavers})" in note for note in preview.notes)
    assert refused(everyone[:kept], on=on) == [
        f"{leavers} người sẽ nghỉ trong số {on_roster} người đang có trong danh sách (quá 10% hoặc quá 20 người). "
        f"Nếu tệp là toàn bộ danh sách và đúng là họ nghỉ, hãy xác nhận số {leavers} (lệnh: --confirm-leavers "
        f"{leavers}); nếu tệp chỉ có người mới hoặc người thay đổi, hãy nhập ở chế độ chỉ thêm và cập nhật "
        "(--mode changes)."
    ]
    before = db_state()
    with pytest.raises(ImportRefused) as wrong:
        roster_import(rows=everyone[:kept], effective_date=on, confirm_leavers=leavers - 1)
    assert str(wrong.value).startswith(f"Số người nghỉ được xác nhận là {leavers - 1} nhưng theo tệp này có {leavers}")
    assert db_state() == before
    summary = roster_import(rows=everyone[:kept], effective_date=on, confirm_leavers=leavers)
    assert summary.left == leavers
    assert Membership.objects.filter(valid_to=on - dt.timedelta(days=1)).count() == leavers


def test_changes_mode_only_adds_and_updates(tree):
    roster_import(rows=_roster_of(30), effective_date=D0)
    newcomers = [person("N001", "Đỗ Thị Mới", "TGPL"), _roster_of(30)[0] | {"Mã đơn vị": "TGPL"}]
    summary = roster_import(rows=newcomers, effective_date=dt.date(2026, 3, 1), mode="changes")
    assert (summary.joined, summary.moved, summary.left) == (1, 1, 0)
    assert Membership.objects.filter(valid_to__isnull=True).count() == 31


def test_a_probable_code_change_is_flagged_then_refused_until_confirmed(tree):
    born = "05/09/1985"
    roster_import(rows=[person("CB001", "Nguyễn Văn An", "VP", born=born), *_roster_of(20)], effective_date=D0)
    rows = [person("NV-0001", "Nguyễn Văn An", "VP", email="an@stp.vn", born=born), *_roster_of(20)]
    on = dt.date(2026, 3, 1)

    preview = roster_import(rows=rows, effective_date=on, dry_run=True)
    assert [str(change) for change in preview.code_changes] == [
        'Dòng 2: mã mới "NV-0001" và mã cũ "CB001" (không có trong tệp) cùng họ tên "Nguyễn Văn An" và ngày sinh '
        "05/09/1985 — có thể là một người đã đổi mã."
    ]
    problems = refused(rows, on=on)
    assert problems == [
        'Dòng 2, cột "Mã cán bộ": mã mới "NV-0001" và mã cũ "CB001" (không có trong tệp) cùng họ tên "Nguyễn Văn An" '
        "và ngày sinh 05/09/1985 — có thể là một người đã đổi mã. Hãy xác nhận: cùng một người (lệnh: "
        "--code-changes same) hay hai người khác nhau (--code-changes different)."
    ]

    summary = roster_import(rows=rows, effective_date=on, code_changes="same")
    assert (summary.joined, summary.updated, summary.left) == (0, 1, 0)
    person_record = Staff.objects.get(code="NV-0001")
    assert not Staff.objects.filter(code="CB001").exists()
    assert person_record.email == "an@stp.vn"
    # One person, history kept: the membership opened on D0 is still theirs and still open.
    assert list(person_record.memberships.values_list("valid_from", "valid_to")) == [(D0, None)]


def test_different_people_with_the_same_name_and_birth_date(tree):
    born = "05/09/1985"
    roster_import(rows=[person("CB001", "Nguyễn Văn An", "VP", born=born), *_roster_of(20)], effective_date=D0)
    rows = [person("NV-0001", "Nguyễn Văn An", "VP", born=born), *_roster_of(20)]
    summary = roster_import(rows=rows, effective_date=dt.date(2026, 3, 1), code_changes="different")
    assert (summary.joined, summary.left) == (1, 1)
    assert Staff.objects.filter(full_name="Nguyễn Văn An").count() == 2


def test_a_name_in_capitals_is_stored_in_title_case_with_a_note(tree):
    summary = roster_import(rows=[person("CB001", "NGUYỄN VĂN AN", "VP")], effective_date=D0)
    assert Staff.objects.get(code="CB001").full_name == "Nguyễn Văn An"
    assert summary.notes == ['Dòng 2: họ tên "NGUYỄN VĂN AN" viết hoa toàn bộ — được ghi là "Nguyễn Văn An".']
