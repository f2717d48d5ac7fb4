"""Line and document totals, exactly as DOMAIN.md ("Documents") says.

* A line's amount is ``quantity × price × (1 − discount/100)``, rounded half-up to
  kopecks. It includes VAT when the document's prices include VAT, and excludes it when
  VAT is charged on top.
* A line's VAT is ``amount × rate / (100 + rate)`` when included, ``amount × rate / 100``
  on top, rounded half-up to kopecks; "none" (без НДС) and 0 % give zero.
* The document's VAT is the sum of its lines' VAT; its total is the sum of the line
  amounts, plus the VAT when it is charged on top. Money is never a float.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from salesdesk.money import HUNDRED, ZERO, round_money


def rate_percent(rate: str) -> Decimal:
    """The VAT rate code as a percentage (``none`` is 0)."""
    return Decimal(0) if rate == "none" else Decimal(rate)


def line_amount(quantity: Decimal, price: Decimal, discount_pct: Decimal = ZERO) -> Decimal:
    """The line's amount after discount, rounded half-up to kopecks."""
    return round_money(quantity * price * (HUNDRED - discount_pct) / HUNDRED)


def line_vat(amount: Decimal, rate: str, included: bool) -> Decimal:
    """The VAT of a line's amount, rounded half-up to kopecks."""
    percent = rate_percent(rate)
    if percent == 0:
        return ZERO
    if included:
        return round_money(amount * percent / (HUNDRED + percent))
    return round_money(amount * percent / HUNDRED)


@dataclass(frozen=True)
class LineTotals:
    """What one line contributes."""

    amount: Decimal
    vat: Decimal


@dataclass(frozen=True)
class DocumentTotals:
    """The document's sums, and its VAT per rate (for the "В том числе НДС" lines)."""

    subtotal: Decimal
    vat: Decimal
    total: Decimal
    vat_by_rate: dict[str, Decimal]
    base_by_rate: dict[str, Decimal]

    @property
    def without_vat(self) -> bool:
        """Every line is "без НДС"."""
        return set(self.vat_by_rate) <= {"none"}


def compute_line(quantity: Decimal, price: Decimal, discount_pct: Decimal, rate: str,
                 included: bool) -> LineTotals:
    """Amount and VAT of one line."""
    amount = line_amount(quantity, price, discount_pct)
    return LineTotals(amount=amount, vat=line_vat(amount, rate, included))


def compute_document(lines: list[tuple[Decimal, Decimal, Decimal, str]],
                     included: bool) -> DocumentTotals:
    """Totals of ``(quantity, price, discount_pct, rate)`` lines."""
    subtotal = vat = ZERO
    vat_by_rate: dict[str, Decimal] = {}
    base_by_rate: dict[str, Decimal] = {}
    for quantity, price, discount, rate in lines:
        line = compute_line(quantity, price, discount, rate, included)
        subtotal += line.amount
        vat += line.vat
        vat_by_rate[rate] = vat_by_rate.get(rate, ZERO) + line.vat
        base_by_rate[rate] = base_by_rate.get(rate, ZERO) + line.amount
    total = subtotal if included else subtotal + vat
    return DocumentTotals(subtotal=subtotal, vat=vat, total=total, vat_by_rate=vat_by_rate,
                          base_by_rate=base_by_rate)
