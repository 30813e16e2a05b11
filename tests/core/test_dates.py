import datetime as dt

import pytest

from core.dates import format_date, format_datetime, iso_date_or_today, parse_date


def test_format_date_is_dd_mm_yyyy_whatever_the_language(settings):
    from django.utils import translation

    for language in ("vi", "en"):
        with translation.override(language):
            assert format_date(dt.date(1985, 9, 5)) == "05/09/1985"
            assert format_datetime(dt.datetime(1985, 9, 5, 14, 3)) == "05/09/1985 14:03"


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
