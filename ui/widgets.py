"""Small widgets every page uses: page header, chips, banner, empty state, metric card,
flow layout, status pill delegate, nullable date edit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, QMargins, QModelIndex, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QPainter, QPalette
from PySide6.QtWidgets import (
    QDateEdit,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from salesdesk import clock
from salesdesk.domain import (
    CLIENT_STATUS_LABELS,
    DOCUMENT_STATUS_LABELS,
    REQUEST_STATUS_LABELS,
    STAGE_LABELS,
    label,
)
from salesdesk.i18n import _

from . import theme


class PageHeader(QWidget):
    """The title row of a page: name, record count, the primary action, filter chips."""

    def __init__(self, title: str, primary: str | None = None, icon: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, theme.SPACING)
        row = QHBoxLayout()
        self.title = QLabel(title)
        self.title.setProperty("role", "title")
        self.count = QLabel("")
        self.count.setProperty("role", "muted")
        row.addWidget(self.title)
        row.addSpacing(theme.SPACING)
        row.addWidget(self.count, 0, Qt.AlignmentFlag.AlignBottom)
        row.addStretch(1)
        self.actions = QHBoxLayout()
        row.addLayout(self.actions)
        self.primary: QPushButton | None = None
        if primary:
            self.primary = QPushButton(primary)
            self.primary.setProperty("primary", True)
            if icon:
                self.primary.setIcon(theme.icon(icon, "white"))
            row.addWidget(self.primary)
        outer.addLayout(row)
        self.chips = QHBoxLayout()
        self.chips.setSpacing(theme.SPACING // 2)
        self.chips.addStretch(1)
        outer.addLayout(self.chips)

    def set_count(self, text: str) -> None:
        """The record count, already worded ("1 234 клиента")."""
        self.count.setText(text)

    def add_action(self, button: QWidget) -> None:
        """A secondary action left of the primary one."""
        self.actions.addWidget(button)

    def add_chip(self, text: str, checkable: bool = True) -> QPushButton:
        """A filter chip (a small rounded toggle)."""
        chip = QPushButton(text)
        chip.setProperty("chip", True)
        chip.setCheckable(checkable)
        chip.setCursor(Qt.CursorShape.PointingHandCursor)
        self.chips.insertWidget(self.chips.count() - 1, chip)
        return chip

    def add_filter(self, widget: QWidget) -> None:
        """Any filter widget (a combo box, a search box) in the chip row."""
        if isinstance(widget, QLineEdit):
            # Wide enough for its placeholder: a search box that hides what it searches
            # is a riddle.
            hint = widget.fontMetrics().horizontalAdvance(widget.placeholderText()) + 48
            widget.setMinimumWidth(max(widget.minimumWidth(), min(hint, 360)))
        self.chips.insertWidget(self.chips.count() - 1, widget)


class Banner(QFrame):
    """A yellow warning line (duplicates, offline, conflicts)."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        icon = QLabel()
        icon.setPixmap(theme.icon("mdi6.alert-outline", "#92400E").pixmap(16, 16))
        self.label = QLabel(text)
        self.label.setWordWrap(True)
        layout.addWidget(icon)
        layout.addWidget(self.label, 1)

    def set_text(self, text: str) -> None:
        """Show ``text`` (an empty text hides the banner)."""
        self.label.setText(text)
        self.setVisible(bool(text))


class EmptyState(QWidget):
    """What an empty list says instead of a blank grid: why, and the next step."""

    def __init__(self, text: str, action: str | None = None,
                 on_action: Callable[[], None] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        icon = QLabel()
        icon.setPixmap(theme.icon("mdi6.tray-remove", theme.MUTED_COLOR.name()).pixmap(48, 48))
        icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label = QLabel(text)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setWordWrap(True)
        self.label.setProperty("role", "muted")
        layout.addWidget(icon)
        layout.addWidget(self.label)
        self.button: QPushButton | None = None
        if action and on_action:
            self.button = QPushButton(action)
            self.button.setProperty("primary", True)
            self.button.clicked.connect(on_action)
            layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(2)


class FlowLayout(QLayout):
    """Lays widgets out left to right, wrapping to the width (metric cards)."""

    def __init__(self, parent: QWidget | None = None, spacing: int = theme.SPACING) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), apply=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, apply=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        margins: QMargins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _arrange(self, rect: QRect, apply: bool) -> int:
        x, y, line_height = rect.x(), rect.y(), 0
        for item in self._items:
            hint = item.sizeHint()
            next_x = x + hint.width() + self._spacing
            if next_x - self._spacing > rect.right() + 1 and line_height > 0:
                x = rect.x()
                y += line_height + self._spacing
                next_x = x + hint.width() + self._spacing
                line_height = 0
            if apply:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x = next_x
            line_height = max(line_height, hint.height())
        return y + line_height - rect.y()


class MetricCard(QFrame):
    """Big value, label, change against the previous period, a thin plan bar; the
    metric's definition as the tooltip. Clicking it emits ``sig_clicked``."""

    sig_clicked = Signal()
    """The card was clicked (the page opens the records behind it)."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("card", True)
        self.setFixedWidth(214)
        self.setMinimumHeight(104)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(2)
        self.title = QLabel(title)
        self.title.setProperty("role", "muted")
        self.title.setWordWrap(True)
        self.value = QLabel("—")
        self.value.setProperty("role", "metric")
        self.delta = QLabel("")
        self.delta.setWordWrap(True)  # Russian "к прошлому периоду" needs two lines
        self.plan = QProgressBar()
        self.plan.setTextVisible(False)
        self.plan.setFixedHeight(5)
        self.plan.setRange(0, 100)
        self.plan.hide()
        layout.addWidget(self.title)
        layout.addWidget(self.value)
        layout.addWidget(self.delta)
        layout.addWidget(self.plan)
        layout.addStretch(1)

    def set_value(self, text: str, delta_pct: float | None = None, good_when_up: bool = True,
                  plan_pct: float | None = None, delta_text: str | None = None) -> None:
        """Show a value, its change (▲ green / ▼ red) and the plan progress."""
        self.value.setText(text)
        self._fit_value()
        if delta_pct is None:
            self.delta.setText(delta_text or "")
        else:
            from salesdesk.i18n import format_percent

            up = delta_pct >= 0
            good = up == good_when_up
            color = theme.GOOD_COLOR.name() if good else theme.BAD_COLOR.name()
            arrow = "▲" if up else "▼"
            if round(abs(delta_pct), 1) == 0:
                color, arrow = theme.MUTED_COLOR.name(), "="
            note = delta_text or _("vs previous period")
            change = format_percent(round(abs(delta_pct), 1))
            self.delta.setText(f"<span style='color:{color}'>{arrow} {change}</span> "
                               f"<span style='color:#6B7280'>{note}</span>")
        if plan_pct is None:
            self.plan.hide()
        else:
            self.plan.show()
            self.plan.setValue(max(0, min(100, int(plan_pct))))

    def _fit_value(self) -> None:
        """A long amount ("12 566 808,00 ₽") shrinks to the card's width instead of
        losing its currency sign at the edge; the full value stays in the text."""
        room = self.width() - 24 - 2
        font = self.value.font()
        if not hasattr(self, "_value_points"):
            self._value_points = font.pointSizeF()
        size = self._value_points
        font.setPointSizeF(size)
        from PySide6.QtGui import QFontMetrics

        while size > 8 and QFontMetrics(font).horizontalAdvance(self.value.text()) > room:
            size -= 0.5
            font.setPointSizeF(size)
        self.value.setFont(font)

    def mouseReleaseEvent(self, event: object) -> None:
        self.sig_clicked.emit()


STATUS_LABELS = {**DOCUMENT_STATUS_LABELS, **STAGE_LABELS, **REQUEST_STATUS_LABELS,
                 **CLIENT_STATUS_LABELS}


class PillDelegate(QStyledItemDelegate):
    """Draws a status code as a coloured pill with its translated label."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        code = index.data(Qt.ItemDataRole.UserRole)
        if not code or code not in theme.PILLS:
            super().paint(painter, option, index)
            return
        # The cell's background straight from the palette (the views' colours come from
        # it, not from the style sheet): the style's full item drawing under a style
        # sheet took half a millisecond per cell, a third of a list's paint.
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(option.rect, option.palette.highlight())
        elif option.features & QStyleOptionViewItem.ViewItemFeature.Alternate:
            painter.fillRect(option.rect, option.palette.alternateBase())
        background, foreground = theme.PILLS[code]
        text = label(STATUS_LABELS, code)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = option.fontMetrics
        width = metrics.horizontalAdvance(text) + 16
        height = metrics.height() + 4
        rect = QRect(option.rect.x() + 4, option.rect.center().y() - height // 2,
                     min(width, option.rect.width() - 8), height)
        painter.setBrush(QColor(background))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawRoundedRect(rect, height / 2, height / 2)
        painter.setPen(QColor(foreground))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        code = index.data(Qt.ItemDataRole.UserRole)
        if code in theme.PILLS:
            size.setWidth(option.fontMetrics.horizontalAdvance(
                label(STATUS_LABELS, code)) + 28)
        return size


NULL_DATE = QDate(2000, 1, 1)


class DateEdit(QDateEdit):
    """A date field that may be empty (shown blank), with a calendar popup."""

    def __init__(self, parent: QWidget | None = None, allow_empty: bool = True) -> None:
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat("dd.MM.yyyy")
        self.allow_empty = allow_empty
        if allow_empty:
            self.setMinimumDate(NULL_DATE)
            self.setSpecialValueText(" ")
            self.setDate(NULL_DATE)
        else:
            self.set_value(clock.today())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Delete empties an optional date."""
        if self.allow_empty and event.key() == Qt.Key.Key_Delete:
            self.set_value(None)
            return
        super().keyPressEvent(event)

    def value(self) -> date | None:
        """The date, or ``None`` when empty."""
        if self.allow_empty and self.date() == NULL_DATE:
            return None
        qd = self.date()
        return date(qd.year(), qd.month(), qd.day())

    def set_value(self, value: date | None) -> None:
        """Show a date, or empty."""
        if value is None:
            if self.allow_empty:
                self.setDate(NULL_DATE)
            else:
                self.set_value(clock.today())
        else:
            self.setDate(QDate(value.year, value.month, value.day))


def muted(text: str) -> QLabel:
    """A grey hint label."""
    widget = QLabel(text)
    widget.setProperty("role", "muted")
    widget.setWordWrap(True)
    return widget


def expanding(widget: QWidget) -> QWidget:
    """Let ``widget`` take the space it is given."""
    widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
    return widget


def set_invalid(widget: QWidget, invalid: bool) -> None:
    """Outline a field in red (or not) and re-polish its style."""
    widget.setProperty("invalid", invalid)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def alternate_color(widget: QWidget) -> QColor:
    """The palette's alternate base colour (for zebra rows in custom views)."""
    return widget.palette().color(QPalette.ColorRole.AlternateBase)
