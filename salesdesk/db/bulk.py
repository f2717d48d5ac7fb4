"""Fast bulk loading of many rows (demo data, large imports), portable across dialects.

SQLAlchemy's ``insert(table)`` with a list of dicts builds and processes parameters
row by row, which costs more than the database's own work at a million rows. Here
each column's bind processor is looked up once and, for values that repeat (dates,
timestamps, amounts), memoised; the INSERT is compiled by SQLAlchemy for the dialect
and the converted values go to the driver's ``executemany`` in one call per batch.
Secondary indexes of the loaded tables can be dropped for the load and rebuilt after
it, which is several times faster than maintaining them row by row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Table, column, insert, table

_MEMO_TYPES = (date, datetime, Decimal, bool, int)


def _memoised(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    cache: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        if not isinstance(value, _MEMO_TYPES):
            return process(value)
        key = (type(value), value)
        try:
            return cache[key]
        except KeyError:
            result = cache[key] = process(value)
            if len(cache) > 200_000:
                cache.clear()
            return result
    return convert


def _repeats(kind: Any) -> bool:
    """Whether a column's values repeat from row to row (dates, amounts, flags), so that
    converting each distinct one once pays; ids, texts and JSON are converted as they
    come (the memo's own look-up cost more than their conversion)."""
    kind = getattr(kind, "impl_instance", kind)  # a TypeDecorator: what it stores
    try:
        return issubclass(kind.python_type, _MEMO_TYPES)
    except NotImplementedError:
        return False


def bulk_insert(conn: Connection, target: Table, rows: Sequence[dict[str, Any]],
                batch: int = 20_000) -> None:
    """INSERT ``rows`` (dicts with the same keys) into ``target`` in batches.

    The statement is compiled by SQLAlchemy for the connection's dialect (so it stays
    portable) and handed to the driver's ``executemany`` with values converted column
    by column.
    """
    if not rows:
        return
    dialect = conn.dialect
    names = list(rows[0].keys())
    converters: list[Callable[[Any], Any] | None] = []
    for name in names:
        kind = target.c[name].type
        process = kind.dialect_impl(dialect).bind_processor(dialect)
        if process is not None and _repeats(kind):
            process = _memoised(process)
        converters.append(process)
    compiled = insert(table(target.name, *[column(n) for n in names])).compile(
        dialect=dialect, column_keys=names)
    sql = str(compiled)
    order = list(compiled.positiontup or []) if compiled.positional else None
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        for start in range(0, len(rows), batch):
            chunk = rows[start:start + batch]
            columns: dict[str, list[Any]] = {}
            for name, convert in zip(names, converters, strict=True):
                values = [r[name] for r in chunk]
                if convert is not None:
                    values = [None if v is None else convert(v) for v in values]
                columns[name] = values
            if order is not None:
                params: list[Any] = list(zip(*(columns[n] for n in order), strict=True))
            else:
                params = [dict(zip(names, values, strict=True))
                          for values in zip(*(columns[n] for n in names), strict=True)]
            cursor.executemany(sql, params)
    finally:
        cursor.close()


def with_defaults(target: Table, rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """``rows`` with every column's Python-side default filled in where a row lacks it
    (as an ORM insert would), so that all rows have the same keys for
    :func:`bulk_insert`. Columns without such a default are left to the database."""
    present: set[str] = set()
    for row in rows:
        present |= row.keys()
    fillers: dict[str, Callable[[], Any]] = {}
    for col in target.columns:
        default = col.default
        if default is None or not (default.is_scalar or default.is_callable):
            continue

        def fill(default: Any = default) -> Any:
            return default.arg if default.is_scalar else default.arg(None)
        fillers[col.key] = fill
    keys = present | fillers.keys()
    out = []
    for row in rows:
        if row.keys() == keys:
            out.append(row)
            continue
        full = dict(row)
        for key in keys - row.keys():
            full[key] = fillers[key]() if key in fillers else None
        out.append(full)
    return out


class IndexesDropped:
    """``with IndexesDropped(conn, tables): load...`` drops the tables' secondary indexes
    and creates them again on the way out (only for loading into empty tables)."""

    def __init__(self, conn: Connection, tables: Iterable[Table]) -> None:
        self.conn = conn
        self.indexes = [index for t in tables for index in t.indexes]

    def __enter__(self) -> IndexesDropped:
        for index in self.indexes:
            index.drop(self.conn)
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is None:
            for index in self.indexes:
                index.create(self.conn)


class TriggersPaused:
    """``with TriggersPaused(conn): load...`` stops SQLite's triggers (the search
    indexes' and the contacts rollup's) for a bulk load into empty tables, and rebuilds
    what they keep in one pass on the way out.

    A trigger works on each row as it comes (the client search index: two more inserts
    per client, each one a statement of its own; the rollup: an upsert per activity);
    ``INSERT … SELECT`` after the load lets FTS5 build its segments in one pass and the
    rollup group a million activities at once. Other dialects keep theirs by themselves.
    """

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.active = conn.dialect.name == "sqlite"

    def __enter__(self) -> TriggersPaused:
        from salesdesk.db.schema import TRIGGERS

        if self.active:
            for name in TRIGGERS:
                self.conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        from salesdesk.db.schema import DERIVED_FILL, TRIGGERS

        if self.active and exc_type is None:
            for statement in DERIVED_FILL:
                self.conn.exec_driver_sql(statement)
            for sql in TRIGGERS.values():
                self.conn.exec_driver_sql(sql)
