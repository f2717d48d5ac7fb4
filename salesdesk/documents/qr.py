"""The payment QR code of ГОСТ Р 56042-2014 ("Стандарты финансовых операций").

``ST00012`` says: format version 0001, encoding 2 (UTF-8). The required fields are
Name, PersonalAcc, BankName, BIC and CorrespAcc; Sum is in kopecks. A bank app scanning
the code fills in the payment order.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from salesdesk.money import to_minor

NAME_MAX = 160             # ГОСТ Р 56042-2014: the payee's name
BANK_MAX = 45              # the bank's name
MANDATORY_MAX_BYTES = 300  # the header and the five mandatory fields, in bytes
# The standard lets the writer choose the separator (the 8th character of the header):
# the first of these that no value holds.
SEPARATORS = "|#~^;_"


def _clean(value: str) -> str:
    # Line breaks have no place in a field; every other character may stay (the
    # separator is chosen so that none of the values holds it).
    return " ".join(value.replace("\r", " ").replace("\n", " ").split())


def cut_at_word(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, at the last word that fits."""
    if len(text) <= limit:
        return text
    head = text[:limit + 1]
    space = head.rfind(" ")
    out = head[:space] if space > limit // 2 else text[:limit]
    return out.rstrip(" ,;:-–—«\"")


def _utf8(text: str) -> int:
    return len(text.encode("utf-8"))


def payment_string(name: str, personal_account: str, bank_name: str, bic: str,
                   correspondent_account: str, amount: Decimal, purpose: str,
                   payee_inn: str | None = None, kpp: str | None = None) -> str:
    """The ``ST00012|Name=…|PersonalAcc=…|…`` string of the standard, within its limits:
    the names cut at a word to their lengths, the mandatory block to 300 bytes, and a
    separator that no value holds."""
    name, bank_name = cut_at_word(_clean(name), NAME_MAX), cut_at_word(_clean(bank_name),
                                                                       BANK_MAX)
    values = [_clean(v) for v in (personal_account, bic, correspondent_account, purpose,
                                  payee_inn or "", kpp or "")]
    everything = "".join([name, bank_name, *values])
    separator = next((c for c in SEPARATORS if c not in everything), None)
    if separator is None:  # every candidate is used somewhere: take them out of the values
        separator = "|"
        name, bank_name = name.replace("|", " "), bank_name.replace("|", " ")
        values = [v.replace("|", " ") for v in values]
    personal, bic_, corresp, purpose_, inn, kpp_ = values

    def mandatory(payee: str) -> str:
        return separator.join(["ST00012", f"Name={payee}", f"PersonalAcc={personal}",
                               f"BankName={bank_name}", f"BIC={bic_}",
                               f"CorrespAcc={corresp}"])

    while _utf8(mandatory(name)) > MANDATORY_MAX_BYTES and name:
        name = cut_at_word(name, len(name) - 1)
    fields = [mandatory(name), f"Sum={to_minor(amount)}", f"Purpose={cut_at_word(purpose_, 210)}"]
    if inn:
        fields.append(f"PayeeINN={inn}")
    if kpp_:
        fields.append(f"KPP={kpp_}")
    return separator.join(fields)


@lru_cache(maxsize=256)
def qr_matrix(data: str) -> tuple[tuple[bool, ...], ...]:
    """The QR code's modules (``True`` is dark), error correction M, UTF-8 bytes.

    Choosing the best mask takes tens of milliseconds; a reprint of the same invoice
    reuses the result.
    """
    import segno

    code = segno.make_qr(data.encode("utf-8"), error="m", boost_error=False)
    return tuple(tuple(bool(cell) for cell in row) for row in code.matrix)
