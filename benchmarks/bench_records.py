"""Issue 4: bulk load of the large demo, and a client search at 100,000 clients.

    python benchmarks/bench_records.py [--clients N]

Both are ratios against raw sqlite3 doing the same work in the same run:
* bulk load: SalesDesk's loader (bulk_insert with indexes built after the load) versus
  sqlite3's executemany of the same rows, already converted, into the same schema;
* search: ``list_clients`` + ``count_clients`` for a name fragment, as the head sees
  the list (first page of 200, sorted by name), versus the hand-written ``LIKE`` scan
  (the trigram index of migration 0006 must beat it five times).
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import best_of, report

from salesdesk import demo
from salesdesk.auth import login
from salesdesk.db.bulk import IndexesDropped, TriggersPaused, bulk_insert
from salesdesk.db.migrate import open_database
from salesdesk.services.clients import ClientQuery, count_clients, list_clients


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=100_000)
    args = parser.parse_args()
    demo.SIZES["large"] = (args.clients, 11)
    work = Path(tempfile.mkdtemp(prefix="salesdesk-bench-"))
    today = date(2026, 11, 27)

    start = time.perf_counter()
    builder = demo.DemoBuilder(1, "large", today)
    builder.build()
    generated = time.perf_counter() - start
    rows = {m: [{k: v for k, v in r.items() if not k.startswith("_")} for r in rs]
            for m, rs in builder.rows.items()}
    total = sum(len(v) for v in rows.values())
    print(f"generated {total} rows in {generated:.1f} s "
          f"({len(rows[demo.Client])} clients, {len(rows[demo.Activity])} activities)")

    # SalesDesk's loader.
    ours_db = open_database(work / "ours.db", create=True)
    big = [m.__table__ for m in (demo.Client, demo.Contact, demo.Activity, demo.Deal)]
    start = time.perf_counter()
    with ours_db.unit_of_work() as uow:
        uow.session.info["audit_skip"] = True
        conn = uow.session.connection()
        with IndexesDropped(conn, big), TriggersPaused(conn):
            for model in demo.ORDER:
                bulk_insert(conn, model.__table__, rows.get(model, []))
        uow.commit()
    ours = time.perf_counter() - start

    # Raw sqlite3: the same schema (copied from an empty SalesDesk database), the same
    # rows already converted to what sqlite3 stores, indexes created after the load.
    empty = open_database(work / "schema.db", create=True)
    empty.dispose()
    schema = sqlite3.connect(work / "schema.db")
    ddl = [r[0] for r in schema.execute(
        "SELECT sql FROM sqlite_master WHERE type='table' AND sql IS NOT NULL "
        "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'clients_fts%' "
        "AND name NOT LIKE 'records_fts%'")]  # the floor scans: no search indexes
    index_ddl = [r[0] for r in schema.execute(
        "SELECT sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL")]
    schema.close()
    converted = {}
    for model, model_rows in rows.items():
        if not model_rows:
            continue
        names = list(model_rows[0])
        converted[model] = (names, [tuple(_native(r[n]) for n in names) for r in model_rows])
    raw = sqlite3.connect(work / "raw.db", isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON",
                   "cache_size=-65536"):
        raw.execute(f"PRAGMA {pragma}")
    for statement in ddl:
        raw.execute(statement)
    start = time.perf_counter()
    raw.execute("BEGIN IMMEDIATE")
    for model in demo.ORDER:
        if model not in converted:
            continue
        names, values = converted[model]
        marks = ",".join("?" * len(names))
        raw.executemany(f"INSERT INTO {model.__tablename__} ({','.join(names)}) "
                        f"VALUES ({marks})", values)
    for statement in index_ddl:
        raw.execute(statement)
    raw.execute("COMMIT")
    floor = time.perf_counter() - start
    report("bulk load of the large demo", ours, floor, floor_name="raw sqlite3")

    # Search by a name fragment, as the head's client list does it.
    head = login(ours_db, "head", demo.DEMO_PASSWORD)

    def salesdesk_search(fragment: str) -> None:
        list_clients(ours_db, head, ClientQuery(text=fragment, limit=200))
        count_clients(ours_db, head, ClientQuery(text=fragment))

    def raw_search(fragment: str) -> None:
        like = f"%{fragment}%"
        raw.execute("SELECT c.*, u.name FROM clients c JOIN users u ON u.id = c.owner_id "
                    "WHERE c.deleted_at IS NULL AND c.search_text LIKE ? "
                    "ORDER BY c.name_norm, c.id LIMIT 200", (like,)).fetchall()
        raw.execute("SELECT count(*) FROM clients c WHERE c.deleted_at IS NULL "
                    "AND c.search_text LIKE ?", (like,)).fetchone()

    salesdesk_search("строй")
    raw_search("строй")
    # Issue 16: the index must beat the scan by five times (≤ 0.2× the raw LIKE scan).
    for fragment, target in (("строй", 0.2), ("стр", None), ("ооо «с", None)):
        report(f"client search '{fragment}' at {args.clients} clients",
               best_of(lambda f=fragment: salesdesk_search(f)),
               best_of(lambda f=fragment: raw_search(f)), target=target,
               floor_name="raw LIKE scan")


def _native(value: object) -> object:
    import uuid
    from datetime import datetime
    from decimal import Decimal

    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value * 100)
    if isinstance(value, dict | list):  # JSON columns (settings, template items)
        import json

        return json.dumps(value)
    return value


if __name__ == "__main__":
    main()
