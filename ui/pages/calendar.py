"""The calendar page: a day, week or month of the user's dated work (issue 18).

Meetings and calls at their time; tasks, requests to answer, deliveries, invoices due
and proposals running out on their day, each kind in its colour (the legend says which).
A manager or the head chooses one person or the whole team. Dragging moves an event
through its record's own service (the same checks and audit as its form); a refused
move is said and the event stays where it was.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QWidget,
)

from salesdesk import clock
from salesdesk.i18n import _, format_date, get_language, ngettext
from salesdesk.services import calendar as calendar_service
from salesdesk.services.calendar import KINDS, TIMED, CalendarEvent

from .. import theme
from ..calendar_view import KIND_COLORS, CalendarView
from ..widgets import PageHeader
from ..worker import Op
from .base import Page

MODES = ("day", "week", "month")


def period_of(mode: str, anchor: date) -> tuple[date, date]:
    """The days a mode shows around ``anchor``."""
    if mode == "day":
        return anchor, anchor
    if mode == "week":
        return calendar_service.week_of(anchor)
    return calendar_service.month_grid(anchor)


def period_title(mode: str, anchor: date, start: date, end: date) -> str:
    """"December 2026", "30 Nov – 6 Dec 2026", "Friday, 4 December 2026"."""
    from babel.dates import format_date as babel_date

    from salesdesk.i18n import babel_locale

    loc = babel_locale(get_language())
    if mode == "month":
        return format_date(anchor, style="month")
    if mode == "day":
        return babel_date(anchor, "EEEE, " + ("d MMMM y" if get_language() == "ru"
                                               else "MMMM d, y"), locale=loc).capitalize()
    return f"{format_date(start)} – {format_date(end)}"


class Legend(QWidget):
    """Each kind's colour, in words."""

    def __init__(self) -> None:
        super().__init__()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(theme.SPACING)
        for kind, label in KINDS.items():
            swatch = QLabel()
            swatch.setFixedSize(12, 12)
            swatch.setStyleSheet(f"background: {KIND_COLORS[kind]}; border-radius: 3px;")
            row.addWidget(swatch)
            text = QLabel(_(label))
            text.setProperty("role", "muted")
            row.addWidget(text)
            row.addSpacing(4)
        row.addStretch(1)


class CalendarPage(Page):
    """Day, week and month of dated work."""

    key = "calendar"
    icon_name = "mdi6.calendar-month-outline"
    watches = frozenset({"appointments", "tasks", "deliveries", "activities", "documents"})

    def __init__(self, ctx: Any, window: Any = None) -> None:
        self.title = _("Calendar")
        super().__init__(ctx, window)
        self.mode = str(ctx.settings.value("calendar/mode", "week"))
        if self.mode not in MODES:
            self.mode = "week"
        self.anchor = clock.today()
        self.header = PageHeader(self.title, _("Plan a meeting"), "mdi6.calendar-plus")
        assert self.header.primary is not None
        self.header.primary.clicked.connect(lambda: self.new_meeting(None, None))
        self.header.primary.setToolTip(_("A meeting, call or presentation with a client "
                                         "(Ctrl+M)"))
        self.header.primary.setShortcut("Ctrl+M")
        self.layout_.addWidget(self.header)

        bar = QHBoxLayout()
        self.previous = QToolButton()
        self.previous.setIcon(theme.icon("mdi6.chevron-left"))
        self.previous.setToolTip(_("Earlier (Alt+Left)"))
        self.previous.setShortcut("Alt+Left")
        self.previous.clicked.connect(lambda: self.step(-1))
        self.today_button = QToolButton()
        self.today_button.setText(_("Today"))
        self.today_button.setToolTip(_("Back to today (Alt+Home)"))
        self.today_button.setShortcut("Alt+Home")
        self.today_button.clicked.connect(self.go_today)
        self.next = QToolButton()
        self.next.setIcon(theme.icon("mdi6.chevron-right"))
        self.next.setToolTip(_("Later (Alt+Right)"))
        self.next.setShortcut("Alt+Right")
        self.next.clicked.connect(lambda: self.step(1))
        self.period = QLabel("")
        self.period.setObjectName("calendar_period")
        self.period.setFont(theme.title_font(0))
        for widget in (self.previous, self.today_button, self.next):
            bar.addWidget(widget)
        bar.addSpacing(theme.SPACING)
        bar.addWidget(self.period)
        bar.addStretch(1)
        self.person = QComboBox()
        self.person.setObjectName("calendar_person")
        self.person.addItem(_("Everyone I see"), None)
        for user_id, name in ctx.lookups.people:
            self.person.addItem(name, user_id)
        self.person.setVisible(ctx.can_manage)
        self.person.currentIndexChanged.connect(lambda _i: self.refresh())
        bar.addWidget(self.person)
        self.mode_group = QButtonGroup(self)
        self.mode_buttons: dict[str, QToolButton] = {}
        for mode, text, keys in (("day", _("Day"), "Alt+1"), ("week", _("Week"), "Alt+2"),
                                 ("month", _("Month"), "Alt+3")):
            button = QToolButton()
            button.setText(text)
            button.setCheckable(True)
            button.setShortcut(keys)
            button.setToolTip(f"{text} ({keys})")
            button.setObjectName(f"calendar_{mode}")
            button.clicked.connect(lambda _c=False, m=mode: self.set_mode(m))
            self.mode_group.addButton(button)
            self.mode_buttons[mode] = button
            bar.addWidget(button)
        self.mode_buttons[self.mode].setChecked(True)
        self.layout_.addLayout(bar)

        self.view = CalendarView()
        self.view.sig_moved.connect(self.move)
        self.view.sig_open.connect(self.open_event)
        self.view.sig_new.connect(self.new_meeting)
        self.layout_.addWidget(self.view, 1)
        self.legend = Legend()
        self.hint = QLabel(_("Drag to move (Ctrl+arrows with the keyboard) · double-click or "
                             "Enter to open · double-click an empty place to plan a meeting"))
        self.hint.setProperty("role", "muted")
        self.hint.setWordWrap(True)
        self.layout_.addWidget(self.legend)
        self.layout_.addWidget(self.hint)

    # --- the period -----------------------------------------------------------------------

    def set_mode(self, mode: str) -> None:
        """Day, week or month."""
        self.mode = mode
        self.mode_buttons[mode].setChecked(True)
        self.ctx.settings.setValue("calendar/mode", mode)
        self.refresh()

    def step(self, direction: int) -> None:
        """The period before or after."""
        if self.mode == "day":
            self.anchor += timedelta(days=direction)
        elif self.mode == "week":
            self.anchor += timedelta(days=7 * direction)
        else:
            month = self.anchor.month - 1 + direction
            self.anchor = date(self.anchor.year + month // 12, month % 12 + 1, 1)
        self.refresh()

    def go_today(self) -> None:
        """Back to today."""
        self.anchor = clock.today()
        self.refresh()

    def show_day(self, day: date) -> None:
        """One day ("+3 more" in a month or week)."""
        self.anchor = day
        self.set_mode("day")

    def refresh(self) -> None:
        """Read the period's events (in the background)."""
        start, end = period_of(self.mode, self.anchor)
        self.period.setText(period_title(self.mode, self.anchor, start, end))
        Op(self, calendar_service.calendar_events, self.ctx.db, self.ctx.actor, start, end,
           self.person.currentData(), busy=False).success(
            lambda events, m=self.mode, s=start, e=end, a=self.anchor:
            self._show(m, s, e, a, events)).run()

    def _show(self, mode: str, start: date, end: date, anchor: date,
              events: list[CalendarEvent]) -> None:
        if (mode, anchor) != (self.mode, self.anchor):
            return  # the user moved on while this was read
        self.view.set_events(mode, start, end, anchor, events)
        meetings = sum(1 for e in events if e.kind in TIMED)
        self.header.set_count(ngettext("{n} event", "{n} events", len(events)).format(
            n=len(events)) + " · " + ngettext("{n} meeting or call", "{n} meetings and calls",
                                              meetings).format(n=meetings))

    # --- actions --------------------------------------------------------------------------

    def move(self, event: CalendarEvent, day: date, minute: int | None) -> None:
        """Move an event through its record's service; a refusal is said and undone."""
        from ..errors import show_error

        def failed(exc: BaseException) -> None:
            show_error(self, exc)
            self.refresh()

        Op(self, calendar_service.move_event, self.ctx.db, self.ctx.actor, event.kind,
           event.record_id, day, minute, event.version,
           changes={"appointments", "tasks", "deliveries", "activities"}) \
            .success(lambda _r: self.refresh()).failure(failed).run()

    def open_event(self, event: CalendarEvent) -> None:
        """Open what the event is: the meeting's form, the task's, the document, the
        client of a request or a delivery."""
        from salesdesk.services import appointments, deliveries, tasks

        from ..dialogs.record_forms import appointment_form, delivery_form, task_form

        if event.kind in TIMED:
            Op(self, appointments.get_appointment, self.ctx.db, self.ctx.actor,
               event.record_id).success(lambda record: appointment_form(
                self, self.ctx, record=record).open()).run()
        elif event.kind == "task":
            Op(self, tasks.get_task, self.ctx.db, self.ctx.actor, event.record_id).success(
                lambda record: task_form(self, self.ctx, record=record).open()).run()
        elif event.kind == "delivery":
            Op(self, deliveries.get_delivery, self.ctx.db, self.ctx.actor,
               event.record_id).success(lambda record: delivery_form(
                self, self.ctx, record=record).open()).run()
        elif event.kind in ("invoice", "proposal"):
            self.open_record("document", event.record_id)
        elif event.client_id is not None:
            self.open_record("client", event.client_id)

    def new_meeting(self, day: date | None, minute: int | None) -> None:
        """Plan a meeting (at the place double-clicked)."""
        from ..dialogs.record_forms import appointment_form

        dialog = appointment_form(self, self.ctx, day=day or self.anchor, minute=minute)
        dialog.open()

    def open_record(self, kind: str, record_id: Any) -> None:
        """Ask the window to show a record."""
        super().open_record(kind, record_id)

    def keyPressEvent(self, event: Any) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.view.selected = None
            self.view.update()
            return
        super().keyPressEvent(event)
