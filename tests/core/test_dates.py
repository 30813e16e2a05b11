import datetime as dt

import pytest

from core.dates import format_date, format_datetime, format_day_month, iso_date_or_today, parse_date, parse_date_input


def test_format_date_is_dd_mm_yyyy_whatever_the_language(settings):
    from django.utils import translation

    for language in ("vi", "en"):
        with translation.override(language):
            assert format_date(dt.date(1985, 9, 5)) == "05/09/1985"
            assert format_datetime(dt.datetime(1985, 9, 5, 14, 3)) == "05/09/1985 14:03"
            assert format_day_month(dt.date(1985, 9, 5)) == "05/09"


def test_parse_date_reads_what_format_date_writes():
    day = dt.date(2026, 2, 28)
    assert parse_date(format_date(day)) == day
    assert parse_date("5/9/1985") == dt.date(1985, 9, 5)


@pytest.mark.parametrize("text", ["1985-09-05", "05/09/85", "31/02/1985", ""])
def test_parse_date_refuses(text):
    with pytest.raises(ValueError):
        parse_date(text)


def test_iso_date_or_today(settings):
    from django.utils import timezone

    assert iso_date_or_today("2026-04-01") == dt.date(2026, 4, 1)
    assert iso_date_or_today(None) == iso_date_or_today("") == timezone.localdate()


def test_format_date_shows_a_moment_as_its_day_in_the_project_time_zone():
    # 18:30 UTC on 31/12 is already 01/01 in Asia/Ho_Chi_Minh (UTC+7).
    assert format_date(dt.datetime(2025, 12, 31, 18, 30, tzinfo=dt.UTC)) == "01/01/2026"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("05/09/1985", dt.date(1985, 9, 5)),
        (" 5/9/1985 ", dt.date(1985, 9, 5)),
        ("1985-09-05", dt.date(1985, 9, 5)),
        ("31/02/1985", None),
        ("1985-02-31", None),
        ("05/09/85", None),
        ("19850905", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_date_input_reads_a_typed_date_or_says_none(text, expected):
    assert parse_date_input(text) == expected
