"""Starting the window: language, style, the login dialog at once, the database opening
in the background meanwhile, then the first-run wizard or the main window.

``salesdesk`` opens the database of the command line (or the default one);
``salesdesk --demo`` opens the demo office, building it first if needed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLibraryInfo, QLocale, QSettings, QTranslator
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QProgressDialog

from salesdesk.i18n import _, set_language, system_language

from . import theme
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


def _location_name(location: str) -> str:
    return Path(location).name if "://" not in location else location.split("@")[-1]


class Controller:
    """Moves the user between login, the first-run wizard and the main window.

    Nothing here blocks the event loop: dialogs are opened, their signals say what the
    user did. The application quits when the user gives up or closes the last window.
    """

    def __init__(self, app: QApplication, settings: QSettings) -> None:
        self.app = app
        self.settings = settings
        self.db: Any = None
        self.window: Any = None
        self.dialog: Any = None
        self.is_demo = False

    def quit(self) -> None:
        """Leave the application."""
        self.app.quit()

    # --- the database -------------------------------------------------------------------

    def start(self, location: str | None, demo: bool, user: str | None) -> None:
        """Show the first dialog; open the database behind it."""
        if demo:
            self.open_demo()
            return
        from salesdesk.paths import default_database

        target = location or default_database()
        path = Path(target) if "://" not in target else None
        if path is not None and not path.exists():
            self._no_database(path, user)
            return
        self.open(target, create=False, user=user)

    def _no_database(self, path: Path, user: str | None) -> None:
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
            self.open(str(path), create=True, user=user)
        elif box.clickedButton() is demo:
            self.open_demo()
        elif box.clickedButton() is other:
            self._choose_file()
        else:
            self.quit()

    def _choose_file(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(None, _("Open a SalesDesk database"), "",
                                                    _("SalesDesk databases (*.db);;All files (*)"))
        if name:
            self.open(name, create=False, user=None)
        else:
            self.quit()

    def open(self, location: str, create: bool, user: str | None) -> None:
        """The login dialog now; the database opens (and upgrades) in the background."""
        from .dialogs.login import LoginDialog

        last = user or str(self.settings.value("last_login", ""))
        dialog = LoginDialog(None, last, self.is_demo, location=_location_name(location))
        dialog.sig_logged_in.connect(self.enter)
        dialog.sig_open_demo.connect(lambda: setattr(self, "_wants_demo", True))
        dialog.rejected.connect(self._login_rejected)
        self.dialog = dialog
        dialog.show()

        def work() -> tuple[Any, bool, bool]:

            from salesdesk.db.migrate import open_database
            from salesdesk.services.company import is_demo_database
            from salesdesk.services.users import has_users

            db = open_database(location, create=create)
            return db, has_users(db), is_demo_database(db)

        Op(None, work, busy=False).success(self._opened).failure(self._open_failed).run()

    def _opened(self, result: tuple[Any, bool, bool]) -> None:
        db, users, demo = result
        self.db = db
        if not users:
            from .dialogs.wizard import FirstRunWizard

            self.dialog.hide()
            wizard = FirstRunWizard(db)
            wizard.sig_saved.connect(self.enter)
            wizard.rejected.connect(self.quit)
            self.dialog = wizard
            wizard.show()
            return
        self.is_demo = self.is_demo or demo
        self.dialog.set_database(db, self.is_demo)

    def _open_failed(self, exc: BaseException) -> None:
        from salesdesk.errors import DatabaseError

        if self.dialog is not None:
            self.dialog.hide()
        if isinstance(exc, DatabaseError):
            QMessageBox.warning(None, "SalesDesk", exc.message)
            self._choose_file()
            return
        from .errors import show_error

        show_error(None, exc)
        self.quit()

    def _login_rejected(self) -> None:
        if getattr(self, "_wants_demo", False):
            self._wants_demo = False
            self.open_demo()
        elif self.window is None:
            self.quit()

    def open_demo(self) -> None:
        """The demo office: built on first use (with progress), then the login."""
        from salesdesk.paths import demo_database

        path = demo_database()
        self.is_demo = True
        if path.exists():
            self.open(str(path), create=False, user="head")
            return
        dialog = QProgressDialog(_("Building the demo office…"), "", 0, 0)
        dialog.setWindowTitle("SalesDesk")
        dialog.setCancelButton(None)
        dialog.setMinimumDuration(0)
        dialog.show()
        self.dialog = dialog

        def work() -> None:
            from salesdesk.db.migrate import open_database
            from salesdesk.demo import build_demo

            building = path.with_suffix(".building")
            for suffix in ("", "-wal", "-shm"):
                Path(str(building) + suffix).unlink(missing_ok=True)
            db = open_database(building, create=True)
            build_demo(db, seed=1)
            db.dispose()
            building.replace(path)

        def built(_result: object) -> None:
            dialog.close()
            self.open(str(path), create=False, user="head")

        Op(dialog, work).success(built).failure(self._open_failed).run()

    # --- people -------------------------------------------------------------------------------

    def enter(self, actor: Any) -> None:
        """Show the main window for ``actor``."""
        from .context import open_session

        self.settings.setValue("last_login", actor.login)
        Op(self.dialog, open_session, self.db, actor, self.settings) \
            .success(self._show_window).run()

    def _show_window(self, ctx: Any) -> None:
        from .main_window import MainWindow

        window = MainWindow(ctx)
        window.sig_switch_user.connect(lambda: self._relogin(window))
        window.sig_sign_out.connect(lambda: self._relogin(window))
        window.sig_language.connect(lambda lang: self._language(window, lang))
        window.sig_closed.connect(lambda w=window: self._closed(w))
        self.window = window
        window.show()
        if self.dialog is not None:
            self.dialog.hide()

    def _closed(self, window: Any) -> None:
        if self.window is window:
            self.quit()

    def _relogin(self, window: Any) -> None:
        from .dialogs.login import LoginDialog

        self.window = None
        window.close()
        dialog = LoginDialog(self.db, "", self.is_demo)
        dialog.sig_logged_in.connect(self.enter)
        dialog.rejected.connect(self._login_rejected)
        self.dialog = dialog
        dialog.show()

    def _language(self, window: Any, lang: str) -> None:
        set_language(lang)
        install_qt_translations(self.app, lang)
        self.settings.setValue("language", lang)
        ctx = window.ctx
        self.window = None
        window.close()
        self.enter(ctx.actor)


def start(db: str | None = None, demo: bool = False, user: str | None = None,
          lang: str | None = None) -> Controller:
    """Set up the application and show its first dialog (``run`` then enters the loop)."""
    app = QApplication.instance() or QApplication(sys.argv)
    from .errors import install_excepthook

    install_excepthook()
    if os.environ.get("SALESDESK_DB_GUARD"):  # a developer's run: log GUI-thread queries
        from . import db_guard

        db_guard.enable()
    app.setOrganizationName("SalesDesk")
    app.setApplicationName("SalesDesk")
    app.setQuitOnLastWindowClosed(False)  # dialogs come and go; the controller quits
    settings = QSettings("SalesDesk", "SalesDesk")
    language = lang or str(settings.value("language", "") or system_language())
    set_language(language)
    install_qt_translations(app, language)  # type: ignore[arg-type]
    theme.apply(app)  # type: ignore[arg-type]
    controller = Controller(app, settings)  # type: ignore[arg-type]
    app._salesdesk_controller = controller  # type: ignore[attr-defined]
    controller.start(db, demo, user)
    return controller


def run(db: str | None = None, demo: bool = False, user: str | None = None,
        lang: str | None = None) -> int:
    """The window's entry point (``salesdesk`` with no command)."""
    controller = start(db, demo, user, lang)
    return int(controller.app.exec())
