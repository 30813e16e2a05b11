"""Formula-injection escaping for every spreadsheet export."""

import datetime as dt

import pytest

from core.spreadsheets import escape_cell, escape_row


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+2", "'=1+2"),
        ('=HYPERLINK("http://x","bấm")', '\'=HYPERLINK("http://x","bấm")'),
        ("+84 912 345 678", "'+84 912 345 678"),
        ("-1", "'-1"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\tTab", "'\tTab"),
        ("\rCR", "'\rCR"),
    ],
)
def test_dangerous_text_gets_a_leading_quote(value, expected):
    assert escape_cell(value) == expected


@pytest.mark.parametrize(
    "value",
    ["Nguyễn Văn An", "", "a=b", "Phòng Tư pháp - Hộ tịch", " =leading space", "'=already quoted", "\nnewline"],
)
def test_safe_text_is_unchanged(value):
    assert escape_cell(value) == value


@pytest.mark.parametrize("value", [None, 0, -1, 3.5, True, dt.date(2026, 7, 1)])
def test_non_text_is_unchanged(value):
    # Numbers and dates are typed cells, not formulas: a negative number stays a number.
    assert escape_cell(value) is value


def test_escape_row():
    assert escape_row(["CB1", "=cmd", -5, None, "@x"]) == ["CB1", "'=cmd", -5, None, "'@x"]
