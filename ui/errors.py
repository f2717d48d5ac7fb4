"""Errors become dialogs here, in one place (the Anki ``errors.py`` habit).

A user's mistake (validation, permission, conflict, a refused database) gets a short
message that says what to do; anything unexpected gets an apology, the details behind a
button, and a line in the log file — never a traceback in the user's face.
"""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

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


def _excepthook(kind: type[BaseException], exc: BaseException,
                trace: TracebackType | None) -> None:
    """An exception nothing caught (in a slot, a timer, a paint): the one error dialog,
    not a traceback on a console the user does not see (or a silent abort)."""
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, exc, trace)
        return
    text = "".join(traceback.format_exception(kind, exc, trace))
    try:
        # Looked up by name at each call: the tests collect errors by replacing it.
        sys.modules[__name__].show_error(None, exc, text)
    except Exception:  # the dialog itself failed: at least the log and stderr have it
        sys.__excepthook__(kind, exc, trace)


def install_excepthook() -> None:
    """Route every uncaught exception of the window to :func:`show_error`."""
    sys.excepthook = _excepthook
