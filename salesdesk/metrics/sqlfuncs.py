"""Date arithmetic as SQL constructs, compiled per dialect.

SQL has no portable "days between two dates" or "year-month of a date"; these
constructs keep the dialect-specific spelling here, in one place, so that every
metric query runs on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float, Integer, String, func, type_coerce
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import NullType

from salesdesk.db.types import Money

_PASS = NullType()


def raw(column: Any) -> Any:
    """A column as the driver returns it, without SQLAlchemy's per-row conversion (a
    money column's sum as integer kopecks, an id as the driver's own value).

    Turning a hundred thousand values into UUIDs, dates and Decimals one by one cost
    more than reading them; callers convert the few distinct ones once.
    """
    return type_coerce(column, _PASS)


class days_between(FunctionElement[int]):
    """``later - earlier`` in whole days."""

    type = Integer()
    inherit_cache = True
    name = "days_between"


@compiles(days_between, "sqlite")
def _days_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    later, earlier = list(element.clauses)
    return (f"CAST(julianday({compiler.process(later, **kw)}) - "
            f"julianday({compiler.process(earlier, **kw)}) AS INTEGER)")


@compiles(days_between)
def _days_default(element: Any, compiler: Any, **kw: Any) -> str:
    # PostgreSQL: date - date is an integer number of days.
    later, earlier = list(element.clauses)
    return f"({compiler.process(later, **kw)} - {compiler.process(earlier, **kw)})"


class hours_between(FunctionElement[float]):
    """``later - earlier`` in hours (fractional) of two UTC timestamps."""

    type = Float()
    inherit_cache = True
    name = "hours_between"


@compiles(hours_between, "sqlite")
def _hours_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    later, earlier = list(element.clauses)
    return (f"((julianday({compiler.process(later, **kw)}) - "
            f"julianday({compiler.process(earlier, **kw)})) * 24.0)")


@compiles(hours_between)
def _hours_default(element: Any, compiler: Any, **kw: Any) -> str:
    later, earlier = list(element.clauses)
    return (f"(EXTRACT(EPOCH FROM ({compiler.process(later, **kw)} - "
            f"{compiler.process(earlier, **kw)})) / 3600.0)")


class month_key(FunctionElement[str]):
    """``YYYY-MM`` of a date."""

    type = String()
    inherit_cache = True
    name = "month_key"


@compiles(month_key, "sqlite")
def _month_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    (value,) = list(element.clauses)
    return f"strftime('%Y-%m', {compiler.process(value, **kw)})"


@compiles(month_key)
def _month_default(element: Any, compiler: Any, **kw: Any) -> str:
    (value,) = list(element.clauses)
    return f"to_char({compiler.process(value, **kw)}, 'YYYY-MM')"


def msum(expression: Any) -> Any:
    """``SUM`` of a money column, typed as money so that every dialect returns rubles.

    (PostgreSQL's SUM of a BIGINT is a NUMERIC: without the type, kopecks would come
    back as a Decimal count of kopecks.)
    """
    return type_coerce(func.sum(expression), Money())


class unindexed(FunctionElement[Any]):
    """A column that SQLite must not pick an index by (``+column``): the value is still
    tested, row by row, on the index the rest of the query chose.

    The metrics filter activities and deals by their person (``user_id IN (…)``) and
    their date. Offered both, SQLite's planner took the (person, date) index, which
    sends it to the table for every row, over the live (date, …) index that holds every
    column the count needs: a year of a team's contacts took 1.8 s instead of 0.17 s.
    PostgreSQL plans this on its own statistics and gets the column as it is.
    """

    inherit_cache = True
    name = "unindexed"

    def __init__(self, column: Any) -> None:
        super().__init__(column)
        self.type = column.type


@compiles(unindexed)
def _unindexed_default(element: Any, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


@compiles(unindexed, "sqlite")
def _unindexed_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    return "+" + str(compiler.process(element.clauses, **kw))
