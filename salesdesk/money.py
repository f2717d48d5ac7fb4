"""Money: ``Decimal`` in the code, integer minor units (kopecks) in the database.

Half-up rounding to 0.01 everywhere (the rule Russian accounting uses); never a float.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from salesdesk.i18n import _

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)


def round_money(value: Decimal | int) -> Decimal:
    """Round half-up to kopecks: ``round_money(Decimal("0.125")) == Decimal("0.13")``."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def round_to(value: Decimal, places: int) -> Decimal:
    """Round half-up to ``places`` decimals."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def to_minor(value: Decimal | int) -> int:
    """``Decimal("12.34")`` -> ``1234`` (rounded half-up first)."""
    return int(round_money(value) * 100)


def from_minor(minor: int) -> Decimal:
    """``1234`` -> ``Decimal("12.34")``."""
    return (Decimal(minor) / 100).quantize(CENT)


def money_str(value: Decimal | None) -> str | None:
    """The JSON form of money: a string with exactly two decimals, or ``None``."""
    return None if value is None else str(round_money(value))


_SPACES = re.compile(r"[\s\u00a0\u202f']")
_AMOUNT = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")


def parse_decimal(text: str | int | Decimal | float) -> Decimal:
    """Parse ``1234.5``, ``1234,50``, ``1 234,50`` (plain or non-breaking spaces).

    Raises ``ValueError`` with a short reason for anything else (the caller names the
    field). Floats from spreadsheets are converted through their shortest repr.
    """
    if isinstance(text, Decimal):
        if not text.is_finite():
            raise ValueError(_("not a number (expected e.g. 1 234,50)"))
        return text
    if isinstance(text, bool):
        raise ValueError(_("not a number (expected e.g. 1 234,50)"))
    if isinstance(text, int):
        return Decimal(text)
    if isinstance(text, float):
        if text != text or text in (float("inf"), float("-inf")):
            raise ValueError(_("not a number (expected e.g. 1 234,50)"))
        return Decimal(repr(text))
    cleaned = _SPACES.sub("", str(text)).replace("₽", "").replace("руб.", "")
    if not cleaned or not _AMOUNT.match(cleaned):
        raise ValueError(_("not a number (expected e.g. 1 234,50)"))
    try:
        value = Decimal(cleaned.replace(",", "."))
    except InvalidOperation as exc:  # pragma: no cover - the regex already refused it
        raise ValueError(_("not a number (expected e.g. 1 234,50)")) from exc
    return value


def parse_money(text: str | int | Decimal | float, allow_negative: bool = False) -> Decimal:
    """Parse an amount of money; refuses more than two decimals and negative values."""
    value = parse_decimal(text)
    if abs(value) >= Decimal("1e13"):
        raise ValueError(_("too large"))
    if value.as_tuple().exponent < -2 and value != value.quantize(CENT, rounding=ROUND_HALF_UP):  # type: ignore[operator]
        raise ValueError(_("more than two decimals"))
    if value < 0 and not allow_negative:
        raise ValueError(_("must not be negative"))
    return round_money(value)
