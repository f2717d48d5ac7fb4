"""Starting the window: language, style, the database, first run or login, the window.

``salesdesk`` opens the database of the command line (or the default one);
``salesdesk --demo`` opens the demo office, building it first if needed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QEventLoop, QLibraryInfo, QLocale, QSettings, QTranslator
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QProgressDialog

from salesdesk.auth import Actor
from salesdesk.db.engine import Database
from salesdesk.errors import DatabaseError
from salesdesk.i18n import _, set_language, system_language

from . import theme
from .context import AppContext
from .worker import Op


def install_qt_translations(app: QApplication, lang: str) -> None:
    """Qt's own strings (standard buttons, dialogs) in the chosen language."""
    for old in getattr(app, "_salesdesk_translators", []):
        app.removeTranslator(old)
    app._salesdesk_translators = []  # type: ignore[attr-defined]
    QLocale.setDefault(QLocale(QLocale.Language.Russian if lang == "ru"
                               else QLocale.Language.English))
    if lang != "ru":
        return
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    translator = QTranslator(app)
    if translator.load("qtbase_ru", folder):
        app.installTranslator(translator)
        app._salesdesk_translators.append(translator)  # type: ignore[attr-defined]


class Controller:
    """Moves the user between login, the first-run wizard and the main window."""

    def __init__(self, app: QApplication, settings: QSettings) -> None:
        self.app = app
        self.settings = settings
        self.db: Database | None = None
        self.window = None
        self.is_demo = False

    # --- the database -------------------------------------------------------------------

    def start(self, location: str | None, demo: bool, user: str | None) -> bool:
        """Open the database and show the first dialog; ``False`` when the user gave up."""
        if demo:
            return self.open_demo()
        from salesdesk.paths import default_database

        target = location or default_database()
        path = Path(target) if "://" not in target else None
        if path is not None and not path.exists():
            return self._no_database(path, user)
        return self.open(target, create=False, user=user)

    def _no_database(self, path: Path, user: str | None) -> bool:
        box = QMessageBox()
        box.setWindowTitle("SalesDesk")
        box.setIcon(QMessageBox.Icon.Question)
        box.setText(_("There is no SalesDesk database at {path} yet.").format(path=path))
        create = box.addButton(_("Create a new database"), QMessageBox.ButtonRole.AcceptRole)
        demo = box.addButton(_("Open the demo office"), QMessageBox.ButtonRole.ActionRole)
        other = box.addButton(_("Open another file…"), QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is create:
            path.parent.mkdir(parents=True, exist_ok=True)
            return self.open(str(path), create=True, user=user)
        if box.clickedButton() is demo:
            return self.open_demo()
        if box.clickedButton() is other:
            return self._choose_file()
        return False

    def _choose_file(self) -> bool:
        name, _filter = QFileDialog.getOpenFileName(None, _("Open a SalesDesk database"), "",
                                                    _("SalesDesk databases (*.db);;All files (*)"))
        return self.open(name, create=False, user=None) if name else False

    def open(self, location: str, create: bool, user: str | None) -> bool:
        """Open (and upgrade) a database, then log in or run the first-run wizard."""
        from salesdesk.db.migrate import open_database
        from salesdesk.services.users import has_users

        try:
            db = open_database(location, create=create)
        except DatabaseError as exc:
            QMessageBox.warning(None, "SalesDesk", exc.message)
            return self._choose_file()
        self.db = db
        if not has_users(db):
            from .dialogs.wizard import FirstRunWizard

            wizard = FirstRunWizard(db)
            if not wizard.exec() or wizard.actor is None:
                return False
            return self.enter(wizard.actor)
        return self.login(user)

    def open_demo(self) -> bool:
        """The demo office: built on first use (with progress), then the login."""
        from salesdesk.paths import demo_database

        path = demo_database()
        if not path.exists() and not self._build_demo(path):
            return False
        self.is_demo = True
        return self.open(str(path), create=False, user="head")

    def _build_demo(self, path: Path) -> bool:
        from salesdesk.db.migrate import open_database
        from salesdesk.demo import build_demo

        dialog = QProgressDialog(_("Building the demo office…"), "", 0, 0)
        dialog.setWindowTitle("SalesDesk")
        dialog.setCancelButton(None)
        dialog.setMinimumDuration(0)
        dialog.show()
        done: dict[str, object] = {}
        loop = QEventLoop()

        def work() -> None:
            building = path.with_suffix(".building")
            for suffix in ("", "-wal", "-shm"):
                Path(str(building) + suffix).unlink(missing_ok=True)
            db = open_database(building, create=True)
            build_demo(db, seed=1)
            db.dispose()
            building.replace(path)

        def finish(key: str, value: object) -> None:
            done[key] = value
            loop.quit()

        Op(dialog, work).success(lambda r: finish("ok", r)) \
            .failure(lambda exc: finish("error", exc)).run()
        loop.exec()
        dialog.close()
        if "error" in done:
            QMessageBox.warning(None, "SalesDesk", str(done["error"]))
            return False
        return True

    # --- people -------------------------------------------------------------------------------

    def login(self, user: str | None = None) -> bool:
        """Ask who is there."""
        from .dialogs.login import LoginDialog

        assert self.db is not None
        last = user or str(self.settings.value("last_login", ""))
        is_demo = self.is_demo or self._database_is_demo()
        dialog = LoginDialog(self.db, last, is_demo)
        wants_demo: list[bool] = []
        dialog.sig_open_demo.connect(lambda: wants_demo.append(True))
        if dialog.exec() and dialog.actor is not None:
            self.settings.setValue("last_login", dialog.actor.login)
            return self.enter(dialog.actor)
        if wants_demo:
            return self.open_demo()
        return False

    def _database_is_demo(self) -> bool:
        from sqlalchemy import select

        from salesdesk.db.models import Company

        assert self.db is not None
        with self.db.read() as session:
            return bool(session.scalar(select(Company.is_demo)))

    def enter(self, actor: Actor) -> bool:
        """Show the main window for ``actor``."""
        from salesdesk.services.company import get_company

        from .main_window import MainWindow

        assert self.db is not None
        ctx = AppContext(self.db, actor, get_company(self.db, actor), self.settings)
        window = MainWindow(ctx)
        window.sig_switch_user.connect(lambda: self._relogin(window))
        window.sig_sign_out.connect(lambda: self._relogin(window))
        window.sig_language.connect(lambda lang: self._language(window, lang))
        self.window = window
        window.show()
        return True

    def _relogin(self, window: object) -> None:
        window.close()  # type: ignore[attr-defined]
        if not self.login():
            self.app.quit()

    def _language(self, window: object, lang: str) -> None:
        set_language(lang)
        install_qt_translations(self.app, lang)
        self.settings.setValue("language", lang)
        ctx = window.ctx  # type: ignore[attr-defined]
        window.close()  # type: ignore[attr-defined]
        self.enter(ctx.actor)


def run(db: str | None = None, demo: bool = False, user: str | None = None,
        lang: str | None = None) -> int:
    """The window's entry point (``salesdesk`` with no command)."""
    app = QApplication.instance() or QApplication(sys.argv)
    app.setOrganizationName("SalesDesk")
    app.setApplicationName("SalesDesk")
    settings = QSettings("SalesDesk", "SalesDesk")
    language = lang or str(settings.value("language", "") or system_language())
    set_language(language)
    install_qt_translations(app, language)  # type: ignore[arg-type]
    theme.apply(app)  # type: ignore[arg-type]
    controller = Controller(app, settings)  # type: ignore[arg-type]
    app._salesdesk_controller = controller  # type: ignore[attr-defined]
    if not controller.start(db, demo, user):
        return 0
    return int(app.exec())
