"""Settings: company requisites and document settings (the head), my profile and password,
language, backups and the audit log (the head)."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from salesdesk import clock
from salesdesk.branding import image_kinds
from salesdesk.domain import VAT_RATES, vat_rate_label
from salesdesk.i18n import N_, _, format_date, get_language
from salesdesk.services import auditlog, company, maintenance, users

from .. import theme
from ..changes import EVERYTHING
from ..forms import FormDialog, FormField
from ..models import Column, RecordTableModel, enable_sorting
from ..row_menu import attach_row_menu
from ..widgets import PageHeader, muted
from ..worker import Op
from .base import Page

COMPANY_FIELDS = [
    ("name", N_("Company name"), "text"), ("legal_form", N_("Legal form"), "combo"),
    ("inn", N_("INN"), "text"), ("kpp", N_("KPP"), "text"), ("ogrn", N_("OGRN"), "text"),
    ("address", N_("Address"), "multiline"), ("phone", N_("Phone"), "text"),
    ("email", N_("E-mail"), "text"),
    ("bank_name", N_("Bank"), "text"), ("bik", N_("BIK"), "text"),
    ("corr_account", N_("Correspondent account"), "text"),
    ("settlement_account", N_("Settlement account"), "text"), ("head_name", N_("Director"), "text"),
    ("head_position", N_("Director's position"), "text"),
    ("accountant_name", N_("Chief accountant"), "text"),
    ("vat_included", N_("Prices include VAT"), "bool"),
    ("default_vat_rate", N_("Default VAT rate"), "choice"),
    ("document_language", N_("Document language"), "choice"),
    ("proposal_valid_days", N_("Proposal validity, days"), "text"),
    ("invoice_due_days", N_("Invoice payment term, days"), "text"),
    ("vat_column", N_("Print each line's VAT"), "bool"),
    ("payment_terms", N_("Payment terms"), "multiline"),
    ("delivery_terms", N_("Delivery terms"), "multiline"),
    ("payment_terms_en", N_("Payment terms (English documents)"), "multiline"),
    ("delivery_terms_en", N_("Delivery terms (English documents)"), "multiline"),
    ("activity_window_days", N_("Activity window, days"), "text"),
    ("department_name", N_("Department"), "text"),
    ("file_limit_mb", N_("Largest file to attach, MB"), "text"),
    ("replica_files_mb", N_("Files a laptop takes along, MB"), "text"),
]


class ImageSlot(QWidget):
    """One of the company's images: a preview, Choose… and Remove (for the head)."""

    sig_pick = Signal(str)
    """The head wants to choose a file for this image."""
    sig_clear = Signal(str)
    """The head removes this image."""

    def __init__(self, key: str, label: str, editable: bool) -> None:
        super().__init__()
        self.key = key
        self.setObjectName(f"image_{key}")
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 8, 0)
        title = QLabel(label)
        title.setProperty("muted", True)
        box.addWidget(title)
        self.preview = QLabel()
        self.preview.setFixedSize(150, 90)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setStyleSheet("border: 1px dashed #C8CDD5; border-radius: 6px;"
                                   "background: white;")
        box.addWidget(self.preview)
        row = QHBoxLayout()
        self.choose = QPushButton(_("Choose…"))
        self.choose.clicked.connect(lambda: self.sig_pick.emit(self.key))
        self.remove = QPushButton(_("Remove"))
        self.remove.clicked.connect(lambda: self.sig_clear.emit(self.key))
        row.addWidget(self.choose)
        row.addWidget(self.remove)
        box.addLayout(row)
        self.choose.setVisible(editable)
        self.remove.setVisible(editable)

    def show_image(self, data: bytes | None) -> None:
        """Show the stored image, or "none"."""
        from PySide6.QtGui import QPixmap

        pixmap = QPixmap()
        if data and pixmap.loadFromData(data):
            self.preview.setPixmap(pixmap.scaled(
                self.preview.size() - QSize(10, 10), Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))
        else:
            self.preview.setPixmap(QPixmap())
            self.preview.setText(_("none"))
        self.remove.setEnabled(bool(data))


class SettingsPage(Page):
    """Company, profile, language, backups, audit log."""

    key = "settings"
    watches = frozenset({"company", "users"})
    icon_name = "mdi6.cog-outline"
    sig_language = Signal(str)
    """The user chose another language."""

    def __init__(self, ctx: Any, window: Any = None) -> None:
        self.title = _("Settings")
        super().__init__(ctx, window)
        self.layout_.addWidget(PageHeader(self.title))
        self.tabs = QTabWidget()
        self.layout_.addWidget(self.tabs, 1)
        self.tabs.addTab(self._company_tab(), theme.icon("mdi6.office-building-outline"),
                         _("Company and documents"))
        self.tabs.addTab(self._me_tab(), theme.icon("mdi6.account-outline"),
                         _("My profile and language"))
        self.tabs.addTab(self._stages_tab(), theme.icon("mdi6.percent-outline"),
                         _("Stage probabilities"))
        from ..mail_settings import MailSettingsTab

        self.mail_tab = MailSettingsTab(ctx)
        self.tabs.addTab(self.mail_tab, theme.icon("mdi6.email-outline"), _("E-mail"))
        if ctx.is_head:
            self.tabs.addTab(self._backup_tab(), theme.icon("mdi6.backup-restore"),
                             _("Backups"))
            # In words: the record kind, field labels and values as the window shows them.
            self.audit = RecordTableModel([
                Column(_("When"), lambda e: e.at.astimezone().strftime("%Y-%m-%d %H:%M")),
                Column(_("Who"), lambda e: e.who), Column(_("Action"), lambda e: e.action),
                Column(_("Record"), lambda e: e.what),
                Column(_("Changes"), lambda e: e.summary())])
            view = QTableView()
            view.setObjectName("audit_table")
            view.setModel(self.audit)
            view.verticalHeader().hide()
            view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            header = view.horizontalHeader()
            # When, who and the action as wide as they are; the record (a logged-in
            # user, an export's file, a printed report) gets room; the changes the rest.
            for column in (0, 1, 2):
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
            header.resizeSection(3, 340)
            header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
            enable_sorting(view, self.audit)
            attach_row_menu(view, self.audit.record)
            self.tabs.addTab(view, theme.icon("mdi6.history"), _("Audit log"))

    # --- stage probabilities -------------------------------------------------------------------

    def _stages_tab(self) -> QWidget:
        """The chance that a deal in each open stage is won: the weighted pipeline and
        the forecast multiply by it (the head sets it; the others see it)."""
        from PySide6.QtCore import QLocale
        from PySide6.QtWidgets import QDoubleSpinBox, QFormLayout

        from salesdesk.domain import OPEN_STAGES, STAGE_LABELS, label
        from salesdesk.i18n import get_language

        tab = QWidget()
        box = QVBoxLayout(tab)
        box.addWidget(muted(_("The chance that a deal at each stage is won. The weighted "
                              "pipeline of the Deals page and the dashboard's forecast "
                              "multiply each deal's amount by it.")))
        form = QFormLayout()
        locale = QLocale(QLocale.Language.Russian if get_language() == "ru"
                         else QLocale.Language.English)
        self.probabilities: dict[str, QDoubleSpinBox] = {}
        for stage in OPEN_STAGES:
            spin = QDoubleSpinBox()
            spin.setObjectName(f"probability_{stage}")
            spin.setLocale(locale)  # what it shows, it reads back, in either language
            spin.setRange(0, 100)
            spin.setDecimals(1)
            spin.setSuffix(" %")
            spin.setEnabled(self.ctx.is_head)
            spin.setMaximumWidth(140)
            self.probabilities[stage] = spin
            form.addRow(label(STAGE_LABELS, stage), spin)
        box.addLayout(form)
        if self.ctx.is_head:
            self.save_probabilities = QPushButton(theme.icon("mdi6.content-save-outline"),
                                                  _("Save probabilities"))
            self.save_probabilities.setObjectName("save_probabilities")
            self.save_probabilities.setProperty("primary", True)
            self.save_probabilities.clicked.connect(self.store_probabilities)
            box.addWidget(self.save_probabilities, 0, Qt.AlignmentFlag.AlignLeft)
        else:
            box.addWidget(muted(_("Only the head of sales changes the probabilities.")))
        box.addStretch(1)
        self._fill_probabilities(self.ctx.company)
        return tab

    def _fill_probabilities(self, record: company.CompanyRecord) -> None:
        for stage, spin in self.probabilities.items():
            spin.setValue(float(record.stage_probabilities.get(stage, 0)))

    def store_probabilities(self) -> None:
        """Save the probabilities (the head); the open pages re-weigh their pipeline."""
        from decimal import Decimal

        values = {stage: str(Decimal(str(round(spin.value(), 1))))
                  for stage, spin in self.probabilities.items()}
        Op(self, company.update_company, self.ctx.db, self.ctx.actor,
           {"stage_probabilities": values}, self.ctx.company.version,
           changes={"company", "deals"}).success(self._company_saved).run()

    # --- company -------------------------------------------------------------------------------

    def _company_tab(self) -> QWidget:
        tab = QWidget()
        box = QVBoxLayout(tab)
        self.company_text = QLabel("")
        self.company_text.setWordWrap(True)
        self.company_text.setTextFormat(Qt.TextFormat.RichText)
        if self.ctx.is_head:
            edit = QPushButton(theme.icon("mdi6.pencil-outline"), _("Edit company details…"))
            edit.setProperty("primary", True)
            edit.clicked.connect(self.edit_company)
            box.addWidget(edit, 0, Qt.AlignmentFlag.AlignLeft)
        else:
            box.addWidget(muted(_("Only the head of sales changes the company's details.")))
        images = QGroupBox(_("Logo, stamp and signatures"))
        grid = QHBoxLayout(images)
        self.image_slots: dict[str, ImageSlot] = {}
        for key, kind in image_kinds().items():
            slot = ImageSlot(key, kind.label, self.ctx.is_head)
            slot.sig_pick.connect(self.pick_image)
            slot.sig_clear.connect(self.clear_image)
            self.image_slots[key] = slot
            grid.addWidget(slot)
        grid.addStretch(1)
        box.addWidget(images)
        box.addWidget(muted(_("The stamp and the signatures are printed only on a copy made "
                              "“with stamp and signatures” (for e-mail). White paper around "
                              "them becomes transparent.")))
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        inner = QWidget()
        inner_box = QVBoxLayout(inner)
        inner_box.setContentsMargins(0, 0, 0, 0)
        inner_box.addWidget(self.company_text)
        inner_box.addStretch(1)
        scroll.setWidget(inner)
        box.addWidget(scroll, 1)
        return tab

    def pick_image(self, key: str) -> None:
        """Choose a PNG or JPEG for ``key``; it is checked and scaled by the core."""
        name, _f = QFileDialog.getOpenFileName(self, image_kinds()[key].label, "",
                                               _("Images (*.png *.jpg *.jpeg)"))
        if name:
            self.set_image(key, Path(name))

    def set_image(self, key: str, path: Path) -> None:
        """Store the image at ``path`` as the company's ``key`` (in the background)."""
        from salesdesk.branding import read_image_file
        from salesdesk.errors import ValidationError

        from ..errors import show_error

        try:
            data = read_image_file(path, image_kinds()[key].label)
        except ValidationError as exc:
            show_error(self, exc)
            return
        Op(self, company.update_company, self.ctx.db, self.ctx.actor, {key: data},
           changes={"company"}) \
            .success(self._company_saved).run()

    def clear_image(self, key: str) -> None:
        """Remove the company's ``key`` image."""
        Op(self, company.update_company, self.ctx.db, self.ctx.actor, {key: None},
           changes={"company"}) \
            .success(self._company_saved).run()

    def _fill_company(self, record: company.CompanyRecord) -> None:
        rows = []
        for key, title, _kind in COMPANY_FIELDS:
            value = getattr(record, key)
            if key in ("vat_included", "vat_column"):
                value = _("yes") if value else _("no")
            if key == "default_vat_rate":
                value = vat_rate_label(value)
            if value not in (None, ""):
                name = _(title)
                shown = html.escape(str(value)).replace("\n", "<br>")
                rows.append(f"<tr><td style='color:#6B7280;padding-right:12px'>{name}</td>"
                            f"<td>{shown}</td></tr>")
        self.company_text.setText("<table>" + "".join(rows) + "</table>")
        for key, slot in self.image_slots.items():
            slot.show_image(getattr(record, key))

    def edit_company(self) -> None:
        """The company's requisites and document settings, validated together."""
        record = self.ctx.company
        fields = []
        for key, title, kind in COMPANY_FIELDS:
            options: list[tuple[Any, str]] = []
            if key == "default_vat_rate":
                options = [(r, vat_rate_label(r)) for r in VAT_RATES]
            if key == "document_language":
                options = [("ru", "Русский"), ("en", "English")]
            fields.append(FormField(key, _(title), kind, required=key == "name",
                                    options=options, suggestions=["ООО", "АО", "ПАО", "ИП"]
                                    if kind == "combo" else ()))
        values = {f.key: getattr(record, f.key) for f in fields}

        def save(data: dict[str, Any]) -> Any:
            changes = {k: (v if v != "" else None) for k, v in data.items()}
            return company.update_company(self.ctx.db, self.ctx.actor, changes,
                                          None if dialog.force_overwrite else record.version)

        dialog = FormDialog(self, _("Company details"), fields, values, save,
                            changes={"company"})
        dialog.sig_saved.connect(self._company_saved)
        dialog.resize(640, 760)
        dialog.open()

    def _company_saved(self, record: company.CompanyRecord) -> None:
        self.ctx.company = record
        self._fill_company(record)
        self._fill_probabilities(record)

    # --- me --------------------------------------------------------------------------------------

    def _me_tab(self) -> QWidget:
        tab = QWidget()
        box = QVBoxLayout(tab)
        box.addWidget(muted(_("Your name, position, phone and e-mail are printed on your "
                              "proposals.")))
        row = QHBoxLayout()
        profile = QPushButton(theme.icon("mdi6.account-edit-outline"), _("Edit my profile…"))
        profile.clicked.connect(self.edit_profile)
        password = QPushButton(theme.icon("mdi6.lock-outline"), _("Change my password…"))
        password.clicked.connect(self.change_password)
        row.addWidget(profile)
        row.addWidget(password)
        row.addStretch(1)
        box.addLayout(row)
        box.addSpacing(theme.SPACING * 2)
        box.addWidget(QLabel(_("Language of the window")))
        row = QHBoxLayout()
        for code, name in (("ru", "Русский"), ("en", "English")):
            button = QPushButton(name)
            button.setCheckable(True)
            button.setChecked(code == get_language())
            button.setProperty("chip", True)
            button.clicked.connect(lambda _c=False, c=code: self._language(c))
            row.addWidget(button)
        row.addStretch(1)
        box.addLayout(row)
        box.addStretch(1)
        return tab

    def _language(self, code: str) -> None:
        if self.window_ is not None:
            self.window_.sig_language.emit(code)

    def edit_profile(self) -> None:
        """Name, position, phone, e-mail (read fresh, so the save checks this version)."""
        Op(self, _my_record, self.ctx.db, self.ctx.actor).success(self._edit_profile).run()

    def _edit_profile(self, me: Any) -> None:
        fields = [FormField("name", _("Name"), required=True), FormField("position", _("Position")),
                  FormField("phone", _("Phone")), FormField("email", _("E-mail"))]
        dialog = FormDialog(self, _("My profile"), fields,
                            {f.key: getattr(me, f.key) for f in fields},
                            lambda v: users.update_profile(self.ctx.db, self.ctx.actor, me.id,
                                                           v["name"], v["position"], v["phone"],
                                                           v["email"], me.version),
                            changes={"users"})
        dialog.open()

    def change_password(self) -> None:
        """The current password, then the new one."""
        fields = [FormField("old", _("Current password"), "password", required=True),
                  FormField("new", _("New password"), "password", required=True)]
        dialog = FormDialog(self, _("Change my password"), fields, None,
                            lambda v: users.change_own_password(self.ctx.db, self.ctx.actor,
                                                                v["old"], v["new"]),
                            changes={"users"})
        dialog.open()

    # --- backups ---------------------------------------------------------------------------------

    def _backup_tab(self) -> QWidget:
        tab = QWidget()
        box = QVBoxLayout(tab)
        box.addWidget(muted(_("A backup is a consistent copy taken while everybody keeps "
                              "working. Restoring checks the file first and saves the current "
                              "contents beside the database.")))
        row = QHBoxLayout()
        backup = QPushButton(theme.icon("mdi6.content-save-move-outline"), _("Back up now…"))
        backup.setProperty("primary", True)
        backup.clicked.connect(self.backup)
        restore = QPushButton(theme.icon("mdi6.backup-restore"), _("Restore from a backup…"))
        restore.clicked.connect(self.restore)
        row.addWidget(backup)
        row.addWidget(restore)
        row.addStretch(1)
        box.addLayout(row)
        self.backup_info = QLabel("")
        box.addWidget(self.backup_info)
        box.addStretch(1)
        return tab

    def backup(self) -> None:
        """Write a backup where the user says."""
        from salesdesk.db.backup import default_backup_name

        name, _f = QFileDialog.getSaveFileName(self, _("Back up"), default_backup_name(
            self.ctx.db), _("SalesDesk backups (*.backup)"))
        if not name:
            return
        Op(self, maintenance.backup, self.ctx.db, self.ctx.actor, Path(name)) \
            .success(self._backed_up).run()

    def _backed_up(self, path: Path) -> None:
        when = format_date(clock.today())
        self.ctx.settings.setValue("last_backup", when)
        self.backup_info.setText(_("Backup written to {path}").format(path=path))

    def restore(self) -> None:
        """Restore after a confirmation."""
        name, _f = QFileDialog.getOpenFileName(self, _("Restore from a backup"), "",
                                               _("SalesDesk backups (*.backup *.db)"))
        if not name:
            return
        answer = QMessageBox.warning(
            self, _("Restore"), _("Replace everything in this database with the backup "
                                  "{file}? The current contents are saved first.").format(
                file=name), QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Yes:
            Op(self, maintenance.restore, self.ctx.db, self.ctx.actor, Path(name),
               changes=EVERYTHING).success(
                lambda safety: QMessageBox.information(self, _("Restore"), _(
                    "Restored from {file}. The previous contents were saved to "
                    "{safety}.").format(file=name, safety=safety))).run()

    # --- loading ---------------------------------------------------------------------------------

    def refresh(self) -> None:
        self._fill_company(self.ctx.company)
        if self.ctx.is_head:
            Op(self, auditlog.audit_lines, self.ctx.db, self.ctx.actor, limit=300) \
                .success(self.audit.set_records).run()


def _my_record(db: Any, actor: Any) -> Any:
    """The logged-in user's own record (a representative may list only themselves)."""
    if actor.role in ("head", "manager"):
        return users.get_user(db, actor, actor.login)
    return next(iter(users.list_users(db, actor)))
