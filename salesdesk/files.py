"""Writing files people asked for (exports, PDFs, reports, backups, bundles, replicas):
whole or not at all, and a failure of the disk said in one line.

Everything is written to a temporary file in the target's own folder and renamed over
the target when complete, so that a full disk or a killed program never leaves half a
file under the name the user gave. A failure of the environment (the disk is full, the
folder is read-only or missing, permission is denied) becomes an :class:`OutputError`
that names the path and the cause in the user's language.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

from salesdesk.errors import SalesDeskError
from salesdesk.i18n import _


class OutputError(SalesDeskError):
    """A file could not be written (or read) because of the environment."""


def cause_of(exc: BaseException) -> str:
    """What went wrong with the disk, in words a user reads."""
    code = getattr(exc, "errno", None)
    text = str(exc).lower()
    if code == errno.ENOSPC or "disk is full" in text or "no space" in text:
        return _("the disk is full")
    if code == errno.EROFS or "read-only" in text or "readonly" in text:
        return _("the disk or folder is read-only")
    if code in (errno.EACCES, errno.EPERM) or "permission denied" in text:
        return _("permission denied")
    if code == errno.ENOENT:
        return _("the folder does not exist")
    if code == errno.ENOTDIR:
        return _("a part of the path is not a folder")
    if code == errno.EISDIR:
        return _("it is a folder, not a file")
    if code == errno.EDQUOT:
        return _("the disk quota is used up")
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def output_error(path: Path | str, exc: BaseException) -> OutputError:
    """The one-line error for a file that could not be written."""
    return OutputError(_("Cannot write {path}: {cause}.").format(path=path,
                                                                 cause=cause_of(exc)))


ENVIRONMENT_ERRORS = (OSError, sqlite3.OperationalError, sqlite3.DatabaseError)


def _existing_folder(target: Path) -> Path:
    """The target's folder, or the one-line error when it does not exist."""
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(_("Cannot write {path}: {cause}.").format(
            path=target, cause=_("the folder does not exist")))
    return folder


def check_folder(path: Path | str) -> None:
    """Refuse, naming the cause, a target whose folder is missing or cannot be written
    (found by writing a probe file there: the only test that tells a read-only medium,
    a full disk and missing permissions apart, for root as for anyone)."""
    target = Path(path)
    folder = _existing_folder(target)
    try:
        with tempfile.TemporaryFile(dir=folder) as probe:
            probe.write(b"\0" * 4096)
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as exc:
        raise output_error(target, exc) from None


@contextlib.contextmanager
def atomic_target(path: Path | str) -> Iterator[Path]:
    """A temporary path beside ``path`` to write to; renamed over ``path`` when the block
    ends without an error, removed otherwise. Errors of the environment are raised as
    :class:`OutputError` naming ``path``."""
    target = Path(path)
    folder = _existing_folder(target)
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=folder)
        os.close(fd)
    except OSError as exc:
        raise output_error(target, exc) from None
    tmp = Path(name)
    try:
        yield tmp
        os.replace(tmp, target)
    except ENVIRONMENT_ERRORS as exc:
        raise output_error(target, exc) from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def write_atomically(path: Path | str, data: bytes) -> Path:
    """Write ``data`` to ``path`` whole or not at all (see :func:`atomic_target`)."""
    with atomic_target(path) as tmp, open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    return Path(path)
