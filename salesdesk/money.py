"""Money: ``Decimal`` in the code, integer minor units (kopecks) in the database.

Half-up rounding to 0.01 everywhere (the rule Russian accounting uses); never a float.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

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


# --- amounts as people write them ---------------------------------------------------------

AMOUNT_KINDS: tuple[str, ...] = ("money", "quantity", "percent")
"""The kinds of amount a field holds: money (two decimals), a quantity (up to three),
a percentage (up to two)."""

_DECIMALS = {"money": 2, "quantity": 3, "percent": 2}
_PATTERNS = {"money": "#,##0.00", "quantity": "#,##0.###", "percent": "#,##0.##"}

# The number styles of SalesDesk's languages: English writes 1,234,567.89, Russian
# 1 234 567,89. Spaces (plain, no-break, narrow) group digits in either.
_STYLE_OF_LANGUAGE = {"en": "dot", "ru": "comma"}
_DECIMAL_MARK = {"dot": ".", "comma": ","}
_GROUP_MARK = {"dot": ",", "comma": ""}
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")
_CURRENCY = re.compile(r"(₽|руб\.?|р\.|rub)", re.IGNORECASE)
_MINUS = str.maketrans({"\u2212": "-", "\u2013": "-"})


class AmountError(ValueError):
    """An amount that cannot be read; the message shows the form expected."""


def style_of(lang: str | None = None) -> str:
    """``"dot"`` (1,234.50) or ``"comma"`` (1 234,50): the number style of a language."""
    from salesdesk.i18n import get_language

    return _STYLE_OF_LANGUAGE.get(lang or get_language(), "dot")


def _example(style: str) -> str:
    return "1,234,567.89" if style == "dot" else "1 234 567,89"


def format_amount(value: Decimal | int | None, lang: str | None = None,
                  kind: str = "money") -> str:
    """An amount for an edit field or a table, in the language's form: ``1 234 567,89`` /
    ``1,234,567.89`` (money with two decimals, quantities and percentages with as many as
    they have). :func:`parse_amount` reads it back exactly."""
    from salesdesk.i18n import decimal_text, get_language

    if value is None:
        return ""
    lang = lang or get_language()
    number = round_money(value) if kind == "money" else Decimal(value)
    return decimal_text(number, _PATTERNS[kind], lang, quantize=kind == "money")


def _groups_ok(integer: str, marks: str) -> bool:
    """Digits, grouped by threes wherever one of ``marks`` stands between them."""
    parts = re.split("[" + re.escape(marks) + "]", integer)
    if len(parts) == 1:
        return integer.isdigit()
    return (all(p.isdigit() for p in parts) and 1 <= len(parts[0]) <= 3
            and all(len(p) == 3 for p in parts[1:]))


def read_number(text: str, style: str, file_column: bool = False) -> Decimal:
    """The number ``text`` writes in ``style`` (``dot`` or ``comma``).

    Raises :class:`AmountError` for anything else, and for what could be read two ways:
    the other style's decimal mark is taken as a decimal only where it cannot be a
    thousands separator ("1.5" in Russian is one and a half; "6.000" could be six or six
    thousand, and is refused). In a ``file_column`` whose style is known from its other
    values, the other mark only groups digits (``1.234,50`` in a comma column).
    """
    raw = str(text).strip()
    body = _CURRENCY.sub("", raw.translate(_MINUS)).strip()
    sign = ""
    if body[:1] in ("+", "-") and body:
        sign, body = ("-" if body[0] == "-" else ""), body[1:].strip()
    compact = _SPACES.sub(" ", body)
    mark, group = _DECIMAL_MARK[style], _GROUP_MARK[style]
    foreign = "," if mark == "." else "."
    if file_column:
        group = foreign
    problem = AmountError(_("'{value}' is not a number; type it as {example}").format(
        value=raw[:40], example=_example(style)))
    if foreign in compact and foreign != group:
        if mark in compact or compact.count(foreign) > 1:
            raise problem
        integer, fraction = compact.split(foreign)
        if len(fraction) == 3 and integer and _groups_ok(f"{integer} {fraction}", " "):
            decimal = Decimal(sign + integer.replace(" ", "") + "." + fraction)
            raise AmountError(_("'{value}' could mean {first} or {second}; type it as "
                                "{example}").format(
                value=raw[:40], first=_plain(decimal, style),
                second=_plain(decimal * 1000, style), example=_example(style)))
    else:
        if compact.count(mark) > 1:
            raise problem
        integer, _sep, fraction = compact.partition(mark)
    if not integer and not fraction:
        raise problem
    if integer and not _groups_ok(integer, " " + group):
        raise problem
    if fraction and not fraction.isdigit():
        raise problem
    digits = re.sub(r"\D", "", integer) or "0"
    return Decimal(sign + digits + ("." + fraction if fraction else ""))


def _plain(value: Decimal, style: str) -> str:
    """A reading of an ambiguous amount, in ``style``, without needless zeros."""
    normal = value.normalize()
    text = f"{normal:f}"
    whole, _sep, fraction = text.partition(".")
    grouped = f"{int(whole):,}".replace(",", "," if style == "dot" else "\u00a0") \
        if whole.lstrip("-").isdigit() else whole
    if fraction:
        return grouped + _DECIMAL_MARK[style] + fraction
    return grouped


def parse_amount(text: str | int | Decimal | float, lang: str | None = None,
                 kind: str = "money", style: str | None = None,
                 allow_negative: bool = False) -> Decimal:
    """Read an amount typed in the window or found in a file, in the language's form
    (``lang``, the current language by default) or an explicit ``style``.

    The inverse of :func:`format_amount`. Money has at most two decimals and is rounded
    to kopecks, a quantity at most three, a percentage two; none is negative unless
    ``allow_negative``. Raises :class:`AmountError` (a ``ValueError``) with a message
    that shows the form expected.
    """
    if kind not in _DECIMALS:
        raise ValueError(f"unknown amount kind {kind!r}")
    if isinstance(text, bool):
        raise AmountError(_("not a number"))
    if isinstance(text, Decimal):
        if not text.is_finite():
            raise AmountError(_("not a number"))
        value = text
    elif isinstance(text, int):
        value = Decimal(text)
    elif isinstance(text, float):
        if text != text or text in (float("inf"), float("-inf")):
            raise AmountError(_("not a number"))
        value = Decimal(repr(text))  # a spreadsheet's float, through its shortest repr
    else:
        value = read_number(str(text), style or style_of(lang), file_column=style is not None)
    return _checked(value, kind, allow_negative)


def _style_evidence(text: str) -> str | None:
    """``dot``, ``comma``, ``ambiguous`` or ``None`` (plain digits) for one cell."""
    compact = _SPACES.sub("", _CURRENCY.sub("", text))
    dots, commas = compact.count("."), compact.count(",")
    if dots and commas:
        return "dot" if compact.rfind(".") > compact.rfind(",") else "comma"
    if not dots and not commas:
        return None
    mark = "." if dots else ","
    if compact.count(mark) > 1:
        return "comma" if mark == "." else "dot"  # a mark that repeats only groups
    fraction = compact.split(mark)[1]
    if len(fraction) == 3 and compact.split(mark)[0].lstrip("+-"):
        return "ambiguous"
    return "dot" if mark == "." else "comma"


def amount_style(values: Iterable[object]) -> str | None:
    """The number style of a file's column, decided by its values: ``dot`` (1,234.50),
    ``comma`` (1 234,50) or ``None`` when no value needs one (plain digits).

    Raises :class:`AmountError` when the column mixes both, or when it holds only values
    such as ``6,000`` that read differently in each (six thousand or six).
    """
    seen: set[str] = set()
    ambiguous: str | None = None
    for value in values:
        if not isinstance(value, str):
            continue  # numbers typed as numbers in a spreadsheet need no style
        evidence = _style_evidence(value)
        if evidence == "ambiguous":
            ambiguous = ambiguous or value.strip()
        elif evidence:
            seen.add(evidence)
            if len(seen) > 1:
                raise AmountError(_("mixes 1,234.50 and 1 234,50: use one form in the column"))
    if seen:
        return seen.pop()
    if ambiguous:
        raise AmountError(_("cannot tell whether '{value}' has decimals: write it as "
                            "{dot} or {comma} in at least one row").format(
            value=ambiguous[:40], dot="1,234.50", comma="1 234,50"))
    return None


def parse_machine(text: str | int | Decimal, kind: str = "money",
                  allow_negative: bool = False) -> Decimal:
    """An amount in the machine form of the command line and JSON: ``1234.50``."""
    if isinstance(text, Decimal | int) and not isinstance(text, bool):
        return _checked(Decimal(text), kind, allow_negative)
    raw = str(text).strip()
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", raw):
        raise AmountError(_("'{value}' is not a number; write it as 1234.50").format(
            value=raw[:40]))
    return _checked(Decimal(raw), kind, allow_negative)


def _checked(value: Decimal, kind: str, allow_negative: bool) -> Decimal:
    places = _DECIMALS[kind]
    if value < 0 and not allow_negative:
        raise AmountError(_("must not be negative"))
    if abs(value) >= Decimal("1e13"):
        raise AmountError(_("too large"))
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -places:
        raise AmountError({2: _("more than two decimals"), 3: _("more than three decimals")}
                          [places])
    return round_money(value) if kind == "money" else value


def parse_money(text: str | int | Decimal | float, allow_negative: bool = False,
                lang: str | None = None) -> Decimal:
    """Money in the language's form (see :func:`parse_amount`), rounded to kopecks."""
    return parse_amount(text, lang, "money", allow_negative=allow_negative)
