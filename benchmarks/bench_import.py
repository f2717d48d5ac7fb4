"""Issue 15: a client import of 1,000,000 rows against raw sqlite3 inserting them.

    .venv/bin/python benchmarks/bench_import.py [ROWS]

The file is a hand-kept list as offices export it (name, city, phone, e-mail; Russian
header). The floor is raw sqlite3 ``executemany`` writing the same rows, already
converted, into a copy of the same schema: what any import must at least do. SalesDesk
adds reading and recognising the file, every value through the window's validators, the
duplicate checks, the audit log and the change log for the laptops. Peak memory is the
process's maximum resident set (``ru_maxrss``), measured in a child process each.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

CHILD = r'''
import json, os, resource, sys, time, uuid, sqlite3
os.environ.setdefault("SALESDESK_CLOCK", "2026-12-01")
from pathlib import Path
mode, csv_path, work = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
from salesdesk.db.migrate import open_database
from salesdesk.services.company import initialize
db_path = work / f"{mode}.db"
db = open_database(db_path, create=True)
head = initialize(db, "ООО «Бенчмарк»", "head", "Иван Петров", "bench-secret-1")
start = time.perf_counter()
if mode == "salesdesk":
    from salesdesk.importer import import_file
    created = import_file(db, head, "clients", csv_path).created
else:
    owner = uuid.UUID(str(head.id)).hex
    db.dispose()
    conn = sqlite3.connect(db_path)
    rows = []
    with open(csv_path, encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            name, city, phone, email = line.rstrip("\n").split(";")
            rows.append((uuid.uuid4().hex, name, name.casefold(), "company", city, owner,
                         "active", email, phone, name.casefold(), "ru", 0))
    start = time.perf_counter()  # the floor: the converted rows written
    conn.executemany(
        "INSERT INTO clients (id, name, name_norm, kind, city, owner_id, status, email, "
        "phone, search_text, document_language, priority, created_at, updated_at, version) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?, '2026-12-01 00:00:00', '2026-12-01 00:00:00', 1)",
        rows)
    conn.commit()
    created = len(rows)
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "created": created,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
'''


def write_file(path: Path, rows: int) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("Название;Город;Телефон;E-mail\n")
        for i in range(rows):
            fh.write(f"ООО «Клиент {i}»;Город {i % 500};+7 495 {i % 1000:03d}-"
                     f"{(i // 1000) % 100:02d}-{i % 97:02d};c{i}@ex{i % 300}.ru\n")


def run(mode: str, csv_path: Path, work: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", CHILD, mode, str(csv_path), str(work)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    work = Path(tempfile.mkdtemp(prefix="salesdesk-import-bench-"))
    csv_path = work / "clients.csv"
    started = time.perf_counter()
    write_file(csv_path, rows)
    print(f"{rows:,} rows, {csv_path.stat().st_size / 1e6:.0f} MB, written in "
          f"{time.perf_counter() - started:.1f} s", flush=True)
    floor = run("floor", csv_path, work)
    ours = run("salesdesk", csv_path, work)
    assert ours["created"] == rows == floor["created"]
    print(f"client import: SalesDesk {ours['seconds']:.1f} s, raw sqlite3 executemany "
          f"{floor['seconds']:.1f} s, ratio {ours['seconds'] / floor['seconds']:.1f}x "
          f"(target 5x); peak memory {ours['peak_mb']:.0f} MB (floor process "
          f"{floor['peak_mb']:.0f} MB)")


if __name__ == "__main__":
    main()
