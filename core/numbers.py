"""Numbers as the reports print them."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

_HUNDREDTH = Decimal("0.01")


def percent(*, part: int, whole: int) -> float | None:
    """part / whole × 100, rounded half-up to 2 places; None when `whole` is 0.

    Every percent the project shows or stores goes through here, so the same counts always
    give the same figure. What "nobody to count" means is the caller's rule (coverage says
    100.0, the nominations' share says 0.0), hence None rather than a number.
    """
    if whole == 0:
        return None
    return float((Decimal(part) * 100 / Decimal(whole)).quantize(_HUNDREDTH, rounding=ROUND_HALF_UP))


def percent_text(value: float | Decimal) -> str:
    """A percent as documents print it: 96.32 → "96,32", 96.3 → "96,3", 100.0 → "100".

    Two places at most (half-up), no trailing zeros, the Vietnamese decimal comma; no sign
    added, no "%" (the sentence around it decides).
    """
    text = f"{Decimal(str(value)).quantize(_HUNDREDTH, rounding=ROUND_HALF_UP):f}"
    return text.rstrip("0").rstrip(".").replace(".", ",")


def percent_with_sign(value: float | Decimal) -> str:
    """The one way a percent is shown to people: "83,33%" (`percent_text` and the sign, no space)."""
    return f"{percent_text(value)}%"
