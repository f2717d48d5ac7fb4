"""The calendar's drawing surface: a day, a week or a month of events, each kind in its own
colour; meetings at their time, the rest in a band for the whole day. Drag an event to
another day (and, for a meeting, another time) to move it; double-click to open it, or
an empty place to plan a meeting there. The keyboard does the same: arrows choose an
event, Enter opens it, Ctrl+arrows move it by a day (or, for a meeting, a quarter of an
hour).

The widget only draws and reports (``sig_moved``, ``sig_open``, ``sig_new``); the page
asks the core to move or open, with the core's checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QKeyEvent, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import QApplication, QSizePolicy, QToolTip, QWidget

from salesdesk import clock
from salesdesk.i18n import _, get_language
from salesdesk.services.appointments import clock_text
from salesdesk.services.calendar import KINDS, CalendarEvent

from . import theme

KIND_COLORS: dict[str, str] = {
    "meeting": "#2563EB", "call": "#16A34A", "presentation": "#7C3AED", "task": "#D97706",
    "request": "#DB2777", "delivery": "#0891B2", "invoice": "#475569", "proposal": "#A16207"}
"""Each kind's colour (white text reads on every one, in light and dark schemes)."""

SNAP = 15
"""Minutes a dragged meeting snaps to."""
HEADER_H = 42
CHIP_H = 20
FIRST_HOUR, LAST_HOUR = 7, 21
"""The hours a day or week shows at least (more when a meeting lies outside them)."""


def weekday_names(lang: str) -> list[str]:
    """Monday first, short."""
    from babel.dates import get_day_names

    from salesdesk.i18n import babel_locale

    names = get_day_names("abbreviated", locale=babel_locale(lang))
    return [str(names[i]).capitalize().rstrip(".") for i in range(7)]


@dataclass
class Placed:
    """An event where it is drawn."""

    event: CalendarEvent
    rect: QRectF
    timed: bool


class CalendarView(QWidget):
    """A day, week or month of :class:`CalendarEvent` (see the module)."""

    sig_open = Signal(object)
    """An event was double-clicked or Enter was pressed on it."""
    sig_moved = Signal(object, object, object)
    """An event was dropped: the event, the new day, the new start minute (or ``None``)."""
    sig_new = Signal(object, object)
    """An empty place was double-clicked: the day and the minute (``None`` in a month)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("calendar_view")
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(480, 360)
        self.mode = "week"
        self.start = self.end = clock.today()
        self.anchor = clock.today()
        self.events: list[CalendarEvent] = []
        self.placed: list[Placed] = []
        self.more: list[tuple[QRectF, date, int]] = []
        self.selected: CalendarEvent | None = None
        self._press: tuple[Placed, QPointF] | None = None
        self._drag: tuple[Placed, QPointF] | None = None
        self._drop: tuple[date, int | None] | None = None
        self.first_hour, self.last_hour = FIRST_HOUR, LAST_HOUR

    # --- data -----------------------------------------------------------------------------

    def set_events(self, mode: str, start: date, end: date, anchor: date,
                   events: list[CalendarEvent]) -> None:
        """Show ``events`` from ``start`` to ``end`` in ``mode`` (day, week, month)."""
        self.mode, self.start, self.end, self.anchor = mode, start, end, anchor
        self.events = events
        if self.selected is not None:
            self.selected = next((e for e in events if e.record_id == self.selected.record_id
                                  and e.kind == self.selected.kind), None)
        timed = [e for e in events if e.timed]
        self.first_hour = min([FIRST_HOUR, *((e.start_minute or 0) // 60 for e in timed)])
        self.last_hour = max([LAST_HOUR, *(-(-((e.start_minute or 0) + (e.duration_minutes
                                                                        or 0)) // 60)
                                            for e in timed)])
        self.last_hour = min(self.last_hour, 24)
        self._layout()
        self.update()

    def days(self) -> list[date]:
        """The days shown, in order."""
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]

    # --- geometry -------------------------------------------------------------------------

    def _columns(self) -> tuple[float, float]:
        """Left edge and width of a day column (week and day views)."""
        gutter = 52.0
        count = max(len(self.days()), 1)
        return gutter, (self.width() - gutter - 1) / count

    def _band_rows(self) -> int:
        per_day: dict[date, int] = {}
        for e in self.events:
            if not e.timed:
                per_day[e.day] = per_day.get(e.day, 0) + 1
        return min(max(per_day.values(), default=0), 4)

    def _band_height(self) -> float:
        rows = self._band_rows()
        return rows * (CHIP_H + 2) + (8 if rows else 4)

    def _grid_top(self) -> float:
        return HEADER_H + self._band_height()

    def _hour_height(self) -> float:
        hours = max(self.last_hour - self.first_hour, 1)
        return max((self.height() - self._grid_top() - 2) / hours, 18.0)

    def point_at(self, day: date, minute: int | None = None) -> QPoint:
        """Where a day (and a time) is drawn: for tests and for dropping."""
        if self.mode == "month":
            cell = self._month_cell(day)
            return cell.center().toPoint() + QPoint(0, 6)
        left, width = self._columns()
        index = (day - self.start).days
        x = left + width * index + width / 2
        if minute is None:
            y = HEADER_H + self._band_height() / 2
        else:
            y = self._grid_top() + (minute / 60 - self.first_hour) * self._hour_height()
        return QPointF(x, y).toPoint()

    def rect_of(self, kind: str, record_id: Any) -> QRectF | None:
        """Where an event is drawn (``None`` when it is not shown)."""
        for placed in self.placed:
            if placed.event.kind == kind and placed.event.record_id == record_id:
                return placed.rect
        return None

    def _month_cell(self, day: date) -> QRectF:
        index = (day - self.start).days
        row, column = divmod(index, 7)
        width = (self.width() - 1) / 7
        height = (self.height() - HEADER_H + 16 - 1) / 6
        return QRectF(column * width, HEADER_H - 16 + row * height, width, height)

    def _layout(self) -> None:
        self.placed, self.more = [], []
        if self.mode == "month":
            self._layout_month()
        else:
            self._layout_week()

    def _layout_week(self) -> None:
        left, width = self._columns()
        rows = self._band_rows()
        by_day: dict[date, list[CalendarEvent]] = {}
        for e in self.events:
            by_day.setdefault(e.day, []).append(e)
        hour = self._hour_height()
        top = self._grid_top()
        for index, day in enumerate(self.days()):
            x = left + width * index
            whole = [e for e in by_day.get(day, []) if not e.timed]
            shown = whole if len(whole) <= rows else whole[:rows - 1]
            for row, e in enumerate(shown):
                rect = QRectF(x + 2, HEADER_H + 4 + row * (CHIP_H + 2), width - 4, CHIP_H)
                self.placed.append(Placed(e, rect, False))
            if len(whole) > len(shown):
                rect = QRectF(x + 2, HEADER_H + 4 + (rows - 1) * (CHIP_H + 2), width - 4,
                              CHIP_H)
                self.more.append((rect, day, len(whole) - len(shown)))
            timed = sorted((e for e in by_day.get(day, []) if e.timed),
                           key=lambda e: (e.start_minute, -(e.duration_minutes or 0)))
            # Side by side where they overlap: a run of overlapping events shares the
            # column, each taking the first free lane; an event alone is full width.
            clusters: list[list[tuple[CalendarEvent, int]]] = []
            lanes: list[int] = []
            cluster_end = -1
            for e in timed:
                begin = e.start_minute or 0
                end = begin + max(e.duration_minutes or 30, 30)
                if begin >= cluster_end:
                    clusters.append([])
                    lanes = []
                lane = next((i for i, busy in enumerate(lanes) if busy <= begin), len(lanes))
                if lane == len(lanes):
                    lanes.append(0)
                lanes[lane] = end
                cluster_end = max(cluster_end, end)
                clusters[-1].append((e, lane))
            for cluster in clusters:
                count = max(lane for _e, lane in cluster) + 1
                lane_w = (width - 6) / count
                for e, lane in cluster:
                    begin = (e.start_minute or 0) / 60 - self.first_hour
                    length = max((e.duration_minutes or 30) / 60 * hour, 18)
                    rect = QRectF(x + 3 + lane * lane_w, top + begin * hour + 1, lane_w - 2,
                                  length - 2)
                    self.placed.append(Placed(e, rect, True))

    def _layout_month(self) -> None:
        by_day: dict[date, list[CalendarEvent]] = {}
        for e in self.events:
            by_day.setdefault(e.day, []).append(e)
        for day in self.days():
            cell = self._month_cell(day)
            room = max(int((cell.height() - 22) // (CHIP_H - 2)), 1)
            items = by_day.get(day, [])
            shown = items if len(items) <= room else items[:room - 1]
            for row, e in enumerate(shown):
                rect = QRectF(cell.left() + 3, cell.top() + 20 + row * (CHIP_H - 2),
                              cell.width() - 6, CHIP_H - 4)
                self.placed.append(Placed(e, rect, e.timed))
            if len(items) > len(shown):
                rect = QRectF(cell.left() + 3, cell.top() + 20 + len(shown) * (CHIP_H - 2),
                              cell.width() - 6, CHIP_H - 4)
                self.more.append((rect, day, len(items) - len(shown)))

    def resizeEvent(self, event: Any) -> None:
        self._layout()
        super().resizeEvent(event)

    # --- drawing --------------------------------------------------------------------------

    def paintEvent(self, _event: Any) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.base())
        grid = QColor(palette.mid().color())
        grid.setAlpha(110)
        if self.mode == "month":
            self._paint_month(painter, grid)
        else:
            self._paint_week(painter, grid)
        for placed in self.placed:
            if self._drag is not None and placed is self._drag[0]:
                continue
            self._paint_event(painter, placed.rect, placed.event, placed.timed)
        painter.setPen(palette.text().color())
        small = QFont(self.font())
        small.setPointSizeF(max(small.pointSizeF() - 1, 7))
        painter.setFont(small)
        for rect, _day, count in self.more:
            painter.drawText(rect.adjusted(4, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter,
                             _("+{n} more").format(n=count))
        if self._drag is not None and self._drop is not None:
            self._paint_ghost(painter)
        painter.end()

    def _paint_week(self, painter: QPainter, grid: QColor) -> None:
        palette = self.palette()
        left, width = self._columns()
        today = clock.today()
        names = weekday_names(get_language())
        bold = QFont(self.font())
        bold.setBold(True)
        top = self._grid_top()
        hour = self._hour_height()
        for index, day in enumerate(self.days()):
            x = left + width * index
            if day == today:
                shade = QColor(theme.ACCENT_COLOR)
                shade.setAlpha(22)
                painter.fillRect(QRectF(x, 0, width, self.height()), shade)
            painter.setPen(QPen(grid))
            painter.drawLine(QPointF(x, 0), QPointF(x, self.height()))
            painter.setFont(bold if day == today else self.font())
            painter.setPen(theme.ACCENT_COLOR if day == today else palette.text().color())
            painter.drawText(QRectF(x, 4, width, HEADER_H - 8),
                             Qt.AlignmentFlag.AlignCenter,
                             f"{names[day.weekday()]} {day.day}")
        painter.setPen(QPen(grid))
        painter.drawLine(QPointF(0, HEADER_H), QPointF(self.width(), HEADER_H))
        painter.drawLine(QPointF(0, top), QPointF(self.width(), top))
        painter.setFont(self.font())
        for h in range(self.first_hour, self.last_hour + 1):
            y = top + (h - self.first_hour) * hour
            painter.setPen(QPen(grid))
            painter.drawLine(QPointF(left, y), QPointF(self.width(), y))
            painter.setPen(palette.placeholderText().color())
            if h < self.last_hour:
                painter.drawText(QRectF(0, y - 1, left - 6, hour),
                                 Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop,
                                 f"{h:02d}:00")
        if today in self.days():
            now = clock.now()
            minute = now.hour * 60 + now.minute
            if self.first_hour * 60 <= minute <= self.last_hour * 60:
                index = (today - self.start).days
                y = top + (minute / 60 - self.first_hour) * hour
                painter.setPen(QPen(theme.BAD_COLOR, 2))
                painter.drawLine(QPointF(left + width * index, y),
                                 QPointF(left + width * (index + 1), y))

    def _paint_month(self, painter: QPainter, grid: QColor) -> None:
        palette = self.palette()
        today = clock.today()
        names = weekday_names(get_language())
        width = (self.width() - 1) / 7
        for column in range(7):
            painter.setPen(palette.placeholderText().color())
            painter.drawText(QRectF(column * width, 2, width, HEADER_H - 20),
                             Qt.AlignmentFlag.AlignCenter, names[column])
        bold = QFont(self.font())
        bold.setBold(True)
        for day in self.days():
            cell = self._month_cell(day)
            if day == today:
                shade = QColor(theme.ACCENT_COLOR)
                shade.setAlpha(22)
                painter.fillRect(cell, shade)
            painter.setPen(QPen(grid))
            painter.drawRect(cell)
            outside = day.month != self.anchor.month
            painter.setFont(bold if day == today else self.font())
            color = theme.ACCENT_COLOR if day == today else (
                palette.placeholderText().color() if outside else palette.text().color())
            painter.setPen(color)
            painter.drawText(cell.adjusted(6, 2, -6, 0),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                             str(day.day))
        painter.setFont(self.font())

    def _paint_event(self, painter: QPainter, rect: QRectF, event: CalendarEvent,
                     timed: bool, alpha: int = 255) -> None:
        color = QColor(KIND_COLORS[event.kind])
        if event.done:
            color.setAlpha(min(alpha, 110))
        else:
            color.setAlpha(alpha)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawRoundedRect(rect, 4, 4)
        if event.overdue:
            painter.setPen(QPen(theme.BAD_COLOR, 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect.adjusted(1, 1, -1, -1), 4, 4)
        if self.selected is not None and event.record_id == self.selected.record_id \
                and event.kind == self.selected.kind:
            focus = QColor(self.palette().text().color())
            painter.setPen(QPen(focus, 2, Qt.PenStyle.DotLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect.adjusted(-1, -1, 1, 1), 5, 5)
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF() - 1, 7))
        font.setStrikeOut(event.done)
        painter.setFont(font)
        painter.setPen(QColor("white"))
        metrics = QFontMetrics(font)
        inner = rect.adjusted(5, 1, -4, -1)
        first = self._label(event, timed)
        lines = [first]
        if timed and inner.height() >= metrics.height() * 2 and self.mode != "month":
            lines.append(event.client_name)
        y = inner.top()
        for line in lines:
            if y + metrics.height() > inner.bottom() + 2 and line is not first:
                break
            text = metrics.elidedText(line, Qt.TextElideMode.ElideRight, int(inner.width()))
            painter.drawText(QRectF(inner.left(), y, inner.width(), metrics.height()),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
            y += metrics.height()

    def _label(self, event: CalendarEvent, timed: bool) -> str:
        if timed and event.start_minute is not None:
            return f"{clock_text(event.start_minute)} {event.title}"
        if event.kind in ("invoice", "proposal"):
            kind = _(KINDS[event.kind])
            return f"{kind} {event.title}"
        return event.title

    def _paint_ghost(self, painter: QPainter) -> None:
        assert self._drag is not None and self._drop is not None
        placed, _grab = self._drag
        day, minute = self._drop
        if self.mode == "month":
            cell = self._month_cell(day)
            rect = QRectF(cell.left() + 3, cell.top() + 20, cell.width() - 6, CHIP_H - 4)
        elif minute is None:
            left, width = self._columns()
            x = left + width * (day - self.start).days
            rect = QRectF(x + 2, HEADER_H + 4, width - 4, CHIP_H)
        else:
            left, width = self._columns()
            x = left + width * (day - self.start).days
            hour = self._hour_height()
            y = self._grid_top() + (minute / 60 - self.first_hour) * hour
            rect = QRectF(x + 3, y + 1, width - 6,
                          max((placed.event.duration_minutes or 30) / 60 * hour, 18) - 2)
        ghost = CalendarEvent(**{**placed.event.__dict__, "day": day,
                                 "start_minute": minute if minute is not None
                                 else placed.event.start_minute})
        self._paint_event(painter, rect, ghost, placed.timed, alpha=170)

    # --- finding --------------------------------------------------------------------------

    def placed_at(self, point: QPointF) -> Placed | None:
        """The event drawn at ``point`` (the topmost)."""
        for placed in reversed(self.placed):
            if placed.rect.contains(point):
                return placed
        return None

    def slot_at(self, point: QPointF, timed: bool) -> tuple[date, int | None] | None:
        """The day (and, in a day or week for a meeting, the snapped time) at ``point``."""
        if self.mode == "month":
            for day in self.days():
                if self._month_cell(day).contains(point):
                    return day, None
            return None
        left, width = self._columns()
        if point.x() < left:
            return None
        index = int((point.x() - left) // width)
        days = self.days()
        if not 0 <= index < len(days):
            return None
        if not timed or point.y() < self._grid_top():
            return days[index], None
        hours = (point.y() - self._grid_top()) / self._hour_height() + self.first_hour
        minute = int(round(hours * 60 / SNAP) * SNAP)
        return days[index], max(0, min(minute, 24 * 60 - SNAP))

    # --- the mouse ------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        point = event.position()
        for rect, day, _count in self.more:
            if rect.contains(point):
                self._zoom(day)
                return
        placed = self.placed_at(point)
        self._press = (placed, point - placed.rect.topLeft()) if placed else None
        self.selected = placed.event if placed else None
        self.setFocus()
        self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        point = event.position()
        if self._press is not None and self._drag is None:
            placed, grab = self._press
            moved = (point - (placed.rect.topLeft() + grab)).manhattanLength()
            if placed.event.movable and moved >= QApplication.startDragDistance():
                self._drag = (placed, grab)
        if self._drag is not None:
            placed, grab = self._drag
            top_left = point - grab
            # A meeting lands where its top is (drawn a pixel below its time's line).
            probe = QPointF(point.x(), top_left.y() - 1) if placed.timed else point
            slot = self.slot_at(probe, placed.timed)
            if slot is not None and placed.timed and slot[1] is None:
                slot = (slot[0], placed.event.start_minute) if self.mode == "month" else None
            self._drop = slot
            self.setCursor(Qt.CursorShape.ClosedHandCursor if slot else
                           Qt.CursorShape.ForbiddenCursor)
            self.update()
            return
        hovered = self.placed_at(point)
        if hovered is not None:
            self.setCursor(Qt.CursorShape.OpenHandCursor if hovered.event.movable
                           else Qt.CursorShape.PointingHandCursor)
            QToolTip.showText(event.globalPosition().toPoint(), self.describe(hovered.event),
                              self)
        else:
            self.unsetCursor()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        drag, drop = self._drag, self._drop
        self._press = self._drag = self._drop = None
        self.unsetCursor()
        if drag is not None and drop is not None:
            e = drag[0].event
            day, minute = drop
            if day != e.day or (e.timed and minute != e.start_minute):
                self.sig_moved.emit(e, day, minute if e.timed else None)
        self.update()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        point = event.position()
        placed = self.placed_at(point)
        if placed is not None:
            self.sig_open.emit(placed.event)
            return
        slot = self.slot_at(point, timed=True)
        if slot is not None:
            self.sig_new.emit(slot[0], slot[1])

    def _zoom(self, day: date) -> None:
        """"+3 more": the day itself (the page switches to it)."""
        parent = self.parent()
        while parent is not None and not hasattr(parent, "show_day"):
            parent = parent.parent()
        if parent is not None:
            parent.show_day(day)

    # --- the keyboard ---------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, mods = event.key(), event.modifiers()
        ordered = [p.event for p in sorted(self.placed, key=lambda p: (
            p.event.day, p.rect.left(), p.rect.top()))]
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.selected is not None:
            self.sig_open.emit(self.selected)
            return
        if mods & Qt.KeyboardModifier.ControlModifier and self.selected is not None \
                and self.selected.movable:
            e = self.selected
            step_day = {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1}.get(key)
            step_min = {Qt.Key.Key_Up: -SNAP, Qt.Key.Key_Down: SNAP}.get(key) \
                if e.timed else None
            if step_day:
                self.sig_moved.emit(e, e.day + timedelta(days=step_day), e.start_minute)
                return
            if step_min and e.start_minute is not None:
                minute = e.start_minute + step_min
                if minute >= 0 and minute + (e.duration_minutes or 0) <= 24 * 60:
                    self.sig_moved.emit(e, e.day, minute)
                return
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down) \
                and ordered:
            keys = [(e.kind, e.record_id) for e in ordered]
            current = (self.selected.kind, self.selected.record_id) if self.selected else None
            index = keys.index(current) if current in keys else -1
            step = -1 if key in (Qt.Key.Key_Left, Qt.Key.Key_Up) else 1
            self.selected = ordered[(index + step) % len(ordered)]
            self.update()
            return
        super().keyPressEvent(event)

    # --- words ----------------------------------------------------------------------------

    @staticmethod
    def describe(event: CalendarEvent) -> str:
        """The tooltip: what, when, for whom, whose, and what a drag may do."""
        kind = _(KINDS[event.kind])
        lines = [f"{kind}: {event.title}"]
        if event.timed and event.start_minute is not None:
            end = event.start_minute + (event.duration_minutes or 0)
            lines.append(f"{clock_text(event.start_minute)}–{clock_text(end)}")
        if event.client_name:
            lines.append(event.client_name)
        if event.person_name:
            lines.append(event.person_name)
        if event.done:
            lines.append(_("Done"))
        elif event.overdue:
            lines.append(_("Overdue"))
        if not event.movable and not event.done:
            lines.append(_("Its date is printed on the document; it does not move."))
        return "\n".join(lines)
