"""Money is exact: integer kopecks in the database, Decimal in the code, half-up."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesdesk.money import from_minor, money_str, parse_money, round_money, to_minor


@pytest.mark.parametrize(("value", "expected"), [
    ("0.125", "0.13"), ("0.124", "0.12"), ("-0.125", "-0.13"), ("2.675", "2.68"),
    ("1", "1.00"),
])
def test_round_half_up(value: str, expected: str) -> None:
    assert round_money(Decimal(value)) == Decimal(expected)


@pytest.mark.parametrize(("text", "expected"), [
    ("1234.5", "1234.50"), ("1234,50", "1234.50"), ("1 234,50", "1234.50"),
    ("1\u00a0234,50", "1234.50"), ("0", "0.00"), (" 12 ", "12.00"), (1500, "1500.00"),
    (1234.56, "1234.56"),
])
def test_parse_money_accepts_russian_and_english_writing(text: object, expected: str) -> None:
    assert parse_money(text) == Decimal(expected)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["", "abc", "1.2.3", "12,345,67", "1e5", "-5", "1.005",
                                  "NaN", "inf"])
def test_parse_money_refuses_with_a_reason(text: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_money(text)
    assert str(info.value)


@given(st.integers(min_value=-10**15, max_value=10**15))
def test_minor_units_round_trip(minor: int) -> None:
    assert to_minor(from_minor(minor)) == minor


def test_money_json_form_has_two_decimals() -> None:
    assert money_str(Decimal("5")) == "5.00"
    assert money_str(None) is None


def test_compact_money_drops_only_zero_kopecks() -> None:
    from salesdesk.i18n import format_money_compact

    assert format_money_compact(Decimal("1676869.00"), "ru") == "1\u00a0676\u00a0869\u00a0₽"
    assert format_money_compact(Decimal("1676869"), "en") == "₽1,676,869"
    # Kopecks are never rounded away: they show in full.
    assert format_money_compact(Decimal("12.50"), "ru") == "12,50\u00a0₽"
