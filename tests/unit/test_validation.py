"""Requisite and contact validators: valid values pass, each rule names the field."""

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesdesk.errors import ValidationError
from salesdesk.validation import (
    account_key,
    check_bik,
    check_correspondent_account,
    check_email,
    check_inn,
    check_kpp,
    check_phone,
    check_settlement_account,
    is_inn,
)

BIK = "044525225"  # Sberbank, Moscow


@pytest.mark.parametrize("inn", ["7707083893", "500100732259", "7736050003"])
def test_valid_inn(inn: str) -> None:
    assert check_inn(inn) == inn


@pytest.mark.parametrize(("inn", "rule"), [
    ("7707083894", "check digits"), ("123", "10 digits"), ("77070838931", "10 digits"),
    ("77O7083893", "10 digits"), ("500100732258", "check digits"),
])
def test_invalid_inn_names_field_and_rule(inn: str, rule: str) -> None:
    with pytest.raises(ValidationError) as info:
        check_inn(inn)
    assert info.value.field == "INN"
    assert rule in str(info.value)


def test_empty_optional_and_required() -> None:
    assert check_inn("") is None
    with pytest.raises(ValidationError, match="required"):
        check_inn("", required=True)


@pytest.mark.parametrize("kpp", ["773601001", "7736AB001", "7736ab001"])
def test_valid_kpp(kpp: str) -> None:
    assert check_kpp(kpp) == kpp.upper()


@pytest.mark.parametrize("kpp", ["77360100", "7736010011", "77A601001", "7736AB00X"])
def test_invalid_kpp(kpp: str) -> None:
    with pytest.raises(ValidationError, match="KPP"):
        check_kpp(kpp)


def test_bik() -> None:
    assert check_bik(BIK) == BIK
    for bad in ("144525225", "04452522", "04452522A"):
        with pytest.raises(ValidationError, match="starting with 0"):
            check_bik(bad)


def test_settlement_account_key_with_bik() -> None:
    assert check_settlement_account("40702810938000012345", BIK) == "40702810938000012345"
    with pytest.raises(ValidationError, match="control key"):
        check_settlement_account("40702810938000012346", BIK)
    with pytest.raises(ValidationError, match="20 digits"):
        check_settlement_account("4070281093800001234", BIK)


def test_correspondent_account() -> None:
    assert check_correspondent_account("30101810400000000225", BIK)
    with pytest.raises(ValidationError, match="control key"):
        check_correspondent_account("30101810400000000226", BIK)
    with pytest.raises(ValidationError, match="starting with 301"):
        check_correspondent_account("40101810400000000225", BIK)


@given(st.text(alphabet="0123456789", min_size=20, max_size=20),
       st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_account_key_makes_valid_accounts(account: str, bik_tail: str) -> None:
    bik = "0" + bik_tail
    fixed = account_key(bik[-3:], account)
    assert check_settlement_account(fixed, bik) == fixed


def test_email_and_phone() -> None:
    assert check_email(" Sales@Romashka.RU ").lower() == "sales@romashka.ru"
    with pytest.raises(ValidationError, match="E-mail"):
        check_email("sales@")
    assert check_phone("8 (912) 345-67-89") == "+7 912 345-67-89"
    assert check_phone("+44 20 7946 0958").startswith("+44")
    with pytest.raises(ValidationError, match="Phone"):
        check_phone("12345")


@given(st.text(max_size=30))
def test_validators_never_crash(text: str) -> None:
    for check in (check_inn, check_kpp, check_bik, check_email, check_phone):
        with contextlib.suppress(ValidationError):
            check(text)
    for check in (check_settlement_account, check_correspondent_account):
        with contextlib.suppress(ValidationError):
            check(text, BIK)
    assert is_inn(text) in (True, False)


def _library_phone(text: str) -> tuple[str, str] | None:
    import phonenumbers

    try:
        number = phonenumbers.parse(text, "RU")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return (phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
            phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL))


@given(st.sampled_from("3489"), st.text("0123456789", min_size=9, max_size=9),
       st.sampled_from(["+7", "8", "7", "", "+7 ", "8 ", "+ 7"]), st.integers(0, 3))
def test_a_russian_number_reads_as_phonenumbers_reads_it(
        first: str, rest: str, prefix: str, layout: int) -> None:
    """The import's fast path for Russian numbers (asked once per prefix) gives what
    phonenumbers gives for the whole number, valid or not, in every usual writing."""
    from salesdesk.validation import _phone

    n = first + rest
    text = [prefix + n, f"{prefix} ({n[:3]}) {n[3:6]}-{n[6:8]}-{n[8:]}",
            f"{prefix}{n[:3]}.{n[3:6]}.{n[6:]}",
            f"{prefix} {n[:4]} {n[4:6]}-{n[6:8]}-{n[8:]}"][layout]
    assert _phone(text) == _library_phone(text)


@given(st.text("abcXYZ019._%+-", min_size=1, max_size=70),
       st.sampled_from(["example.ru", "Example.RU", "ex-ample.com", "a.b", "x..ru", "-x.ru",
                        "xn--80a.xn--p1ai", "1.2.3.4", "пример.рф", "a.r"]))
def test_an_address_reads_as_email_validator_reads_it(local: str, domain: str) -> None:
    from salesdesk.validation import _normalized_email, _validated_email

    text = f"{local}@{domain}"
    assert _normalized_email(text) == _validated_email(text)
