"""Translations (gettext) and locale-aware formatting (Babel) for core and window.

English strings are the source; ``resources/locale/ru/LC_MESSAGES/salesdesk.po`` is the
complete Russian translation (compiled to ``.mo`` next to it by ``scripts/i18n``).

Two ways to translate:

* ``_("...")`` translates into the current language of the process (the window's or
  the command line's), set with :func:`set_language`;
* ``Tr("ru")._("...")`` translates into a given language, for documents printed in
  the client's language whatever the window speaks.

``N_("...")`` only marks a string for extraction; it is translated where it is shown.
"""

from __future__ import annotations

import gettext
import os
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any

from salesdesk.assets import resource_path

LANGUAGES: tuple[str, ...] = ("en", "ru")
DOMAIN = "salesdesk"

_BABEL_LOCALES = {"en": "en_US", "ru": "ru_RU"}


def system_language() -> str:
    """The language the environment asks for: ``SALESDESK_LANG``, then POSIX locale vars."""
    for var in ("SALESDESK_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            code = value.split(":")[0][:2].lower()
            return code if code in LANGUAGES else "en"
    return "en"


_current = system_language()


def set_language(lang: str) -> None:
    """Switch the language of ``_()`` for the whole process."""
    global _current
    _current = lang if lang in LANGUAGES else "en"


def get_language() -> str:
    """The current language code, ``en`` or ``ru``."""
    return _current


@cache
def _translations(lang: str) -> gettext.NullTranslations:
    if lang == "en":
        return gettext.NullTranslations()
    mo = resource_path("locale", lang, "LC_MESSAGES", f"{DOMAIN}.mo")
    try:
        with open(mo, "rb") as fh:
            return gettext.GNUTranslations(fh)
    except OSError:
        return gettext.NullTranslations()


def _(message: str) -> str:
    """Translate ``message`` into the current language."""
    return _translations(_current).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message with a count, with the language's plural forms."""
    return _translations(_current).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for translation without translating it (translated when shown)."""
    return message


class Tr:
    """Translations and formatting in one fixed language (documents, reports)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in LANGUAGES else "en"
        self._t = _translations(self.lang)

    def _(self, message: str) -> str:
        """Translate into this object's language."""
        return self._t.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """Translate with plural forms into this object's language."""
        return self._t.ngettext(singular, plural, n)

    def money(self, amount: Decimal | None, currency: str = "RUB", symbol: bool = True) -> str:
        """``1 234,50 ₽`` / ``RUB 1,234.50``; ``n/a`` for ``None``."""
        return format_money(amount, self.lang, currency, symbol)

    def date(self, value: date | None, style: str = "short") -> str:
        """A date in this language (see :func:`format_date`)."""
        return format_date(value, self.lang, style)

    def number(self, value: Decimal | int | float | None, decimals: int = 0) -> str:
        """A number with the language's grouping and decimal separator."""
        return format_number(value, self.lang, decimals)

    def percent(self, value: Decimal | float | None) -> str:
        """A percentage with one or two decimals, ``n/a`` for ``None``."""
        return format_percent(value, self.lang)


def tr(lang: str | None = None) -> Tr:
    """A :class:`Tr` for ``lang`` or the current language."""
    return Tr(lang or _current)


def babel_locale(lang: str) -> str:
    """Babel's locale name for a SalesDesk language code."""
    return _BABEL_LOCALES.get(lang, "en_US")


def not_available(lang: str | None = None) -> str:
    """What a metric with a zero denominator shows: ``n/a`` / ``н/д``."""
    return Tr(lang or _current)._("n/a")


def decimal_text(value: Decimal | int | float, pattern: str, lang: str,
                 quantize: bool = True) -> str:
    """``value`` in a CLDR number ``pattern`` and the language's symbols: what babel's
    ``format_decimal`` prints, with the pattern and the locale read once.

    babel parses both on every call; a list of money or an invoice formats hundreds of
    numbers, and the parsing took three times as long as the formatting. ``quantize``
    is babel's ``decimal_quantization`` (``False`` keeps every decimal of the value).
    """
    return _number_pattern(pattern).apply(value, _babel_locale_object(lang),
                                          decimal_quantization=quantize)


@lru_cache(maxsize=64)
def _number_pattern(pattern: str) -> Any:
    from babel.numbers import parse_pattern

    return parse_pattern(pattern)


@lru_cache(maxsize=8)
def _babel_locale_object(lang: str) -> Any:
    from babel import Locale

    return Locale.parse(babel_locale(lang))


def format_money(
    amount: Decimal | None, lang: str | None = None, currency: str = "RUB", symbol: bool = True
) -> str:
    """Money in the locale's format, e.g. ``1 234,50 ₽``."""
    from babel.numbers import format_currency

    lang = lang or _current
    if amount is None:
        return not_available(lang)
    if not symbol:
        return decimal_text(amount, "#,##0.00", lang)
    if currency == "RUB" and lang != "ru":
        # CLDR's English has no ruble sign ("RUB1,234.00"); the office's money reads better
        # with the sign it sees on every price tag.
        return "₽" + decimal_text(amount, "#,##0.00", lang)
    return format_currency(amount, currency, locale=babel_locale(lang))


def format_money_compact(amount: Decimal, lang: str | None = None) -> str:
    """Money for tight spaces (deal cards): without kopecks when there are none,
    ``1 676 869 ₽`` / ``₽1,676,869``; otherwise as :func:`format_money`."""
    lang = lang or _current
    if amount != amount.to_integral_value():
        return format_money(amount, lang)
    number = format_number(amount, lang)
    return f"{number}\u00a0₽" if lang == "ru" else f"₽{number}"


def format_number(value: Decimal | int | float | None, lang: str | None = None,
                  decimals: int = 0) -> str:
    """A number with grouping, e.g. ``12 345`` or ``12,345``; ``n/a`` for ``None``."""
    lang = lang or _current
    if value is None:
        return not_available(lang)
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return decimal_text(value, pattern, lang)


def format_percent(value: Decimal | float | None, lang: str | None = None) -> str:
    """``12,5 %`` / ``12.5%`` from a value already in percent; ``n/a`` for ``None``."""
    lang = lang or _current
    if value is None:
        return not_available(lang)
    text = decimal_text(value, "#,##0.##", lang)
    return f"{text} %" if lang == "ru" else f"{text}%"


def format_date(value: date | None, lang: str | None = None, style: str = "short") -> str:
    """Dates as people read them.

    ``short``: ``5 мар 2026`` / ``Mar 5, 2026`` (lists); ``long``: ``5 марта 2026 г.`` /
    ``March 5, 2026`` (documents); ``numeric``: ``05.03.2026`` / ``03/05/2026``.
    """
    if value is None:
        return ""
    return _format_date(value, lang or _current, style)


@lru_cache(maxsize=4096)
def _format_date(value: date, lang: str, style: str) -> str:
    # Cached: lists format the same few hundred dates over and over as they repaint,
    # and Babel's pattern formatting is the dearest part of painting a page of rows.
    from babel.dates import format_date as babel_format_date

    loc = babel_locale(lang)
    if style == "long":
        if lang == "ru":
            return babel_format_date(value, "d MMMM y 'г.'", locale=loc)
        return babel_format_date(value, "MMMM d, y", locale=loc)
    if style == "numeric":
        return babel_format_date(value, "dd.MM.y" if lang == "ru" else "MM/dd/y", locale=loc)
    if style == "month":
        return babel_format_date(value, "LLLL y", locale=loc).capitalize()
    if lang == "ru":
        text = babel_format_date(value, "d MMM y", locale=loc)
        return text.replace(".", "")
    return babel_format_date(value, "MMM d, y", locale=loc)


def short_person(name: str) -> str:
    """``Попова Елена Игоревна`` -> ``Попова Е. И.`` (narrow columns of lists and
    reports, the way Russian business papers name people)."""
    parts = name.split()
    if len(parts) < 2:
        return name
    return " ".join([parts[0]] + [f"{p[0]}." for p in parts[1:3]])
