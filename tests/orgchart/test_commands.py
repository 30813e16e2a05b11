"""import_units and import_roster: exit status, one-line summary, --dry-run, refusals."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from orgchart.models import Membership, Staff, Unit

from ..commands import run
from .files import csv_bytes, grid_of, person, unit_row, xlsx_bytes

UNITS = [
    unit_row("STP", "Sở Tư pháp tỉnh Đồng Nai", None, "Sở"),
    unit_row("VP", "Văn phòng Sở", "STP"),
    unit_row("TGPL", "Trung tâm Trợ giúp pháp lý nhà nước", "STP", "Đơn vị sự nghiệp"),
]
ROSTER = [
    person("CB001", "Nguyễn Văn An", "VP", position="Chánh Văn phòng", category="Lãnh đạo", born="05/09/1975"),
    person("CB002", "Trần Thị Bình", "VP"),
    person("CB003", "Lê Minh Châu", "TGPL", category="Viên chức", communications="Có"),
]


def write(tmp_path, name: str, content: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def db_state():
    return (
        list(Unit.objects.order_by("path").values_list("code", "name", "path")),
        list(Staff.objects.order_by("pk").values_list()),
        list(Membership.objects.order_by("pk").values_list()),
    )


@pytest.mark.django_db(transaction=True)
def test_import_units_then_roster_exit_zero_with_one_line(tmp_path, capsys):
    units_file = write(tmp_path, "don-vi.xlsx", xlsx_bytes(grid_of(UNITS)))
    status, out, err = run("import_units", units_file, capsys=capsys)
    assert (status, err) == (0, "")
    assert out == "Danh sách đơn vị: 3 mới, 0 thay đổi thông tin, 0 chuyển đơn vị cấp trên, 0 không đổi.\n"

    roster_file = write(tmp_path, "can-bo.csv", csv_bytes(grid_of(ROSTER)))
    status, out, err = run("import_roster", roster_file, "--effective-date", "2026-07-01", capsys=capsys)
    assert (status, err) == (0, "")
    assert out == (
        "Danh sách cán bộ ngày 01/07/2026: 3 mới, 0 chuyển đơn vị, 0 thay đổi thông tin, 0 nghỉ, 0 không đổi.\n"
    )
    assert Staff.objects.count() == 3
    assert set(Membership.objects.values_list("valid_from", flat=True)) == {dt.date(2026, 7, 1)}


@pytest.mark.django_db(transaction=True)
def test_bad_file_exits_non_zero_listing_every_problem(tmp_path, capsys):
    call_command("import_units", write(tmp_path, "don-vi.csv", csv_bytes(grid_of(UNITS))), stdout=_Lines([]))
    rows = [
        ROSTER[0],
        person("CB002", "Trần Thị Bình", "XX", born="31/02/1990"),
        person("CB001", "Lê Minh Châu", "TGPL", category="Cán bộ"),
    ]
    before = db_state()
    status, out, err = run("import_roster", write(tmp_path, "can-bo.xlsx", xlsx_bytes(grid_of(rows))), capsys=capsys)
    assert status == 1
    assert out == ""
    assert err.splitlines() == [
        f"CommandError: Không nhập được {tmp_path / 'can-bo.xlsx'} (5 lỗi, chưa ghi gì):",
        'Dòng 3, cột "Mã đơn vị": không có đơn vị nào có mã "XX" — '
        "hãy kiểm tra lại mã hoặc nhập danh sách đơn vị trước.",
        'Dòng 3, cột "Ngày sinh": "31/02/1990" không phải là ngày có thật.',
        'Dòng 4, cột "Mã cán bộ": mã "CB001" trùng với dòng 2.',
        'Dòng 4, cột "Email": email "cb001@stp.dongnai.gov.vn" trùng với dòng 2.',
        'Dòng 4, cột "Đối tượng": "Cán bộ" không hợp lệ; chỉ nhận: Lãnh đạo, Công chức, Viên chức, Người lao động.',
    ]
    assert db_state() == before


@pytest.mark.django_db(transaction=True)
def test_bad_effective_date_exits_non_zero(tmp_path, capsys):
    roster_file = write(tmp_path, "can-bo.csv", csv_bytes(grid_of(ROSTER)))
    status, _out, err = run("import_roster", roster_file, "--effective-date", "01/07/2026", capsys=capsys)
    assert status == 1
    assert 'CommandError: --effective-date "01/07/2026" không đúng dạng YYYY-MM-DD.' in err


def test_dry_run_writes_nothing(db, tmp_path):
    units_file = write(tmp_path, "don-vi.csv", csv_bytes(grid_of(UNITS)))
    roster_file = write(tmp_path, "can-bo.csv", csv_bytes(grid_of(ROSTER)))
    before = db_state()
    lines = []
    call_command("import_units", units_file, "--dry-run", stdout=_Lines(lines))
    assert db_state() == before
    assert lines == [
        "Danh sách đơn vị: 3 mới, 0 thay đổi thông tin, 0 chuyển đơn vị cấp trên, 0 không đổi (chạy thử, chưa ghi gì)."
    ]

    call_command("import_units", units_file, stdout=_Lines([]))
    before = db_state()
    lines = []
    call_command("import_roster", roster_file, "--effective-date", "2026-07-01", "--dry-run", stdout=_Lines(lines))
    assert db_state() == before
    assert lines == [
        "Danh sách cán bộ ngày 01/07/2026: 3 mới, 0 chuyển đơn vị, 0 thay đổi thông tin, 0 nghỉ, 0 không đổi "
        "(chạy thử, chưa ghi gì)."
    ]


def test_default_effective_date_is_today(db, tmp_path):
    call_command("import_units", write(tmp_path, "don-vi.csv", csv_bytes(grid_of(UNITS))), stdout=_Lines([]))
    lines = []
    call_command("import_roster", write(tmp_path, "can-bo.csv", csv_bytes(grid_of(ROSTER))), stdout=_Lines(lines))
    today = timezone.localdate()
    assert lines[0].startswith(f"Danh sách cán bộ ngày {today:%d/%m/%Y}: 3 mới")
    assert set(Membership.objects.values_list("valid_from", flat=True)) == {today}


def test_second_roster_reports_moves_and_leavers(db, tmp_path):
    call_command("import_units", write(tmp_path, "don-vi.csv", csv_bytes(grid_of(UNITS))), stdout=_Lines([]))
    call_command(
        "import_roster",
        write(tmp_path, "t1.csv", csv_bytes(grid_of(ROSTER))),
        "--effective-date",
        "2026-01-01",
        stdout=_Lines([]),
    )
    rows = [ROSTER[0], ROSTER[1] | {"Mã đơn vị": "TGPL"}, person("CB004", "Phạm Thị Dung", "VP")]
    lines = []
    call_command(
        "import_roster",
        write(tmp_path, "t2.csv", csv_bytes(grid_of(rows))),
        "--effective-date",
        "2026-07-01",
        "--confirm-leavers",
        "1",  # one of three: more than 10%
        stdout=_Lines(lines),
    )
    assert lines == [
        "Danh sách cán bộ ngày 01/07/2026: 1 mới, 1 chuyển đơn vị, 0 thay đổi thông tin, 1 nghỉ, 1 không đổi."
    ]


@pytest.mark.parametrize(
    ("command", "name", "content", "problem"),
    [
        ("import_units", "don-vi.xlsx", b"", "Tệp rỗng, không có dữ liệu."),
        (
            "import_roster",
            "can-bo.xlsx",
            b"%PDF-1.5\n",
            "Tệp có đuôi .xlsx nhưng không phải là tệp Excel .xlsx hợp lệ (nội dung là tệp PDF).",
        ),
    ],
)
def test_unreadable_files_raise_command_error(db, tmp_path, command, name, content, problem):
    path = write(tmp_path, name, content)
    with pytest.raises(CommandError) as caught:
        call_command(command, path)
    assert str(caught.value) == f"Không nhập được {path} (1 lỗi, chưa ghi gì):\n{problem}"
    assert caught.value.returncode == 1


def test_missing_file_raises_command_error(db, tmp_path):
    with pytest.raises(CommandError) as caught:
        call_command("import_roster", str(tmp_path / "khong-co.csv"))
    assert "Không tìm thấy tệp" in str(caught.value)


class _Lines:
    """A stdout that collects written lines (call_command adds the newline itself)."""

    def __init__(self, lines: list[str]):
        self.lines = lines

    def write(self, text: str) -> None:
        self.lines.extend(text.splitlines())

    def flush(self) -> None:
        pass


def test_verbose_run_lists_each_change_before_the_summary(db, tmp_path):
    call_command("import_units", write(tmp_path, "don-vi.csv", csv_bytes(grid_of(UNITS))), stdout=_Lines([]))
    lines = []
    call_command(
        "import_roster",
        write(tmp_path, "t1.csv", csv_bytes(grid_of(ROSTER[:2]))),
        "--effective-date",
        "2026-01-01",
        verbosity=2,
        stdout=_Lines(lines),
    )
    assert lines == [
        "Dòng 2: CB001 Nguyễn Văn An — Mới: → VP, Chánh Văn phòng",
        "Dòng 3: CB002 Trần Thị Bình — Mới: → VP, Chuyên viên",
        "Danh sách cán bộ ngày 01/01/2026: 2 mới, 0 chuyển đơn vị, 0 thay đổi thông tin, 0 nghỉ, 0 không đổi.",
    ]


def test_roster_command_needs_the_leavers_number_or_changes_mode(db, tmp_path):
    call_command("import_units", write(tmp_path, "don-vi.csv", csv_bytes(grid_of(UNITS))), stdout=_Lines([]))
    call_command(
        "import_roster", write(tmp_path, "t1.csv", csv_bytes(grid_of(ROSTER))), "--effective-date", "2026-01-01"
    )
    only_new = write(tmp_path, "moi.csv", csv_bytes(grid_of([person("CB004", "Phạm Thị Dung", "VP")])))

    lines = []
    call_command("import_roster", only_new, "--effective-date", "2026-07-01", "--dry-run", stdout=_Lines(lines))
    assert any(line.startswith("Lưu ý: 3 người sẽ nghỉ trong số 3 người") for line in lines)
    with pytest.raises(CommandError) as caught:
        call_command("import_roster", only_new, "--effective-date", "2026-07-01")
    assert "hãy xác nhận số 3 (lệnh: --confirm-leavers 3)" in str(caught.value)

    lines = []
    call_command("import_roster", only_new, "--effective-date", "2026-07-01", "--mode", "changes", stdout=_Lines(lines))
    assert lines == [
        "Danh sách cán bộ ngày 01/07/2026: 1 mới, 0 chuyển đơn vị, 0 thay đổi thông tin, 0 nghỉ, 0 không đổi."
    ]


def test_verbose_units_run_names_each_change_in_vietnamese(db, tmp_path):
    lines = []
    call_command(
        "import_units", write(tmp_path, "don-vi.csv", csv_bytes(grid_of(UNITS))), verbosity=2, stdout=_Lines(lines)
    )
    assert lines[0].startswith("Dòng 2: ") and " — Mới: " in lines[0]
    assert not any(word in line for line in lines for word in ("created", "updated", "moved", "closed"))
