"""The trigram index of everything the global search and the lists look text up in,
besides clients (which have their own, migration 0006): contacts, deals, documents,
products, activity notes, market notes and competitors (migration 0007), meetings and
calls (0014).

SQLite: one FTS5 table with the trigram tokenizer, ``records_fts(text, kind, record_id)``,
holding each record's searchable text, kept by triggers in the same transaction as every
write, and ``records_fts_keys`` saying which index row is whose (an index that followed
the tables' rowids would lose its way when VACUUM renumbers them). The trigram tokenizer
folds the case of every alphabet, so "ОФИС" finds "офис". A fragment of fewer than three
characters cannot be looked up in trigrams and stays a scan.

PostgreSQL: pg_trgm's GIN index on each searched column, which the planner uses for the
same ``LIKE`` by itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

SEARCHED: dict[str, tuple[str, ...]] = {
    "contacts": ("name", "email", "phone", "position"),
    "deals": ("title",),
    "documents": ("number",),
    "products": ("name", "sku", "description"),
    "activities": ("note",),
    "market_notes": ("title", "text"),
    "competitors": ("name", "strengths", "weaknesses", "prices", "notes"),
    "appointments": ("subject", "place", "note", "outcome"),
}
"""The tables indexed and the columns whose text each record is found by (meetings and
calls from revision 0014)."""

MIN_FRAGMENT = 3
"""The shortest fragment the trigram index can answer."""


Searched = Mapping[str, tuple[str, ...]]


def _text_of(columns: tuple[str, ...], row: str) -> str:
    """The SQL of a record's searchable text (``row`` is ``new``, or the table)."""
    prefix = f"{row}." if row else ""
    return " || ' ' || ".join(f"coalesce({prefix}{column}, '')" for column in columns)


def _whose(table: str) -> str:
    return (f"(SELECT fts_rowid FROM records_fts_keys WHERE kind = '{table}' "
            "AND record_id = old.id)")


def triggers(searched: Searched = SEARCHED) -> dict[str, str]:
    """The triggers that keep ``records_fts`` equal to the tables (name -> SQL); a
    migration passes the tables and columns of its own revision."""
    out: dict[str, str] = {}
    for table, columns in searched.items():
        out[f"{table}_fts_insert"] = (
            f"CREATE TRIGGER {table}_fts_insert AFTER INSERT ON {table} BEGIN "
            f"INSERT INTO records_fts(text, kind, record_id) VALUES "
            f"({_text_of(columns, 'new')}, '{table}', new.id); "
            f"INSERT INTO records_fts_keys(kind, record_id, fts_rowid) VALUES "
            f"('{table}', new.id, last_insert_rowid()); END")
        out[f"{table}_fts_delete"] = (
            f"CREATE TRIGGER {table}_fts_delete AFTER DELETE ON {table} BEGIN "
            f"DELETE FROM records_fts WHERE rowid = {_whose(table)}; "
            f"DELETE FROM records_fts_keys WHERE kind = '{table}' AND record_id = old.id; "
            "END")
        out[f"{table}_fts_update"] = (
            f"CREATE TRIGGER {table}_fts_update AFTER UPDATE OF {', '.join(columns)} "
            f"ON {table} BEGIN "
            f"UPDATE records_fts SET text = {_text_of(columns, 'new')} "
            f"WHERE rowid = {_whose(table)}; END")
    return out


TABLES_SQL = (
    "CREATE VIRTUAL TABLE records_fts USING fts5(text, kind UNINDEXED, "
    "record_id UNINDEXED, tokenize='trigram')",
    "CREATE TABLE records_fts_keys (kind VARCHAR(20) NOT NULL, record_id CHAR(32) NOT NULL, "
    "fts_rowid INTEGER NOT NULL, PRIMARY KEY (kind, record_id)) WITHOUT ROWID",
)
"""The index's own tables (SQLite)."""


def fill_sql(searched: Searched = SEARCHED) -> tuple[str, ...]:
    """The statements that (re)fill the index from the tables in one pass each."""
    statements = ["DELETE FROM records_fts", "DELETE FROM records_fts_keys"]
    statements += [f"INSERT INTO records_fts(text, kind, record_id) SELECT "
                   f"{_text_of(columns, '')}, '{table}', id FROM {table} ORDER BY id"
                   for table, columns in searched.items()]
    # In key order: a million keys go in as appends rather than at random pages.
    statements.append("INSERT INTO records_fts_keys(kind, record_id, fts_rowid) "
                      "SELECT kind, record_id, rowid FROM records_fts ORDER BY kind, record_id")
    return tuple(statements)


def add_sql(searched: Searched) -> tuple[str, ...]:
    """The statements that index the records of tables new to the index (a migration
    that adds them), leaving the other tables' rows as they are."""
    statements: list[str] = []
    for table, columns in searched.items():
        statements += [
            f"INSERT INTO records_fts(text, kind, record_id) SELECT "
            f"{_text_of(columns, '')}, '{table}', id FROM {table} ORDER BY id",
            f"INSERT INTO records_fts_keys(kind, record_id, fts_rowid) SELECT kind, "
            f"record_id, rowid FROM records_fts WHERE kind = '{table}' ORDER BY record_id"]
    return tuple(statements)


def pg_indexes(searched: Searched = SEARCHED) -> dict[str, str]:
    """PostgreSQL's trigram indexes (name -> SQL), one per searched column."""
    return {f"ix_{table}_{column}_trgm":
            f"CREATE INDEX IF NOT EXISTS ix_{table}_{column}_trgm ON {table} "
            f"USING gin ({column} gin_trgm_ops)"
            for table, columns in searched.items() for column in columns}


def uses_index(session: Any, fragment: str) -> bool:
    """Whether ``fragment`` is looked up in a SQLite trigram index (else a ``LIKE`` scan):
    the clients' (0006) and the other records' (0007) alike."""
    return len(fragment) >= MIN_FRAGMENT and session.get_bind().dialect.name == "sqlite"


def phrase(fragment: str) -> str:
    """``fragment`` as an FTS5 phrase: found as it stands, operators and all."""
    return '"' + fragment.replace('"', '""') + '"'


def escape_like(value: str) -> str:
    """``value`` for ``LIKE … ESCAPE '\\'``: its ``%`` and ``_`` stand for themselves."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def matching_ids(table: str, fragment: str) -> Any:
    """The ids of ``table``'s records whose text holds ``fragment`` (any letter case), as
    a subquery for ``Model.id.in_(…)``; only where :func:`uses_index`."""
    from sqlalchemy import text

    return text("SELECT record_id FROM records_fts WHERE records_fts MATCH :phrase "
                "AND kind = :kind").bindparams(phrase=phrase(fragment), kind=table)


def found(session: Any, model: Any, fragment: str, scan: Any) -> Any:
    """Records of ``model`` whose searched text holds ``fragment``: the index's answer
    where it can give one, else the condition ``scan`` (the caller's ``LIKE``)."""
    if uses_index(session, fragment):
        return model.id.in_(matching_ids(model.__tablename__, fragment))
    return scan


def found_in(session: Any, model: Any, column: Any, fragment: str) -> Any:
    """A list filter's test of one searched column: the index's answer where it can
    give one (any letter case), else ``column ILIKE '%fragment%'`` (PostgreSQL's trigram
    index answers that one; SQLite folds only Latin letters there)."""
    return found(session, model, fragment,
                 column.ilike(f"%{escape_like(fragment)}%", escape="\\"))
