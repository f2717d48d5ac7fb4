"""Errors become dialogs here, in one place (the Anki ``errors.py`` habit).

A user's mistake (validation, permission, conflict, a refused database) gets a short
message that says what to do; anything unexpected gets an apology, the details behind a
button, and a line in the log file — never a traceback in the user's face.
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QMessageBox, QWidget

from salesdesk import clock
from salesdesk.errors import (
    AuthenticationError,
    ConflictError,
    PermissionDenied,
    SalesDeskError,
    ValidationError,
)
from salesdesk.i18n import _

log = logging.getLogger("salesdesk.ui")


def message_for(exc: BaseException) -> tuple[str, str]:
    """The dialog's title and text for an error."""
    if isinstance(exc, ValidationError):
        lines = "\n".join(f"• {p}" for p in exc.problems)
        return _("Please check"), lines
    if isinstance(exc, PermissionDenied):
        return _("Not allowed"), exc.message
    if isinstance(exc, ConflictError):
        return _("Changed by somebody else"), exc.message
    if isinstance(exc, AuthenticationError):
        return _("Cannot log in"), exc.message
    if isinstance(exc, SalesDeskError):
        return _("SalesDesk"), exc.message
    return _("Something went wrong"), _("SalesDesk could not finish this. Nothing was "
                                        "half-saved. The details are in the log file.")


def show_error(parent: QWidget | None, exc: BaseException, trace: str | None = None) -> None:
    """Tell the user what happened (and log the unexpected)."""
    title, text = message_for(exc)
    box = QMessageBox(parent)
    box.setWindowTitle(title)
    box.setText(text)
    if isinstance(exc, SalesDeskError):
        box.setIcon(QMessageBox.Icon.Warning)
    else:
        box.setIcon(QMessageBox.Icon.Critical)
        path = write_log(exc, trace)
        box.setInformativeText(_("Log file: {path}").format(path=path))
        if trace:
            box.setDetailedText(trace)
    box.exec()


def write_log(exc: BaseException, trace: str | None) -> str:
    """Append the unexpected error to ``salesdesk.log`` in the data folder."""
    from salesdesk.paths import data_dir

    path = data_dir() / "salesdesk.log"
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(f"--- {clock.now().isoformat(timespec='seconds')} "
                 f"{type(exc).__name__}: {exc}\n{trace or ''}\n")
    log.error("unexpected error: %s", exc)
    return str(path)
