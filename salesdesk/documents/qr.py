"""The payment QR code of ГОСТ Р 56042-2014 ("Стандарты финансовых операций").

``ST00012`` says: format version 0001, encoding 2 (UTF-8). The required fields are
Name, PersonalAcc, BankName, BIC and CorrespAcc; Sum is in kopecks. A bank app scanning
the code fills in the payment order.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from salesdesk.money import to_minor

_FORBIDDEN = "|\r\n"


def _clean(value: str) -> str:
    # "|" separates fields: it must not appear inside a value.
    return "".join(" " if c in _FORBIDDEN else c for c in value).strip()


def payment_string(name: str, personal_account: str, bank_name: str, bic: str,
                   correspondent_account: str, amount: Decimal, purpose: str,
                   payee_inn: str | None = None, kpp: str | None = None) -> str:
    """The ``ST00012|Name=…|PersonalAcc=…|…`` string of the standard."""
    fields = [
        ("Name", name), ("PersonalAcc", personal_account), ("BankName", bank_name),
        ("BIC", bic), ("CorrespAcc", correspondent_account), ("Sum", str(to_minor(amount))),
        ("Purpose", purpose),
    ]
    if payee_inn:
        fields.append(("PayeeINN", payee_inn))
    if kpp:
        fields.append(("KPP", kpp))
    return "ST00012|" + "|".join(f"{key}={_clean(value)}" for key, value in fields)


@lru_cache(maxsize=256)
def qr_matrix(data: str) -> tuple[tuple[bool, ...], ...]:
    """The QR code's modules (``True`` is dark), error correction M, UTF-8 bytes.

    Choosing the best mask takes tens of milliseconds; a reprint of the same invoice
    reuses the result.
    """
    import segno

    code = segno.make_qr(data.encode("utf-8"), error="m", boost_error=False)
    return tuple(tuple(bool(cell) for cell in row) for row in code.matrix)
