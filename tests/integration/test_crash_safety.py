"""kill -9 in the middle of a write loop loses nothing that was acknowledged."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from salesdesk.db.migrate import open_database

WRITER = r"""
import sys
from salesdesk.db.migrate import open_database
from salesdesk.db.models import Competitor

db = open_database(sys.argv[1])
start = int(sys.argv[2])
i = start
while True:
    with db.unit_of_work(None) as uow:
        uow.session.add(Competitor(name=f"c{i}", notes="x" * 2000))
        uow.commit()
    # Acknowledged: the commit returned.
    sys.stdout.write(f"{i}\n")
    sys.stdout.flush()
    i += 1
"""


@pytest.mark.slow
def test_kill_9_during_writes_keeps_every_acknowledged_commit(tmp_path: Path) -> None:
    path = tmp_path / "crash.db"
    open_database(path, create=True).dispose()
    acknowledged: set[int] = set()
    rng = random.Random(7)
    start = 0
    for _round in range(4):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(start)],
                                stdout=subprocess.PIPE, text=True)
        lines: list[str] = []
        reader = threading.Thread(target=lambda p=proc, out=lines: out.extend(p.stdout),
                                  daemon=True)
        reader.start()
        # Killed after a number of acknowledged commits, not after a time: a busy shared
        # machine may take seconds just to start Python, and the test must not depend on
        # how fast it runs. The kill then lands in the middle of the next write.
        wanted = rng.randint(5, 60)
        deadline = time.monotonic() + 120
        while len(lines) < wanted and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(rng.uniform(0, 0.05))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        reader.join(timeout=10)
        # Only complete lines are acknowledgements.
        numbers = [int(line) for line in lines if line.endswith("\n")]
        assert numbers, "the writer made no progress"
        acknowledged.update(numbers)
        start = max(numbers) + 1000

        conn = sqlite3.connect(path)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            stored = {int(r[0][1:]) for r in conn.execute("SELECT name FROM competitors")}
        finally:
            conn.close()
        missing = acknowledged - stored
        assert not missing, f"acknowledged commits lost: {sorted(missing)[:10]}"
    # SalesDesk itself still opens and checks the file.
    db = open_database(path)
    from salesdesk.db.backup import integrity_problems

    assert integrity_problems(db) == []
    db.dispose()
