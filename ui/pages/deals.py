"""Deals: a kanban board by stage with drag and drop (dropping on "lost" asks why), and a
table view of the same deals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QModelIndex, QRect, QSize, Qt, Signal
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
    QScrollArea,
    QStackedWidget,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from salesdesk import clock
from salesdesk.domain import STAGE_LABELS, STAGES, label
from salesdesk.i18n import _, format_money, format_money_compact, format_number, ngettext
from salesdesk.services import deals, market, users
from salesdesk.services.deals import DealQuery, DealRecord

from .. import theme
from ..context import AppContext
from ..models import Column, LazyTableModel
from ..widgets import PageHeader, PillDelegate
from ..worker import Op
from .base import Page


def deal_columns() -> list[Column]:
    """Columns of the deal table."""
    return [Column(_("Title"), lambda d: d.title, sort_key="title"),
            Column(_("Client"), lambda d: d.client_name, sort_key="client"),
            Column(_("Stage"), lambda d: d.stage, kind="status", sort_key="stage"),
            Column(_("Amount"), lambda d: d.amount, kind="money", sort_key="amount"),
            Column(_("Owner"), lambda d: d.owner_name, sort_key="owner"),
            Column(_("Opened"), lambda d: d.opened_on, kind="date", sort_key="opened"),
            Column(_("Expected close"), lambda d: d.expected_close, kind="date",
                   sort_key="expected"),
            Column(_("Closed"), lambda d: d.closed_on, kind="date", sort_key="closed")]


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
        days = deal.age_days(clock.today())
        for age in (ngettext("{n} day", "{n} days", days).format(n=days),
                    _("{n} d.").format(n=days)):
            if painter.fontMetrics().horizontalAdvance(age) <= room:
                painter.setPen(theme.MUTED_COLOR)
                painter.drawText(QRect(inner.x(), inner.y() + 2 * line + 2, inner.width() - 30,
                                       line), Qt.AlignmentFlag.AlignRight, age)
                break
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

    def __init__(self, stage: str) -> None:
        super().__init__()
        self.stage = stage
        self.setObjectName(f"stage_{stage}")
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setItemDelegate(CardDelegate(self))
        self.setSpacing(1)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

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
        for competitor in market.list_competitors(ctx.db, ctx.actor):
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
            for user in users.list_users(ctx.db, ctx.actor, include_inactive=False):
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
        self.table.doubleClicked.connect(lambda i: self.edit(self.model.record(i.row())))
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
            frame.setMinimumWidth(220)
            box = QVBoxLayout(frame)
            box.setContentsMargins(6, 8, 6, 6)
            title = QLabel(label(STAGE_LABELS, stage))
            title.setWordWrap(True)
            title.setObjectName(f"title_{stage}")
            self.column_titles[stage] = title
            box.addWidget(title)
            lst = StageList(stage)
            lst.sig_dropped.connect(self.move_deal)
            lst.itemDoubleClicked.connect(
                lambda item: self.edit(item.data(Qt.ItemDataRole.UserRole)))
            self.columns[stage] = lst
            box.addWidget(lst, 1)
            row.addWidget(frame, 1)
        scroll.setWidget(holder)
        return scroll

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
        """Fill the columns: cards, count and sum in each header."""
        total = 0
        for column in board:
            lst = self.columns[column.stage]
            lst.clear()
            for deal in column.deals:
                item = QListWidgetItem()
                item.setData(Qt.ItemDataRole.UserRole, deal)
                item.setToolTip(f"{deal.title}\n{deal.client_name}\n{format_money(deal.amount)}")
                lst.addItem(item)
            self.column_titles[column.stage].setText(
                f"<b>{label(STAGE_LABELS, column.stage)}</b> · {format_number(column.count)}"
                f"<br><span style='color:#6B7280'>{format_money(column.total)}</span>")
            total += column.count
        self.header.set_count(ngettext("{n} deal", "{n} deals", total).format(
            n=format_number(total)))

    def _fetch(self, offset: int, limit: int, sort: str | None, descending: bool) -> list[Any]:
        return deals.list_deals(self.ctx.db, self.ctx.actor, DealQuery(
            owner_id=self.owner.currentData(), sort=sort or "opened", descending=descending
            if sort else True, offset=offset, limit=limit))

    def _count(self) -> int:
        return deals.count_deals(self.ctx.db, self.ctx.actor, DealQuery(
            owner_id=self.owner.currentData()))

    def _table_loaded(self, total: int) -> None:
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
           lost_reason=reason, competitor_id=competitor, expected_version=deal.version) \
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

    record = deals.get_deal(ctx.db, ctx.actor, deal_id)
    deal_form(parent, ctx, record.client_id, record, on_saved).open()


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
        self.model.set_records(deals.list_deals(ctx.db, ctx.actor, query))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(ngettext("{n} deal", "{n} deals", len(self.model.records))
                                .format(n=len(self.model.records))))
        view = QTableView()
        view.setModel(self.model)
        view.verticalHeader().hide()
        view.setItemDelegateForColumn(2, PillDelegate(view))
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        view.horizontalHeader().setStretchLastSection(True)
        view.doubleClicked.connect(lambda i: edit_deal(self, ctx, self.model.record(i.row()).id))
        layout.addWidget(view)
        self.resize(900, 500)
