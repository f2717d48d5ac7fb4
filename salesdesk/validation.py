"""Validators for Russian requisites and contact data (DOMAIN.md, "Validation").

Each ``check_*`` takes the raw text and the field's label, returns the normalised value
(or ``None`` for an empty optional value) and raises :class:`ValidationError` naming the
field and the rule otherwise. The ``is_*`` forms answer yes or no.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeVar

from salesdesk.errors import FieldProblem, ValidationError
from salesdesk.i18n import _

T = TypeVar("T")

_KPP = re.compile(r"^\d{4}[\dA-Z]{2}\d{3}$")
_WEIGHTS = (7, 1, 3)


def _digits(text: str) -> str:
    return re.sub(r"[\s\u00a0-]", "", text or "")


def _key_ok(number: str) -> bool:
    """The control key of Bank of Russia accounts: weights 7,1,3 repeated, sum % 10 == 0."""
    total = sum(int(d) * _WEIGHTS[i % 3] for i, d in enumerate(number))
    return total % 10 == 0


def account_key(prefix: str, account: str) -> str:
    """Return ``account`` with its control digit (position 9) computed for ``prefix``.

    ``prefix`` is the last three digits of the BIK for a settlement account, or ``"0"``
    plus BIK digits 5-6 for a correspondent account. Used by the demo data and tests.
    """
    for d in range(10):
        candidate = account[:8] + str(d) + account[9:]
        if _key_ok(prefix + candidate):
            return candidate
    raise AssertionError("no control digit")  # pragma: no cover


def is_inn(value: str) -> bool:
    """10 digits (company) or 12 (person) with valid check digits."""
    from stdnum.ru import inn

    return bool(value) and value.isdigit() and inn.is_valid(value)


def check_inn(value: str | None, field: str | None = None, required: bool = False) -> str | None:
    """A valid INN or ``None`` when empty and optional."""
    field = field or _("INN")
    text = _digits(value or "")
    if not text:
        if required:
            raise ValidationError(field, _("is required"))
        return None
    if not text.isdigit() or len(text) not in (10, 12):
        raise ValidationError(field, _("must be 10 digits (company) or 12 digits (person)"))
    if not is_inn(text):
        raise ValidationError(field, _("check digits do not match (mistyped INN?)"))
    return text


def check_kpp(value: str | None, field: str | None = None, required: bool = False) -> str | None:
    """KPP: four digits, two digits or capital Latin letters, three digits."""
    field = field or _("KPP")
    text = (value or "").strip().upper()
    if not text:
        if required:
            raise ValidationError(field, _("is required"))
        return None
    if not _KPP.match(text):
        raise ValidationError(field, _("must be 9 characters: 4 digits, 2 digits or letters A-Z, "
                                       "3 digits"))
    return text


def check_bik(value: str | None, field: str | None = None, required: bool = False) -> str | None:
    """BIK: 9 digits starting with 0."""
    field = field or _("BIK")
    text = _digits(value or "")
    if not text:
        if required:
            raise ValidationError(field, _("is required"))
        return None
    if not (len(text) == 9 and text.isdigit() and text.startswith("0")):
        raise ValidationError(field, _("must be 9 digits starting with 0"))
    return text


def is_settlement_account(account: str, bik: str) -> bool:
    """20 digits whose control key matches the BIK's last three digits."""
    return (len(account) == 20 and account.isdigit() and len(bik) == 9 and bik.isdigit()
            and _key_ok(bik[-3:] + account))


def is_correspondent_account(account: str, bik: str) -> bool:
    """20 digits starting 301 whose key matches ``0`` + BIK digits 5-6."""
    return (len(account) == 20 and account.isdigit() and account.startswith("301")
            and len(bik) == 9 and bik.isdigit() and _key_ok("0" + bik[4:6] + account))


def check_settlement_account(value: str | None, bik: str | None, field: str | None = None,
                             required: bool = False) -> str | None:
    """Settlement account (расчётный счёт), checked against the BIK when there is one."""
    field = field or _("Settlement account")
    text = _digits(value or "")
    if not text:
        if required:
            raise ValidationError(field, _("is required"))
        return None
    if len(text) != 20 or not text.isdigit():
        raise ValidationError(field, _("must be 20 digits"))
    if bik and not is_settlement_account(text, bik):
        raise ValidationError(field, _("control key does not match the BIK (mistyped account "
                                       "or BIK?)"))
    return text


def check_correspondent_account(value: str | None, bik: str | None, field: str | None = None,
                                required: bool = False) -> str | None:
    """Correspondent account (корр. счёт): 20 digits starting 301, key with the BIK."""
    field = field or _("Correspondent account")
    text = _digits(value or "")
    if not text:
        if required:
            raise ValidationError(field, _("is required"))
        return None
    if len(text) != 20 or not text.isdigit() or not text.startswith("301"):
        raise ValidationError(field, _("must be 20 digits starting with 301"))
    if bik and not is_correspondent_account(text, bik):
        raise ValidationError(field, _("control key does not match the BIK (mistyped account "
                                       "or BIK?)"))
    return text


def check_email(value: str | None, field: str | None = None, required: bool = False) -> str | None:
    """An e-mail address (syntax only: offices work offline), normalised."""
    field = field or _("E-mail")
    text = (value or "").strip()
    if not text:
        if required:
            raise ValidationError(field, _("is required"))
        return None
    normalized = _normalized_email(text)
    if normalized is None:
        raise ValidationError(field, _("is not a valid e-mail address (expected name@example.ru)"))
    return normalized


# The address of nearly every row of an import: a plain ASCII local part and a domain.
# Its local part is checked here; its domain, the part email-validator normalises, once
# per domain. Anything else (quoted, international, odd) goes to email-validator whole.
_PLAIN_ADDRESS = re.compile(r"^([A-Za-z0-9_%+\-]+(?:\.[A-Za-z0-9_%+\-]+)*)@"
                            r"([A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+)$")


def _normalized_email(text: str) -> str | None:
    match = _PLAIN_ADDRESS.match(text)
    if match and len(match.group(1)) <= 64 and len(text) <= 254:
        domain = _email_domain(match.group(2))
        return None if domain is None else f"{match.group(1)}@{domain}"
    return _validated_email(text)


@lru_cache(maxsize=65536)
def _email_domain(domain: str) -> str | None:
    normalized = _validated_email(f"a@{domain}")
    return None if normalized is None else normalized.split("@", 1)[1]


def _validated_email(text: str) -> str | None:
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        return None


def normalize_phone(value: str | None) -> str | None:
    """E.164 form of a phone (``+79123456789``), Russian numbers by default; ``None``
    when it is not a valid number."""
    found = _phone(value)
    return found[0] if found else None


def check_phone(value: str | None, field: str | None = None, required: bool = False) -> str | None:
    """A phone number in any usual writing, stored in the international format."""
    field = field or _("Phone")
    text = (value or "").strip()
    if not text:
        if required:
            raise ValidationError(field, _("is required"))
        return None
    found = _phone(text)
    if found is None:
        raise ValidationError(field, _("is not a valid phone number (expected e.g. "
                                       "+7 912 345-67-89)"))
    return found[1]


# A Russian number as people write it: +7, 8 or nothing, then ten digits with spaces,
# dashes, dots or brackets between them. Whether such a number is valid and how it is
# printed depends only on its first digits (the national plan's patterns, as
# phonenumbers holds them), so phonenumbers is asked once per six-digit prefix and the
# answer is applied to the other numbers of that prefix. Numbers of +7 7xx (Kazakhstan,
# with deeper patterns) and everything else go to phonenumbers whole.
_RUSSIAN = re.compile(r"^(?:\+\s*7|8|7)?[\s\-.()]*([3489](?:[\s\-.()]*\d){9})$")


@lru_cache(maxsize=4096)  # asked for the same cell several times while a row is read
def _phone(value: str | None) -> tuple[str, str] | None:
    """(E.164, international) of a phone, or ``None`` when it is not valid."""
    text = (value or "").strip()
    if not text:
        return None
    match = _RUSSIAN.match(text)
    if match:
        national = "".join(c for c in match.group(1) if c.isdigit())
        template = _russian_template(national[:6])
        if template is None:
            return None
        digits_ = iter(national)
        return "+7" + national, "".join(next(digits_) if c == "#" else c for c in template)
    return _parsed_phone(text)


@lru_cache(maxsize=65536)
def _russian_template(prefix: str) -> str | None:
    """How a number of this prefix is printed, its ten digits as ``#``; ``None`` when
    numbers of this prefix are not valid."""
    found = _parsed_phone("+7" + prefix + "0000")
    if found is None or found[0] != "+7" + prefix + "0000":
        return None
    printed = found[1]
    assert printed.startswith("+7"), printed
    return "+7" + "".join("#" if c.isdigit() else c for c in printed[2:])


@lru_cache(maxsize=65536)
def _parsed_phone(text: str) -> tuple[str, str] | None:
    import phonenumbers

    try:
        number = phonenumbers.parse(text, "RU")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return (phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
            phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL))


def check_text(value: str | None, field: str, required: bool = False,
               max_length: int = 300) -> str | None:
    """Trimmed text; refuses an empty required value and an over-long one."""
    text = (value or "").strip()
    if not text:
        if required:
            raise ValidationError(field, _("is required"))
        return None
    if len(text) > max_length:
        raise ValidationError(field, _("is longer than {n} characters").format(n=max_length))
    if any(ord(c) < 32 and c not in "\n\t" for c in text):
        raise ValidationError(field, _("contains control characters"))
    return text


class Problems:
    """Collect every refused field of a form, then raise them together.

    ``value = problems.check(check_inn, raw)`` returns the checked value, or ``None``
    after noting the problem; ``problems.raise_if_any()`` raises one
    :class:`ValidationError` naming every field.
    """

    def __init__(self) -> None:
        self.items: list[FieldProblem] = []

    def check(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """Run one validator; remember its problem instead of raising."""
        try:
            return fn(*args, **kwargs)
        except ValidationError as exc:
            self.items.extend(exc.problems)
            return None

    def add(self, field: str, message: str) -> None:
        """Note a problem found by the caller."""
        self.items.append(FieldProblem(field, message))

    def raise_if_any(self) -> None:
        """Raise every collected problem as one error."""
        if self.items:
            raise ValidationError(list(self.items))
