"""Backup and restore, for the head (DOMAIN.md: "backup and restore ... head")."""

from __future__ import annotations

from pathlib import Path

from salesdesk import policy
from salesdesk.auth import Actor
from salesdesk.db.backup import backup_to_file, default_backup_name, restore_from_file
from salesdesk.db.engine import Database
from salesdesk.policy import Action
from salesdesk.services.base import reading


def backup(db: Database, actor: Actor, target: Path | None = None) -> Path:
    """Write a consistent backup; by default next to the database (or in the data folder)."""
    with reading(db, actor) as ctx:
        policy.require(ctx, Action.BACKUP)
    if target is None:
        from salesdesk.paths import data_dir

        folder = db.path.parent if db.path is not None else data_dir()
        target = folder / default_backup_name(db)
    return backup_to_file(db, target)


def restore(db: Database, actor: Actor, source: Path) -> Path:
    """Restore a checked backup; returns where the previous contents were saved."""
    with reading(db, actor) as ctx:
        policy.require(ctx, Action.RESTORE)
    return restore_from_file(db, source)
