"""Reading any import has a bounded cost: the worst hostile files, read in a fresh process, peak and time measured.

The files are `benchmarks/import_bounds.py`'s (which prints the same figures against a real
roster). The bound is the issue's: under 300 MB resident and 30 s, whatever the file.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from django.test import override_settings

from benchmarks.import_bounds import (
    blank_lines_csv,
    inflating_xlsx,
    read_in_a_fresh_process,
    roster_xlsx,
    wide_far_row_xlsx,
)
from core.importing import ImportRefused, read_table

PEAK_MB = 300
SECONDS = 30


@pytest.mark.parametrize(
    ("make", "filename", "refusal"),
    [
        (wide_far_row_xlsx, "danh-sach.xlsx", 'refused: Trang "DS", cột CW có dữ liệu, quá giới hạn 100 cột'),
        (blank_lines_csv, "danh-sach.csv", "refused: Tệp không có dữ liệu: mọi trang tính đều trống."),
        (inflating_xlsx, "danh-sach.xlsx", "refused: Tệp có quá nhiều ô dữ liệu (hơn 1.000.000)"),
    ],
    ids=["300-columns-row-1000000", "csv-of-blank-lines", "5mb-xlsx-250mb-sheet"],
)
def test_hostile_file_is_refused_within_memory_and_time(make, filename, refusal):
    content = make()
    assert len(content) <= 5 * 1024 * 1024
    figure = read_in_a_fresh_process(content, filename)
    assert figure["outcome"].startswith(refusal)
    assert figure["peak_mb"] < PEAK_MB, figure
    # CPU time: the machine is shared, and its other processes' turns are not the read's cost.
    assert figure["cpu_seconds"] < SECONDS, figure


def test_each_member_is_checked_by_its_real_inflated_size():
    content = roster_xlsx(rows=2_000)
    sheet = zipfile.ZipFile(io.BytesIO(content)).getinfo("xl/worksheets/sheet1.xml")
    with (
        override_settings(LANTOA_IMPORT_MAX_INFLATED_BYTES=sheet.file_size - 1),
        pytest.raises(ImportRefused) as caught,
    ):
        read_table(content=content, filename="danh-sach.xlsx")
    assert "xl/worksheets/sheet1.xml giải nén vượt quá" in str(caught.value)
    with override_settings(LANTOA_IMPORT_MAX_INFLATED_BYTES=sheet.file_size):
        assert len(read_table(content=content, filename="danh-sach.xlsx").sheets[0].rows) == 2_001


def test_a_member_lying_about_its_size_is_refused():
    """The size a zip declares is not trusted: a sheet declared smaller than it is fails, it is not read past."""
    content = bytearray(roster_xlsx(rows=200))
    archive = zipfile.ZipFile(io.BytesIO(bytes(content)))
    sheet = archive.getinfo("xl/worksheets/sheet1.xml")
    # The sheet's entry in the central directory (46 bytes, then its name): its uncompressed size, halved.
    directory = content.find(b"xl/worksheets/sheet1.xml", content.find(b"PK\x01\x02")) - 46
    content[directory + 24 : directory + 28] = (sheet.file_size // 2).to_bytes(4, "little")
    with pytest.raises(ImportRefused) as caught:
        read_table(content=bytes(content), filename="danh-sach.xlsx")
    assert "Tệp có đuôi .xlsx nhưng không phải là tệp Excel .xlsx hợp lệ" in str(caught.value)
