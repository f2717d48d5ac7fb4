"""Amounts in words for Russian invoices: "Одна тысяча двести тридцать четыре рубля
56 копеек" (rubles in words, kopecks in digits, as accountants write them)."""

from __future__ import annotations

from decimal import Decimal

from salesdesk.money import round_money


def russian_plural(n: int, one: str, few: str, many: str) -> str:
    """The Russian noun form for ``n``: 1 рубль, 2 рубля, 5 рублей (11-14 take "many")."""
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def amount_in_words_ru(amount: Decimal) -> str:
    """``Decimal("1234.56")`` -> ``Одна тысяча двести тридцать четыре рубля 56 копеек``."""
    from num2words import num2words

    value = round_money(amount)
    if value < 0:
        raise ValueError("a negative amount has no words on an invoice")
    rubles = int(value)
    kopecks = int((value - rubles) * 100)
    words = num2words(rubles, lang="ru")
    text = (f"{words} {russian_plural(rubles, 'рубль', 'рубля', 'рублей')} "
            f"{kopecks:02d} {russian_plural(kopecks, 'копейка', 'копейки', 'копеек')}")
    return text[0].upper() + text[1:]
