"""Reminders: what falls due today or is overdue, on the top bar's "Due" button and as a
tray notification, at start and every few minutes while the window runs; and each
planned meeting or call a quarter of an hour before it begins (looked for every minute).

A reminder once shown is not shown again in the same session; a snoozed one stays
quiet until its time (kept in the user's settings, so a snooze outlives a restart).
The list itself, with snooze and done, is :class:`dialogs.due_list.DueList`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QSystemTrayIcon, QWidget

from salesdesk import clock
from salesdesk.i18n import _, ngettext
from salesdesk.services.due import KINDS, DueItem, due_items

from . import theme
from .worker import Op

CHECK_EVERY_MS = 5 * 60 * 1000
"""How often a running window looks again for what fell due."""
SOON_EVERY_MS = 60 * 1000
"""How often it looks for a meeting about to begin."""
AHEAD_MINUTES = 15
"""How long before a meeting or call its reminder comes."""

SNOOZED = "reminders/snoozed"
"""The settings key of the snoozes: ``{"kind:id": ISO moment}``."""


def key_of(item: DueItem) -> str:
    """The item's key in the snoozes and in what was shown."""
    return f"{item.kind}:{item.record_id}"


def snoozes(settings: Any) -> dict[str, datetime]:
    """The snoozes still running (those past are dropped)."""
    raw = settings.value(SNOOZED, {}) or {}
    now = clock.now()
    out: dict[str, datetime] = {}
    for key, text in dict(raw).items():
        try:
            until = datetime.fromisoformat(str(text))
        except ValueError:
            continue  # a hand-edited settings file: that snooze is simply over
        if until.tzinfo is None:
            until = until.astimezone()
        if until > now:
            out[str(key)] = until
    return out


def snooze(settings: Any, items: Iterable[DueItem], until: datetime) -> None:
    """Keep these items quiet until ``until``."""
    current = {k: v.isoformat() for k, v in snoozes(settings).items()}
    current.update({key_of(item): until.isoformat() for item in items})
    settings.setValue(SNOOZED, current)


def until_tomorrow() -> datetime:
    """Tomorrow at nine, the office's time."""
    tomorrow = clock.today() + timedelta(days=1)
    return datetime(tomorrow.year, tomorrow.month, tomorrow.day, 9, 0).astimezone()


def to_remind(items: Iterable[DueItem], snoozed: dict[str, datetime],
              shown: set[str]) -> list[DueItem]:
    """The items to tell about now: due today or overdue, not snoozed, not yet shown."""
    today = clock.today()
    return [item for item in items if item.due <= today
            and key_of(item) not in snoozed and key_of(item) not in shown]


def soon_message(meetings: list[Any]) -> str:
    """The notification of meetings about to begin: when, what, with whom."""
    from salesdesk.domain import APPOINTMENT_KIND_LABELS, label

    lines = [ngettext("In {n} minutes:", "In {n} minutes:", AHEAD_MINUTES).format(
        n=AHEAD_MINUTES)]
    for meeting in meetings[:4]:
        where = f" · {meeting.place}" if meeting.place else ""
        lines.append(f"• {meeting.time_text} {label(APPOINTMENT_KIND_LABELS, meeting.kind)}: "
                     f"{meeting.subject} — {meeting.client_name}{where}")
    return "\n".join(lines)


def message(items: list[DueItem]) -> str:
    """The notification's text: how many, and the first few."""
    head = ngettext("{n} thing is due or overdue", "{n} things are due or overdue",
                    len(items)).format(n=len(items))
    lines = []
    for item in items[:4]:
        kind = _(KINDS[item.kind])
        lines.append(f"• {kind}: {item.title or item.client_name}")
    if len(items) > 4:
        lines.append(_("…and {n} more").format(n=len(items) - 4))
    return "\n".join([head, *lines])


class Reminders(QObject):
    """Looks for what is due (in the background), counts it on the window's button and
    tells about new items in a tray notification."""

    sig_counted = Signal(int)
    """How many items are due today or overdue and not snoozed."""

    def __init__(self, ctx: Any, parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.window = parent
        self.shown: set[str] = set()
        self.last_message = ""
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(theme.icon("mdi6.bell-outline"), parent)
            self.tray.setToolTip("SalesDesk")
            self.tray.messageClicked.connect(self._open_list)
            self.tray.activated.connect(lambda _reason: self._open_list())
            self.tray.show()
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.check)
        self.soon_timer = QTimer(self)
        self.soon_timer.setInterval(SOON_EVERY_MS)
        self.soon_timer.timeout.connect(self.check_soon)
        self.soon_shown: set[str] = set()
        self.last_soon = ""

    def start(self) -> None:
        """Look now and every few minutes from here on."""
        self.check()
        self.check_soon()
        self.timer.start()
        self.soon_timer.start()

    def stop(self) -> None:
        """No more looking (the window closes)."""
        self.timer.stop()
        self.soon_timer.stop()
        if self.tray is not None:
            self.tray.hide()

    def check(self) -> None:
        """Ask the core what is due (today and overdue), off the GUI thread."""
        Op(self.window, due_items, self.ctx.db, self.ctx.actor, 0, busy=False) \
            .success(self._found).failure(lambda _e: None).run()

    def _found(self, items: list[DueItem]) -> None:
        snoozed = snoozes(self.ctx.settings)
        awake = [item for item in items if key_of(item) not in snoozed]
        self.sig_counted.emit(len(awake))
        new = to_remind(items, snoozed, self.shown)
        if not new:
            return
        self.shown.update(key_of(item) for item in new)
        self.last_message = message(new)
        if self.tray is not None:
            self.tray.showMessage(_("SalesDesk: due"), self.last_message,
                                  QSystemTrayIcon.MessageIcon.Information, 15_000)

    def check_soon(self) -> None:
        """Look for the user's meetings that begin within the quarter of an hour."""
        from salesdesk.services.appointments import starting_soon

        Op(self.window, starting_soon, self.ctx.db, self.ctx.actor, AHEAD_MINUTES,
           busy=False).success(self._soon).failure(lambda _e: None).run()

    def _soon(self, meetings: list[Any]) -> None:
        snoozed = snoozes(self.ctx.settings)
        new = [m for m in meetings if f"soon:{m.id}" not in self.soon_shown
               and f"appointment:{m.id}" not in snoozed]
        if not new:
            return
        self.soon_shown.update(f"soon:{m.id}" for m in new)
        self.last_soon = soon_message(new)
        if self.tray is not None:
            self.tray.showMessage(_("SalesDesk: a meeting soon"), self.last_soon,
                                  QSystemTrayIcon.MessageIcon.Information, 30_000)

    def _open_list(self) -> None:
        opener = getattr(self.window, "open_due", None)
        if opener is not None:
            opener()
