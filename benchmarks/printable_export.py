"""What the printable layout costs (issue 12 item 7): the people sheet of the coverage export, 89,000 rows.

The same synthetic rows (14 columns like `reports.exports`: codes, names, units, two dates, a
reason on one row in fifty, counts, a percentage) are written to an xlsx in a temporary file,
in one run and interleaved:

- **baseline**: what the exports did before — a write-only sheet, a bold header row, the rows
  appended as they come (dates as date cells with a number format, the rest plain values);
- **printable**: `core.spreadsheets.printable_sheet` (title row, widths measured on the first
  rows, frozen header, autofilter, page setup, date/percent cells, formula-like text as
  protected text cells).

Prints the median time of each and the ratio, and the peak Python memory of each
(tracemalloc, separate runs). No database.

    .venv/bin/python benchmarks/printable_export.py [--rows 89000] [--runs 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if __name__ == "__main__":
    sys.path[0] = str(REPO)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from openpyxl import Workbook  # noqa: E402
from openpyxl.cell import WriteOnlyCell  # noqa: E402
from openpyxl.styles import Font  # noqa: E402

from core.spreadsheets import PERCENT, Column, printable_sheet, sheet_title  # noqa: E402

TITLES = [
    "Mã cán bộ",
    "Họ và tên",
    "Mã đơn vị",
    "Đơn vị",
    "Đối tượng",
    "Chức vụ",
    "Tình trạng",
    "Ngày hoàn thành",
    "Hình thức",
    "Lý do miễn",
    "Hạn hoàn thành",
    "Số bài đã đọc",
    "Số bài",
    "Điểm kiểm tra cao nhất (%)",
]


def rows(count: int):
    for number in range(count):
        yield [
            f"CB{number:06}",
            "Nguyễn Thị Thanh Hương",
            f"DV{number % 2000:04}",
            "Phòng Phổ biến, giáo dục pháp luật",
            "Công chức",
            "Chuyên viên",
            "Đã quán triệt" if number % 3 else "Chưa quán triệt",
            dt.date(2025, 2, number % 28 + 1) if number % 3 else None,
            "Đạt bài kiểm tra",
            "Nghỉ thai sản theo quyết định số 123/QĐ-STP" if number % 50 == 0 else "",
            dt.date(2025, 6, 30),
            number % 5,
            5,
            83.33 if number % 2 else None,
        ]


def baseline(path: Path, count: int) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Nhân sự")
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for title in TITLES:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows(count):
        values = []
        for value in row:
            if isinstance(value, dt.date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "dd/mm/yyyy"
                value = cell
            values.append(value)
        sheet.append(values)
    workbook.save(path)


def printable(path: Path, count: int) -> None:
    workbook = Workbook(write_only=True)
    columns = [Column(title) for title in TITLES[:-1]] + [Column(TITLES[-1], PERCENT)]
    printable_sheet(
        workbook,
        name="Nhân sự",
        title=sheet_title(what="Kết quả quán triệt theo cán bộ", as_of=dt.date(2025, 9, 1)),
        columns=columns,
        rows=rows(count),
    )
    workbook.save(path)


def timed(writer, path: Path, count: int) -> float:
    start = time.perf_counter()
    writer(path, count)
    return time.perf_counter() - start


def peak(writer, path: Path, count: int) -> int:
    tracemalloc.start()
    writer(path, count)
    _current, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return top


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=89_000)
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    times: dict[str, list[float]] = {"baseline": [], "printable": []}
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "x.xlsx"
        timed(printable, path, 1000)  # warm-up
        for _run in range(arguments.runs):
            for name, writer in (("baseline", baseline), ("printable", printable)):
                times[name].append(timed(writer, path, arguments.rows))
                print(f"  {name}: {times[name][-1]:.2f} s", flush=True)
        size = path.stat().st_size
        peaks = {
            name: peak(writer, path, arguments.rows)
            for name, writer in (("baseline", baseline), ("printable", printable))
        }
    base, ours = statistics.median(times["baseline"]), statistics.median(times["printable"])
    print(f"{arguments.rows:,} rows × {len(TITLES)} columns, median of {arguments.runs} interleaved runs")
    print(f"baseline (plain write-only sheet): {base:.2f} s, peak Python memory {peaks['baseline'] / 1e6:.1f} MB")
    print(f"printable_sheet:                   {ours:.2f} s, peak Python memory {peaks['printable'] / 1e6:.1f} MB")
    print(f"time ratio printable / baseline: {ours / base:.2f}×; file {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
