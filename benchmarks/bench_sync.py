"""Issue 9: merging a laptop's bundle of 10,000 changes into the office database.

    python benchmarks/bench_sync.py

A representative's laptop (a replica of the small demo office) creates 4,000 clients,
logs 3,000 meetings and edits its clients 3,000 times: 10,000 changes in its change
log. The office imports the bundle: reading and verifying it, checking every change
against its author's permissions and visibility, merging field by field with the
clocks, writing its own change log and field clocks, and working out the clients'
search columns, all in one transaction. The backup made before an import is timed
separately.

The floor is raw sqlite3 writing the same result into a copy of the same office
database in one transaction: INSERT of the 7,000 new rows as the laptop holds them and
UPDATE of the 3,000 edits, with executemany.
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
import tempfile
import uuid
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import best_of, report

from salesdesk.auth import login
from salesdesk.db.migrate import open_database
from salesdesk.db.models import Activity, Client
from salesdesk.demo import DEMO_PASSWORD, build_demo
from salesdesk.services import sync

NEW_CLIENTS, MEETINGS, EDITS = 4000, 3000, 3000


def laptop_work(laptop_path: Path) -> tuple[list[uuid.UUID], list[uuid.UUID],
                                            list[tuple[str, uuid.UUID]]]:
    """The laptop's 10,000 changes, made through the ORM as its user (captured like
    any service write) in a few transactions."""
    laptop = open_database(laptop_path)
    rep = login(laptop, "rep1", DEMO_PASSWORD)
    day = date(2026, 11, 27)
    with laptop.unit_of_work() as uow:
        uow.session.info["actor_id"] = rep.id
        existing = [c.id for c in uow.session.query(Client).filter(
            Client.owner_id == rep.id, Client.deleted_at.is_(None))]
        new_ids = [uuid.uuid4() for _ in range(NEW_CLIENTS)]
        for n, client_id in enumerate(new_ids):
            uow.session.add(Client(id=client_id, name=f"ООО «Новый клиент {n}»",
                                   name_norm=f"новый клиент {n}", owner_id=rep.id,
                                   city="Казань", status="lead",
                                   search_text=f"ооо «новый клиент {n}» казань"))
        uow.commit()
    with laptop.unit_of_work() as uow:
        uow.session.info["actor_id"] = rep.id
        meeting_ids = [uuid.uuid4() for _ in range(MEETINGS)]
        for n, activity_id in enumerate(meeting_ids):
            uow.session.add(Activity(id=activity_id, client_id=new_ids[n % NEW_CLIENTS],
                                     user_id=rep.id, kind="meeting",
                                     date=day - timedelta(days=n % 30),
                                     note=f"Встреча {n}: показали каталог"))
        uow.commit()
    edits: list[tuple[str, uuid.UUID]] = []
    with laptop.unit_of_work() as uow:
        uow.session.info["actor_id"] = rep.id
        # One field per client per flush, so that each edit is one change.
        for n in range(EDITS):
            client = uow.session.get(Client, existing[n % len(existing)])
            client.notes = f"Правка {n}"
            edits.append((client.notes, client.id))
            uow.session.flush()
        uow.commit()
    laptop.dispose()
    return new_ids, meeting_ids, edits


def raw_floor(office_copy: Path, laptop_path: Path, new_ids: list[uuid.UUID],
              meeting_ids: list[uuid.UUID], edits: list[tuple[str, uuid.UUID]]) -> None:
    """The same rows written with sqlite3 alone."""
    src = sqlite3.connect(laptop_path)
    rows = {}
    for table, ids in (("clients", new_ids), ("activities", meeting_ids)):
        columns = [r[1] for r in src.execute(f"PRAGMA table_info({table})")]
        wanted = {i.hex for i in ids}
        rows[table] = (columns, [r for r in src.execute(f"SELECT * FROM {table}")
                                 if r[columns.index("id")] in wanted])
    src.close()
    conn = sqlite3.connect(office_copy, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("BEGIN")
    for table, (columns, values) in rows.items():
        marks = ", ".join("?" for _ in columns)
        conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                         values)
    conn.executemany("UPDATE clients SET notes = ? WHERE id = ?",
                     [(note, client_id.hex) for note, client_id in edits])
    conn.execute("COMMIT")
    conn.close()


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="salesdesk-bench-sync-"))
    office_path = work / "office.db"
    office = open_database(office_path, create=True)
    build_demo(office, seed=1, today=date(2026, 11, 27))
    head = login(office, "head", DEMO_PASSWORD)
    laptop_path = work / "laptop.db"
    sync.create_replica(office, head, "rep1", laptop_path)
    office.dispose()
    new_ids, meeting_ids, edits = laptop_work(laptop_path)
    laptop = open_database(laptop_path)
    bundle = work / "laptop.sdsync"
    written = sync.export_bundle(laptop, login(laptop, "rep1", DEMO_PASSWORD), bundle)
    laptop.dispose()
    print(f"bundle: {written.changes} changes, {bundle.stat().st_size / 1e6:.1f} MB")
    pristine = work / "office-pristine.db"
    shutil.copy(office_path, pristine)

    def fresh(name: str) -> Path:
        target = work / name
        for suffix in ("", "-wal", "-shm"):
            Path(str(target) + suffix).unlink(missing_ok=True)
        shutil.copy(pristine, target)
        return target

    def merge(backup: bool) -> None:
        db = open_database(fresh("office-run.db"))
        try:
            result = sync.import_bundle(db, login(db, "head", DEMO_PASSWORD), bundle,
                                        backup=backup)
            assert result.applied == written.changes, result
        finally:
            db.dispose()

    def floor() -> None:
        raw_floor(fresh("office-raw.db"), laptop_path, new_ids, meeting_ids, edits)

    # Opening the database and logging in are timed with the floor's own connection
    # setup excluded; measured once here so that they can be taken out of the ratio.
    def open_and_login() -> None:
        db = open_database(fresh("office-run.db"))
        login(db, "head", DEMO_PASSWORD)
        db.dispose()

    setup = best_of(open_and_login, 3)
    ours = best_of(lambda: merge(False), 3)
    ours_backup = best_of(lambda: merge(True), 3)
    raw = best_of(floor, 3)
    report(f"merge a bundle of {written.changes:,} changes", ours - setup, raw,
           floor_name="raw sqlite3")
    report("  the same with the backup before it", ours_backup - setup, raw,
           floor_name="raw sqlite3")
    print(f"(opening the office database and logging in, {setup * 1000:.0f} ms, is taken "
          "out of both)")


if __name__ == "__main__":
    main()
