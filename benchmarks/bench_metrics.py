"""Issue 6: the full metric set for a year on the large demo (1,000,000 activities).

    python benchmarks/bench_metrics.py

The floor is the sum of the raw sqlite3 aggregate queries a hand-written version of
METRICS.md needs (contacts, won/lost/volume, deal times with the median, collected,
plan, the customer counts, spend, new customers and spend by channel, the pipeline),
run on the same file in the same run. Target: within 1.5x.
"""

from __future__ import annotations

import sqlite3
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import large_demo, report

from salesdesk.auth import login
from salesdesk.db.migrate import open_database
from salesdesk.demo import DEMO_PASSWORD
from salesdesk.services.metrics import metrics

START, END = date(2025, 12, 1), date(2026, 11, 30)
W = 365


def raw_metrics(conn: sqlite3.Connection) -> dict[str, object]:
    """What a hand-written version runs, scope = everybody, W = 365."""
    s, e = START.isoformat(), END.isoformat()
    day_before = START - timedelta(days=1)
    s_lo, s_hi = (day_before - timedelta(days=W - 1)).isoformat(), day_before.isoformat()
    e_lo = (END - timedelta(days=W - 1)).isoformat()
    out: dict[str, object] = {}
    out["contacts"] = conn.execute(
        "SELECT count(*) FROM activities WHERE deleted_at IS NULL AND date BETWEEN ? AND ?",
        (s, e)).fetchone()[0]
    out["won_lost"] = conn.execute(
        "SELECT sum(stage='won'), sum(stage='lost'), sum(CASE WHEN stage='won' THEN amount "
        "ELSE 0 END) FROM deals WHERE deleted_at IS NULL AND closed_on BETWEEN ? AND ? "
        "AND stage IN ('won','lost')", (s, e)).fetchone()
    days = "CAST(julianday(closed_on) - julianday(opened_on) AS INTEGER)"
    won = "deleted_at IS NULL AND stage='won' AND closed_on BETWEEN ? AND ?"
    n, out["days_total"] = conn.execute(f"SELECT count(*), sum({days}) FROM deals WHERE {won}",
                                        (s, e)).fetchone()
    out["median"] = conn.execute(
        f"SELECT {days} FROM deals WHERE {won} ORDER BY {days} LIMIT 2 OFFSET ?",
        (s, e, (n - 1) // 2)).fetchall()
    out["collected"] = conn.execute(
        "SELECT sum(p.amount) FROM payments p JOIN documents d ON d.id = p.invoice_id "
        "WHERE p.deleted_at IS NULL AND d.deleted_at IS NULL AND p.paid_on BETWEEN ? AND ?",
        (s, e)).fetchone()[0]
    out["plan"] = conn.execute("SELECT sum(amount) FROM targets WHERE deleted_at IS NULL "
                               "AND month BETWEEN ? AND ?", (s, e)).fetchone()[0]
    out["customers"] = conn.execute(
        "SELECT sum(in_s), sum(in_s*in_e), sum(first_won BETWEEN ? AND ?), "
        "sum(in_e=1 AND in_s=0 AND NOT (first_won BETWEEN ? AND ?)) FROM ("
        " SELECT client_id, max(closed_on BETWEEN ? AND ?) AS in_s,"
        " max(closed_on BETWEEN ? AND ?) AS in_e, min(closed_on) AS first_won"
        " FROM deals WHERE stage='won' AND deleted_at IS NULL AND closed_on <= ?"
        " GROUP BY client_id) c JOIN clients ON clients.id = c.client_id",
        (s, e, s, e, s_lo, s_hi, e_lo, e, e)).fetchone()
    out["spend"] = conn.execute("SELECT sum(amount) FROM marketing_spend WHERE deleted_at IS "
                                "NULL AND date BETWEEN ? AND ?", (s, e)).fetchone()[0]
    out["spend_by_channel"] = conn.execute(
        "SELECT channel, sum(amount) FROM marketing_spend WHERE deleted_at IS NULL AND "
        "date BETWEEN ? AND ? GROUP BY channel", (s, e)).fetchall()
    out["new_by_channel"] = conn.execute(
        "SELECT c.source, count(*) FROM (SELECT client_id, min(closed_on) AS first_won FROM "
        "deals WHERE stage='won' AND deleted_at IS NULL GROUP BY client_id) f JOIN clients c "
        "ON c.id = f.client_id WHERE f.first_won BETWEEN ? AND ? GROUP BY c.source",
        (s, e)).fetchall()
    out["pipeline"] = conn.execute(
        "SELECT stage, count(*), sum(amount), sum(CASE WHEN expected_close BETWEEN ? AND ? "
        "THEN amount ELSE 0 END) FROM deals WHERE deleted_at IS NULL AND stage IN "
        "('new','qualified','proposal','negotiation') AND opened_on <= ? GROUP BY stage",
        (s, e, e)).fetchall()
    return out


def main() -> None:
    path = large_demo()
    db = open_database(path)
    head = login(db, "head", DEMO_PASSWORD)
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA cache_size=-65536")

    def ours() -> None:
        metrics(db, head, START, END)

    def floor() -> None:
        raw_metrics(raw)

    ours()
    floor()  # warm both caches alike
    best_ours, best_floor = float("inf"), float("inf")
    for _ in range(5):
        start = time.perf_counter()
        ours()
        best_ours = min(best_ours, time.perf_counter() - start)
        start = time.perf_counter()
        floor()
        best_floor = min(best_floor, time.perf_counter() - start)
    report("full metric set for a year, whole company", best_ours, best_floor, target=1.5,
           floor_name="raw sqlite3")
    result = metrics(db, head, START, END)
    print(f"  contacts {result['contacts']}, deals won {result['deals_won']}, "
          f"sales volume {result['sales_volume']}")


if __name__ == "__main__":
    main()
