"""Document totals and amounts in words: the rounding rules of DOMAIN.md."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesdesk.documents.totals import compute_document, compute_line, rate_percent
from salesdesk.documents.words import amount_in_words_ru, russian_plural
from salesdesk.domain import VAT_RATES

HALF_KOPECK = Decimal("0.005")

quantities = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("10000"), places=3)
prices = st.decimals(min_value=Decimal("0"), max_value=Decimal("10000000"), places=2)
discounts = st.decimals(min_value=Decimal("0"), max_value=Decimal("100"), places=2)
lines = st.lists(st.tuples(quantities, prices, discounts, st.sampled_from(VAT_RATES)),
                 min_size=1, max_size=30)


@given(lines, st.booleans())
def test_sum_of_lines_is_the_total_and_vat_is_within_half_a_kopeck(
        items: list[tuple[Decimal, Decimal, Decimal, str]], included: bool) -> None:
    totals = compute_document(items, included)
    computed = [compute_line(q, p, d, r, included) for q, p, d, r in items]
    assert totals.subtotal == sum(c.amount for c in computed)
    assert totals.vat == sum(c.vat for c in computed)
    expected_total = totals.subtotal if included else totals.subtotal + totals.vat
    assert totals.total == expected_total
    assert sum(totals.vat_by_rate.values()) == totals.vat
    for (q, p, d, rate), line in zip(items, computed, strict=True):
        exact_amount = q * p * (100 - d) / 100
        assert abs(line.amount - exact_amount) <= HALF_KOPECK
        percent = rate_percent(rate)
        exact_vat = (line.amount * percent / (100 + percent) if included
                     else line.amount * percent / 100)
        assert abs(line.vat - exact_vat) <= HALF_KOPECK
        assert line.amount == line.amount.quantize(Decimal("0.01"))
        assert line.vat == line.vat.quantize(Decimal("0.01"))


def test_known_values() -> None:
    # 1 000 incl. 22 %: 1000 × 22 / 122 = 180.327… -> 180.33
    assert compute_line(Decimal(1), Decimal(1000), Decimal(0), "22", True).vat == Decimal(
        "180.33")
    # on top: 1000 × 22 % = 220
    line = compute_line(Decimal(1), Decimal(1000), Decimal(0), "22", False)
    assert (line.amount, line.vat) == (Decimal("1000.00"), Decimal("220.00"))
    # half-up: 0.125 -> 0.13
    assert compute_line(Decimal("0.5"), Decimal("0.25"), Decimal(0), "none", True).amount == \
        Decimal("0.13")
    totals = compute_document([(Decimal(1), Decimal(100), Decimal(0), "none")], True)
    assert totals.without_vat and totals.vat == 0


@pytest.mark.parametrize(("value", "words"), [
    ("0", "Ноль рублей 00 копеек"),
    ("1", "Один рубль 00 копеек"),
    ("2.01", "Два рубля 01 копейка"),
    ("11.11", "Одиннадцать рублей 11 копеек"),
    ("21.22", "Двадцать один рубль 22 копейки"),
    ("1234.56", "Одна тысяча двести тридцать четыре рубля 56 копеек"),
    ("2000000", "Два миллиона рублей 00 копеек"),
    ("43575.95", "Сорок три тысячи пятьсот семьдесят пять рублей 95 копеек"),
])
def test_amount_in_words(value: str, words: str) -> None:
    assert amount_in_words_ru(Decimal(value)) == words


def test_plural_forms() -> None:
    forms = [russian_plural(n, "рубль", "рубля", "рублей") for n in (1, 2, 5, 11, 12, 21, 104)]
    assert forms == ["рубль", "рубля", "рублей", "рублей", "рублей", "рубль", "рубля"]
