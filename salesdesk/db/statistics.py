"""SQLite's table statistics (``ANALYZE``), kept in step with the data.

Without statistics SQLite's planner guesses that a test on an indexed column picks out
a few rows. ``deleted_at IS NULL`` picks out nearly every row, so a join that mentions
it was planned from the index that begins with ``deleted_at``: the monthly payments
query of the metrics walked every live client (100,000) to find 3,000 payments, 340 ms
instead of 3 ms. ``ANALYZE`` tells the planner how the values really spread.

Statistics are made when a database has none or its tables have grown or shrunk a lot
since they were made (checked when it is opened), and after every bulk load. Each index
is read whole (0.9 s for the large demo's million rows): a sample of a thousand rows
(``analysis_limit``) counted ~1,000 clients per ``deleted_at`` value where there are
100,000, the very mistake the statistics are there to prevent. PostgreSQL's autovacuum
keeps its own statistics.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine

_WATCHED = ("clients", "deals", "activities")
"""The tables whose growth makes old statistics wrong enough to matter."""

def analyse(conn: Connection) -> None:
    """Make SQLite's statistics now (within the caller's transaction)."""
    if conn.dialect.name != "sqlite":
        return
    conn.exec_driver_sql("PRAGMA analysis_limit=0")  # every row: see the module
    conn.exec_driver_sql("ANALYZE")


def stale(conn: Connection) -> bool:
    """Whether the statistics are missing or a watched table's size has more than
    doubled or halved (by at least a thousand rows) since they were made."""
    found = conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'").first()
    if found is None:
        return True
    analysed: dict[str, int] = {}
    for table, stat in conn.exec_driver_sql(
            "SELECT tbl, stat FROM sqlite_stat1 WHERE idx IS NOT NULL"):
        if table in _WATCHED and stat:
            analysed[table] = max(analysed.get(table, 0), int(str(stat).split()[0]))
    for table in _WATCHED:
        # The highest rowid stands for the size: a count(*) read a million activities'
        # index on every open (40 ms); rows are removed by a soft delete, and VACUUM
        # numbers them afresh, so the two agree where it matters.
        rows = conn.exec_driver_sql(f"SELECT max(rowid) FROM {table}").scalar_one() or 0
        before = analysed.get(table, 0)
        if abs(rows - before) >= 1000 and (rows > 2 * before or rows < before / 2):
            return True
    return False


def keep_current(engine: Engine) -> None:
    """Make the statistics of a writable SQLite database if they are stale."""
    if engine.dialect.name != "sqlite":
        return
    with engine.begin() as conn:
        if stale(conn):
            analyse(conn)
