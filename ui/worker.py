"""Database work off the GUI thread, results back by signal (the Anki ``Op`` habit).

    Op(self, services.clients.list_clients, db, actor, query).success(show).run()

One background thread does all the database work, in order, so the window never freezes
and SQLite never sees two writers from this program. The widget that asked shows a busy
cursor until the answer arrives; failures go to :func:`salesdesk_ui.errors.show_error`
unless the caller handles them.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtGui import QCursor, QGuiApplication
from PySide6.QtWidgets import QWidget

_pool: QThreadPool | None = None
_running: set[Op] = set()


def pool() -> QThreadPool:
    """The single database thread."""
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(1)
        _pool.setExpiryTimeout(-1)
    return _pool


def wait_idle(timeout_ms: int = 30_000) -> bool:
    """Block until queued work is done (tests and shutdown)."""
    return pool().waitForDone(timeout_ms)


def pending() -> int:
    """How many operations have not delivered their result yet."""
    return len(_running)


class _Signals(QObject):
    sig_done = Signal(object)
    """The function returned; carries its result."""
    sig_failed = Signal(object, str)
    """The function raised; carries the exception and its formatted traceback."""


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], signals: _Signals) -> None:
        super().__init__()
        self.fn = fn
        self.signals = signals
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            try:
                result = self.fn()
            except BaseException as exc:  # delivered to the GUI thread, never lost
                self.signals.sig_failed.emit(exc, traceback.format_exc())
            else:
                self.signals.sig_done.emit(result)
        except RuntimeError:
            pass  # the application is shutting down and nobody waits for the answer


class Op:
    """One piece of background work with success and failure callbacks."""

    def __init__(self, parent: QWidget | None, fn: Callable[..., Any], *args: Any,
                 busy: bool = True, **kwargs: Any) -> None:
        self.parent = parent
        self.fn = fn
        self.args = args
        self.kwargs = kwargs
        self.busy = busy
        self._success: Callable[[Any], None] | None = None
        self._failure: Callable[[BaseException], None] | None = None
        self._signals = _Signals()

    def success(self, callback: Callable[[Any], None]) -> Op:
        """Run ``callback(result)`` in the GUI thread when the work is done."""
        self._success = callback
        return self

    def failure(self, callback: Callable[[BaseException], None]) -> Op:
        """Handle an error yourself instead of the standard error dialog."""
        self._failure = callback
        return self

    def run(self) -> Op:
        """Queue the work."""
        _running.add(self)
        if self.busy:
            QGuiApplication.setOverrideCursor(QCursor(Qt.CursorShape.BusyCursor))
        self._signals.sig_done.connect(self._done)
        self._signals.sig_failed.connect(self._failed)
        pool().start(_Job(lambda: self.fn(*self.args, **self.kwargs), self._signals))
        return self

    def _finish(self) -> None:
        if self.busy:
            QGuiApplication.restoreOverrideCursor()
        _running.discard(self)

    def _done(self, result: Any) -> None:
        self._finish()
        if self._success is not None and _alive(self.parent):
            self._success(result)

    def _failed(self, exc: BaseException, trace: str) -> None:
        self._finish()
        if self._failure is not None and _alive(self.parent):
            self._failure(exc)
            return
        from .errors import show_error

        show_error(self.parent if _alive(self.parent) else None, exc, trace)


def _alive(widget: QWidget | None) -> bool:
    if widget is None:
        return True
    try:
        widget.objectName()  # raises when the C++ object is gone
    except RuntimeError:
        return False
    return True
