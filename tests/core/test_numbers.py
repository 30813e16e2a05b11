from decimal import Decimal

import pytest

from core.numbers import percent, percent_text


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [(131, 136, 96.32), (1, 3, 33.33), (2, 3, 66.67), (1, 8, 12.5), (5, 5, 100.0), (0, 7, 0.0), (0, 0, None)],
)
def test_percent_rounds_half_up_to_two_places_and_is_none_for_nobody(part, whole, expected):
    assert percent(part=part, whole=whole) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (96.32, "96,32"),
        (96.3, "96,3"),
        (100.0, "100"),
        (0.0, "0"),
        (Decimal("82.50"), "82,5"),
        (Decimal("90.00"), "90"),
    ],
)
def test_percent_text_has_two_places_at_most_and_a_decimal_comma(value, expected):
    assert percent_text(value) == expected
