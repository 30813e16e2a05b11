"""Dates typed into a form field: dd/mm/yyyy (the Vietnamese way) or yyyy-mm-dd."""

from __future__ import annotations

import datetime as dt
import re

_DMY = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")


def parse_date_input(raw: str) -> dt.date | None:
    """A date typed as dd/mm/yyyy (the Vietnamese way) or yyyy-mm-dd; None when it is neither or not a real day."""
    raw = (raw or "").strip()
    match = _DMY.match(raw)
    try:
        if match:
            day, month, year = (int(part) for part in match.groups())
            return dt.date(year, month, day)
        return dt.date.fromisoformat(raw) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw) else None
    except ValueError:
        return None
