"""Money is exact: integer kopecks in the database, Decimal in the code, half-up."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesdesk.money import (
    AMOUNT_KINDS,
    AmountError,
    amount_style,
    format_amount,
    from_minor,
    money_str,
    parse_amount,
    parse_machine,
    parse_money,
    round_money,
    to_minor,
)


@pytest.mark.parametrize(("value", "expected"), [
    ("0.125", "0.13"), ("0.124", "0.12"), ("-0.125", "-0.13"), ("2.675", "2.68"),
    ("1", "1.00"),
])
def test_round_half_up(value: str, expected: str) -> None:
    assert round_money(Decimal(value)) == Decimal(expected)


@pytest.mark.parametrize(("lang", "text", "expected"), [
    ("en", "1234.5", "1234.50"), ("en", "6,000", "6000.00"), ("en", "18,892.50", "18892.50"),
    ("en", "1,234,567.89", "1234567.89"), ("en", "1 234.50", "1234.50"), ("en", "₽37,785.00",
                                                                           "37785.00"),
    ("ru", "1234,50", "1234.50"), ("ru", "1 234,50", "1234.50"), ("ru", "1\u00a0234,50",
                                                                   "1234.50"),
    ("ru", "1 234 567,89", "1234567.89"), ("ru", "1.5", "1.50"), ("ru", "12 500 ₽", "12500.00"),
    ("ru", "0", "0.00"), ("en", " 12 ", "12.00"), ("ru", 1500, "1500.00"),
    ("en", 1234.56, "1234.56"), ("en", ".5", "0.50"),
])
def test_amounts_are_read_in_the_language_of_the_window(lang: str, text: object,
                                                        expected: str) -> None:
    assert parse_money(text, lang=lang) == Decimal(expected)  # type: ignore[arg-type]


@pytest.mark.parametrize(("lang", "text", "shown"), [
    ("en", "1,5", "1,234,567.89"), ("en", "1 234,50", "1,234,567.89"),
    ("ru", "6.000", "6 или как 6\u00a0000"), ("ru", "1.234,50", "1 234 567,89"),
])
def test_what_could_mean_two_things_is_refused_showing_the_expected_form(
        lang: str, text: str, shown: str) -> None:
    from salesdesk.i18n import set_language

    set_language(lang)
    with pytest.raises(AmountError) as info:
        parse_money(text, lang=lang)
    assert shown in str(info.value)


@pytest.mark.parametrize("text", ["", "abc", "1.2.3", "12,345,67", "1e5", "-5", "1.005",
                                  "NaN", "inf", "--5", "1 23"])
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_parse_money_refuses_with_a_reason(text: str, lang: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_money(text, lang=lang)
    assert str(info.value)


@settings(max_examples=300)
@given(st.sampled_from(AMOUNT_KINDS), st.sampled_from(["en", "ru"]),
       st.integers(min_value=0, max_value=10**12 - 1), st.integers(min_value=0, max_value=999))
def test_what_is_shown_is_read_back_exactly(kind: str, lang: str, whole: int,
                                            fraction: int) -> None:
    places = {"money": 2, "quantity": 3, "percent": 2}[kind]
    value = Decimal(whole) + Decimal(fraction % 10**places).scaleb(-places)
    if kind == "percent":
        value = value % 101
    shown = format_amount(value, lang, kind)
    assert parse_amount(shown, lang, kind) == value


def test_machine_form_of_the_command_line() -> None:
    assert parse_machine("1234.50") == Decimal("1234.50")
    for bad in ("1 234,50", "1,234.50", "abc"):
        with pytest.raises(AmountError, match=r"1234\.50"):
            parse_machine(bad)


def test_file_columns_decide_their_own_number_style() -> None:
    assert amount_style(["1,234.50", "12", "6,000"]) == "dot"
    assert amount_style(["1 234,50", "7"]) == "comma"
    assert amount_style(["100", "250"]) is None
    with pytest.raises(AmountError, match="6,000"):
        amount_style(["6,000", "7,500"])
    with pytest.raises(AmountError):
        amount_style(["1,234.50", "1 234,50"])


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
