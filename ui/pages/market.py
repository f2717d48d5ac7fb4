"""The market: competitors and dated notes (managers and the head write, everybody reads)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from salesdesk import clock
from salesdesk.i18n import _
from salesdesk.services import market

from .. import theme
from ..forms import FormDialog, FormField
from ..models import Column, RecordTableModel, enable_sorting, short_person
from ..row_menu import RowAction, attach_row_menu
from ..widgets import PageHeader
from ..worker import Op
from .base import Page


class MarketPage(Page):
    """Competitors on the left, market notes on the right."""

    key = "market"
    watches = frozenset({"market"})
    icon_name = "mdi6.chart-timeline-variant"

    def __init__(self, ctx: Any, window: Any = None) -> None:
        self.title = _("Market")
        super().__init__(ctx, window)
        header = PageHeader(self.title)
        self.layout_.addWidget(header)
        splitter = QSplitter()
        self.competitors = RecordTableModel([
            Column(_("Competitor"), lambda c: c.name),
            Column(_("Strengths"), lambda c: c.strengths),
            Column(_("Weaknesses"), lambda c: c.weaknesses)])
        self.notes = RecordTableModel([
            Column(_("Date"), lambda n: n.date, kind="date"),
            Column(_("Title"), lambda n: n.title),
            Column(_("Competitor"), lambda n: n.competitor_name),
            Column(_("Author"), lambda n: short_person(n.author_name),
                   tooltip=lambda n: n.author_name)])
        for model, title, add_text, slot in (
                (self.competitors, _("Competitors"), _("Add competitor"), self.add_competitor),
                (self.notes, _("Market notes"), _("Add note"), self.add_note)):
            panel = QWidget()
            box = QVBoxLayout(panel)
            row = QHBoxLayout()
            label = QLabel(title)
            label.setFont(theme.title_font(0))
            row.addWidget(label)
            row.addStretch(1)
            if ctx.can_manage:
                button = QPushButton(theme.icon("mdi6.plus"), add_text)
                button.clicked.connect(slot)
                row.addWidget(button)
            box.addLayout(row)
            view = QTableView()
            view.setModel(model)
            view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            view.setAlternatingRowColors(True)
            view.verticalHeader().hide()
            # Short columns fit their contents; the free-text ones share the rest and
            # wrap, the rows growing to show the whole text.
            header_ = view.horizontalHeader()
            header_.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            for column in ((1, 2) if model is self.competitors else (1,)):
                header_.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
            view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            box.addWidget(view)
            splitter.addWidget(panel)
            if model is self.competitors:
                view.doubleClicked.connect(lambda i: self.edit_competitor(
                    self.competitors.record(i.row())))
            else:
                view.doubleClicked.connect(lambda i: self.show_note(self.notes.record(i.row())))
            enable_sorting(view, model)
            attach_row_menu(view, model.record, self._competitor_actions
                            if model is self.competitors else self._note_actions)
        self.layout_.addWidget(splitter, 1)

    def refresh(self) -> None:
        db, actor = self.ctx.db, self.ctx.actor
        Op(self, lambda: (market.list_competitors(db, actor), market.list_notes(db, actor))) \
            .success(self._show).run()

    def _show(self, result: tuple[list[Any], list[Any]]) -> None:
        self.competitors.set_records(result[0])
        self.notes.set_records(result[1])

    def open_by_id(self, kind: str, record_id: Any) -> None:
        """Open a note or a competitor found by the global search (once listed)."""
        db, actor = self.ctx.db, self.ctx.actor
        source = market.list_notes if kind == "note" else market.list_competitors
        opener = self.show_note if kind == "note" else self.edit_competitor

        def found(rows: list[Any]) -> None:
            record = next((r for r in rows if r.id == record_id), None)
            if record is not None:
                opener(record)

        Op(self, source, db, actor).success(found).run()

    def _competitor_actions(self, _record: Any) -> list[RowAction | None]:
        actions: list[RowAction | None] = [
            RowAction(_("Open"), self.edit_competitor, "mdi6.open-in-app", default=True)]
        if self.ctx.can_manage:
            actions += [RowAction(_("Add note"), lambda _r: self.add_note(),
                                  "mdi6.note-plus-outline"), None,
                        RowAction(_("Delete…"), lambda r: self._delete(
                            market.delete_competitor, r.id, r.name), "mdi6.delete-outline")]
        return actions

    def _note_actions(self, _record: Any) -> list[RowAction | None]:
        actions: list[RowAction | None] = [
            RowAction(_("Open"), self.show_note, "mdi6.open-in-app", default=True)]
        if self.ctx.can_manage:
            actions += [None, RowAction(_("Delete…"), lambda r: self._delete(
                market.delete_note, r.id, r.title), "mdi6.delete-outline")]
        return actions

    def _delete(self, delete: Any, record_id: Any, title: str) -> None:
        if QMessageBox.question(self, _("Delete"), _("Delete «{title}»?").format(
                title=title)) == QMessageBox.StandardButton.Yes:
            Op(self, delete, self.ctx.db, self.ctx.actor, record_id, changes={"market"}) \
                .success(lambda _r: self.refresh()).run()

    def _competitor_fields(self) -> list[FormField]:
        read_only = not self.ctx.can_manage
        return [FormField("name", _("Name"), required=True, read_only=read_only),
                FormField("website", _("Website"), read_only=read_only),
                FormField("strengths", _("Strengths"), "multiline", read_only=read_only),
                FormField("weaknesses", _("Weaknesses"), "multiline", read_only=read_only),
                FormField("prices", _("Prices"), "multiline", read_only=read_only),
                FormField("notes", _("Notes"), "multiline", read_only=read_only)]

    def add_competitor(self) -> None:
        """A new competitor."""
        dialog = FormDialog(self, _("Competitor"), self._competitor_fields(), None,
                            lambda v: market.create_competitor(self.ctx.db, self.ctx.actor, v),
                            changes={"market"})
        dialog.sig_saved.connect(lambda _r: self.refresh())
        dialog.open()

    def edit_competitor(self, record: market.CompetitorRecord) -> None:
        """Edit (or read) a competitor."""
        fields = self._competitor_fields()
        save = (lambda v: market.update_competitor(self.ctx.db, self.ctx.actor, record.id, v,
                                                   record.version)) if self.ctx.can_manage \
            else None
        dialog = FormDialog(self, record.name, fields,
                            {f.key: getattr(record, f.key) for f in fields}, save,
                            changes={"market"})
        if save is None:
            dialog.save_button.hide()
        dialog.sig_saved.connect(lambda _r: self.refresh())
        dialog.open()

    def add_note(self) -> None:
        """A new market note."""

        options = [(c.id, c.name) for c in self.competitors.records]
        fields = [FormField("title", _("Title"), required=True),
                  FormField("date", _("Date"), "date", required=True),
                  FormField("competitor_id", _("Competitor"), "choice", options=options),
                  FormField("text", _("Text"), "multiline")]

        def save(values: dict[str, Any]) -> Any:
            competitor = values.pop("competitor_id", None)
            return market.add_note(self.ctx.db, self.ctx.actor, values, competitor)

        dialog = FormDialog(self, _("Market note"), fields, {"date": clock.today()}, save,
                            changes={"market"})
        dialog.sig_saved.connect(lambda _r: self.refresh())
        dialog.open()

    def show_note(self, note: market.MarketNoteRecord) -> None:
        """Read a note; managers and the head correct it (over its version only)."""
        editable = self.ctx.can_manage
        fields = [FormField("title", _("Title"), required=True, read_only=not editable),
                  FormField("text", _("Text"), "multiline", read_only=not editable)]
        save = (lambda v: market.update_note(self.ctx.db, self.ctx.actor, note.id, v,
                                             note.version)) if editable else None
        dialog = FormDialog(self, note.title, fields, {"title": note.title, "text": note.text},
                            save, changes={"market"})
        if save is None:
            dialog.save_button.hide()
        dialog.sig_saved.connect(lambda _r: self.refresh())
        dialog.open()
