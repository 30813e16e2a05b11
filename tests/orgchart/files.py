"""Build real xlsx / csv bytes and row dicts for import tests."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook

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
UNITS_HEADER = ["Mã đơn vị", "Tên đơn vị", "Mã đơn vị cấp trên", "Loại đơn vị"]


def xlsx_bytes(grid: Sequence[Sequence[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in grid:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(grid: Sequence[Sequence[object]], *, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    for row in grid:
        writer.writerow(["" if cell is None else cell for cell in row])
    return buffer.getvalue().encode(encoding)


def person(
    code: str,
    name: str,
    unit: str,
    *,
    email: str | None = None,
    position: str = "Chuyên viên",
    category: str = "Công chức",
    communications: str = "Không",
    born: object = "",
) -> dict[str, object]:
    """One roster row as `read_table` returns it."""
    return {
        "Mã cán bộ": code,
        "Họ và tên": name,
        "Email": f"{code.lower()}@stp.dongnai.gov.vn" if email is None else email,
        "Mã đơn vị": unit,
        "Chức vụ": position,
        "Đối tượng": category,
        "Công tác truyền thông": communications,
        "Ngày sinh": born,
    }


def unit_row(code: str, name: str, parent: str | None, kind: str = "Phòng") -> dict[str, object]:
    return {"Mã đơn vị": code, "Tên đơn vị": name, "Mã đơn vị cấp trên": parent or "", "Loại đơn vị": kind}


def grid_of(rows: Sequence[dict[str, object]]) -> list[list[object]]:
    """Row dicts back to a header + cells grid, to write them as a file."""
    header = list(rows[0])
    return [header, *[[row[name] for name in header] for row in rows]]
