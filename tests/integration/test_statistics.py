"""SQLite's planner statistics: made after a bulk load and when the data has outgrown
them, so that queries are planned from what the tables really hold."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import text

from salesdesk.db.migrate import open_database
from salesdesk.db.statistics import stale
from salesdesk.demo import build_demo

PAYMENTS_OF_A_MONTH = (
    "EXPLAIN QUERY PLAN SELECT clients.owner_id, payments.paid_on, sum(payments.amount) "
    "FROM payments JOIN documents ON documents.id = payments.invoice_id JOIN clients ON "
    "clients.id = documents.client_id WHERE payments.deleted_at IS NULL AND "
    "documents.deleted_at IS NULL AND clients.deleted_at IS NULL AND payments.paid_on "
    "BETWEEN '2026-10-01' AND '2026-10-31' GROUP BY clients.owner_id, payments.paid_on")


def test_a_demo_has_statistics_and_the_payments_plan_starts_from_payments(
        tmp_path: Path) -> None:
    """Without statistics SQLite planned the metrics' payments of a period from every
    live client (the index that begins with ``deleted_at``)."""
    db = open_database(tmp_path / "demo.db", create=True)
    build_demo(db, seed=3, size="small")
    with db.read() as session:
        assert session.execute(text("SELECT count(*) FROM sqlite_stat1")).scalar_one() > 0
        plan = " / ".join(str(row[3]) for row in session.execute(text(PAYMENTS_OF_A_MONTH)))
    assert plan.startswith("SEARCH payments USING INDEX ix_payments_paid_on"), plan
    db.dispose()


def test_statistics_are_made_again_when_a_table_has_grown(tmp_path: Path) -> None:
    path = tmp_path / "grow.db"
    db = open_database(path, create=True)
    build_demo(db, seed=3, size="small")
    with db.engine.begin() as conn:
        assert not stale(conn)
        before = conn.exec_driver_sql("SELECT count(*) FROM clients").scalar_one()
    db.dispose()
    # Another program (or an old SalesDesk) adds many clients without analysing.
    raw = sqlite3.connect(path)
    columns = [row[1] for row in raw.execute("PRAGMA table_info(clients)")]
    others = ", ".join(c for c in columns if c != "id")
    for _ in range(max(3, 3000 // before)):
        raw.execute(f"INSERT INTO clients (id, {others}) SELECT lower(hex(randomblob(16))), "
                    f"{others} FROM clients LIMIT {before}")
    raw.commit()
    grown = raw.execute("SELECT count(*) FROM clients").fetchone()[0]
    raw.close()
    db = open_database(path)  # sees the growth and makes them again
    with db.engine.begin() as conn:
        assert not stale(conn)
        rows = conn.exec_driver_sql(
            "SELECT stat FROM sqlite_stat1 WHERE tbl = 'clients' AND idx IS NOT NULL"
        ).scalars().all()
    # (Partial indexes count only their rows; sampling may round the rest.)
    assert grown > 2 * before and max(int(r.split()[0]) for r in rows) > 2 * before
    db.dispose()
