"""Field parsers: what people type in forms and spreadsheets."""

import contextlib
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesdesk.domain import STAGE_LABELS
from salesdesk.errors import ValidationError
from salesdesk.fields import (
    Field,
    boolean,
    choice,
    money,
    normalize_name,
    parse_date,
    parse_month,
    quantity,
    text,
    validate,
)


@pytest.mark.parametrize(("raw", "expected"), [
    ("2026-10-31", date(2026, 10, 31)), ("31.10.2026", date(2026, 10, 31)),
    ("1.2.2026", date(2026, 2, 1)), (date(2026, 1, 5), date(2026, 1, 5)),
])
def test_dates(raw: object, expected: date) -> None:
    assert parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["31.02.2026", "2026-13-01", "yesterday", "10/31/2026", ""])
def test_bad_dates(raw: str) -> None:
    with pytest.raises(ValueError):
        parse_date(raw)


def test_month_and_choice_and_boolean() -> None:
    assert parse_month("2026-03") == date(2026, 3, 1)
    assert parse_month("03.2026") == date(2026, 3, 1)
    assert choice(STAGE_LABELS)("Переговоры") == "negotiation"
    assert choice(STAGE_LABELS)("WON") == "won"
    with pytest.raises(ValueError, match="not one of"):
        choice(STAGE_LABELS)("maybe")
    assert boolean("да") is True and boolean("no") is False


def test_names_normalise_for_matching() -> None:
    assert normalize_name("ООО «Ромашка»") == normalize_name("Ромашка, ООО") == "ромашка"
    assert normalize_name("Ёлка") == "елка"


def test_validate_reports_every_field_by_label() -> None:
    spec = {"title": Field("Title", text(5), required=True), "amount": Field("Amount", money)}
    with pytest.raises(ValidationError) as info:
        validate(spec, {"title": "too long title", "amount": "abc", "colour": "red"})
    fields = [p.field for p in info.value.problems]
    assert fields == ["colour", "Title", "Amount"]
    assert validate(spec, {"title": "ok", "amount": "1 000.5"}) == {"title": "ok",
                                                                   "amount": Decimal("1000.50")}


@given(st.one_of(st.text(max_size=40), st.integers(), st.floats(), st.decimals(), st.dates(),
                 st.booleans(), st.none()))
def test_parsers_accept_or_refuse_never_crash(value: object) -> None:
    for parse in (parse_date, parse_month, money, quantity, boolean, text(20),
                  choice(STAGE_LABELS)):
        with contextlib.suppress(ValueError, ValidationError):
            parse(value)
