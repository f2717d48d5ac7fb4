"""The proposal and invoice editor: header fields, lines from the catalogue or free text,
live totals and VAT; then preview, print, issue, send, accept, make the invoice, record
a payment, set the delivery deadline, revise or cancel."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from salesdesk import clock
from salesdesk.documents.totals import compute_document, compute_line
from salesdesk.domain import DOCUMENT_KIND_LABELS, VAT_RATES, label, vat_rate_label
from salesdesk.errors import ConflictError, ValidationError
from salesdesk.i18n import _, format_money
from salesdesk.money import format_amount, parse_amount
from salesdesk.services import clients, documents
from salesdesk.services.documents import DocumentRecord

from .. import theme
from ..context import AppContext
from ..widgets import DateEdit
from ..worker import Op

COLUMNS = ["item", "quantity", "unit", "price", "discount", "vat", "amount"]


def _number(text: str, default: Decimal, kind: str) -> Decimal:
    """A cell's amount for the running totals (what cannot be read counts as the default;
    saving reports it by line and column)."""
    try:
        return parse_amount(text, kind=kind) if text.strip() else default
    except (ValueError, InvalidOperation):
        return default


def _id_text(value: Any) -> str | None:
    return None if value is None else str(value)


class DocumentEditor(QDialog):
    """Edit a draft, or act on an issued document."""

    sig_changed = Signal()
    """The document was saved, issued or changed state."""

    def __init__(self, ctx: AppContext, kind: str | None = None, client_id: Any = None,
                 record: DocumentRecord | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.record = record
        self.kind = record.kind if record else kind or "invoice"
        self.client_id = record.client_id if record else client_id
        self.catalogue = {p.name: p for p in ctx.lookups.products}
        self.setObjectName("document_editor")
        self.resize(1040, 720)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.heading = QLabel("")
        self.heading.setFont(theme.title_font(1))
        top.addWidget(self.heading, 1)
        self.state_label = QLabel("")
        top.addWidget(self.state_label)
        layout.addLayout(top)
        self.client_label = QLabel("")
        self.client_label.setProperty("role", "muted")
        layout.addWidget(self.client_label)
        layout.addLayout(self._header_fields())
        layout.addLayout(self._line_buttons())
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("lines")
        self.table.setHorizontalHeaderLabels([_("Item"), _("Qty"), _("Unit"), _("Price"),
                                              _("Discount, %"), _("VAT rate"), _("Amount")])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in ((1, 70), (2, 60), (3, 110), (4, 90), (5, 100), (6, 120)):
            self.table.setColumnWidth(column, width)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setDefaultSectionSize(28)
        self.table.itemChanged.connect(self._cell_changed)
        layout.addWidget(self.table, 1)
        self.totals = QLabel("")
        self.totals.setObjectName("totals")
        self.totals.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.totals.setFont(theme.title_font(0))
        layout.addWidget(self.totals)
        self.error = QLabel("")
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        self.actions = QHBoxLayout()
        layout.addLayout(self.actions)
        self._filling = False
        self._filling_contacts = False
        self._dirty = False
        if record is None:
            self._new_defaults()
        self.show_record(record)
        self._load_contacts()

    # --- building ---------------------------------------------------------------------------

    def _header_fields(self) -> QHBoxLayout:
        row = QHBoxLayout()
        left, right = QFormLayout(), QFormLayout()
        self.doc_date = DateEdit(allow_empty=False)
        self.until = DateEdit()
        self.title_edit = QLineEdit()
        self.lead = QPlainTextEdit()
        self.lead.setFixedHeight(54)
        self.basis = QLineEdit()
        self.payment_terms = QPlainTextEdit()
        self.payment_terms.setFixedHeight(44)
        self.delivery_terms = QPlainTextEdit()
        self.delivery_terms.setFixedHeight(44)
        self.language = QComboBox()
        self.language.addItem("Русский", "ru")
        self.language.addItem("English", "en")
        left.addRow(_("Date"), self.doc_date)
        left.addRow(_("Valid until") if self.kind == "proposal" else _("Pay by"), self.until)
        left.addRow(_("Document language"), self.language)
        self._filling_contacts = True  # filling the choice is not an edit
        self.contact = QComboBox()
        self.contact.setObjectName("contact")
        self.contact.addItem(_("The first contact"), None)
        self.contact.currentIndexChanged.connect(self._mark_dirty_index)
        left.addRow(_("Contact"), self.contact)
        if self.kind == "proposal":
            left.addRow(_("Title"), self.title_edit)
            right.addRow(_("Introduction"), self.lead)
        else:
            left.addRow(_("Basis"), self.basis)
        right.addRow(_("Payment terms"), self.payment_terms)
        right.addRow(_("Delivery terms"), self.delivery_terms)
        for widget in (self.title_edit, self.basis):
            widget.textEdited.connect(self._mark_dirty)
        for widget in (self.lead, self.payment_terms, self.delivery_terms):
            widget.textChanged.connect(self._mark_dirty)
        row.addLayout(left, 1)
        row.addLayout(right, 1)
        return row

    def _line_buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.product_pick = QComboBox()
        self.product_pick.setObjectName("catalogue")
        self.product_pick.setEditable(True)
        self.product_pick.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.product_pick.lineEdit().setPlaceholderText(_("Add from the catalogue…"))
        self.product_pick.addItem("")
        self.product_pick.addItems(list(self.catalogue))
        self.product_pick.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.product_pick.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.product_pick.activated.connect(self._add_product)
        self.product_pick.setMinimumWidth(340)
        self.add_free = QPushButton(theme.icon("mdi6.plus"), _("Free-text line"))
        self.add_free.clicked.connect(lambda: self.add_line({}))
        self.remove = QPushButton(theme.icon("mdi6.delete-outline"), _("Remove line"))
        self.remove.clicked.connect(self.remove_line)
        row.addWidget(self.product_pick)
        row.addWidget(self.add_free)
        row.addWidget(self.remove)
        row.addStretch(1)
        return row

    def _new_defaults(self) -> None:
        company = self.ctx.company
        today = clock.today()
        self.doc_date.set_value(today)
        from datetime import timedelta

        days = company.proposal_valid_days if self.kind == "proposal" else \
            company.invoice_due_days
        self.until.set_value(today + timedelta(days=days))
        Op(self, clients.get_client, self.ctx.db, self.ctx.actor, self.client_id,
           busy=False).success(self._client_defaults).run()

    def _client_defaults(self, client: Any) -> None:
        company = self.ctx.company
        self.language.setCurrentIndex(max(0, self.language.findData(client.document_language)))
        payment, delivery = company.terms(client.document_language)
        self.payment_terms.setPlainText(payment or "")
        self.delivery_terms.setPlainText(delivery or "")
        self.client_label.setText(client.name)

    # --- lines ----------------------------------------------------------------------------------

    def _add_product(self, _index: int) -> None:
        name = self.product_pick.currentText()
        product = self.catalogue.get(name)
        if product is None:
            return
        self.add_line({"product_id": product.id, "description": product.name, "quantity": "1",
                       "unit": product.unit, "price": product.price,
                       "vat_rate": product.vat_rate})
        self.product_pick.setCurrentIndex(0)

    def add_line(self, line: dict[str, Any]) -> None:
        """Append a line (from the catalogue or empty)."""
        self._filling = True
        row = self.table.rowCount()
        self.table.insertRow(row)
        item = QTableWidgetItem(str(line.get("description", "")))
        item.setData(Qt.ItemDataRole.UserRole, line.get("product_id"))
        self.table.setItem(row, 0, item)
        quantity = line.get("quantity", "1")
        self.table.setItem(row, 1, QTableWidgetItem(_text(quantity, "quantity")))
        self.table.setItem(row, 2, QTableWidgetItem(str(line.get("unit", "шт"))))
        self.table.setItem(row, 3, QTableWidgetItem(_text(line.get("price", ""), "money")))
        discount = _text(line.get("discount_pct") or "", "percent")
        self.table.setItem(row, 4, QTableWidgetItem(discount))
        rate = QComboBox()
        for code in VAT_RATES:
            rate.addItem(vat_rate_label(code), code)
        rate.setCurrentIndex(max(0, rate.findData(line.get("vat_rate")
                                                  or self.ctx.company.default_vat_rate)))
        rate.currentIndexChanged.connect(lambda *_a: self._recompute())
        self.table.setCellWidget(row, 5, rate)
        amount = QTableWidgetItem("")
        amount.setFlags(Qt.ItemFlag.ItemIsEnabled)
        amount.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.table.setItem(row, 6, amount)
        for column in (1, 3, 4):
            self.table.item(row, column).setTextAlignment(
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self._filling = False
        self._mark_dirty()
        self._recompute()

    def remove_line(self) -> None:
        """Remove the selected line."""
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            self._mark_dirty()
            self._recompute()

    def lines(self) -> list[dict[str, Any]]:
        """The lines as the service takes them (raw text, validated by the service)."""
        out = []
        for row in range(self.table.rowCount()):
            rate = self.table.cellWidget(row, 5)
            out.append({
                "product_id": self.table.item(row, 0).data(Qt.ItemDataRole.UserRole),
                "description": self.table.item(row, 0).text(),
                "quantity": self.table.item(row, 1).text(),
                "unit": self.table.item(row, 2).text(),
                "price": self.table.item(row, 3).text(),
                "discount_pct": self.table.item(row, 4).text() or None,
                "vat_rate": rate.currentData() if rate else None,
            })
        return out

    def _cell_changed(self, item: QTableWidgetItem) -> None:
        if self._filling:
            return
        if item.column() == 0:
            product = self.catalogue.get(item.text())
            if product is not None and item.data(Qt.ItemDataRole.UserRole) is None:
                item.setData(Qt.ItemDataRole.UserRole, product.id)
        self._mark_dirty()
        self._recompute()

    def _recompute(self) -> None:
        """Live totals and VAT, by the same rules as the service."""
        included = self.record.vat_included if self.record else self.ctx.company.vat_included
        parsed = []
        self._filling = True
        for row, line in enumerate(self.lines()):
            quantity = _number(line["quantity"], Decimal(0), "quantity")
            price = _number(line["price"], Decimal(0), "money")
            discount = _number(line["discount_pct"] or "", Decimal(0), "percent")
            rate = line["vat_rate"] or "none"
            parsed.append((quantity, price, discount, rate))
            totals = compute_line(quantity, price, discount, rate, included)
            self.table.item(row, 6).setText(format_money(totals.amount))
        self._filling = False
        doc = compute_document(parsed, included)
        subtotal = _("Subtotal:")
        parts = [f"{subtotal} {format_money(doc.subtotal)}"]
        if doc.without_vat:
            parts.append(_("Without tax (VAT):") + " —")
        for rate, vat in sorted(doc.vat_by_rate.items()):
            if rate != "none":
                title = (_("Including VAT {rate}:") if included else _("VAT {rate}:")).format(
                    rate=vat_rate_label(rate))
                parts.append(f"{title} {format_money(vat)}")
        grand = _("Total to pay:") if self.kind == "invoice" else _("Grand total:")
        parts.append(f"<b>{grand} {format_money(doc.total)}</b>")
        self.totals.setText("&nbsp;&nbsp;&nbsp;".join(parts))

    def _mark_dirty(self, *_args: Any) -> None:
        if not self._filling:
            self._dirty = True

    # --- showing a record -----------------------------------------------------------------

    def show_record(self, record: DocumentRecord | None) -> None:
        """Fill the editor from a record (or a new draft's defaults)."""
        self.record = record
        draft = record is None or record.status == "draft"
        kind_label = label(DOCUMENT_KIND_LABELS, self.kind)
        if record is None or record.number is None:
            self.heading.setText(_("{kind} (draft)").format(kind=kind_label))
        else:
            self.heading.setText(f"{kind_label} № {record.number}")
        self.setWindowTitle(self.heading.text())
        if record is not None:
            self._filling = True
            self.client_label.setText(record.client_name)
            self.state_label.setText(label(theme_status_labels(), record.state()))
            self.doc_date.set_value(record.doc_date)
            self.until.set_value(record.valid_until if self.kind == "proposal"
                                 else record.due_date)
            self.title_edit.setText(record.title or "")
            self.lead.setPlainText(record.lead or "")
            self.basis.setText(record.basis or "")
            self.payment_terms.setPlainText(record.payment_terms or "")
            self.delivery_terms.setPlainText(record.delivery_terms or "")
            self.language.setCurrentIndex(max(0, self.language.findData(record.language)))
            if self.contact.count() > 1:
                self._filling_contacts = True
                self.contact.setCurrentIndex(max(0, self.contact.findData(
                    _id_text(record.contact_id))))
                self._filling_contacts = False
            self.table.setRowCount(0)
            self._filling = False
            for line in record.lines:
                self.add_line({"product_id": line.product_id, "description": line.description,
                               "quantity": line.quantity, "unit": line.unit,
                               "price": line.price, "discount_pct": line.discount_pct,
                               "vat_rate": line.vat_rate})
        for widget in (self.doc_date, self.until, self.title_edit, self.lead, self.basis,
                       self.payment_terms, self.delivery_terms, self.language, self.contact,
                       self.product_pick, self.add_free, self.remove):
            widget.setEnabled(draft)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers if draft
                                   else QAbstractItemView.EditTrigger.NoEditTriggers)
        for row in range(self.table.rowCount()):
            widget = self.table.cellWidget(row, 5)
            if widget is not None:
                widget.setEnabled(draft)
        self._dirty = False
        self._recompute()
        self._build_actions()

    def _build_actions(self) -> None:
        while self.actions.count():
            item = self.actions.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        record = self.record
        status = record.status if record else "draft"

        def add(text: str, icon: str, slot: Callable[[], None], primary: bool = False,
                name: str = "") -> None:
            button = QPushButton(theme.icon(icon, "white" if primary else None), text)
            button.setObjectName(name or text)
            if primary:
                button.setProperty("primary", True)
            button.clicked.connect(slot)
            self.actions.addWidget(button)

        if status == "draft":
            add(_("Save draft"), "mdi6.content-save-outline", self.save_draft, name="save")
            add(_("Issue"), "mdi6.stamper", self.issue, primary=True, name="issue")
        add(_("Preview and print"), "mdi6.file-pdf-box", self.preview, name="preview")
        if record is not None:
            add(_("Files…"), "mdi6.paperclip", self.files, name="files")
        if record is not None and status not in ("draft", "cancelled"):
            add(_("Send by e-mail…"), "mdi6.send-outline", self.send_by_email, name="send")
        if record is not None and status != "draft":
            if status == "issued":
                add(_("Mark sent"), "mdi6.send-outline", lambda: self._step(
                    documents.mark_sent), name="sent")
            if self.kind == "proposal" and status in ("issued", "sent"):
                add(_("Accepted"), "mdi6.thumb-up-outline", lambda: self._step(
                    documents.mark_accepted), name="accepted")
                add(_("Rejected"), "mdi6.thumb-down-outline", lambda: self._step(
                    documents.mark_rejected), name="rejected")
            if self.kind == "proposal" and status in ("issued", "sent", "accepted"):
                add(_("Make invoice"), "mdi6.receipt-text-arrow-right-outline",
                    self.make_invoice, primary=True, name="make_invoice")
            if self.kind == "invoice" and status in ("issued", "sent", "partially_paid"):
                if self.ctx.can_manage:
                    add(_("Record payment"), "mdi6.cash-plus", self.record_payment,
                        primary=True, name="payment")
                add(_("Delivery deadline"), "mdi6.truck-outline", self.delivery,
                    name="delivery")
            if status not in ("cancelled",) and record.paid_total == 0 and (
                    self.kind == "proposal" or self.ctx.can_manage):
                add(_("Revise"), "mdi6.content-copy", self.revise, name="revise")
            if self.ctx.can_manage and status not in ("cancelled", "paid", "partially_paid"):
                add(_("Cancel document"), "mdi6.cancel", self.cancel_document, name="cancel")
        self.actions.addStretch(1)
        if record is not None and record.payments:
            paid = QLabel(_("Paid {paid} of {total}").format(
                paid=format_money(record.paid_total), total=format_money(record.total)))
            self.actions.addWidget(paid)

    # --- saving and steps ------------------------------------------------------------------------

    def _mark_dirty_index(self, _index: int) -> None:
        if not self._filling_contacts:
            self._mark_dirty()

    def _load_contacts(self) -> None:
        """The client's contacts for the "Contact" choice (read in the background)."""
        from salesdesk.services import contacts

        Op(self, contacts.list_contacts, self.ctx.db, self.ctx.actor, self.client_id,
           busy=False).success(self._fill_contacts).run()

    def _fill_contacts(self, people: list[Any]) -> None:
        self._filling_contacts = True
        try:
            self.contact.clear()
            self.contact.addItem(_("The first contact"), None)
            for person in people:
                shown = person.name + (f", {person.position}" if person.position else "")
                self.contact.addItem(shown, str(person.id))  # Qt compares strings, not UUIDs
            wanted = self.record.contact_id if self.record is not None else None
            self.contact.setCurrentIndex(max(0, self.contact.findData(_id_text(wanted))))
        finally:
            self._filling_contacts = False

    def header_values(self) -> dict[str, Any]:
        """The header as the service takes it."""
        values: dict[str, Any] = {
            "contact_id": self.contact.currentData(),
            "doc_date": self.doc_date.value(),
            "payment_terms": self.payment_terms.toPlainText(),
            "delivery_terms": self.delivery_terms.toPlainText(),
            "language": self.language.currentData(),
        }
        if self.kind == "proposal":
            values.update(valid_until=self.until.value(), title=self.title_edit.text(),
                          lead=self.lead.toPlainText())
        else:
            values.update(due_date=self.until.value(), basis=self.basis.text())
        return values

    def _save(self, force: bool = False) -> DocumentRecord:
        if self.record is None:
            return documents.create_document(self.ctx.db, self.ctx.actor, self.kind,
                                             self.client_id, self.header_values(), self.lines())
        return documents.update_draft(self.ctx.db, self.ctx.actor, self.record.id,
                                      self.header_values(), self.lines(),
                                      None if force else self.record.version)

    def save_draft(self, then: Callable[[DocumentRecord], None] | None = None,
                   force: bool = False) -> None:
        """Save the draft (validated by the service; problems named by line and field)."""
        self.error.hide()

        def saved(record: DocumentRecord) -> None:
            self.show_record(record)
            self.sig_changed.emit()
            if then is not None:
                then(record)

        Op(self, self._save, force, changes={"documents"}).success(saved) \
            .failure(self._failed).run()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            self.error.setText("\n".join(str(p) for p in exc.problems))
            self.error.show()
            return
        if isinstance(exc, ConflictError):
            answer = QMessageBox.question(
                self, _("Changed by somebody else"),
                _("Somebody saved this document while you were editing it. Keep your version "
                  "(Yes) or reload theirs (No)?"))
            if answer == QMessageBox.StandardButton.Yes:
                self.save_draft(force=True)
            elif self.record is not None:
                Op(self, documents.get_document, self.ctx.db, self.ctx.actor,
                   self.record.id).success(self.show_record).run()
            return
        from ..errors import show_error

        show_error(self, exc)

    def issue(self) -> None:
        """Save, then issue: the number comes from the user's series."""
        answer = QMessageBox.question(self, _("Issue"), _(
            "Issue the document? It gets its number and can no longer be edited (only "
            "cancelled or revised)."))
        if answer != QMessageBox.StandardButton.Yes:
            return

        def issue_it(record: DocumentRecord) -> None:
            Op(self, documents.issue_document, self.ctx.db, self.ctx.actor, record.id,
               changes={"documents"}).success(self._stepped).failure(self._failed).run()

        self.save_draft(then=issue_it)

    def _stepped(self, record: DocumentRecord) -> None:
        self.show_record(record)
        self.sig_changed.emit()

    def _step(self, step: Callable[..., DocumentRecord]) -> None:
        assert self.record is not None
        Op(self, step, self.ctx.db, self.ctx.actor, self.record.id,
           changes={"documents", "deliveries"}).success(self._stepped) \
            .failure(self._failed).run()

    def preview(self) -> None:
        """The PDF inside the window (drafts are saved first and carry "DRAFT")."""
        from .pdf_preview import PdfPreview

        company = self.ctx.company
        brandable = (company.stamp or company.signature_head or company.signature_accountant)

        def render(record: DocumentRecord, stamped: bool = False) -> bytes:
            return documents.document_pdf(self.ctx.db, self.ctx.actor, record.id, stamped)

        def open_preview(record: DocumentRecord, pdf: bytes) -> None:
            name = (record.number or _("draft")) + ".pdf"
            restamp = None
            if record.kind == "invoice" and brandable and record.number:
                def restamp(stamped: bool) -> bytes:
                    return render(record, stamped)
            def left(how: str, stamped: bool) -> None:
                documents.note_output(self.ctx.db, self.ctx.actor, record.id, how, stamped)

            def draft(stamped: bool) -> tuple[str, bytes]:
                return documents.email_draft(self.ctx.db, self.ctx.actor, record.id,
                                             stamped=stamped)

            def send(parent: QWidget, stamped: bool) -> None:
                self.send_by_email(stamped, parent)

            sendable = record.number is not None and record.status != "cancelled"
            PdfPreview(pdf, record.display_name(), name, self, restamp=restamp,
                       on_output=left, email_draft=draft if record.number else None,
                       send=send if sendable else None).exec()

        def show(record: DocumentRecord) -> None:
            # Rendered off the GUI thread: a long invoice takes a moment.
            Op(self, render, record).success(lambda pdf: open_preview(record, pdf)) \
                .failure(self._failed).run()

        if self.record is None or (self.record.status == "draft" and self._dirty):
            self.save_draft(then=show)
        else:
            show(self.record)

    def send_by_email(self, stamped: bool = False, parent: QWidget | None = None) -> None:
        """The send dialog for this issued document."""
        from .send_dialog import SendDialog

        if self.record is None or not self.record.number:
            return
        dialog = SendDialog(self.ctx, self.record, parent or self, stamped)
        dialog.sig_done.connect(self._sent_by_email)
        dialog.open()

    def _sent_by_email(self, outcome: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.information(self, _("E-mail"), outcome)
        if self.record is not None:
            Op(self, documents.get_document, self.ctx.db, self.ctx.actor, self.record.id) \
                .success(self._stepped).run()

    def files(self) -> None:
        """The document's files (a signed scan, the client's order)."""
        from ..files_panel import files_dialog

        if self.record is not None:
            files_dialog(self, self.ctx, "documents", self.record.id,
                         self.record.display_name())

    def make_invoice(self) -> None:
        """The invoice from this proposal, in one step."""
        assert self.record is not None
        Op(self, documents.invoice_from_proposal, self.ctx.db, self.ctx.actor,
           self.record.id, changes={"documents"}).success(self._open_invoice) \
            .failure(self._failed).run()

    def _open_invoice(self, invoice: DocumentRecord) -> None:
        self.sig_changed.emit()
        editor = DocumentEditor(self.ctx, record=invoice, parent=self.parent())
        editor.sig_changed.connect(self.sig_changed.emit)
        editor.show()
        self.close()

    def record_payment(self) -> None:
        """Money received (managers and the head)."""
        assert self.record is not None
        from .record_forms import FormDialog, FormField

        dialog = FormDialog(self, _("Record payment"), [
            FormField("amount", _("Amount"), "money", required=True),
            FormField("paid_on", _("Paid on"), "date", required=True),
            FormField("note", _("Note"))],
            {"amount": self.record.due_amount, "paid_on": clock.today()},
            lambda v: documents.record_payment(self.ctx.db, self.ctx.actor, self.record.id,
                                               v["amount"], v["paid_on"], v["note"]),
            changes={"documents"})
        dialog.sig_saved.connect(self._stepped)
        dialog.open()

    def delivery(self) -> None:
        """A delivery deadline from this invoice."""
        assert self.record is not None
        from .record_forms import delivery_form

        delivery_form(self, self.ctx, invoice_id=self.record.id,
                      on_saved=lambda _r: self.sig_changed.emit()).open()

    def revise(self) -> None:
        """A new draft from this document; issuing it cancels this one."""
        assert self.record is not None
        Op(self, documents.revise_document, self.ctx.db, self.ctx.actor, self.record.id,
           changes={"documents"}).success(self._open_copy).failure(self._failed).run()

    def _open_copy(self, copy: DocumentRecord) -> None:
        self.sig_changed.emit()
        editor = DocumentEditor(self.ctx, record=copy, parent=self.parent())
        editor.sig_changed.connect(self.sig_changed.emit)
        editor.show()
        self.close()

    def cancel_document(self) -> None:
        """Cancel (managers and the head); the number is never reused."""
        assert self.record is not None
        reason, ok = QInputDialog.getText(self, _("Cancel document"), _("Reason"))
        if ok and reason.strip():
            Op(self, documents.cancel_document, self.ctx.db, self.ctx.actor, self.record.id,
               reason, changes={"documents"}).success(self._stepped).failure(self._failed).run()

    def can_close(self) -> bool:
        """Asks before unsaved changes are lost."""
        if not self._dirty or (self.record is not None and self.record.status != "draft"):
            return True
        answer = QMessageBox.question(self, _("Unsaved changes"), _(
            "Discard the changes you made?"), QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Discard

    def closeEvent(self, event: Any) -> None:
        if self.can_close():
            event.accept()
        else:
            event.ignore()

    def reject(self) -> None:  # Esc
        if self.can_close():
            self._dirty = False
            super().reject()


def _text(value: Any, kind: str) -> str:
    """A cell's text: amounts in the window's language, as the parser reads them back."""
    if value is None:
        return ""
    if isinstance(value, Decimal | int):
        return format_amount(value, kind=kind)
    return str(value)


def theme_status_labels() -> dict[str, str]:
    """Document status labels (for the header)."""
    from salesdesk.domain import DOCUMENT_STATUS_LABELS

    return DOCUMENT_STATUS_LABELS


def open_document(parent: QWidget, ctx: AppContext, document_id: Any,
                  on_changed: Callable[[], None] | None = None) -> None:
    """Open a document in the editor (read in the background first)."""

    def show(record: DocumentRecord) -> None:
        editor = DocumentEditor(ctx, record=record, parent=parent)
        if on_changed is not None:
            editor.sig_changed.connect(on_changed)
        editor.show()

    Op(parent, documents.get_document, ctx.db, ctx.actor, document_id).success(show).run()
