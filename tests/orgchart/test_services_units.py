"""units_import: building and reshaping the tree; every refusal leaves the tree untouched."""

import datetime as dt

import pytest

from core.importing import ImportRefused, read_table
from orgchart.models import Unit, UnitKind
from orgchart.selectors import unit_tree_on
from orgchart.services.units import units_import

from .files import UNITS_HEADER, csv_bytes, grid_of, unit_row, xlsx_bytes


def tree_state():
    return list(Unit.objects.order_by("path").values_list("code", "name", "kind", "path", "depth", "numchild"))


def parents() -> dict[str, str | None]:
    codes = {unit.path: unit.code for unit in Unit.objects.all()}
    return {code: codes.get(path[: -Unit.steplen]) for path, code in codes.items()}


def refused(rows) -> list[str]:
    before = tree_state()
    with pytest.raises(ImportRefused) as caught:
        units_import(rows=rows)
    assert tree_state() == before
    return [str(problem) for problem in caught.value.problems]


DEMO = [
    unit_row("STP", "Sở Tư pháp tỉnh Đồng Nai", None, "Sở"),
    unit_row("VP", "Văn phòng Sở", "STP"),
    unit_row("VP-TH", "Tổ Tổng hợp", "VP", "Tổ"),  # a child listed before its parent's sibling
    unit_row("PBGD", "Phòng Phổ biến, giáo dục pháp luật", "STP"),
    unit_row("TGPL", "Trung tâm Trợ giúp pháp lý nhà nước tỉnh Đồng Nai", "STP", "Đơn vị sự nghiệp"),
]


def test_happy_path_builds_the_tree_from_an_xlsx(db):
    # Children may come before their parents in the file.
    rows = [DEMO[2], DEMO[1], DEMO[0], DEMO[3], DEMO[4]]
    summary = units_import(rows=read_table(content=xlsx_bytes(grid_of(rows)), filename="don-vi.xlsx"))

    assert str(summary) == "Danh sách đơn vị: 5 mới, 0 thay đổi thông tin, 0 chuyển đơn vị cấp trên, 0 không đổi."
    assert [(c.row, c.code, c.kind, c.detail) for c in summary.changes] == [
        (2, "VP-TH", "created", "trong VP"),
        (3, "VP", "created", "trong STP"),
        (4, "STP", "created", "đơn vị gốc"),
        (5, "PBGD", "created", "trong STP"),
        (6, "TGPL", "created", "trong STP"),
    ]
    assert parents() == {"STP": None, "VP": "STP", "VP-TH": "VP", "PBGD": "STP", "TGPL": "STP"}
    assert Unit.objects.get(code="TGPL").kind == UnitKind.PUBLIC_SERVICE_UNIT
    assert Unit.objects.get(code="VP-TH").kind == UnitKind.TEAM
    assert Unit.objects.get(code="STP").kind == UnitKind.DEPARTMENT
    assert Unit.objects.get_descendant_count(Unit.objects.get(code="STP")) == 4
    assert Unit.objects.find_problems() == ([], [], [], [], [])


def test_csv_with_nfd_and_whitespace_is_normalised(db):
    content = csv_bytes(
        [
            UNITS_HEADER,
            [" STP ", "So\u031b\u0309 Tu\u031b pha\u0301p  ti\u0309nh Đo\u0302\u0300ng Nai", "", " sở "],
        ]
    )
    units_import(rows=read_table(content=content, filename="don-vi.csv"))
    assert Unit.objects.get().name == "Sở Tư pháp tỉnh Đồng Nai"


def test_reimport_is_unchanged_and_rename_and_kind_change_are_updates(db):
    units_import(rows=DEMO)
    before = tree_state()
    assert units_import(rows=DEMO).unchanged == 5
    assert tree_state() == before

    rows = [row.copy() for row in DEMO]
    rows[3]["Tên đơn vị"] = "Phòng Phổ biến và Theo dõi thi hành pháp luật"
    rows[2]["Loại đơn vị"] = "Phòng"
    summary = units_import(rows=rows)
    assert (summary.created, summary.updated, summary.moved, summary.unchanged) == (0, 2, 0, 3)
    assert {c.code: c.detail for c in summary.changes if c.kind == "updated"} == {
        "VP-TH": "Loại: Tổ → Phòng",
        "PBGD": "Tên: Phòng Phổ biến, giáo dục pháp luật → Phòng Phổ biến và Theo dõi thi hành pháp luật",
    }
    assert Unit.objects.get(code="PBGD").name == "Phòng Phổ biến và Theo dõi thi hành pháp luật"
    assert Unit.objects.get(code="VP-TH").kind == UnitKind.DIVISION


def changed(**rows_by_code) -> list[dict]:
    """DEMO, the whole tree, with these codes' rows replaced."""
    return [rows_by_code.get(row["Mã đơn vị"].replace("-", "_"), row) for row in DEMO]


def test_units_absent_from_the_file_close_the_day_before(db):
    units_import(rows=DEMO)
    rows = [*DEMO[:4], unit_row("CC1", "Phòng Công chứng số 1", "STP", "Đơn vị sự nghiệp")]
    summary = units_import(rows=rows, effective_date=dt.date(2026, 7, 1))
    assert str(summary) == (
        "Danh sách đơn vị ngày 01/07/2026: 1 mới, 0 thay đổi thông tin, 0 chuyển đơn vị cấp trên, 1 ngừng hoạt động, "
        "4 không đổi."
    )
    assert [(c.code, c.kind, c.detail) for c in summary.changes if c.kind != "unchanged"] == [
        ("CC1", "created", "trong STP"),
        ("TGPL", "closed", "ngừng hoạt động từ 01/07/2026"),
    ]
    assert Unit.objects.count() == 6
    assert parents()["CC1"] == "STP"
    assert not Unit.objects.get(code="TGPL").is_active
    before = {unit.code for unit in unit_tree_on(on_date=dt.date(2026, 6, 30)).values()}
    after = {unit.code for unit in unit_tree_on(on_date=dt.date(2026, 7, 1)).values()}
    assert before == {"STP", "VP", "VP-TH", "PBGD", "TGPL"}
    assert after == {"STP", "VP", "VP-TH", "PBGD", "CC1"}


def test_parent_absent_from_the_file_is_refused(db):
    units_import(rows=DEMO)
    assert refused([DEMO[0], unit_row("VP-TH", "Tổ Tổng hợp", "VP", "Tổ")]) == [
        'Dòng 3, cột "Mã đơn vị cấp trên": đơn vị cấp trên "VP" không có trong tệp; tệp là toàn bộ sơ đồ tổ chức, '
        "đơn vị không có trong tệp sẽ ngừng hoạt động — hãy thêm đơn vị cấp trên vào tệp."
    ]


def test_move_takes_the_subtree_along(db):
    units_import(rows=DEMO)
    summary = units_import(rows=changed(VP=unit_row("VP", "Văn phòng Sở", "PBGD")))
    assert [(c.code, c.kind, c.detail) for c in summary.changes if c.kind != "unchanged"] == [
        ("VP", "moved", "Cấp trên: STP → PBGD")
    ]
    assert parents() == {"STP": None, "VP": "PBGD", "VP-TH": "VP", "PBGD": "STP", "TGPL": "STP"}
    team = Unit.objects.get(code="VP-TH")
    assert team.depth == 4
    assert team.path.startswith(Unit.objects.get(code="PBGD").path)
    assert Unit.objects.find_problems() == ([], [], [], [], [])


def test_moves_that_invert_a_branch_are_applied_in_order(db):
    units_import(rows=DEMO)
    # VP-TH becomes the parent of VP: legal once both rows are applied, in the right order.
    summary = units_import(
        rows=changed(VP=unit_row("VP", "Văn phòng Sở", "VP-TH"), VP_TH=unit_row("VP-TH", "Tổ Tổng hợp", "STP", "Tổ"))
    )
    assert summary.moved == 2
    assert parents()["VP-TH"] == "STP"
    assert parents()["VP"] == "VP-TH"
    assert Unit.objects.find_problems() == ([], [], [], [], [])


def test_dry_run_writes_nothing(db):
    units_import(rows=DEMO[:2])
    before = tree_state()
    summary = units_import(rows=DEMO, dry_run=True)
    assert str(summary) == (
        "Danh sách đơn vị: 3 mới, 0 thay đổi thông tin, 0 chuyển đơn vị cấp trên, 2 không đổi (chạy thử, chưa ghi gì)."
    )
    assert tree_state() == before


def test_cycle_is_refused(db):
    units_import(rows=DEMO)
    assert refused(changed(VP=unit_row("VP", "Văn phòng Sở", "VP-TH"))) == [
        'Dòng 3, cột "Mã đơn vị cấp trên": tạo thành vòng lặp: VP → VP-TH → VP.',
        'Dòng 4, cột "Mã đơn vị cấp trên": tạo thành vòng lặp: VP-TH → VP → VP-TH.',
    ]


def test_cycle_inside_the_file_is_refused(db):
    units_import(rows=DEMO[:1])
    rows = [unit_row("A", "Phòng A", "B"), unit_row("B", "Phòng B", "C"), unit_row("C", "Phòng C", "A")]
    assert refused(rows) == [
        'Dòng 2, cột "Mã đơn vị cấp trên": tạo thành vòng lặp: A → B → C → A.',
        'Dòng 3, cột "Mã đơn vị cấp trên": tạo thành vòng lặp: B → C → A → B.',
        'Dòng 4, cột "Mã đơn vị cấp trên": tạo thành vòng lặp: C → A → B → C.',
    ]


def test_own_parent_is_refused(db):
    units_import(rows=DEMO)
    assert refused([unit_row("VP", "Văn phòng Sở", "vp")]) == [
        'Dòng 2, cột "Mã đơn vị cấp trên": một đơn vị không thể là cấp trên của chính nó.'
    ]


def test_unknown_parent_is_refused(db):
    units_import(rows=DEMO)
    assert refused([unit_row("CC1", "Phòng Công chứng số 1", "CC", "Đơn vị sự nghiệp")]) == [
        'Dòng 2, cột "Mã đơn vị cấp trên": không có đơn vị nào có mã "CC", cả trong tệp lẫn trong hệ thống.'
    ]


def test_second_root_is_refused(db):
    units_import(rows=DEMO)
    assert refused([unit_row("UBND", "Ủy ban nhân dân tỉnh", None, "Sở")]) == [
        'Dòng 2, cột "Mã đơn vị cấp trên": để trống nghĩa là đơn vị gốc, nhưng đã có đơn vị gốc "STP"; '
        "chỉ được có một đơn vị gốc — hãy điền mã đơn vị cấp trên."
    ]


def test_two_roots_in_one_file_are_refused(db):
    rows = [DEMO[0], unit_row("UBND", "Ủy ban nhân dân tỉnh", "", "Sở")]
    assert refused(rows) == [
        'Dòng 3, cột "Mã đơn vị cấp trên": để trống nghĩa là đơn vị gốc, nhưng dòng 2 đã là đơn vị gốc; '
        "chỉ được có một đơn vị gốc — hãy điền mã đơn vị cấp trên."
    ]


def test_no_root_on_an_empty_chart_is_refused(db):
    assert refused(DEMO[1:2]) == [
        'Dòng 2, cột "Mã đơn vị cấp trên": không có đơn vị nào có mã "STP", cả trong tệp lẫn trong hệ thống.',
        'Cột "Mã đơn vị cấp trên": chưa có đơn vị gốc: đúng một dòng (đơn vị Sở) phải để trống mã đơn vị cấp trên.',
    ]


def test_moving_the_root_is_refused(db):
    units_import(rows=DEMO)
    assert refused(changed(STP=unit_row("STP", "Sở Tư pháp tỉnh Đồng Nai", "VP", "Sở")))[0] == (
        'Dòng 2, cột "Mã đơn vị cấp trên": "STP" là đơn vị gốc của sơ đồ tổ chức, không thể chuyển vào đơn vị khác.'
    )


def test_bad_cells_are_each_refused(db):
    rows = [
        DEMO[0],
        unit_row("VP", "Văn phòng Sở", "STP", "Ban"),
        unit_row("vp", "Văn phòng (lặp)", "STP"),
        unit_row("P 1", "", "STP", ""),
        unit_row("HCBT", "Phòng Hµnh chÝnh", "STP"),
    ]
    assert refused(rows) == [
        'Dòng 3, cột "Loại đơn vị": "Ban" không hợp lệ; chỉ nhận: Sở, Phòng, Đơn vị sự nghiệp, Tổ.',
        'Dòng 4, cột "Mã đơn vị": mã "vp" trùng với dòng 3.',
        'Dòng 5, cột "Mã đơn vị": "P 1" không hợp lệ: mã chỉ được gồm chữ cái không dấu, chữ số, dấu chấm, gạch ngang, '
        "gạch dưới (tối đa 32 ký tự).",
        'Dòng 5, cột "Tên đơn vị": bắt buộc, không được để trống.',
        'Dòng 5, cột "Loại đơn vị": bắt buộc, không được để trống.',
        'Dòng 6, cột "Tên đơn vị": văn bản dùng bảng mã TCVN3 (phông .VnTime) — hãy chuyển sang Unicode trước khi nhập',
    ]


def test_missing_column_is_refused(db):
    rows = [{key: value for key, value in row.items() if key != "Loại đơn vị"} for row in DEMO]
    assert refused(rows) == [
        'Dòng 1, cột "Loại đơn vị": thiếu cột bắt buộc này trong dòng tiêu đề — hãy thêm cột hoặc sửa tên cột cho đúng.'
    ]
