"""Window tests: a demo office per test (copied from one built per session), the window's
error dialogs and questions answered by the test, and no thread left running."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from salesdesk.auth import login
from salesdesk.db.engine import Database
from salesdesk.db.migrate import open_database
from salesdesk.demo import DEMO_PASSWORD, build_demo
from tests import TODAY


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small demo office, built once."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    db = open_database(path, create=True)
    build_demo(db, seed=1, today=TODAY)
    db.dispose()
    return path


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> Iterator[Database]:
    """A private copy of the demo office."""
    target = tmp_path / "demo.db"
    shutil.copy(demo_template, target)
    db = open_database(target)
    yield db
    db.dispose()


@pytest.fixture
def errors(monkeypatch: pytest.MonkeyPatch) -> list[BaseException]:
    """Errors the window would have shown in a dialog (collected instead)."""
    seen: list[BaseException] = []
    import salesdesk_ui.errors as ui_errors

    monkeypatch.setattr(ui_errors, "show_error", lambda _p, exc, _t=None: seen.append(exc))
    return seen


@pytest.fixture(autouse=True)
def _answers(monkeypatch: pytest.MonkeyPatch, qapp: Any) -> Iterator[None]:
    """Questions are answered Yes, messages acknowledged, without blocking the test."""
    from PySide6.QtWidgets import QMessageBox

    yes = QMessageBox.StandardButton.Yes
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: yes))
    monkeypatch.setattr(QMessageBox, "information", staticmethod(lambda *a, **k: yes))
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *a, **k: yes))
    monkeypatch.setattr(QMessageBox, "exec", lambda self: 0)
    yield


@pytest.fixture(autouse=True)
def _no_thread_left(qapp: Any) -> Iterator[None]:
    from salesdesk_ui import worker

    yield
    assert worker.wait_idle(30_000), "background work did not finish"
    qapp.processEvents()
    assert worker.active_threads() == 0


@pytest.fixture(autouse=True)
def _gui_thread_guard() -> Iterator[None]:
    """The window never touches the database on the GUI thread: a test fails on the
    first statement the window's code runs there (the test's own calls are allowed)."""
    from salesdesk_ui import db_guard

    db_guard.take()
    db_guard.enable()
    yield
    db_guard.disable()
    trips = db_guard.take()
    import os
    if os.environ.get("GUARD_SURVEY"):
        with open(os.environ["GUARD_SURVEY"], "a") as out:
            for trip in trips:
                out.write(f"{trip}\n")
        return
    assert not trips, "database used on the GUI thread:\n" + "\n".join(
        str(t) for t in dict.fromkeys(trips))


def settle(qtbot: Any, timeout: int = 20_000) -> None:
    """Let background work finish and its results arrive."""
    from salesdesk_ui import worker

    qtbot.waitUntil(lambda: worker.pending() == 0, timeout=timeout)
    worker.wait_idle()
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()


def context_for(db: Database, who: str, tmp_path: Path) -> Any:
    """The window's context for a demo user (settings in a private file), read off the
    GUI thread as the application reads it."""
    from concurrent.futures import ThreadPoolExecutor

    from PySide6.QtCore import QSettings

    from salesdesk_ui.context import open_session

    actor = login(db, who, DEMO_PASSWORD)
    settings = QSettings(str(tmp_path / f"{who}.ini"), QSettings.Format.IniFormat)
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(open_session, db, actor, settings).result()


@pytest.fixture
def window_for(demo_db: Database, qtbot: Any, tmp_path: Path, errors: list[BaseException]
               ) -> Any:
    """``window_for("rep1")``: the main window for a demo user, shown and settled."""
    from salesdesk_ui.main_window import MainWindow

    def make(who: str) -> MainWindow:
        window = MainWindow(context_for(demo_db, who, tmp_path))
        qtbot.addWidget(window)
        window.resize(1366, 768)
        window.show()
        settle(qtbot)
        return window

    return make
