"""Where SalesDesk keeps its data on this computer (platformdirs)."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "SalesDesk"


def data_dir() -> Path:
    """The user data folder (created on first use)."""
    from platformdirs import user_data_dir

    path = Path(os.environ.get("SALESDESK_DATA_DIR") or user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_database() -> str:
    """``SALESDESK_DB`` if set, else ``salesdesk.db`` in the user data folder."""
    env = os.environ.get("SALESDESK_DB")
    if env:
        return env
    return str(data_dir() / "salesdesk.db")


def demo_database() -> Path:
    """The demo database opened by ``salesdesk --demo``."""
    return data_dir() / "demo.db"


def backup_dir() -> Path:
    """Where backups of a server database go before a sync import or a restore:
    ``SALESDESK_BACKUP_DIR`` if set (a folder the office backs up, say), else ``backups/``
    in the user data folder."""
    env = os.environ.get("SALESDESK_BACKUP_DIR")
    return Path(env).expanduser() if env else data_dir() / "backups"
