"""The team: users (the head manages them), monthly targets as a user × month grid, and
training and onboarding checklists."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from salesdesk import clock
from salesdesk.domain import ROLE_LABELS, label
from salesdesk.errors import SalesDeskError
from salesdesk.i18n import _, format_money
from salesdesk.services import planning, training, users

from .. import theme
from ..forms import FormDialog, FormField, money_text
from ..models import Column, RecordTableModel, enable_sorting, short_person
from ..row_menu import RowAction, attach_row_menu
from ..widgets import PageHeader, muted
from ..worker import Op
from .base import Page


def target_text(amount: Any) -> str:
    """A target in the grid: whole rubles without kopecks when it has none."""
    if amount is None:
        return ""
    if amount == amount.to_integral_value():
        from salesdesk.i18n import format_number

        return format_number(amount)
    return money_text(amount)


def months_of_year(year: int) -> list[date]:
    """The twelve month starts of a year."""
    return [date(year, m, 1) for m in range(1, 13)]


class TeamPage(Page):
    """Users, targets, training."""

    key = "team"
    watches = frozenset({"users", "targets", "training", "deals", "documents", "company"})
    icon_name = "mdi6.account-group-outline"

    def __init__(self, ctx: Any, window: Any = None) -> None:
        self.title = _("Team") if ctx.can_manage else _("My plan and training")
        super().__init__(ctx, window)
        self.layout_.addWidget(PageHeader(self.title))
        self.tabs = QTabWidget()
        self.layout_.addWidget(self.tabs, 1)
        self.users_model = RecordTableModel([
            Column(_("Name"), lambda u: u.name), Column(_("Login"), lambda u: u.login),
            Column(_("Role"), lambda u: label(ROLE_LABELS, u.role)),
            Column(_("Manager"), lambda u: u.manager_login),
            Column(_("Document prefix"), lambda u: u.doc_prefix),
            Column(_("Active"), lambda u: _("yes") if u.active else _("no"))])
        if ctx.can_manage:
            self.tabs.addTab(self._users_tab(), theme.icon("mdi6.account-multiple-outline"),
                             _("Users"))
        self.tabs.addTab(self._targets_tab(), theme.icon("mdi6.target"), _("Monthly targets"))
        self.tabs.addTab(self._training_tab(), theme.icon("mdi6.school-outline"),
                         _("Training"))
        from .team_motivation import CommissionTab

        self.commission = CommissionTab(ctx)
        self.tabs.addTab(self.commission, theme.icon("mdi6.cash-multiple"), _("Commission"))

    # --- users ----------------------------------------------------------------------------

    def _users_tab(self) -> QWidget:
        tab = QWidget()
        box = QVBoxLayout(tab)
        if self.ctx.is_head:
            row = QHBoxLayout()
            for text, icon, slot in ((_("Add user"), "mdi6.account-plus-outline", self.add_user),
                                     (_("Change role…"), "mdi6.account-cog-outline",
                                      self.change_role),
                                     (_("Deactivate / activate"), "mdi6.account-off-outline",
                                      self.toggle_active),
                                     (_("Reset password…"), "mdi6.lock-reset",
                                      self.reset_password)):
                button = QPushButton(theme.icon(icon), text)
                button.clicked.connect(slot)
                row.addWidget(button)
            row.addStretch(1)
            box.addLayout(row)
        self.users_view = QTableView()
        self.users_view.setObjectName("users_table")
        self.users_view.setModel(self.users_model)
        self.users_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.users_view.verticalHeader().hide()
        self.users_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.users_view.horizontalHeader().setStretchLastSection(True)
        enable_sorting(self.users_view, self.users_model)
        if self.ctx.is_head:
            attach_row_menu(self.users_view, self.users_model.record, lambda u: [
                RowAction(_("Change role…"), lambda _u: self.change_role(),
                          "mdi6.account-cog-outline", default=True),
                RowAction(_("Reactivate") if not u.active else _("Deactivate"),
                          lambda _u: self.toggle_active(), "mdi6.account-off-outline"),
                RowAction(_("Reset password…"), lambda _u: self.reset_password(),
                          "mdi6.lock-reset")])
        else:
            attach_row_menu(self.users_view, self.users_model.record)
        box.addWidget(self.users_view)
        return tab

    def _selected_user(self) -> users.UserRecord | None:
        index = self.users_view.currentIndex()
        return self.users_model.record(index.row()) if index.isValid() else None

    def add_user(self) -> None:
        """A new user (the head)."""
        managers = [(u.login, u.name) for u in self.users_model.records if u.role == "manager"]
        fields = [FormField("login", _("Login"), required=True),
                  FormField("name", _("Name"), required=True),
                  FormField("role", _("Role"), "choice", required=True, options=[
                      (r, label(ROLE_LABELS, r)) for r in ("rep", "manager", "head")]),
                  FormField("manager_login", _("Manager"), "choice", options=managers),
                  FormField("position", _("Position")), FormField("phone", _("Phone")),
                  FormField("email", _("E-mail")),
                  FormField("doc_prefix", _("Document prefix"),
                            hint=_("Leave empty to make one from the login")),
                  FormField("password", _("Password"), "password", required=True)]

        def save(values: dict[str, Any]) -> Any:
            return users.add_user(self.ctx.db, self.ctx.actor, **{
                k: (v or None) if k not in ("login", "name", "role", "password") else v
                for k, v in values.items()})

        dialog = FormDialog(self, _("Add user"), fields, {"role": "rep"}, save,
                            changes={"users"})
        dialog.sig_saved.connect(lambda _r: self.refresh())
        dialog.open()

    def change_role(self) -> None:
        """Role and manager of the selected user (the head)."""
        user = self._selected_user()
        if user is None:
            return
        managers = [(u.login, u.name) for u in self.users_model.records
                    if u.role in ("manager", "head") and u.id != user.id]
        fields = [FormField("role", _("Role"), "choice", required=True, options=[
                      (r, label(ROLE_LABELS, r)) for r in ("rep", "manager", "head")]),
                  FormField("manager_login", _("Manager"), "choice", options=managers)]
        dialog = FormDialog(self, user.name, fields, {"role": user.role,
                                                      "manager_login": user.manager_login},
                            lambda v: users.change_role(self.ctx.db, self.ctx.actor, user.id,
                                                        v["role"], v["manager_login"],
                                                        user.version),
                            changes={"users"})
        dialog.sig_saved.connect(lambda _r: self.refresh())
        dialog.open()

    def toggle_active(self) -> None:
        """Deactivate (or reactivate) the selected user; their records stay."""
        user = self._selected_user()
        if user is None:
            return
        Op(self, users.set_active, self.ctx.db, self.ctx.actor, user.id, not user.active,
           changes={"users"}) \
            .success(lambda _r: self.refresh()).run()

    def reset_password(self) -> None:
        """A new password for the selected user."""
        user = self._selected_user()
        if user is None:
            return
        dialog = FormDialog(self, _("Reset password"), [
            FormField("password", _("New password"), "password", required=True)], None,
            lambda v: users.reset_password(self.ctx.db, self.ctx.actor, user.id, v["password"]),
            changes={"users"})
        dialog.open()

    # --- targets ----------------------------------------------------------------------------

    def _targets_tab(self) -> QWidget:
        tab = QWidget()
        box = QVBoxLayout(tab)
        row = QHBoxLayout()
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(clock.today().year)
        self.year.valueChanged.connect(lambda _v: self.refresh())
        row.addWidget(self.year)
        if self.ctx.can_manage:
            row.addWidget(muted(_("Double-click a cell to set the target; managers set their "
                                  "representatives', the head anyone's.")), 1)
        else:
            row.addStretch(1)
        box.addLayout(row)
        self.targets = QTableWidget(0, 12)
        self.targets.setObjectName("targets_grid")
        self.targets.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.targets.itemChanged.connect(self._target_edited)
        attach_row_menu(self.targets, lambda r: self._grid_users[r])
        box.addWidget(self.targets)
        # A refused cell keeps what was typed, in red, and this says whose and which month.
        self.target_error = QLabel("")
        self.target_error.setObjectName("target_error")
        self.target_error.setWordWrap(True)
        self.target_error.setStyleSheet(f"color: {theme.BAD_COLOR.name()}")
        self.target_error.hide()
        box.addWidget(self.target_error)
        self._filling = False
        self._cell_errors: set[tuple[int, int]] = set()
        self._grid_users: list[users.UserRecord] = []
        return tab

    def _fill_targets(self, people: list[users.UserRecord],
                      targets: list[planning.TargetRecord]) -> None:
        from salesdesk.charts import month_label
        from salesdesk.i18n import get_language

        self._filling = True
        months = months_of_year(self.year.value())
        self.targets.setHorizontalHeaderLabels([month_label(m, get_language())
                                                for m in months])
        self._grid_users = [u for u in people if u.role != "head" or self.ctx.is_head]
        self.targets.setRowCount(len(self._grid_users))
        # Short names leave the twelve months room for seven-digit targets.
        self.targets.setVerticalHeaderLabels([short_person(u.name) for u in self._grid_users])
        for row, user in enumerate(self._grid_users):
            header_item = self.targets.verticalHeaderItem(row)
            if header_item is not None:
                header_item.setToolTip(user.name)
        amounts = {(t.user_id, t.month): t.amount for t in targets}
        for r, user in enumerate(self._grid_users):
            editable = self.ctx.is_head or (self.ctx.role == "manager" and user.role == "rep"
                                            and user.manager_login == self.ctx.actor.login)
            for c, month in enumerate(months):
                amount = amounts.get((user.id, month))
                item = QTableWidgetItem(target_text(amount))
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                if not editable:
                    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                self.targets.setItem(r, c, item)
        self._filling = False

    def _target_edited(self, item: QTableWidgetItem) -> None:
        if self._filling or not item.text().strip():
            return
        user = self._grid_users[item.row()]
        month = months_of_year(self.year.value())[item.column()]
        Op(self, planning.set_target, self.ctx.db, self.ctx.actor, user.id, month,
           item.text(), changes={"targets"}).success(lambda t, i=item: self._target_saved(i, t)) \
            .failure(lambda exc, i=item, u=user, m=month: self._target_failed(i, u, m, exc)) \
            .run()

    def _target_saved(self, item: QTableWidgetItem, target: planning.TargetRecord) -> None:
        self._filling = True
        item.setText(target_text(target.amount))
        item.setToolTip(format_money(target.amount))
        item.setBackground(QBrush())
        self._filling = False
        self._cell_errors.discard((item.row(), item.column()))
        if not self._cell_errors:
            self.target_error.hide()

    def _target_failed(self, item: QTableWidgetItem, user: users.UserRecord, month: Any,
                       exc: BaseException) -> None:
        """The cell keeps the typed text, marked red; the message names the person and
        the month (a grid of twelve months × the team is no place for a bare "invalid")."""
        from salesdesk.charts import month_label
        from salesdesk.errors import SalesDeskError
        from salesdesk.i18n import get_language

        if not isinstance(exc, SalesDeskError):
            from ..errors import show_error

            show_error(self, exc)
            return
        why = "; ".join(str(p) for p in exc.problems) if hasattr(exc, "problems") \
            else str(exc)
        message = _("{person}, {month}: «{text}» was not saved: {why}").format(
            person=user.name, month=month_label(month, get_language()), text=item.text(),
            why=why)
        self._filling = True
        item.setBackground(QBrush(theme.BAD_COLOR.lighter(185)))
        item.setToolTip(message)
        self._filling = False
        self._cell_errors.add((item.row(), item.column()))
        self.target_error.setText(message)
        self.target_error.show()

    # --- training ----------------------------------------------------------------------------

    def _training_tab(self) -> QWidget:
        tab = QWidget()
        box = QVBoxLayout(tab)
        row = QHBoxLayout()
        tick = QPushButton(theme.icon("mdi6.check"), _("Done / not done"))
        tick.clicked.connect(self.tick)
        row.addWidget(tick)
        if self.ctx.can_manage:
            assign = QPushButton(theme.icon("mdi6.plus"), _("Assign…"))
            assign.clicked.connect(self.assign)
            template = QPushButton(theme.icon("mdi6.playlist-plus"), _("Assign a template…"))
            template.setObjectName("assign_template_button")
            template.clicked.connect(self.assign_template)
            templates = QPushButton(theme.icon("mdi6.format-list-checks"), _("Templates…"))
            templates.clicked.connect(self.edit_templates)
            review = QPushButton(theme.icon("mdi6.clipboard-check-outline"), _("Review…"))
            review.clicked.connect(self.review)
            for button in (assign, template, templates, review):
                row.addWidget(button)
        row.addStretch(1)
        box.addLayout(row)
        self.progress_model = RecordTableModel([
            Column(_("Employee"), lambda p: p.name),
            Column(_("Done"), lambda p: f"{p.done}/{p.total}"),
            Column(_("Progress"), lambda p: p.done_pct, kind="percent"),
            Column(_("Overdue"), lambda p: "; ".join(p.overdue),
                   tooltip=lambda p: "\n".join(p.overdue))],
            row_color=lambda p: theme.BAD_COLOR if p.overdue else None)
        self.progress_view = QTableView()
        self.progress_view.setObjectName("progress_table")
        self.progress_view.setModel(self.progress_model)
        self.progress_view.verticalHeader().hide()
        self.progress_view.setMaximumHeight(170)
        self.progress_view.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.progress_view.horizontalHeader().setStretchLastSection(True)
        attach_row_menu(self.progress_view, self.progress_model.record, lambda _p: [
            RowAction(_("Assign a template…"), lambda _r: self.assign_template(),
                      "mdi6.playlist-plus")] if self.ctx.can_manage else [])
        box.addWidget(self.progress_view)
        self.training_model = RecordTableModel([
            Column(_("Employee"), lambda t: t.user_name), Column(_("Item"), lambda t: t.title),
            Column(_("Due"), lambda t: t.due_date, kind="date"),
            Column(_("Done"), lambda t: t.done_on, kind="date"),
            Column(_("Reviewed"), lambda t: _("yes") if t.reviewed else ""),
            Column(_("Review"), lambda t: t.review_note)])
        self.training_view = QTableView()
        self.training_view.setObjectName("training_table")
        self.training_view.setModel(self.training_model)
        self.training_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.training_view.verticalHeader().hide()
        self.training_view.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.Stretch)
        enable_sorting(self.training_view, self.training_model)
        attach_row_menu(self.training_view, self.training_model.record, lambda _t: [
            RowAction(_("Done / not done"), lambda _i: self.tick(), "mdi6.check"),
            *([RowAction(_("Review…"), lambda _i: self.review(), "mdi6.comment-check-outline"),
               None, RowAction(_("Delete…"), self.delete_training, "mdi6.delete-outline")]
              if self.ctx.can_manage else [])])
        box.addWidget(self.training_view)
        return tab

    def _selected_item(self) -> training.TrainingRecord | None:
        index = self.training_view.currentIndex()
        return self.training_model.record(index.row()) if index.isValid() else None

    def tick(self) -> None:
        """Tick (or untick) the selected item (one's own; the head anyone's)."""
        item = self._selected_item()
        if item is not None:
            Op(self, training.tick_training, self.ctx.db, self.ctx.actor, item.id,
               item.done_on is None, changes={"training"}).success(lambda _r: self.refresh()).run()

    def delete_training(self, item: training.TrainingRecord) -> None:
        """Remove a checklist item (who may assign it may remove it)."""
        if QMessageBox.question(self, _("Delete"), _("Delete «{title}»?").format(
                title=item.title)) == QMessageBox.StandardButton.Yes:
            Op(self, training.delete_training, self.ctx.db, self.ctx.actor, item.id,
               changes={"training"}).success(lambda _r: self.refresh()).run()

    def assign(self) -> None:
        """A checklist item for a team member."""
        people = [(u.id, u.name) for u in self.users_model.records if u.active]
        fields = [FormField("user_id", _("Employee"), "choice", required=True, options=people),
                  FormField("title", _("Item"), required=True),
                  FormField("description", _("Description"), "multiline"),
                  FormField("due_date", _("Due"), "date")]

        def save(values: dict[str, Any]) -> Any:
            user_id = values.pop("user_id")
            return training.assign_training(self.ctx.db, self.ctx.actor, user_id, values)

        dialog = FormDialog(self, _("Assign training"), fields,
                            {"due_date": clock.today() + timedelta(days=14)}, save,
                            changes={"training"})
        dialog.sig_saved.connect(lambda _r: self.refresh())
        dialog.open()

    def assign_template(self) -> None:
        """Give a team member an onboarding template's items in one step."""
        from ..dialogs.templates_dialog import AssignTemplateDialog

        people = [(u.id, u.name) for u in self.users_model.records
                  if u.active and u.id != self.ctx.actor.id]
        dialog = AssignTemplateDialog(self.ctx, people, self)
        dialog.accepted.connect(self.refresh)
        dialog.open()

    def edit_templates(self) -> None:
        """Make or change onboarding templates."""
        from ..dialogs.templates_dialog import TemplatesDialog

        dialog = TemplatesDialog(self.ctx, self)
        dialog.open()

    def review(self) -> None:
        """Accept the selected item or send it back with a note."""
        item = self._selected_item()
        if item is None:
            return
        fields = [FormField("accepted", _("Accepted"), "bool"),
                  FormField("note", _("Review"), "multiline")]
        dialog = FormDialog(self, item.title, fields, {"accepted": True},
                            lambda v: training.review_training(self.ctx.db, self.ctx.actor,
                                                               item.id, v["note"],
                                                               v["accepted"]),
                            changes={"training"})
        dialog.sig_saved.connect(lambda _r: self.refresh())
        dialog.open()

    # --- loading --------------------------------------------------------------------------------

    def refresh(self) -> None:
        db, actor = self.ctx.db, self.ctx.actor
        year = self.year.value()

        def load() -> tuple[Any, Any, Any, Any]:
            return (users.list_users(db, actor),
                    planning.list_targets(db, actor, date(year, 1, 1), date(year, 12, 1)),
                    training.list_training(db, actor), training.training_progress(db, actor))

        Op(self, load).success(self._show).failure(self._failed).run()
        self.commission.refresh()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, SalesDeskError):
            QMessageBox.warning(self, self.title, str(exc))

    def _show(self, result: tuple[Any, Any, Any, Any]) -> None:
        people, targets, items, progress = result
        self.users_model.set_records(people)
        self._fill_targets(people, targets)
        self.training_model.set_records(items)
        self.progress_model.set_records(progress)
