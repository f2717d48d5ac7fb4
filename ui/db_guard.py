"""A tripwire for database work on the GUI thread.

The window must never wait for the database: every read and write goes through
:class:`salesdesk_ui.worker.Op`. This guard listens to every statement any engine runs;
when one runs on the GUI (main) thread from code of the window's package, it is recorded
with the window's frame that caused it. The UI test suite turns it on for every test and
fails a test that trips it; ``SALESDESK_DB_GUARD=1`` turns it on for a developer's run
(each trip is then logged as a warning).

Code that runs *before* the window exists (the login dialog's own check, the first-run
wizard's final save) goes through ``Op`` too, so there are no exceptions to the rule.
"""

from __future__ import annotations

import logging
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

log = logging.getLogger(__name__)

_UI_ROOT = Path(__file__).resolve().parent
# The worker hands functions to the pool; its own frames are not the window's code.
_EXEMPT = {_UI_ROOT / "worker.py", _UI_ROOT / "db_guard.py"}


@dataclass(frozen=True)
class Trip:
    """One statement run on the GUI thread: where in the window, and what."""

    where: str
    """``file:line in function`` of the innermost window frame."""
    statement: str
    """The first line of the SQL."""

    def __str__(self) -> str:
        return f"{self.where}: {self.statement}"


trips: list[Trip] = []
_installed = False
_active = False


def _window_frame() -> str | None:
    frame = sys._getframe(2)
    while frame is not None:
        path = Path(frame.f_code.co_filename)
        if path.is_relative_to(_UI_ROOT) and path not in _EXEMPT:
            return f"{path.relative_to(_UI_ROOT)}:{frame.f_lineno} in {frame.f_code.co_name}"
        frame = frame.f_back
    return None


def _before_execute(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
    if not _active or threading.current_thread() is not threading.main_thread():
        return
    where = _window_frame()
    if where is None:
        return  # a test or the command line on the main thread: allowed
    trip = Trip(where, statement.strip().splitlines()[0][:120])
    trips.append(trip)
    log.warning("database used on the GUI thread: %s", trip)


def enable() -> None:
    """Start recording statements the window runs on the GUI thread."""
    global _installed, _active
    if not _installed:
        event.listen(Engine, "before_cursor_execute", _before_execute)
        _installed = True
    _active = True


def disable() -> None:
    """Stop recording (the listener stays, idle)."""
    global _active
    _active = False


def take() -> list[Trip]:
    """The trips recorded since the last call, and forget them."""
    found = list(trips)
    trips.clear()
    return found
