"""Issue 7: the window's speed, as ratios against a bare PySide6 window (and the raw
query, for the client list) measured in the same run.

    python benchmarks/bench_window.py

* cold start to the login window (a new process until the dialog is painted) against a
  new process that paints a bare QWidget (target within 2x);
* the same until the database is open too (issue 16: within 2.5x);
* login to a painted dashboard on the small demo, against the same bare window start
  (issue 16: within 2.5x);
* first paint of the client list at 100,000 clients, and a filter keystroke, against
  raw sqlite3 running the count and the first page plus a bare QTableView painting the
  same rows in a viewport of the same size (issue 16: the first paint within 1.5x; it
  was 2x); then the two halves
  apart, and the whole against the raw query alone (which no window can meet: painting
  the rows at all costs more than the query);
* peak memory with that list open, against a bare PySide6 + sqlite3 window showing
  the same 200 rows (each in a fresh process).
"""

from __future__ import annotations

import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from common import large_demo, report

BARE = """
import time
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
w = QLabel("SalesDesk")
w.resize(380, 200)
w.show()
w.repaint()
app.processEvents()
print("painted", flush=True)
"""

LOGIN = """
import sys
from salesdesk_ui.app import start
controller = start(sys.argv[1])   # what `salesdesk --db FILE` does before its event loop
controller.dialog.repaint()
controller.app.processEvents()
print("painted", flush=True)
"""

READY = """
import sys
from salesdesk_ui.app import start
from salesdesk_ui import worker
controller = start(sys.argv[1])
while controller.db is None:      # the database opened behind the login window
    controller.app.processEvents()
    worker.wait_idle(10)
print("painted", flush=True)
"""


LIST_OPEN = """
import sys, tempfile
from pathlib import Path
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from salesdesk.auth import login
from salesdesk.db.migrate import open_database
from salesdesk.demo import DEMO_PASSWORD
from salesdesk_ui import theme, worker
from salesdesk_ui.context import open_session
from salesdesk_ui.pages.clients import ClientsPage
app = QApplication([])
theme.apply(app)
db = open_database(sys.argv[1])
ctx = open_session(db, login(db, "head", DEMO_PASSWORD),
                   QSettings(str(Path(tempfile.mkdtemp()) / "s.ini"), QSettings.Format.IniFormat))
page = ClientsPage(ctx)
page.resize(1366, 700)
page.show()
page.activate()  # what the window does when the page is chosen
for _ in range(400):
    app.processEvents()
    worker.wait_idle()
    if worker.pending() == 0 and page.model.rowCount():
        break
page.view.viewport().repaint()
app.processEvents()
status = {line.split(":")[0]: int(line.split()[1]) for line in open("/proc/self/status")
          if line.startswith(("VmRSS", "VmHWM"))}
print(page.model.rowCount(), status["VmRSS"], status["VmHWM"], flush=True)
"""

BARE_LIST = """
import sqlite3, sys
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QTableView
app = QApplication([])
conn = sqlite3.connect(sys.argv[1])
rows = conn.execute("SELECT c.name, c.inn, c.city, c.phone, c.email, c.status, u.name, "
                    "c.source, c.updated_at FROM clients c JOIN users u ON u.id = c.owner_id "
                    "WHERE c.deleted_at IS NULL ORDER BY c.name_norm, c.id LIMIT 200").fetchall()
total = conn.execute("SELECT count(*) FROM clients WHERE deleted_at IS NULL").fetchone()[0]
model = QStandardItemModel(len(rows), 9)
for r, row in enumerate(rows):
    for c, value in enumerate(row):
        model.setItem(r, c, QStandardItem("" if value is None else str(value)))
view = QTableView()
view.setModel(model)
view.resize(1366, 700)
view.show()
view.viewport().repaint()
app.processEvents()
status = {line.split(":")[0]: int(line.split()[1]) for line in open("/proc/self/status")
          if line.startswith(("VmRSS", "VmHWM"))}
print(len(rows), status["VmRSS"], status["VmHWM"], flush=True)
"""


def peak_memory(code: str, *args: str) -> tuple[int, float, float]:
    """Rows shown, the resident memory once they are painted and the peak resident
    memory (MB) of a fresh process running ``code`` (the kernel's high-water mark of the
    process's own memory: ``ru_maxrss`` would carry this benchmark's over the exec)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", code, *args], env=env, text=True,
                         capture_output=True, check=True).stdout.split()
    return int(out[-3]), int(out[-2]) / 1024, int(out[-1]) / 1024


def wall(code: str, *args: str, repeat: int = 5) -> float:
    """The median time from starting a fresh Python process running ``code`` until it
    says the window is painted (the process is then stopped: its exit is not timed)."""
    times = []
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", code, *args], env=env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.strip() == "painted":
                break
        times.append(time.perf_counter() - start)
        proc.kill()
        proc.wait()
    return statistics.median(times)


def main() -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from salesdesk.auth import login
    from salesdesk.db.migrate import open_database
    from salesdesk.demo import DEMO_PASSWORD, build_demo
    from salesdesk_ui import theme, worker
    from salesdesk_ui.context import open_session

    small = Path(tempfile.mkdtemp()) / "demo.db"
    db = open_database(small, create=True)
    build_demo(db, seed=1, today=date(2026, 11, 27))
    db.dispose()

    bare = wall(BARE)
    report("cold start to the login window", wall(LOGIN, str(small)), bare, target=2.0,
           floor_name="bare window")
    report("cold start until the database is open too", wall(READY, str(small)), bare,
           target=2.5, floor_name="bare window")

    app = QApplication.instance() or QApplication([])
    theme.apply(app)
    db = open_database(small)

    def settle() -> None:
        for _ in range(400):
            app.processEvents()
            worker.wait_idle()
            if worker.pending() == 0:
                break
        app.processEvents()

    from salesdesk_ui.main_window import MainWindow

    timings = []
    for _ in range(3):
        start = time.perf_counter()
        actor = login(db, "head", DEMO_PASSWORD)
        settings = QSettings(str(Path(tempfile.mkdtemp()) / "s.ini"), QSettings.Format.IniFormat)
        window = MainWindow(open_session(db, actor, settings))
        window.resize(1366, 768)
        window.show()
        settle()
        window.repaint()  # what the user sees; charts below the fold draw when scrolled to
        app.processEvents()
        timings.append(time.perf_counter() - start)
        window.close()
    report("login to a painted dashboard (small demo)", min(timings), bare, target=2.5,
           floor_name="bare window")

    # The client list at 100,000 clients.
    large = large_demo()
    big = open_database(large)
    head = login(big, "head", DEMO_PASSWORD)
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "s.ini"), QSettings.Format.IniFormat)
    ctx = open_session(big, head, settings)
    from salesdesk_ui.pages.clients import ClientsPage

    page = ClientsPage(ctx)
    page.resize(1366, 700)
    page.show()
    page.activate()
    settle()
    raw = sqlite3.connect(large)
    raw.execute("PRAGMA cache_size=-65536")

    def raw_first(like: str | None) -> None:
        where = "c.deleted_at IS NULL" + (" AND c.search_text LIKE ?" if like else "")
        params = (f"%{like}%",) if like else ()
        raw.execute(f"SELECT count(*) FROM clients c WHERE {where}", params).fetchone()
        raw.execute(f"SELECT c.*, u.name FROM clients c JOIN users u ON u.id = c.owner_id "
                    f"WHERE {where} ORDER BY c.name_norm, c.id LIMIT 200", params).fetchall()

    def ours_first(text: str) -> None:
        page.search.blockSignals(True)
        page.search.setText(text)
        page.search.blockSignals(False)
        page._query = page.query()
        page.model.refresh_now()
        page.view.viewport().repaint()
        app.processEvents()

    # The floor for painting: a bare QTableView over a QStandardItemModel holding the same
    # visible text, in a viewport of the same size, repainted the same way.
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QTableView

    bare_model = QStandardItemModel(page.model.PAGE, page.model.columnCount())
    page.model.refresh_now()
    for row in range(min(page.model.PAGE, page.model.rowCount())):
        for column in range(page.model.columnCount()):
            text = page.model.index(row, column).data() or ""
            bare_model.setItem(row, column, QStandardItem(str(text)))
    bare_view = QTableView()
    bare_view.setModel(bare_model)
    bare_view.resize(page.view.size())
    bare_view.show()
    settle()

    def bare_paint() -> None:
        bare_view.viewport().repaint()
        app.processEvents()

    def ours_paint() -> None:
        page.view.viewport().repaint()
        app.processEvents()

    for label, text in (("first paint of the client list at 100,000 clients", ""),
                        ("filter keystroke 'строй' in the client list", "строй")):
        ours, floor, data, raw_data, paint, raw_paint = [], [], [], [], [], []
        for _ in range(5):
            start = time.perf_counter()
            ours_first(text)
            ours.append(time.perf_counter() - start)
            start = time.perf_counter()
            raw_first(text or None)
            raw_data.append(time.perf_counter() - start)
            start = time.perf_counter()
            bare_paint()
            raw_paint.append(time.perf_counter() - start)
            floor.append(raw_data[-1] + raw_paint[-1])
            # The two halves of ours, apart: the query through the service, the paint.
            start = time.perf_counter()
            page.model.refresh_now()
            data.append(time.perf_counter() - start)
            start = time.perf_counter()
            ours_paint()
            paint.append(time.perf_counter() - start)
        # Issue 16: the first paint within 1.5x; a keystroke's search has its own target
        # against the raw scan (bench_records).
        report(label, min(ours), min(floor), target=1.5 if not text else None,
               floor_name="raw+bare")
        report("  of which the query, against raw sqlite3", min(data), min(raw_data),
               floor_name="raw sqlite3")
        report("  of which the paint, against a bare QTableView", min(paint), min(raw_paint),
               floor_name="bare Qt")
        report("  the whole, against the raw query alone", min(ours), min(raw_data),
               floor_name="raw sqlite3")
    # Peak memory, each in a process of its own: SalesDesk with the client list open,
    # against a bare PySide6 + sqlite3 window showing the same first 200 rows.
    ours_rows, ours_now, ours_peak = peak_memory(LIST_OPEN, str(large))
    bare_rows, bare_now, bare_peak = peak_memory(BARE_LIST, str(large))
    for label, ours_mb, bare_mb in (("peak memory with the 100,000-client list open",
                                     ours_peak, bare_peak),
                                    ("  resident once it is painted", ours_now, bare_now)):
        verdict = "  OK" if ours_mb <= 1.5 * bare_mb else "  ABOVE TARGET 1.5x"
        print(f"{label:<48} {ours_mb:7.0f} MB   bare window {bare_mb:7.0f} MB   "
              f"ratio {ours_mb / bare_mb:5.2f}x{verdict}", flush=True)
    print(f"(rows shown: {ours_rows} and {bare_rows})")


if __name__ == "__main__":
    main()
