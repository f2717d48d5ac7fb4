"""The change hub (Anki's ``OpChanges``): each write says which kinds of record it
changed, and every open page or card that shows one of them refreshes.

A write is an :class:`~salesdesk_ui.worker.Op` with ``changes={"deals"}``. When it has
succeeded, :meth:`ChangeHub.announce` tells the followers; a follower that is on screen
refreshes at once, one that is hidden refreshes when it is shown again (or, for a page,
when the sidebar brings it back: pages load on every showing anyway). Pages follow
with :func:`follow`; nothing else needs to know who shows what.

The widget that asked for the write (the Op's parent, or a dialog it opened) is not told:
it handles its own result, and a second load of the same rows would only cost time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import QWidget

KINDS = frozenset({
    "clients", "contacts", "deals", "activities", "tasks", "deliveries", "documents",
    "products", "users", "targets", "spend", "strategy", "market", "training",
    "company", "conflicts", "settings", "appointments", "attachments", "mail",
})
"""The kinds of change a write can announce."""

EVERYTHING = KINDS
"""What a restore, a sync or an import of everything announces."""

CLIENT_TREE = frozenset({"clients", "contacts", "deals", "activities", "tasks",
                         "deliveries", "documents", "appointments", "attachments"})
"""A client and what hangs on it (deleted, restored, reassigned or merged together)."""


def restored_kinds(kind: str) -> frozenset[str]:
    """What bringing a record of ``kind`` back from the trash changes."""
    return CLIENT_TREE if kind == "clients" else frozenset({kind})


class ChangeHub(QObject):
    """Carries ``(kinds, source)`` from every successful write to the followers."""

    sig_changed = Signal(object, object)
    """``frozenset`` of kinds, and the widget that asked for the write (or ``None``)."""

    def announce(self, kinds: Iterable[str], source: QWidget | None = None) -> None:
        """Tell the followers that records of ``kinds`` changed."""
        changed = frozenset(kinds)
        unknown = changed - KINDS
        if unknown:
            raise ValueError(f"unknown kinds of change: {sorted(unknown)}")
        if changed:
            self.sig_changed.emit(changed, source)


_hub: ChangeHub | None = None


def hub() -> ChangeHub:
    """The application's hub (one per process, made on the GUI thread)."""
    global _hub
    if _hub is None:
        _hub = ChangeHub()
    return _hub


class _Follower(QObject):
    """Refreshes one widget for the kinds it shows; later if it is not on screen."""

    def __init__(self, widget: QWidget, kinds: frozenset[str],
                 refresh: Callable[[], None], later: bool) -> None:
        super().__init__(widget)  # dies with the widget, and so does the connection
        self.widget = widget
        self.kinds = kinds
        self.refresh = refresh
        self.later = later
        self.stale = False
        self.refreshes = 0
        widget.installEventFilter(self)
        hub().sig_changed.connect(self._changed)

    def _changed(self, kinds: frozenset[str], source: Any) -> None:
        if not kinds & self.kinds or _inside(source, self.widget):
            return
        if self.widget.isVisible():
            self._refresh()
        elif self.later:
            self.stale = True

    def _refresh(self) -> None:
        self.stale = False
        self.refreshes += 1
        self.refresh()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and self.stale:
            self._refresh()
        return False


def _inside(source: Any, widget: QWidget) -> bool:
    """``source`` is ``widget`` or one of its children (a form it opened)."""
    try:
        current = source
        while current is not None:
            if current is widget:
                return True
            current = current.parentWidget()
    except (RuntimeError, AttributeError):  # a dialog already gone
        return False
    return False


def follow(widget: QWidget, kinds: Iterable[str], refresh: Callable[[], None],
           later: bool = True) -> _Follower:
    """Call ``refresh`` whenever another widget's write changes records of ``kinds``: at
    once when ``widget`` is on screen; when it is next shown if ``later`` (else not:
    a page loads whenever the sidebar shows it)."""
    wanted = frozenset(kinds)
    unknown = wanted - KINDS
    if unknown:
        raise ValueError(f"unknown kinds of change: {sorted(unknown)}")
    return _Follower(widget, wanted, refresh, later)
