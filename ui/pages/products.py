"""Products and prices: managers and the head edit, representatives read."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QMessageBox,
    QTableView,
)

from salesdesk.domain import vat_rate_label
from salesdesk.i18n import _, format_number, ngettext
from salesdesk.services import products

from ..models import Column, RecordTableModel, enable_sorting
from ..row_menu import RowAction, attach_row_menu
from ..widgets import PageHeader
from ..worker import Op
from .base import Page


class ProductsPage(Page):
    """The catalogue."""

    key = "products"
    watches = frozenset({"products"})
    icon_name = "mdi6.package-variant-closed"

    def __init__(self, ctx: Any, window: Any = None) -> None:
        self.title = _("Products")
        super().__init__(ctx, window)
        self.header = PageHeader(self.title, _("New product") if ctx.can_manage else None,
                                 "mdi6.plus")
        if self.header.primary is not None:
            self.header.primary.clicked.connect(self.new_record)
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Name or SKU"))
        self.search.setClearButtonEnabled(True)
        self.header.add_filter(self.search)
        self.inactive = self.header.add_chip(_("Show inactive"))
        self.inactive.toggled.connect(lambda _c: self.refresh())
        self.layout_.addWidget(self.header)
        self.model = RecordTableModel([
            Column(_("Product"), lambda p: p.name, sort_key="name"),
            Column(_("SKU"), lambda p: p.sku, sort_key="sku"),
            Column(_("Unit"), lambda p: p.unit, sort_key="unit"),
            Column(_("Price"), lambda p: p.price, kind="money", sort_key="price"),
            Column(_("VAT rate"), lambda p: vat_rate_label(p.vat_rate), sort_key="vat"),
            Column(_("Active"), lambda p: _("yes") if p.active else _("no"), sort_key="active")],
            on_sort=self.refresh)
        self.view = QTableView()
        self.view.setObjectName("products_table")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.view.doubleClicked.connect(lambda i: self.edit(self.model.record(i.row())))
        enable_sorting(self.view, self.model, 0)
        attach_row_menu(self.view, self.model.record, self._row_actions)
        self.layout_.addWidget(self.view, 1)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(200)
        self.timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self.timer.start())

    def refresh(self) -> None:
        Op(self, products.list_products, self.ctx.db, self.ctx.actor,
           self.search.text() or None, self.inactive.isChecked(), self.model.sort_key,
           self.model.descending).success(self._show).run()

    def _row_actions(self, _record: Any) -> list[RowAction | None]:
        if not self.ctx.can_manage:
            return [RowAction(_("Open"), self.edit, "mdi6.package-variant", default=True)]
        return [RowAction(_("Edit"), self.edit, "mdi6.pencil-outline", default=True),
                RowAction(_("New product"), lambda _r: self.new_record(), "mdi6.plus"),
                None,
                RowAction(_("Delete…"), self.delete, "mdi6.delete-outline")]

    def delete(self, record: products.ProductRecord) -> None:
        """Delete a product after asking (documents keep their lines as printed)."""
        if QMessageBox.question(self, _("Delete product"), _(
                "Delete {name}? Documents that list it keep their lines.").format(
                name=record.name)) == QMessageBox.StandardButton.Yes:
            Op(self, products.delete_product, self.ctx.db, self.ctx.actor, record.id,
               changes={"products"}).success(lambda _r: self._deleted(record)).run()

    def _deleted(self, record: products.ProductRecord) -> None:
        self.refresh()
        if self.window_ is not None:
            self.window_.deleted("products", record.id, record.name)

    def _show(self, rows: list[Any]) -> None:
        self.model.set_records(rows)
        self.header.set_count(ngettext("{n} product", "{n} products", len(rows)).format(
            n=format_number(len(rows))))

    def new_record(self) -> None:
        """A new product."""
        from ..dialogs.record_forms import product_form

        product_form(self, self.ctx, on_saved=lambda _r: self.refresh()).open()

    def edit(self, record: products.ProductRecord) -> None:
        """Edit (or, for a representative, view) a product."""
        from ..dialogs.record_forms import product_form

        product_form(self, self.ctx, record, on_saved=lambda _r: self.refresh()).open()
