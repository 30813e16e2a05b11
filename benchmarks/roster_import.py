"""Roster import of 10,000 rows on PostgreSQL: our service against django-import-export's defaults.

Same run, same machine, same file, same starting state for every variant:

- **Lan Tỏa**: `read_table` + `roster_import` (the command's and the admin's path): a first
  import (everyone joins) and a re-import as of a later date with 5% changes (moves,
  position changes, leavers, joiners), written with bulk queries.
- **Baseline**: a plain `ModelResource` for `Staff` with django-import-export's default
  options (row by row, no bulk, no skip-unchanged; only `import_id_fields = ("code",)` so a
  re-import updates instead of duplicating), importing the same rows' staff columns from
  an xlsx with the model's field names. It does less than ours: no memberships, no
  history, no leavers, no search/sort index.
- The admin's preview is a dry run of the same import, so it is measured too.

    .venv/bin/python benchmarks/roster_import.py [--rows 10000] [--database-url URL]

DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/lantoa_bench; the database is
created if missing and migrated. Results are printed and written to benchmarks/results.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import platform
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import _common

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/lantoa_bench"
SEED = 20260701
FIRST_DATE = dt.date(2026, 1, 1)
SECOND_DATE = dt.date(2026, 7, 1)

# ~40 units: the department, its divisions and public-service units, and their teams.
UNITS: list[tuple[str, str, str, str]] = [
    ("STP", "Sở Tư pháp tỉnh Đồng Nai", "", "Sở"),
    ("BGD", "Ban Giám đốc Sở", "STP", "Phòng"),
    ("VP", "Văn phòng Sở", "STP", "Phòng"),
    ("TTR", "Thanh tra Sở", "STP", "Phòng"),
    ("XDKT", "Phòng Xây dựng, kiểm tra và theo dõi thi hành pháp luật", "STP", "Phòng"),
    ("PBGD", "Phòng Phổ biến, giáo dục pháp luật", "STP", "Phòng"),
    ("HCBT", "Phòng Hành chính và Bổ trợ tư pháp", "STP", "Phòng"),
    ("QLXL", "Phòng Quản lý xử lý vi phạm hành chính", "STP", "Phòng"),
    ("TGPL", "Trung tâm Trợ giúp pháp lý nhà nước tỉnh Đồng Nai", "STP", "Đơn vị sự nghiệp"),
    ("CC1", "Phòng Công chứng số 1", "STP", "Đơn vị sự nghiệp"),
    ("CC2", "Phòng Công chứng số 2", "STP", "Đơn vị sự nghiệp"),
    ("CC3", "Phòng Công chứng số 3", "STP", "Đơn vị sự nghiệp"),
    ("DGTS", "Trung tâm Dịch vụ đấu giá tài sản", "STP", "Đơn vị sự nghiệp"),
    ("VP-TH", "Tổ Tổng hợp", "VP", "Tổ"),
    ("VP-HCQT", "Tổ Hành chính - Quản trị", "VP", "Tổ"),
    ("TTR-TT", "Tổ Thanh tra hành chính", "TTR", "Tổ"),
    ("TTR-KN", "Tổ Tiếp công dân, giải quyết khiếu nại", "TTR", "Tổ"),
    ("XDKT-VB", "Tổ Thẩm định văn bản", "XDKT", "Tổ"),
    ("XDKT-KT", "Tổ Kiểm tra văn bản", "XDKT", "Tổ"),
    ("PBGD-TT", "Tổ Truyền thông pháp luật", "PBGD", "Tổ"),
    ("PBGD-HG", "Tổ Hòa giải cơ sở", "PBGD", "Tổ"),
    ("HCBT-HT", "Tổ Hộ tịch, quốc tịch", "HCBT", "Tổ"),
    ("HCBT-BT", "Tổ Bổ trợ tư pháp", "HCBT", "Tổ"),
    ("QLXL-TD", "Tổ Theo dõi thi hành pháp luật", "QLXL", "Tổ"),
    ("QLXL-XL", "Tổ Xử lý vi phạm hành chính", "QLXL", "Tổ"),
    ("BGD-TK", "Tổ Thư ký", "BGD", "Tổ"),
    ("TGPL-LD", "Tổ Trợ giúp pháp lý lưu động", "TGPL", "Tổ"),
    ("TGPL-CN1", "Chi nhánh Trợ giúp pháp lý số 1", "TGPL", "Tổ"),
    ("TGPL-CN2", "Chi nhánh Trợ giúp pháp lý số 2", "TGPL", "Tổ"),
    ("TGPL-CN3", "Chi nhánh Trợ giúp pháp lý số 3", "TGPL", "Tổ"),
    ("CC1-NV", "Tổ Nghiệp vụ công chứng", "CC1", "Tổ"),
    ("CC1-HC", "Tổ Hành chính", "CC1", "Tổ"),
    ("CC2-NV", "Tổ Nghiệp vụ công chứng", "CC2", "Tổ"),
    ("CC2-HC", "Tổ Hành chính", "CC2", "Tổ"),
    ("CC3-NV", "Tổ Nghiệp vụ công chứng", "CC3", "Tổ"),
    ("CC3-HC", "Tổ Hành chính", "CC3", "Tổ"),
    ("DGTS-NV", "Tổ Nghiệp vụ đấu giá", "DGTS", "Tổ"),
    ("DGTS-TC", "Tổ Tài chính - Kế toán", "DGTS", "Tổ"),
    ("DGTS-HC", "Tổ Hành chính", "DGTS", "Tổ"),
]
POSITIONS = {
    "Phòng": ["Chuyên viên", "Chuyên viên", "Chuyên viên chính", "Cán sự", "Phó Trưởng phòng"],
    "Đơn vị sự nghiệp": ["Chuyên viên pháp lý", "Kế toán viên", "Phó Giám đốc Trung tâm"],
    "Tổ": ["Chuyên viên", "Trợ giúp viên pháp lý", "Công chứng viên", "Thư ký nghiệp vụ", "Đấu giá viên", "Tổ phó"],
}
ROSTER_HEADER = [
    "Mã cán bộ",
    "Họ và tên",
    "Email",
    "Mã đơn vị",
    "Chức vụ",
    "Đối tượng",
    "Công tác truyền thông",
    "Ngày sinh",
]
BASELINE_HEADER = ["code", "full_name", "email", "is_communications", "date_of_birth"]


def _setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    sys.path.insert(0, str(REPO))
    _common.database_create(database_url)
    import django

    django.setup()
    from django.conf import settings

    assert not settings.DEBUG, "DEBUG keeps every query in memory; benchmark with DEBUG off"
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


# --- the files ----------------------------------------------------------------------------------


@dataclass
class Person:
    code: str
    full_name: str
    email: str
    unit: str
    position: str
    category: str
    communications: bool
    born: dt.date

    def roster_row(self) -> list[object]:
        return [
            self.code,
            self.full_name,
            self.email,
            self.unit,
            self.position,
            self.category,
            "Có" if self.communications else "Không",
            self.born.strftime("%d/%m/%Y"),
        ]

    def baseline_row(self) -> list[object]:
        return [self.code, self.full_name, self.email, int(self.communications), self.born.isoformat()]


class RosterMaker:
    """Deterministic Vietnamese staff: names from the demo's pools, spread over the units."""

    def __init__(self, seed: int = SEED):
        from demo import demo

        self.rng = random.Random(seed)  # noqa: S311 - test data
        self.demo = demo
        self.units = [(code, kind) for code, _name, parent, kind in UNITS if parent]
        self.kind_of = dict(self.units)
        self.weights = [3 if kind == "Đơn vị sự nghiệp" else 2 if kind == "Phòng" else 1 for _code, kind in self.units]
        self.number = 0

    def person(self) -> Person:
        from core.text import fold_diacritics
        from demo import vietnamese_names as names

        rng, demo = self.rng, self.demo
        self.number += 1
        female = rng.random() < 0.55
        full_name = " ".join(
            [
                demo._pick(rng, names.FAMILY_NAMES),
                demo._pick(rng, names.MIDDLE_FEMALE if female else names.MIDDLE_MALE),
                demo._pick(rng, names.GIVEN_FEMALE if female else names.GIVEN_MALE),
            ]
        )
        parts = fold_diacritics(full_name).split()
        email = f"{parts[-1]}{''.join(p[0] for p in parts[:-1])}.{self.number:06d}@stp.dongnai.gov.vn"
        unit = rng.choices([code for code, _kind in self.units], weights=self.weights)[0]
        kind = self.kind_of[unit]
        category = rng.choices(
            ["Lãnh đạo", "Công chức", "Viên chức", "Người lao động"],
            weights=[1, 6 if kind == "Phòng" else 1, 6 if kind != "Phòng" else 1, 1],
        )[0]
        return Person(
            code=f"CB{self.number:06d}",
            full_name=full_name,
            email=email,
            unit=unit,
            position=rng.choice(POSITIONS[kind]),
            category=category,
            communications=rng.random() < 0.06,
            born=dt.date(rng.randint(1965, 2002), rng.randint(1, 12), rng.randint(1, 28)),
        )

    def roster(self, count: int) -> list[Person]:
        return [self.person() for _ in range(count)]

    def changed(self, people: list[Person], *, share: float = 0.05) -> tuple[list[Person], dict[str, int]]:
        """`share` of the roster changes: half move, 30% change position, 10% leave, 10% join."""
        rng = self.rng
        changes = round(len(people) * share)
        moves, positions = changes * 50 // 100, changes * 30 // 100
        leavers = changes * 10 // 100
        joiners = changes - moves - positions - leavers
        people = [Person(**vars(p)) for p in people]
        picked = rng.sample(range(len(people)), moves + positions + leavers)
        for index in picked[:moves]:
            person = people[index]
            person.unit = rng.choice([code for code, _kind in self.units if code != person.unit])
        for index in picked[moves : moves + positions]:
            person = people[index]
            person.position = rng.choice([p for p in POSITIONS[self.kind_of[person.unit]] if p != person.position])
        gone = set(picked[moves + positions :])
        people = [p for index, p in enumerate(people) if index not in gone] + self.roster(joiners)
        return people, {"moved": moves, "updated": positions, "left": leavers, "joined": joiners}


def xlsx_bytes(header: list[str], rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- the variants ----------------------------------------------------------------------------------


def reset_roster() -> None:
    """Back to "units only": every variant starts from the same state."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE orgchart_membership, orgchart_unit_heads, orgchart_staff RESTART IDENTITY CASCADE")
        cursor.execute("TRUNCATE auditlog_logentry, core_importrecord RESTART IDENTITY")
        cursor.execute("ANALYZE")


def load_units() -> None:
    from orgchart.services.units import units_import

    header = ["Mã đơn vị", "Tên đơn vị", "Mã đơn vị cấp trên", "Loại đơn vị"]
    units_import(rows=[dict(zip(header, unit, strict=True)) for unit in UNITS])


def ours(content: bytes, *, effective_date: dt.date, dry_run: bool = False, confirm_leavers: int | None = None):
    from core.importing import read_table
    from orgchart.services.roster import roster_import

    rows = read_table(content=content, filename="danh-sach.xlsx")
    return roster_import(rows=rows, effective_date=effective_date, dry_run=dry_run, confirm_leavers=confirm_leavers)


def baseline_resource():
    from import_export import resources

    from orgchart.models import Staff

    class StaffResource(resources.ModelResource):
        class Meta:
            model = Staff
            fields = tuple(BASELINE_HEADER)
            import_id_fields = ("code",)

    return StaffResource()


def baseline(content: bytes, *, dry_run: bool = False):
    from import_export.formats.base_formats import XLSX

    dataset = XLSX().create_dataset(content)
    result = baseline_resource().import_data(dataset, dry_run=dry_run)
    if result.has_errors() or result.has_validation_errors():
        errors = [error.error for _line, errors in result.row_errors() for error in errors][:3]
        raise RuntimeError(f"baseline import failed: {errors or result.invalid_rows[:3]}")
    return result


def timed(function, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    value = function(*args, **kwargs)
    return time.perf_counter() - start, value


@dataclass
class Figure:
    label: str
    rows: int
    ours: float
    baseline: float
    unaudited: float  # ours with the audit trail switched off

    @property
    def ratio(self) -> float:
        return self.baseline / self.ours


def measure(*, count: int) -> tuple[list[Figure], dict[str, object]]:
    from orgchart.models import Membership, Staff

    maker = RosterMaker()
    first = maker.roster(count)
    second, planned = maker.changed(first)
    first_ours = xlsx_bytes(ROSTER_HEADER, [p.roster_row() for p in first])
    second_ours = xlsx_bytes(ROSTER_HEADER, [p.roster_row() for p in second])
    first_base = xlsx_bytes(BASELINE_HEADER, [p.baseline_row() for p in first])
    second_base = xlsx_bytes(BASELINE_HEADER, [p.baseline_row() for p in second])

    load_units()
    # Warm-up (imports, ICU collator, first queries), then the same clean state for each variant.
    reset_roster()
    ours(xlsx_bytes(ROSTER_HEADER, [p.roster_row() for p in maker.roster(50)]), effective_date=FIRST_DATE)
    reset_roster()
    baseline(xlsx_bytes(BASELINE_HEADER, [p.baseline_row() for p in RosterMaker(seed=1).roster(50)]))

    reset_roster()
    ours_preview, _summary = timed(ours, first_ours, effective_date=FIRST_DATE, dry_run=True)
    ours_first, first_summary = timed(ours, first_ours, effective_date=FIRST_DATE)
    # More than 20 leave: the import needs their exact number (issue 12), as the Office would give it.
    ours_second, second_summary = timed(ours, second_ours, effective_date=SECOND_DATE, confirm_leavers=planned["left"])
    assert first_summary.joined == count, first_summary
    got = {kind: getattr(second_summary, kind) for kind in planned}
    assert got == planned, (got, planned)
    check = {
        "staff": Staff.objects.count(),
        "memberships": Membership.objects.count(),
        "open memberships": Membership.objects.filter(valid_to__isnull=True).count(),
        "summary": str(second_summary),
    }

    # The same imports without the audit trail (core.audit writes an entry per row changed): its cost.
    from auditlog.context import disable_auditlog

    reset_roster()
    with disable_auditlog():
        bare_preview, _summary = timed(ours, first_ours, effective_date=FIRST_DATE, dry_run=True)
        bare_first, _summary = timed(ours, first_ours, effective_date=FIRST_DATE)
        bare_second, _summary = timed(ours, second_ours, effective_date=SECOND_DATE, confirm_leavers=planned["left"])

    reset_roster()
    base_preview, _result = timed(baseline, first_base, dry_run=True)
    base_first, _result = timed(baseline, first_base)
    base_second, _result = timed(baseline, second_base)
    assert Staff.objects.count() == count + planned["joined"]
    reset_roster()

    figures = [
        Figure(f"first import, {count:,} rows", count, ours_first, base_first, bare_first),
        Figure(f"re-import, {len(second):,} rows with 5% changes", len(second), ours_second, base_second, bare_second),
        Figure(
            f"preview of the first import (dry run), {count:,} rows", count, ours_preview, base_preview, bare_preview
        ),
    ]
    return figures, {"planned": planned, "check": check}


# --- the report ----------------------------------------------------------------------------------------


def machine() -> str:
    from django.db import connection

    ram, nproc = _common.ram_text(), _common.nproc_text()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    import django
    import import_export

    return (
        f"{dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}; nproc {nproc}; RAM {ram}; "
        f"Python {platform.python_version()}; PostgreSQL {postgres}; Django {django.get_version()}; "
        f"django-import-export {import_export.__version__}"
    )


def table(figures: list[Figure]) -> str:
    lines = [
        "| figure | Lan Tỏa (s) | Lan Tỏa rows/s | import-export defaults (s) | baseline rows/s "
        "| ratio (baseline ÷ ours) | ours without the audit trail (s) | audit trail's cost (ours ÷ without) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for f in figures:
        lines.append(
            f"| {f.label} | {f.ours:.2f} | {f.rows / f.ours:,.0f} | {f.baseline:.2f} | "
            f"{f.rows / f.baseline:,.0f} | {f.ratio:.1f}× | {f.unaudited:.2f} | {f.ours / f.unaudited:.2f}× |"
        )
    return "\n".join(lines)


def write_results(text: str) -> None:
    start, end = "<!-- roster_import:start -->", "<!-- roster_import:end -->"
    _common.results_write(f"{start}\n{text}\n{end}", start=start, end=end)


def run(*, count: int = 10_000, database_url: str | None = None, write: bool = True) -> str:
    _setup_django(database_url or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL)
    figures, details = measure(count=count)
    planned, check = details["planned"], details["check"]
    text = "\n".join(
        [
            "## Roster import on PostgreSQL (`benchmarks/roster_import.py`)",
            "",
            f"Machine: {machine()}.",
            "",
            table(figures),
            "",
            f"Re-import changes: {planned['moved']} moves, {planned['updated']} position changes, "
            f"{planned['left']} leavers, {planned['joined']} joiners (effective {SECOND_DATE:%d/%m/%Y}).",
            f"After our re-import: {check['staff']:,} staff, {check['memberships']:,} memberships "
            f"({check['open memberships']:,} open). {check['summary']}",
            "",
            "Lan Tỏa = `read_table` + `roster_import` from the xlsx bytes to the committed transaction: staff,"
            " effective-dated memberships, leavers end-dated, search/sort index. Baseline = django-import-export"
            " 4 `ModelResource` for `Staff` with default options (row by row, `skip_unchanged` off, no bulk;"
            " `import_id_fields = ('code',)` so a re-import updates), importing the same people's staff"
            " columns from an xlsx: it writes only `Staff` rows, so it does less work than ours. The preview row"
            ' is the dry run the admin\'s import page runs before the confirm button. "Without the audit trail"'
            " is our import under `auditlog.context.disable_auditlog()`: no entry per row written (`core/audit.py`);"
            " the import record is still written.",
        ]
    )
    if write:
        write_results(text)
    return text


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--no-write", action="store_true", help="print only; leave benchmarks/results.md alone")
    args = parser.parse_args(argv)
    print(run(count=args.rows, database_url=args.database_url, write=not args.no_write))


if __name__ == "__main__":
    main()
