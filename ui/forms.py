"""Forms built from a list of fields: labels beside the fields, required fields marked,
validation as you leave a field (red outline and the message under it) by the same
rules the service applies, Save disabled until the form is valid, Esc asking before
unsaved changes are thrown away, and a stale-edit conflict explained with a choice."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt, QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QScrollArea,
    QTimeEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from salesdesk import registry
from salesdesk.domain import label as choice_label
from salesdesk.errors import ConflictError, SalesDeskError, ValidationError
from salesdesk.fields import Field, field_problem
from salesdesk.i18n import _
from salesdesk.money import format_amount

from . import theme
from .dialogs.client_picker import ClientField
from .widgets import DateEdit, set_invalid
from .worker import Op


@dataclass
class FormField:
    """One field of a form."""

    key: str
    label: str
    kind: str = "text"  # text, password, multiline, date, time, money, number, choice, bool,
    # combo
    required: bool = False
    options: Sequence[tuple[Any, str]] = ()
    suggestions: Sequence[str] = ()
    placeholder: str = ""
    spec: Field | None = None
    read_only: bool = False
    hint: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def registry_fields(table: str, **given: dict[str, Any]) -> list[FormField]:
    """The form of a record kind, as :mod:`salesdesk.registry` declares it: its form
    fields in order, each with its label, widget, placeholder, hint, choices and the
    service's own rule (so a field is checked as it is left). ``given`` adds what only
    the window knows, by key (``segment={"suggestions": [...]}``)."""
    out = []
    for f in registry.kind(table).fields:
        if not f.form:
            continue
        extra = dict(given.get(f.key, {}))
        options = [(code, choice_label(f.choices, code)) for code in f.choices] \
            if f.choices else ()
        out.append(FormField(
            f.key, _(f.label), extra.pop("kind", f.widget),
            required=extra.pop("required", f.required or f.default is not None),
            options=extra.pop("options", options),
            placeholder=_(f.placeholder) if f.placeholder else "",
            spec=f if f.service else None, hint=_(f.hint) if f.hint else "", **extra))
    return out


def registry_defaults(table: str) -> dict[str, Any]:
    """A new record's starting values, as the registry declares them."""
    return {f.key: f.initial() for f in registry.kind(table).fields
            if f.form and f.default is not None}


def money_text(value: Decimal | None) -> str:
    """Money in an edit field: ``1 234,50`` (the parser takes it back)."""
    return format_amount(value, kind="money")


class FormDialog(QDialog):
    """A dialog around a form; ``on_save(values)`` runs in the background and its result
    comes back by ``sig_saved``."""

    sig_saved = Signal(object)
    """The service saved the record; carries what it returned."""
    sig_refused = Signal(object)
    """The service refused the values (a :class:`ValidationError`, shown in the form)."""

    def __init__(self, parent: QWidget | None, title: str, fields: Sequence[FormField],
                 values: Mapping[str, Any] | None = None,
                 on_save: Callable[[dict[str, Any]], Any] | None = None,
                 on_reload: Callable[[], Mapping[str, Any]] | None = None,
                 save_text: str | None = None, changes: Iterable[str] = ()) -> None:
        super().__init__(parent)
        self.changes = frozenset(changes)
        """The kinds of record a save changes (announced to the open pages)."""
        self.setWindowTitle(title)
        self.setModal(True)
        self.fields = list(fields)
        self.on_save = on_save
        self.on_reload = on_reload
        self.widgets: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self._problems: dict[str, str] = {}
        self._initial: dict[str, Any] = {}
        self.force_overwrite = False
        outer = QVBoxLayout(self)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        body = QWidget()
        stack = QVBoxLayout(body)
        self.form = QFormLayout()
        stack.addLayout(self.form)
        stack.addStretch(1)  # spare height below the fields, not between them
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.form.setHorizontalSpacing(theme.SPACING * 2)
        self.form.setVerticalSpacing(theme.SPACING // 2)
        for spec in self.fields:
            self._add(spec)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        self.general_error = QLabel("")
        self.general_error.setProperty("role", "error")
        self.general_error.setWordWrap(True)
        self.general_error.hide()
        outer.addWidget(self.general_error)
        self.blocked = QLabel("")
        self.blocked.setObjectName("save_blocked")
        self.blocked.setProperty("role", "muted")
        self.blocked.setWordWrap(True)
        self.blocked.hide()
        outer.addWidget(self.blocked)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setProperty("primary", True)
        if save_text:
            self.save_button.setText(save_text)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)
        if values:
            self.set_values(values)
        self._initial = self.values()
        self._update_save()
        self.resize(560, min(120 + 44 * len(self.fields), 720))

    # --- building ---------------------------------------------------------------------

    def _add(self, spec: FormField) -> None:
        widget: QWidget
        if spec.kind == "multiline":
            widget = QPlainTextEdit()
            widget.setFixedHeight(72)
            widget.textChanged.connect(self._changed)
        elif spec.kind == "date":
            widget = DateEdit(allow_empty=not spec.required)
            widget.dateChanged.connect(lambda *_a, k=spec.key: self._check(k))
        elif spec.kind == "time":
            widget = QTimeEdit()
            widget.setDisplayFormat("HH:mm")
            widget.timeChanged.connect(lambda *_a, k=spec.key: self._check(k))
        elif spec.kind == "choice":
            widget = QComboBox()
            if not spec.required:
                widget.addItem("", None)
            for code, text in spec.options:
                widget.addItem(text, code)
            widget.currentIndexChanged.connect(lambda *_a, k=spec.key: self._check(k))
        elif spec.kind == "bool":
            widget = QCheckBox()
            widget.toggled.connect(self._changed)
        elif spec.kind == "client":
            widget = ClientField(spec.extra["ctx"])
            widget.changed.connect(lambda k=spec.key: self._check(k))
        elif spec.kind == "combo":
            widget = QComboBox()
            widget.setEditable(True)
            widget.addItem("")
            widget.addItems(list(spec.suggestions))
            widget.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            widget.lineEdit().editingFinished.connect(lambda k=spec.key: self._check(k))
            widget.currentTextChanged.connect(self._changed)
        else:
            widget = QLineEdit()
            widget.setPlaceholderText(spec.placeholder)
            if spec.kind == "password":
                widget.setEchoMode(QLineEdit.EchoMode.Password)
            if spec.kind in ("money", "number"):
                widget.setAlignment(Qt.AlignmentFlag.AlignRight)
            if spec.suggestions:
                widget.setCompleter(QCompleter(list(spec.suggestions), widget))
            widget.editingFinished.connect(lambda k=spec.key: self._check(k))
            widget.textChanged.connect(self._changed)
        widget.setEnabled(not spec.read_only)
        widget.setObjectName(f"field_{spec.key}")
        self.widgets[spec.key] = widget
        error = QLabel("")
        error.setProperty("role", "error")
        error.hide()
        self.errors[spec.key] = error
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(1)
        if isinstance(widget, DateEdit) and widget.allow_empty:
            column.addWidget(self._clearable(widget, spec.key))
        else:
            column.addWidget(widget)
        if spec.hint:
            hint = QLabel(spec.hint)
            hint.setProperty("role", "muted")
            hint.setWordWrap(True)
            column.addWidget(hint)
        column.addWidget(error)
        label = f"{spec.label} *" if spec.required else spec.label
        self.form.addRow(label, holder)

    def _clearable(self, widget: DateEdit, key: str) -> QWidget:
        """An optional date with a button that empties it again (a date edit alone
        cannot be emptied once a date is set)."""
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(widget, 1)
        clear = QToolButton()
        clear.setText("✕")
        clear.setObjectName(f"clear_{key}")
        clear.setToolTip(_("Clear the date"))
        clear.setAccessibleName(_("Clear the date"))
        clear.clicked.connect(lambda: widget.set_value(None))
        line.addWidget(clear)
        return row

    # --- values ---------------------------------------------------------------------------

    def value_of(self, key: str) -> Any:
        """The raw value of one field (text as typed, a date, a code, a bool)."""
        widget = self.widgets[key]
        if isinstance(widget, ClientField):
            return widget.value()
        if isinstance(widget, QPlainTextEdit):
            return widget.toPlainText()
        if isinstance(widget, DateEdit):
            return widget.value()
        if isinstance(widget, QTimeEdit):
            return widget.time().toString("HH:mm")  # the service's parser reads it back
        if isinstance(widget, QCheckBox):
            return widget.isChecked()
        if isinstance(widget, QComboBox):
            if widget.isEditable():
                return widget.currentText()
            return widget.currentData()
        return widget.text()  # type: ignore[attr-defined]

    def values(self) -> dict[str, Any]:
        """Every field's raw value."""
        return {spec.key: self.value_of(spec.key) for spec in self.fields
                if not spec.read_only}

    def set_values(self, values: Mapping[str, Any]) -> None:
        """Fill the form."""
        for spec in self.fields:
            if spec.key not in values:
                continue
            value = values[spec.key]
            widget = self.widgets[spec.key]
            if isinstance(widget, ClientField):
                widget.set_value(value)
            elif isinstance(widget, QPlainTextEdit):
                widget.setPlainText(value or "")
            elif isinstance(widget, DateEdit):
                widget.set_value(value if isinstance(value, date) else None)
            elif isinstance(widget, QTimeEdit):
                minutes = int(value) if isinstance(value, int) else 0
                widget.setTime(QTime(minutes // 60, minutes % 60))
            elif isinstance(widget, QCheckBox):
                widget.setChecked(bool(value))
            elif isinstance(widget, QComboBox) and not widget.isEditable():
                index = widget.findData(value)
                widget.setCurrentIndex(max(index, 0))
            elif isinstance(widget, QComboBox):
                widget.setCurrentText(value or "")
            elif spec.kind == "money" and isinstance(value, Decimal):
                widget.setText(money_text(value))  # type: ignore[attr-defined]
            else:
                widget.setText("" if value is None else str(value))  # type: ignore[attr-defined]

    def is_dirty(self) -> bool:
        """The user changed something since the form was filled."""
        return self.values() != self._initial

    # --- validation -----------------------------------------------------------------------

    def _changed(self, *_args: Any) -> None:
        self._update_save()

    def _check(self, key: str) -> None:
        spec = next(s for s in self.fields if s.key == key)
        value = self.value_of(key)
        problem = None
        if spec.required and (value is None or (isinstance(value, str) and not value.strip())):
            problem = _("is required")
        elif spec.spec is not None:
            problem = field_problem({key: spec.spec}, key, value)
        self.show_problem(key, problem)
        self._update_save()

    def show_problem(self, key: str, problem: str | None) -> None:
        """Show (or clear) the message under a field."""
        label = self.errors[key]
        label.setText(problem or "")
        label.setVisible(bool(problem))
        self._problems[key] = problem or ""
        set_invalid(self.widgets[key], bool(problem))

    def _update_save(self) -> None:
        missing = [s.label for s in self.fields if s.required and not s.read_only and (
            self.value_of(s.key) is None
            or (isinstance(self.value_of(s.key), str) and not self.value_of(s.key).strip()))]
        wrong = [s.label for s in self.fields if self._problems.get(s.key)]
        # Save says why it cannot be pressed, rather than only being grey.
        why = "; ".join(filter(None, [
            _("Fill in: {fields}").format(fields=", ".join(missing)) if missing else "",
            _("Correct: {fields}").format(fields=", ".join(wrong)) if wrong else ""]))
        self.blocked.setText(why)
        self.blocked.setVisible(bool(why))
        self.save_button.setToolTip(why)
        self.save_button.setEnabled(not missing and not wrong)

    # --- saving -------------------------------------------------------------------------------

    def save(self) -> None:
        """Validate every field, then hand the values to the service in the background."""
        for spec in self.fields:
            if not spec.read_only:
                self._check(spec.key)
        if not self.save_button.isEnabled() or self.on_save is None:
            if self.on_save is None:
                self.accept()
            return
        self.save_button.setEnabled(False)
        Op(self, self.on_save, self.values(), changes=self.changes).success(self._saved) \
            .failure(self._failed).run()

    def _saved(self, result: Any) -> None:
        self._initial = self.values()
        self.sig_saved.emit(result)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            by_label = {s.label: s.key for s in self.fields}
            unplaced = []
            for problem in exc.problems:
                key = by_label.get(problem.field)
                if key is not None:
                    self.show_problem(key, problem.message)
                else:
                    unplaced.append(str(problem))
            self.general_error.setText("\n".join(unplaced))
            self.general_error.setVisible(bool(unplaced))
            self._update_save()
            self.sig_refused.emit(exc)
            return
        if isinstance(exc, ConflictError):
            self._conflict(exc)
            return
        from .errors import show_error

        show_error(self, exc)
        if not isinstance(exc, SalesDeskError):
            self.reject()

    def _conflict(self, exc: ConflictError) -> None:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(_("Changed by somebody else"))
        box.setText(_("Somebody saved this record while you were editing it."))
        box.setInformativeText(_("Reload shows their version (your changes are dropped). "
                                 "Keep mine saves your values over theirs."))
        reload = box.addButton(_("Reload"), QMessageBox.ButtonRole.AcceptRole)
        keep = box.addButton(_("Keep mine"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is reload and self.on_reload is not None:
            Op(self, self.on_reload).success(self._reloaded).run()
        elif box.clickedButton() is keep:
            self.force_overwrite = True
            self.save()

    def _reloaded(self, values: Mapping[str, Any]) -> None:
        self.set_values(values)
        self._initial = self.values()
        self.force_overwrite = False
        for key in self.errors:
            self.show_problem(key, None)

    def reject(self) -> None:  # Esc and Cancel come here
        if self.is_dirty():
            answer = QMessageBox.question(
                self, _("Unsaved changes"), _("Discard the changes you made?"),
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel)
            if answer != QMessageBox.StandardButton.Discard:
                return
        super().reject()
