"""Database work off the GUI thread, results back by signal (the Anki ``Op`` habit).

    Op(self, services.clients.list_clients, db, actor, query).success(show).run()
    Op(self, services.clients.delete_client, db, actor, id, changes={"clients"}).run()

An ``Op`` without ``changes`` is a read; with them it is a write that says which kinds
of record it changed (:mod:`salesdesk_ui.changes` then tells every open page).

- Writes run one at a time, in order, on their own thread: SQLite never sees two writers
  from this program.
- Reads run beside each other on a small pool (SQLite's WAL lets readers overlap a
  writer). A read asked for while a write is still on its way waits for it, so a page
  never shows what was there before the user's own save.

The widget that asked shows a busy cursor until the answer arrives; failures go to
:func:`salesdesk_ui.errors.show_error` unless the caller handles them.

Why a ticket and one dispatcher: a pool thread must never drop the last reference to a
Qt object (a widget of a closed dialog, a signal holder), because Qt objects may only be
destroyed on their own thread. The work and its callbacks therefore stay in
:data:`_tickets`, owned by the GUI thread; the pool thread gets a number, calls the work
through it and reports by number to :data:`_dispatcher`, which lives as long as the
application.
"""

from __future__ import annotations

import itertools
import traceback
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtGui import QCursor, QGuiApplication
from PySide6.QtWidgets import QWidget

READ_THREADS = 2
"""Reads that may run at once: the machines this runs on have two cores."""

_pools: dict[str, QThreadPool] = {}
_tickets: dict[int, Op] = {}
_numbers = itertools.count(1)
_writes_pending = 0
_waiting_reads: list[Op] = []


def _pool(kind: str) -> QThreadPool:
    pool = _pools.get(kind)
    if pool is None:
        pool = QThreadPool()
        pool.setMaxThreadCount(1 if kind == "write" else READ_THREADS)
        pool.setExpiryTimeout(-1)
        _pools[kind] = pool
    return pool


def pool() -> QThreadPool:
    """The writer's thread (kept for callers that wait on it)."""
    return _pool("write")


def active_threads() -> int:
    """Threads of both pools that are running work now."""
    return sum(_pool(kind).activeThreadCount() for kind in ("write", "read"))


def wait_idle(timeout_ms: int = 30_000) -> bool:
    """Block until queued work is done (tests and shutdown)."""
    done = True
    for kind in ("write", "read"):
        done = _pool(kind).waitForDone(timeout_ms) and done
    return done


def pending() -> int:
    """How many operations have not delivered their result yet."""
    return len(_tickets) + len(_waiting_reads)


class _Dispatcher(QObject):
    """Lives on the GUI thread for the whole run; results arrive here by number."""

    sig_done = Signal(int, object)
    sig_failed = Signal(int, object, str)

    def __init__(self) -> None:
        super().__init__()
        self.sig_done.connect(self._done, Qt.ConnectionType.QueuedConnection)
        self.sig_failed.connect(self._failed, Qt.ConnectionType.QueuedConnection)

    def _done(self, ticket: int, result: Any) -> None:
        op = _tickets.pop(ticket, None)
        if op is not None:
            op._deliver(result)

    def _failed(self, ticket: int, exc: BaseException, trace: str) -> None:
        op = _tickets.pop(ticket, None)
        if op is not None:
            op._fail(exc, trace)


_dispatcher: _Dispatcher | None = None


def _the_dispatcher() -> _Dispatcher:
    global _dispatcher
    if _dispatcher is None:
        _dispatcher = _Dispatcher()
    return _dispatcher


def _forget_tracebacks(exc: BaseException) -> None:
    """Drop the frames an exception keeps (they hold the work's arguments, widgets among
    them): the text is already formatted, and the exception crosses to the GUI thread."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        current.__traceback__ = None
        current = current.__cause__ or current.__context__


class _Job(QRunnable):
    """Runs the work of one ticket on a pool thread; holds nothing but the number."""

    def __init__(self, ticket: int) -> None:
        super().__init__()
        self.ticket = ticket
        self.setAutoDelete(True)

    def run(self) -> None:
        dispatcher = _the_dispatcher()
        op = _tickets.get(self.ticket)
        if op is None:
            return
        work = op._work
        del op  # the GUI thread owns the Op; this thread only borrows its work
        outcome: tuple[bool, Any, str]
        try:
            outcome = (True, work(), "")
        except BaseException as exc:  # delivered to the GUI thread, never lost
            trace = traceback.format_exc()
            _forget_tracebacks(exc)
            outcome = (False, exc, trace)
        # Let go of the work (a bound method of the Op) before reporting: once the GUI
        # thread has the answer, this thread's reference could be the last one.
        del work
        try:
            if outcome[0]:
                dispatcher.sig_done.emit(self.ticket, outcome[1])
            else:
                dispatcher.sig_failed.emit(self.ticket, outcome[1], outcome[2])
        except RuntimeError:
            pass  # the application is shutting down and nobody waits for the answer


class Op:
    """One piece of background work with success and failure callbacks.

    ``changes`` makes it a write: the kinds of record it changes (``"clients"``,
    ``"deals"``, …, or :data:`salesdesk_ui.changes.EVERYTHING`), announced to every open
    page once it succeeded.
    """

    def __init__(self, parent: QWidget | None, fn: Callable[..., Any], *args: Any,
                 busy: bool = True, changes: Iterable[str] | None = None,
                 **kwargs: Any) -> None:
        self.parent = parent
        self.fn = fn
        self.args = args
        self.kwargs = kwargs
        self.busy = busy
        self.changes = frozenset(changes) if changes is not None else None
        self._success: Callable[[Any], None] | None = None
        self._failure: Callable[[BaseException], None] | None = None

    @property
    def writes(self) -> bool:
        """The work changes the database (runs alone, in order)."""
        return self.changes is not None

    def _work(self) -> Any:
        return self.fn(*self.args, **self.kwargs)

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
        global _writes_pending
        _the_dispatcher()  # made on the GUI thread, before any job can report
        if self.busy:
            QGuiApplication.setOverrideCursor(QCursor(Qt.CursorShape.BusyCursor))
        if self.writes:
            _writes_pending += 1
            self._start("write")
        elif _writes_pending:
            _waiting_reads.append(self)  # after the write the user is waiting for
        else:
            self._start("read")
        return self

    def _start(self, kind: str) -> None:
        ticket = next(_numbers)
        _tickets[ticket] = self
        _pool(kind).start(_Job(ticket))

    def _finish(self) -> None:
        global _writes_pending
        if self.busy:
            QGuiApplication.restoreOverrideCursor()
        if self.writes:
            _writes_pending -= 1
            if not _writes_pending:
                waiting = list(_waiting_reads)
                _waiting_reads.clear()
                for op in waiting:
                    op._start("read")

    def _deliver(self, result: Any) -> None:
        self._finish()
        if self.changes:
            from .changes import hub

            hub().announce(self.changes, self.parent)
        if self._success is not None and _alive(self.parent):
            self._success(result)

    def _fail(self, exc: BaseException, trace: str) -> None:
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
