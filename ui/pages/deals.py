"""Deals: a kanban board by stage with drag and drop (dropping on "lost" asks why), and a
table view of the same deals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QModelIndex, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QDropEvent, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QScrollArea,
    QStackedWidget,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from salesdesk import clock
from salesdesk.domain import CLOSED_STAGES, STAGE_LABELS, STAGES, label
from salesdesk.i18n import (
    _,
    format_money,
    format_money_compact,
    format_number,
    format_percent,
    ngettext,
)
from salesdesk.services import deals
from salesdesk.services.deals import DealQuery, DealRecord

from .. import theme
from ..context import AppContext
from ..models import Column, LazyTableModel, fit_columns, short_person
from ..row_menu import RowAction, attach_row_menu
from ..widgets import PageHeader, PillDelegate
from ..worker import Op
from .base import Page


def deal_columns() -> list[Column]:
    """Columns of the deal table."""
    return [Column(_("Title"), lambda d: d.title, sort_key="title"),
            Column(_("Client"), lambda d: d.client_name, sort_key="client"),
            Column(_("Stage"), lambda d: d.stage, kind="status", sort_key="stage"),
            Column(_("Amount"), lambda d: d.amount, kind="money", sort_key="amount"),
            Column(_("Owner"), lambda d: short_person(d.owner_name), sort_key="owner",
                   tooltip=lambda d: d.owner_name),
            Column(_("Opened"), lambda d: d.opened_on, kind="date", sort_key="opened"),
            Column(_("Expected close"), lambda d: d.expected_close, kind="date",
                   sort_key="expected"),
            Column(_("Closed"), lambda d: d.closed_on, kind="date", sort_key="closed")]


def card_age(deal: DealRecord) -> str:
    """How long the deal has been open (or took), in days, the same way on every card."""
    return _("{n} d.").format(n=deal.age_days(clock.today()))


def initials(name: str) -> str:
    """``Кузнецов Пётр`` -> ``КП``."""
    return "".join(part[0] for part in name.split()[:2]).upper()


class CardDelegate(QStyledItemDelegate):
    """Paints a deal card: client, title, amount, age in days, owner's initials."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        return QSize(option.rect.width() or 220, 74)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        deal: DealRecord = index.data(Qt.ItemDataRole.UserRole)
        if deal is None:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = option.rect.adjusted(4, 3, -4, -3)
        palette = option.palette
        selected = bool(option.state & option.state.State_Selected)
        painter.setPen(QColor(theme.ACCENT_COLOR) if selected else palette.mid().color())
        painter.setBrush(palette.base())
        painter.drawRoundedRect(rect, 6, 6)
        inner = rect.adjusted(8, 5, -8, -5)
        font = option.font
        bold = painter.font()
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(palette.text().color())
        metrics = painter.fontMetrics()
        painter.drawText(QRect(inner.x(), inner.y(), inner.width(), metrics.height()),
                         Qt.AlignmentFlag.AlignLeft,
                         metrics.elidedText(deal.client_name, Qt.TextElideMode.ElideRight,
                                            inner.width()))
        painter.setFont(font)
        line = metrics.height()
        painter.drawText(QRect(inner.x(), inner.y() + line, inner.width(), line),
                         Qt.AlignmentFlag.AlignLeft,
                         painter.fontMetrics().elidedText(deal.title, Qt.TextElideMode.ElideRight,
                                                          inner.width()))
        painter.setPen(QColor(theme.ACCENT_COLOR))
        amount = format_money_compact(deal.amount)
        painter.drawText(QRect(inner.x(), inner.y() + 2 * line + 2, inner.width(), line),
                         Qt.AlignmentFlag.AlignLeft, amount)
        # The age goes between the amount and the badge, short when the column is narrow,
        # left out rather than drawn over the amount.
        room = inner.width() - 30 - painter.fontMetrics().horizontalAdvance(amount) - 8
        age = card_age(deal)  # one unit on every card, whatever the column's width
        if painter.fontMetrics().horizontalAdvance(age) <= room:
            painter.setPen(theme.MUTED_COLOR)
            painter.drawText(QRect(inner.x(), inner.y() + 2 * line + 2, inner.width() - 30,
                                   line), Qt.AlignmentFlag.AlignRight, age)
        badge = QRect(inner.right() - 24, inner.y() + 2 * line, 24, line + 2)
        painter.setBrush(QColor(theme.ACCENT_COLOR).lighter(170))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawEllipse(badge)
        painter.setPen(QColor(theme.ACCENT_COLOR).darker(150))
        small = painter.font()
        small.setPointSizeF(small.pointSizeF() * 0.8)
        painter.setFont(small)
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, initials(deal.owner_name))
        painter.restore()


class StageList(QListWidget):
    """One kanban column; dropping a card here moves the deal to this stage."""

    sig_dropped = Signal(object, str)
    """A card was dropped: the deal and this column's stage."""
    sig_dragging = Signal(bool)
    """A drag of one of this column's cards started (True) or ended (False)."""
    sig_step = Signal(object, int)
    """Ctrl+Right / Ctrl+Left on a card: move the deal one stage on (+1) or back (-1)."""
    EDGE = 48
    """Pixels from the board's edge where a drag scrolls it."""

    def __init__(self, stage: str) -> None:
        super().__init__()
        self.stage = stage
        self.board: QScrollArea | None = None
        self.setObjectName(f"stage_{stage}")
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setItemDelegate(CardDelegate(self))
        self.setSpacing(1)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def startDrag(self, actions: Any) -> None:
        self.sig_dragging.emit(True)
        try:
            super().startDrag(actions)
        finally:
            self.sig_dragging.emit(False)

    def dragMoveEvent(self, event: Any) -> None:
        super().dragMoveEvent(event)
        self.scroll_board(self.mapTo(self.board.widget(), event.position().toPoint())
                          if self.board is not None else None)

    def scroll_board(self, point: QPoint | None) -> int:
        """Near the board's left or right edge, scroll it that way; the step taken."""
        if self.board is None or point is None:
            return 0
        bar = self.board.horizontalScrollBar()
        x = point.x() - bar.value()
        width = self.board.viewport().width()
        step = -40 if x < self.EDGE else 40 if x > width - self.EDGE else 0
        bar.setValue(bar.value() + step)
        return step

    def keyPressEvent(self, event: Any) -> None:
        item = self.currentItem()
        if item is not None and event.modifiers() & Qt.KeyboardModifier.ControlModifier \
                and event.key() in (Qt.Key.Key_Right, Qt.Key.Key_Left):
            self.sig_step.emit(item.data(Qt.ItemDataRole.UserRole),
                               1 if event.key() == Qt.Key.Key_Right else -1)
            return
        super().keyPressEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        source = event.source()
        if not isinstance(source, StageList) or source is self:
            event.ignore()
            return
        item = source.currentItem()
        if item is None:
            event.ignore()
            return
        deal = item.data(Qt.ItemDataRole.UserRole)
        event.setDropAction(Qt.DropAction.IgnoreAction)  # the board reloads from the database
        event.accept()
        self.sig_dropped.emit(deal, self.stage)


class DropZone(QLabel):
    """Won or Lost: a wide target under the board, shown while a card is dragged."""

    sig_dropped = Signal(object, str)

    def __init__(self, stage: str, text: str, color: str) -> None:
        super().__init__(text)
        self.stage = stage
        self.setObjectName(f"drop_{stage}")
        self.setAcceptDrops(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumHeight(56)
        self.setStyleSheet(f"QLabel {{ border: 2px dashed {color}; border-radius: 8px; "
                           f"color: {color}; font-weight: bold; font-size: 15px; }}")

    def dragEnterEvent(self, event: Any) -> None:
        if isinstance(event.source(), StageList):
            event.acceptProposedAction()

    def dragMoveEvent(self, event: Any) -> None:
        if isinstance(event.source(), StageList):
            event.acceptProposedAction()

    def dropEvent(self, event: Any) -> None:
        source = event.source()
        item = source.currentItem() if isinstance(source, StageList) else None
        if item is None:
            event.ignore()
            return
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.accept()
        self.sig_dropped.emit(item.data(Qt.ItemDataRole.UserRole), self.stage)


class LostReasonDialog(QDialog):
    """Asked when a deal is dropped on "lost": why, and to whom."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Why was the deal lost?"))
        form = QFormLayout(self)
        self.reason = QComboBox()
        self.reason.setEditable(True)
        self.reason.addItems(["", _("Price too high"), _("Chose a competitor"),
                              _("Delivery terms"), _("Project postponed"), _("No budget")])
        self.reason.setObjectName("lost_reason")
        self.competitor = QComboBox()
        self.competitor.addItem("", None)
        for competitor in ctx.lookups.competitors:
            self.competitor.addItem(competitor.name, competitor.id)
        form.addRow(_("Lost reason") + " *", self.reason)
        form.addRow(_("Competitor"), self.competitor)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setEnabled(False)
        self.reason.currentTextChanged.connect(lambda t: self.ok.setEnabled(bool(t.strip())))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class DealsPage(Page):
    """Kanban and table of the deals the user sees."""

    key = "deals"
    watches = frozenset({"deals", "clients"})
    icon_name = "mdi6.handshake-outline"

    def __init__(self, ctx: Any, window: Any = None) -> None:
        self.title = _("Deals")
        super().__init__(ctx, window)
        self.header = PageHeader(self.title, _("New deal"), "mdi6.plus")
        assert self.header.primary is not None
        self.header.primary.clicked.connect(self.new_record)
        self.header.primary.setToolTip(_("New deal (Ctrl+Shift+N)"))
        self.board_chip = self.header.add_chip(_("Board"))
        self.table_chip = self.header.add_chip(_("Table"))
        self.board_chip.setChecked(True)
        self.board_chip.clicked.connect(lambda: self.set_view("board"))
        self.table_chip.clicked.connect(lambda: self.set_view("table"))
        self.owner = QComboBox()
        self.owner.addItem(_("Everybody") if ctx.is_head else _("My team") if ctx.can_manage
                           else _("Mine"), None)
        if ctx.can_manage:
            for user in ctx.lookups.users:
                if user.active:
                    self.owner.addItem(user.name, user.id)
            self.header.add_filter(self.owner)
        self.owner.currentIndexChanged.connect(lambda *_a: self.refresh())
        self.layout_.addWidget(self.header)
        self.stack = QStackedWidget()
        self.stack.addWidget(self._board())
        self.model = LazyTableModel(deal_columns(), self._fetch, self._count)
        self.model.sig_loaded.connect(self._table_loaded)
        self.table = QTableView()
        self.table.setObjectName("deals_table")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)  # one line per record: cheaper to paint, steadier to scan
        self.table.verticalHeader().hide()
        self.table.setItemDelegateForColumn(2, PillDelegate(self.table))
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        fit_columns(self.table, {2: STAGE_LABELS.values(), 3: ["9 999 999,00 ₽"],
                                 4: ["Кузнецова П. А."], 5: ["30 сент 2026"],
                                 6: ["30 сент 2026"], 7: ["30 сент 2026"]})
        self.table.doubleClicked.connect(lambda i: self.edit(self.model.record(i.row())))
        attach_row_menu(self.table, self.model.record, self._row_actions)
        self.stack.addWidget(self.table)
        self.layout_.addWidget(self.stack, 1)

    def _board(self) -> QWidget:
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setSpacing(theme.SPACING)
        self.columns: dict[str, StageList] = {}
        self.column_titles: dict[str, QLabel] = {}
        for stage in STAGES:
            frame = QFrame()
            frame.setProperty("card", True)
            # Seven columns side by side in a 1366-pixel window; narrower, the board scrolls.
            frame.setMinimumWidth(150)
            box = QVBoxLayout(frame)
            box.setContentsMargins(6, 8, 6, 6)
            title = QLabel(label(STAGE_LABELS, stage))
            title.setWordWrap(True)
            title.setObjectName(f"title_{stage}")
            self.column_titles[stage] = title
            box.addWidget(title)
            lst = StageList(stage)
            lst.board = scroll
            lst.sig_dropped.connect(self.move_deal)
            lst.sig_dragging.connect(self._dragging)
            lst.sig_step.connect(self.step_deal)
            lst.itemDoubleClicked.connect(
                lambda item: self.edit(item.data(Qt.ItemDataRole.UserRole)))
            lst.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            lst.customContextMenuRequested.connect(
                lambda point, c=lst: self._card_menu(c, point))
            self.columns[stage] = lst
            box.addWidget(lst, 1)
            row.addWidget(frame, 1)
        scroll.setWidget(holder)
        board = QWidget()
        outer = QVBoxLayout(board)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll, 1)
        zones = QHBoxLayout()
        self.drop_zones = QWidget()
        self.drop_zones.setLayout(zones)
        for stage, color in (("won", theme.GOOD_COLOR.name()), ("lost", theme.BAD_COLOR.name())):
            zone = DropZone(stage, _("Drop here: {stage}").format(
                stage=label(STAGE_LABELS, stage)), color)
            zone.sig_dropped.connect(self.move_deal)
            zones.addWidget(zone)
        self.drop_zones.hide()
        outer.addWidget(self.drop_zones)
        return board

    def _dragging(self, started: bool) -> None:
        """Won and Lost targets under the board while a card is dragged: the closed
        columns may be scrolled out of sight."""
        self.drop_zones.setVisible(started)

    def _card_menu(self, column: StageList, point: QPoint) -> None:
        item = column.itemAt(point)
        if item is None:
            return
        column.setCurrentItem(item)
        menu = self.card_menu(item.data(Qt.ItemDataRole.UserRole))
        column.card_menu = menu  # kept for tests
        menu.popup(column.viewport().mapToGlobal(point))

    def card_menu(self, deal: DealRecord) -> QMenu:
        """Open, move to a stage, won/lost, a task or the client, for one card."""
        from ..dialogs.record_forms import task_form

        menu = QMenu(self)
        menu.setObjectName("card_menu")
        menu.addAction(theme.icon("mdi6.pencil-outline"), _("Open"), lambda: self.edit(deal))
        move = menu.addMenu(theme.icon("mdi6.arrow-right-bold-outline"), _("Move to stage"))
        for stage in STAGES:
            if stage != deal.stage:
                move.addAction(label(STAGE_LABELS, stage),
                               lambda s=stage: self.move_deal(deal, s))
        menu.addSeparator()
        if deal.stage not in CLOSED_STAGES:
            menu.addAction(theme.icon("mdi6.trophy-outline"), _("Mark won"),
                           lambda: self.move_deal(deal, "won"))
            menu.addAction(theme.icon("mdi6.close-circle-outline"), _("Mark lost…"),
                           lambda: self.move_deal(deal, "lost"))
            menu.addSeparator()
        menu.addAction(theme.icon("mdi6.plus"), _("New task"), lambda: task_form(
            self, self.ctx, client_id=deal.client_id).open())
        menu.addAction(theme.icon("mdi6.domain"), _("Open the client"),
                       lambda: self.open_record("client", deal.client_id))
        return menu

    def _row_actions(self, deal: DealRecord) -> list[RowAction | None]:
        from ..dialogs.record_forms import task_form

        actions: list[RowAction | None] = [
            RowAction(_("Open"), self.edit, "mdi6.pencil-outline", default=True)]
        if deal.stage not in CLOSED_STAGES:
            actions += [RowAction(_("Mark won"), lambda d: self.move_deal(d, "won"),
                                  "mdi6.trophy-outline"),
                        RowAction(_("Mark lost…"), lambda d: self.move_deal(d, "lost"),
                                  "mdi6.close-circle-outline")]
        actions += [None,
                    RowAction(_("New task"), lambda d: task_form(
                        self, self.ctx, client_id=d.client_id).open(), "mdi6.plus"),
                    RowAction(_("Open the client"),
                              lambda d: self.open_record("client", d.client_id), "mdi6.domain")]
        return actions

    def step_deal(self, deal: DealRecord, step: int) -> None:
        """The keyboard's move: the next or previous open stage (Won after the last
        open one; a closed deal does not move back by keyboard)."""
        if deal.stage in CLOSED_STAGES:
            return
        order = [s for s in STAGES if s != "lost"]
        index = order.index(deal.stage) + step
        if 0 <= index < len(order):
            self.move_deal(deal, order[index])

    def set_view(self, which: str) -> None:
        """Show the board or the table."""
        self.board_chip.setChecked(which == "board")
        self.table_chip.setChecked(which == "table")
        self.stack.setCurrentIndex(0 if which == "board" else 1)
        self.refresh()

    # --- data -------------------------------------------------------------------------------

    def refresh(self) -> None:
        if self.stack.currentIndex() == 1:
            self.model.refresh()
            return
        since = clock.today().replace(day=1) - timedelta(days=1)
        since = since.replace(day=1)  # won and lost since the start of last month
        Op(self, deals.pipeline_board, self.ctx.db, self.ctx.actor, self.owner.currentData(),
           since).success(self.show_board).run()

    def show_board(self, board: list[deals.StageColumn]) -> None:
        """Fill the columns: cards, count, sum and weighted sum in each header."""
        total = 0
        forecast = Decimal(0)
        for column in board:
            lst = self.columns[column.stage]
            lst.clear()
            for deal in column.deals:
                item = QListWidgetItem()
                item.setData(Qt.ItemDataRole.UserRole, deal)
                # The age is on the card where it fits, and always here.
                item.setToolTip(f"{deal.title}\n{deal.client_name}\n{format_money(deal.amount)}"
                                f" · {card_age(deal)}")
                lst.addItem(item)
            title = self.column_titles[column.stage]
            weighted = ""
            if column.stage not in CLOSED_STAGES:
                # What the stage is expected to bring: its sum times its probability.
                weighted = ("<br><span style='color:#2563EB'>≈ "
                            f"{format_money(column.weighted)}</span>")
                title.setToolTip(_("Weighted: {total} × {pct} = {weighted}. The "
                                   "probabilities are set in Settings.").format(
                    total=format_money(column.total), pct=format_percent(column.probability),
                    weighted=format_money(column.weighted)))
                forecast += column.weighted
            title.setText(
                f"<b>{label(STAGE_LABELS, column.stage)}</b> · {format_number(column.count)}"
                f"<br><span style='color:#6B7280'>{format_money(column.total)}</span>{weighted}")
            total += column.count
        self.weighted = forecast
        self.header.set_count(ngettext("{n} deal", "{n} deals", total).format(
            n=format_number(total)) + " · " + _("weighted pipeline {amount}").format(
            amount=format_money(forecast)))

    def _fetch(self, offset: int, limit: int, sort: str | None, descending: bool) -> list[Any]:
        return deals.list_deals(self.ctx.db, self.ctx.actor, DealQuery(
            owner_id=self.owner.currentData(), sort=sort or "opened", descending=descending
            if sort else True, offset=offset, limit=limit))

    def _count(self) -> int:
        return deals.count_deals(self.ctx.db, self.ctx.actor, DealQuery(
            owner_id=self.owner.currentData()))

    def _table_loaded(self, total: int) -> None:
        # Each view writes the header only while it is shown: a table load finishing
        # after the board's must not replace the board's count and weighted pipeline.
        if self.stack.currentIndex() != 1:
            return
        self.header.set_count(ngettext("{n} deal", "{n} deals", total).format(
            n=format_number(total)))

    # --- actions -------------------------------------------------------------------------------

    def move_deal(self, deal: DealRecord, stage: str) -> None:
        """Move a dropped card; "lost" asks for the reason first."""
        if deal.stage == stage:
            return
        reason, competitor = None, None
        if stage == "lost":
            dialog = LostReasonDialog(self.ctx, self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                self.refresh()
                return
            reason = dialog.reason.currentText()
            competitor = dialog.competitor.currentData()
        Op(self, deals.move_deal, self.ctx.db, self.ctx.actor, deal.id, stage,
           lost_reason=reason, competitor_id=competitor, expected_version=deal.version,
           changes={"deals", "clients"}) \
            .success(lambda _r: self.refresh()).failure(self._move_failed).run()

    def _move_failed(self, exc: BaseException) -> None:
        from ..errors import show_error

        show_error(self, exc)
        self.refresh()

    def new_record(self) -> None:
        """A new deal (choose the client in the form)."""
        from ..dialogs.record_forms import deal_form

        deal_form(self, self.ctx, None, on_saved=lambda _r: self.refresh()).open()

    def edit(self, deal: DealRecord | None) -> None:
        """Edit a deal."""
        if deal is not None:
            edit_deal(self, self.ctx, deal.id, on_saved=lambda _r: self.refresh())


def edit_deal(parent: QWidget, ctx: AppContext, deal_id: Any,
              on_saved: Callable[[Any], None] | None = None) -> None:
    """Open the deal form for a deal."""
    from ..dialogs.record_forms import deal_form

    Op(parent, deals.get_deal, ctx.db, ctx.actor, deal_id).success(
        lambda record: deal_form(parent, ctx, record.client_id, record, on_saved).open()).run()


class DealsDialog(QDialog):
    """The deals behind a chart bar or a card (won in a month, for instance)."""

    def __init__(self, parent: QWidget, ctx: AppContext, title: str, stage: str | None = None,
                 closed_from: date | None = None, closed_to: date | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.ctx = ctx
        query = DealQuery(stage=stage, closed_from=closed_from, closed_to=closed_to,
                          sort="amount", limit=None)
        from ..models import RecordTableModel

        self.model = RecordTableModel(deal_columns())
        layout = QVBoxLayout(self)
        self.count = QLabel(_("Loading…"))
        layout.addWidget(self.count)
        view = QTableView()
        view.setModel(self.model)
        view.verticalHeader().hide()
        view.setItemDelegateForColumn(2, PillDelegate(view))
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        view.horizontalHeader().setStretchLastSection(True)
        view.doubleClicked.connect(lambda i: edit_deal(self, ctx, self.model.record(i.row()).id))
        layout.addWidget(view)
        self.resize(900, 500)
        Op(self, deals.list_deals, ctx.db, ctx.actor, query).success(self._show).run()

    def _show(self, records: list[DealRecord]) -> None:
        self.model.set_records(records)
        self.count.setText(ngettext("{n} deal", "{n} deals", len(records)).format(
            n=len(records)))
