"""Onboarding templates: named lists of items, each due so many days after it is
assigned; made and changed by managers and the head, and assigned to a new employee in
one step."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from salesdesk.i18n import _
from salesdesk.services import training

from .. import theme
from ..widgets import DateEdit
from ..worker import Op


class TemplatesDialog(QDialog):
    """The templates on the left, the chosen one's items on the right (title, days after
    assigning), saved through the service's checks."""

    sig_changed = Signal()

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.templates: list[training.TemplateRecord] = []
        self.current: training.TemplateRecord | None = None
        self.setWindowTitle(_("Onboarding templates"))
        self.setObjectName("templates_dialog")
        outer = QVBoxLayout(self)
        body = QHBoxLayout()
        left = QVBoxLayout()
        self.list = QListWidget()
        self.list.setObjectName("templates_list")
        self.list.currentRowChanged.connect(self._chosen)
        left.addWidget(self.list, 1)
        new = QPushButton(theme.icon("mdi6.plus"), _("New template"))
        new.clicked.connect(self.new)
        left.addWidget(new)
        body.addLayout(left, 1)
        right = QVBoxLayout()
        form = QFormLayout()
        self.name = QLineEdit()
        self.name.setObjectName("template_name")
        form.addRow(_("Name"), self.name)
        right.addLayout(form)
        self.items = QTableWidget(0, 2)
        self.items.setObjectName("template_items")
        self.items.setHorizontalHeaderLabels([_("Item"), _("Days after assigning")])
        self.items.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.items.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents)
        self.items.verticalHeader().hide()
        right.addWidget(self.items, 1)
        row = QHBoxLayout()
        add = QPushButton(theme.icon("mdi6.plus"), _("Add item"))
        add.clicked.connect(lambda: self.add_item("", 7))
        remove = QPushButton(theme.icon("mdi6.delete-outline"), _("Remove item"))
        remove.clicked.connect(self.remove_item)
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        right.addLayout(row)
        self.error = QLabel("")
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        right.addWidget(self.error)
        body.addLayout(right, 2)
        outer.addLayout(body, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.save_button = QPushButton(theme.icon("mdi6.content-save-outline"), _("Save"))
        self.save_button.setProperty("primary", True)
        self.save_button.clicked.connect(self.save)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        outer.addWidget(buttons)
        self.resize(820, 460)
        self.refresh()

    def refresh(self, choose: str | None = None) -> None:
        """Read the templates again."""
        Op(self, training.list_templates, self.ctx.db, self.ctx.actor, busy=False).success(
            lambda found: self._show(found, choose)).run()

    def _show(self, found: list[training.TemplateRecord], choose: str | None) -> None:
        self.templates = found
        self.list.blockSignals(True)
        self.list.clear()
        for template in found:
            self.list.addItem(template.name)
        self.list.blockSignals(False)
        names = [t.name for t in found]
        row = names.index(choose) if choose in names else (0 if found else -1)
        self.list.setCurrentRow(row)
        self._chosen(row)

    def _chosen(self, row: int) -> None:
        self.current = self.templates[row] if 0 <= row < len(self.templates) else None
        self.name.setText(self.current.name if self.current else "")
        self.items.setRowCount(0)
        for item in (self.current.items if self.current else []):
            self.add_item(item.title, item.offset_days)
        self.error.clear()

    def new(self) -> None:
        """An empty template to fill in."""
        self.list.clearSelection()
        self.current = None
        self.name.setText(_("New employee"))
        self.items.setRowCount(0)
        self.add_item(_("Study the catalogue"), 7)

    def add_item(self, title: str, days: int) -> None:
        """A row of the items table."""
        row = self.items.rowCount()
        self.items.insertRow(row)
        self.items.setItem(row, 0, QTableWidgetItem(title))
        self.items.setItem(row, 1, QTableWidgetItem(str(days)))

    def remove_item(self) -> None:
        """Remove the chosen item row."""
        row = self.items.currentRow()
        if row >= 0:
            self.items.removeRow(row)

    def item_values(self) -> list[dict[str, Any]]:
        """The items as typed (the service checks them)."""
        out = []
        for row in range(self.items.rowCount()):
            title = self.items.item(row, 0)
            days = self.items.item(row, 1)
            out.append({"title": title.text() if title else "",
                        "offset_days": days.text() if days else ""})
        return out

    def save(self) -> None:
        """Save the template shown (a bad item is named by its number)."""
        current = self.current
        name = self.name.text()
        Op(self, training.save_template, self.ctx.db, self.ctx.actor, {"name": name},
           self.item_values(), current.id if current else None,
           current.version if current else None, changes={"training"}) \
            .success(lambda saved: (self.sig_changed.emit(), self.refresh(saved.name))) \
            .failure(lambda exc: self.error.setText(str(exc))).run()


class AssignTemplateDialog(QDialog):
    """Give an employee a template's items in one step, due from a start day."""

    def __init__(self, ctx: Any, people: list[tuple[Any, str]],
                 parent: QWidget | None = None) -> None:
        from salesdesk import clock

        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(_("Assign an onboarding template"))
        self.setObjectName("assign_template")
        form = QFormLayout(self)
        self.template = QComboBox()
        self.template.setObjectName("assign_template_name")
        self.person = QComboBox()
        self.person.setObjectName("assign_template_person")
        for user_id, name in people:
            self.person.addItem(name, str(user_id))
        self.start = DateEdit(allow_empty=False)
        self.start.set_value(clock.today())
        form.addRow(_("Template"), self.template)
        form.addRow(_("Employee"), self.person)
        form.addRow(_("Items count from"), self.start)
        self.error = QLabel("")
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Assign"))
        buttons.accepted.connect(self.assign)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        Op(self, training.list_templates, ctx.db, ctx.actor, busy=False).success(
            self._fill).run()

    def _fill(self, found: list[training.TemplateRecord]) -> None:
        for template in found:
            # Ids as text: a combo box finds text data, not a Python object's.
            self.template.addItem(_("{name} ({n} items)").format(name=template.name,
                                                                   n=len(template.items)),
                                  str(template.id))

    def assign(self) -> None:
        """Assign (refusals said in the dialog)."""
        if self.template.currentData() is None or self.person.currentData() is None:
            self.error.setText(_("Choose a template and an employee."))
            return
        Op(self, training.assign_template, self.ctx.db, self.ctx.actor,
           self.template.currentData(), self.person.currentData(), self.start.value(),
           changes={"training"}).success(lambda _made: self.accept()) \
            .failure(lambda exc: self.error.setText(str(exc))).run()
