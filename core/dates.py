"""Dates as the department writes them: dd/mm/yyyy, one formatter and one parser.

Every file, message and document the project writes shows dates as dd/mm/yyyy
(DESIGN.md); the contract does not change with the reader's language, so the formats
are fixed here rather than taken from the active locale (`config/formats/` says the
same for the pages). The formatting is Django's own (`django.utils.dateformat`).

Two readings: `parse_date` for a cell of an imported file (dd/mm/yyyy only, a Vietnamese
reason when it cannot be read) and `parse_date_input` for a date typed into a page or a
command (dd/mm/yyyy or yyyy-mm-dd, None when it cannot be read). Form fields read dates
with Django's `DATE_INPUT_FORMATS` (`config/formats/`), the same two forms.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils import dateformat, timezone

DATE_FORMAT = "d/m/Y"
DAY_MONTH_FORMAT = "d/m"
DATETIME_FORMAT = "d/m/Y H:i"
_DATE_TEXT = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_ISO_DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}")
# What offices send in a date column: 05/09/1985, 05-09-1985, 05.09.1985, 1985-09-05 (ISO, a time allowed).
_CLERK_DATE_TEXT = re.compile(r"(\d{1,2})\s*([/.-])\s*(\d{1,2})\s*\2\s*(\d{1,4})")
_CLERK_ISO_TEXT = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")


def format_date(value: dt.date | dt.datetime) -> str:
    """05/09/1985. A moment (an aware datetime) is shown as its day in the project's time zone."""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return dateformat.format(value, DATE_FORMAT)


def format_day_month(value: dt.date) -> str:
    """05/09: a chart's label, the year said beside it."""
    return dateformat.format(value, DAY_MONTH_FORMAT)


def format_datetime(value: dt.datetime) -> str:
    """05/09/1985 14:30 (the time as it is held, not converted)."""
    return dateformat.format(value, DATETIME_FORMAT)


def parse_date(text: str) -> dt.date:
    """A date from dd/mm/yyyy text (one-digit day and month allowed). Raises ValueError with a Vietnamese reason."""
    match = _DATE_TEXT.fullmatch(text)
    if not match:
        raise ValueError(f'"{text}" không đúng dạng ngày dd/mm/yyyy (ví dụ 05/09/1985).')
    day, month, year = (int(part) for part in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise ValueError(f'"{text}" không phải là ngày có thật.') from exc


def parse_clerk_date(text: str) -> dt.date:
    """A date as offices type it: dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy or ISO yyyy-mm-dd.

    Raises ValueError with a Vietnamese reason that says what to do: a two-digit year, a
    month-first (American) date and a bare number are refused rather than guessed.
    """
    text = text.strip()
    iso = _CLERK_ISO_TEXT.fullmatch(text)
    if iso:
        year, month, day = (int(part) for part in iso.groups())
    else:
        match = _CLERK_DATE_TEXT.fullmatch(text)
        if not match:
            if text.isdigit():
                raise ValueError(
                    f'"{text}" là một con số, không rõ là ngày nào — hãy ghi ngày dạng dd/mm/yyyy (ví dụ 05/09/1985).'
                )
            raise ValueError(f'"{text}" không đúng dạng ngày dd/mm/yyyy (ví dụ 05/09/1985).')
        day, month, year = int(match.group(1)), int(match.group(3)), int(match.group(4))
        if len(match.group(4)) != 4:
            raise ValueError(f'"{text}": năm phải đủ 4 chữ số — hãy ghi dạng dd/mm/yyyy (ví dụ 05/09/1985).')
        if month > 12 and day <= 12:
            raise ValueError(
                f'"{text}": không có tháng {month} — có lẽ tháng được ghi trước ngày; hãy ghi ngày trước, tháng sau, '
                "dạng dd/mm/yyyy."
            )
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise ValueError(f'"{text}" không phải là ngày có thật.') from exc


# A date typed into a page or a command is about the department's work: years outside these are typing
# mistakes (01/01/0001), and date arithmetic near year 1 or 9999 overflows.
INPUT_YEARS = (1900, 2100)


def parse_date_input(raw: str | None) -> dt.date | None:
    """A date typed as dd/mm/yyyy (the Vietnamese way) or yyyy-mm-dd; None when it is neither, not a real day,
    or its year is outside `INPUT_YEARS`."""
    raw = (raw or "").strip()
    try:
        value = dt.date.fromisoformat(raw) if _ISO_DATE_TEXT.fullmatch(raw) else parse_date(raw)
    except ValueError:
        return None
    if value is None or not INPUT_YEARS[0] <= value.year <= INPUT_YEARS[1]:
        return None
    return value


def iso_date_or_today(value: str | None) -> dt.date:
    """A periodic task's date argument: YYYY-MM-DD, or today in the project's time zone when not given."""
    return dt.date.fromisoformat(value) if value else timezone.localdate()


def date_line(*, place: str, on_date: dt.date) -> str:
    """ "Đồng Nai, ngày 05 tháng 6 năm 2026": two-digit days, and a leading zero for January and February."""
    month = f"{on_date.month:02d}" if on_date.month <= 2 else str(on_date.month)
    return f"{place}, ngày {on_date.day:02d} tháng {month} năm {on_date.year}"


# Public holidays on a fixed solar date (Bộ luật Lao động 2019, Điều 112): New Year, Reunification Day,
# Labour Day, National Day. The lunar ones (Tết, the Hùng Kings' day) fall between January and April,
# never at the start of June or December, the months the semiannual report is issued in.
FIXED_PUBLIC_HOLIDAYS = ((1, 1), (4, 30), (5, 1), (9, 2))


def is_working_day(day: dt.date) -> bool:
    """Monday to Friday and not a fixed-date public holiday."""
    return day.weekday() < 5 and (day.month, day.day) not in FIXED_PUBLIC_HOLIDAYS


def first_working_day_of_month(day: dt.date) -> dt.date:
    """The first working day of `day`'s month (1/6/2025, a Sunday → Monday 2/6/2025)."""
    first = day.replace(day=1)
    while not is_working_day(first):
        first += dt.timedelta(days=1)
    return first
