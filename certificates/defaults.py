"""What a fresh register starts with: the shipped template and the department's details.

Used by the data migration and, lazily, by the selectors (so a flushed test database or a
deleted row never leaves the register without them).
"""

from pathlib import Path

_HERE = Path(__file__).resolve().parent / "default_template"

DEFAULT_TEMPLATE_NAME = "Mẫu mặc định (Giấy chứng nhận hoàn thành khóa học)"


def default_template_html() -> str:
    return (_HERE / "certificate.html").read_text(encoding="utf-8")


def default_template_css() -> str:
    return (_HERE / "certificate.css").read_text(encoding="utf-8")


REGISTER_DEFAULTS = {
    "signer_name": "Phạm Thị Bích Thủy",
    "signer_title": "GIÁM ĐỐC",
    "certifier": "GIÁM ĐỐC SỞ TƯ PHÁP TỈNH ĐỒNG NAI",
    "serial_suffix": "GCN-STP",
    "place": "Đồng Nai",
    "parent_agency": "UBND tỉnh Đồng Nai",
    "agency": "Sở Tư pháp",
}
