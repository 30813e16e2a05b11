"""Reading hostile import files: peak memory and time, against reading a real 10,000-row roster.

The three worst files of issue 12, each read by `core.importing.read_table` in a fresh
Python process (so the peak resident size is that read's and nothing else's):

- a 7 KB xlsx with 300 columns and one row at row 1,000,000;
- a CSV of nothing but blank lines, as large as an import may be (`LANTOA_IMPORT_MAX_BYTES`);
- a small xlsx holding a 250 MB sheet (`deflate` squeezes the repetitive XML).

The baseline, measured in the same run the same way, is a legitimate 10,000-row roster
xlsx. The bound the issue sets is 300 MB and 30 s on this machine for any file;
`tests/core/test_import_bounds.py` asserts it with the same files.

    .venv/bin/python benchmarks/import_bounds.py
"""

from __future__ import annotations

import io
import json
import os
import random
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from core.importing import column_letter  # noqa: E402

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="DS" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
_SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_SHEET_END = "</sheetData></worksheet>"


def _xlsx(write_sheet, *, size: int = 0) -> bytes:
    """An xlsx whose sheet `write_sheet` writes; with `size`, a stored picture of noise fills the file up to it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(_SHEET_START.encode())
            write_sheet(sheet)
            sheet.write(_SHEET_END.encode())
        padding = size - buffer.tell() - 1024  # what is left, less the directory's few hundred bytes
        if padding > 0:
            archive.writestr("xl/media/image1.png", random.Random(12).randbytes(padding), zipfile.ZIP_STORED)
    return buffer.getvalue()


def wide_far_row_xlsx() -> bytes:
    """300 columns of headers, and one row of 300 cells at row 1,000,000 (the sheet's dimension is A1:KN1000000)."""

    def write(sheet) -> None:
        for number in (1, 1_000_000):
            cells = "".join(
                f'<c r="{column_letter(i)}{number}" t="inlineStr"><is><t>c{i}</t></is></c>' for i in range(300)
            )
            sheet.write(f'<row r="{number}">{cells}</row>'.encode())

    return _xlsx(write)


def blank_lines_csv(size: int = 5 * 1024 * 1024) -> bytes:
    """Nothing but line ends, as many as an import's size limit allows."""
    return b"\r\n" * (size // 2)


def inflating_xlsx(inflated: int = 250 * 1024 * 1024, size: int = 5 * 1024 * 1024 - 8 * 1024) -> bytes:
    """A file of `size` bytes holding a sheet of `inflated` bytes: a roster header, then rows of numbers.

    The sheet squeezes to about 1 MB; a stored picture of noise makes up the rest of the 5 MB.
    """

    def write(sheet) -> None:
        header = "".join(
            f'<c r="{column_letter(i)}1" t="inlineStr"><is><t>{name}</t></is></c>'
            for i, name in enumerate(["Mã cán bộ", "Họ và tên", "Mã đơn vị", "Đối tượng"])
        )
        sheet.write(f'<row r="1">{header}</row>'.encode())
        chunk = ("<row>" + "<c><v>1</v></c>" * 10 + "</row>").encode() * 10_000
        for _ in range(inflated // len(chunk) + 1):
            sheet.write(chunk)

    return _xlsx(write, size=size)


def roster_xlsx(rows: int = 10_000) -> bytes:
    """The baseline: a legitimate roster of `rows` people, as openpyxl writes it."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("DS")
    sheet.append(["Mã cán bộ", "Họ và tên", "Email", "Mã đơn vị", "Chức vụ", "Đối tượng", "Ngày sinh"])
    for n in range(rows):
        sheet.append([f"CB{n:05d}", f"Nguyễn Văn Số {n}", f"cb{n}@stp.vn", "VP", "Chuyên viên", "Công chức", None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


_PROBE = """
import json, os, resource, sys, time
def high_water_mb():
    # VmHWM belongs to this process's own memory map (new at exec); ru_maxrss is not: Linux carries the
    # parent's peak over fork and exec, so a probe started from a big pytest process would read the parent's.
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
import django
django.setup()
from core.importing import ImportRefused, read_table
path, name = sys.argv[1], sys.argv[2]
content = open(path, "rb").read()
usage = resource.getrusage(resource.RUSAGE_SELF)
before, cpu = high_water_mb(), usage.ru_utime + usage.ru_stime
start = time.perf_counter()
try:
    file = read_table(content=content, filename=name)
    outcome = f"read: {sum(len(sheet.rows) for sheet in file.sheets)} rows"
except ImportRefused as refused:
    outcome = f"refused: {refused}"
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_SELF)
cpu = usage.ru_utime + usage.ru_stime - cpu
peak = high_water_mb()
print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "peak_mb": peak, "before_mb": before,
                  "outcome": outcome}))
"""


def read_in_a_fresh_process(content: bytes, filename: str) -> dict:
    """Read `content` with `read_table` in a new interpreter: peak resident size (MB), wall and CPU time (s), outcome.

    On a shared machine the wall time counts the other processes' turns too; the CPU time is the read's own.
    """
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / filename
        path.write_bytes(content)
        done = subprocess.run(
            [sys.executable, "-c", _PROBE, str(path), filename],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=600,
            check=True,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
    return json.loads(done.stdout.strip().splitlines()[-1])


HOSTILE = {
    "xlsx, 300 columns, a row at 1,000,000": (wide_far_row_xlsx, "danh-sach.xlsx"),
    "csv of blank lines (5 MB)": (blank_lines_csv, "danh-sach.csv"),
    "xlsx holding a 250 MB sheet": (inflating_xlsx, "danh-sach.xlsx"),
}


def main() -> None:
    baseline = read_in_a_fresh_process(roster_xlsx(), "danh-sach.xlsx")
    print(
        f"baseline: 10,000-row roster xlsx — peak {baseline['peak_mb']:.0f} MB "
        f"(interpreter and Django before reading: {baseline['before_mb']:.0f} MB), "
        f"{baseline['cpu_seconds']:.2f} s CPU ({baseline['seconds']:.2f} s wall)"
    )
    print("| file | size | peak MB | × baseline peak | CPU s | × baseline CPU | wall s | outcome |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for label, (make, filename) in HOSTILE.items():
        content = make()
        figure = read_in_a_fresh_process(content, filename)
        size = f"{len(content) / 1024:,.0f} KB"
        print(
            f"| {label} | {size} | {figure['peak_mb']:.0f} | {figure['peak_mb'] / baseline['peak_mb']:.2f}× | "
            f"{figure['cpu_seconds']:.2f} | {figure['cpu_seconds'] / baseline['cpu_seconds']:.2f}× | "
            f"{figure['seconds']:.2f} | {figure['outcome'][:90]} |"
        )


if __name__ == "__main__":
    main()
