"""Column types that keep money exact and timestamps in UTC, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, Integer
from sqlalchemy.types import TypeDecorator

from salesdesk import clock
from salesdesk.money import from_minor, round_money, round_to


class Money(TypeDecorator[Decimal]):
    """``Decimal`` in Python, integer minor units (kopecks) in the database.

    Never a float and never SQLite ``NUMERIC`` (which would store a binary float).
    """

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> int | None:
        if value is None:
            return None
        return int(round_money(Decimal(value)) * 100)

    def process_result_value(self, value: Any, dialect: Any) -> Decimal | None:
        if value is None:
            return None
        return from_minor(int(value))


class Scaled(TypeDecorator[Decimal]):
    """A ``Decimal`` with a fixed number of decimals stored as a scaled integer
    (quantities in thousandths, discounts in hundredths of a percent)."""

    impl = BigInteger
    cache_ok = True

    def __init__(self, places: int) -> None:
        super().__init__()
        self.places = places
        self.factor = 10**places

    def process_bind_param(self, value: Any, dialect: Any) -> int | None:
        if value is None:
            return None
        return int(round_to(Decimal(value), self.places) * self.factor)

    def process_result_value(self, value: Any, dialect: Any) -> Decimal | None:
        if value is None:
            return None
        return round_to(Decimal(int(value)) / self.factor, self.places)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes; stored naive in UTC so SQLite and PostgreSQL agree."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return clock.utcnow()


# Re-exported for models that want a plain integer column next to the custom types.
__all__ = ["Integer", "Money", "Scaled", "UTCDateTime", "utcnow"]
