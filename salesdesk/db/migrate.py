"""Opening a database safely: check what it is, back it up, upgrade its schema.

* A file that is not a SQLite database, or is corrupt, is refused with a message and
  never modified: it is examined through a read-only connection before SalesDesk's
  engine (which switches the file to WAL) ever touches it.
* A SQLite database without SalesDesk's schema is refused.
* An older SalesDesk database is backed up next to itself, then upgraded.
* A database from a newer SalesDesk (a revision this version does not know) is refused.
"""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, column, inspect, select, table
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from salesdesk import clock
from salesdesk.db.engine import Database, create_db_engine, sqlite_path, to_url
from salesdesk.errors import DatabaseError
from salesdesk.i18n import _

SQLITE_HEADER = b"SQLite format 3\x00"
VERSION_TABLE = "alembic_version"


def alembic_config() -> Any:
    """Alembic's configuration pointing at the migrations inside the package."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", "salesdesk.db:migrations")
    return cfg


def head_revision() -> str:
    """The schema revision this SalesDesk writes."""
    from salesdesk.db.schema import HEAD

    return HEAD


def known_revisions() -> set[str]:
    """Every revision this SalesDesk knows (older ones can be upgraded)."""
    from salesdesk.db.schema import KNOWN

    return set(KNOWN)


@dataclass(frozen=True)
class SchemaState:
    """What a database holds: ``empty``, ``current``, ``older``, ``newer`` or ``foreign``."""

    status: str
    revision: str | None


def read_only_connection(path: Path) -> sqlite3.Connection:
    """A connection that never writes, even beside the file: on a medium that cannot be
    written, WAL's shared-memory file cannot be made, so the file is read as immutable."""
    uri = path.resolve().as_uri() + "?mode=ro"
    conn = sqlite3.connect(uri, uri=True)
    try:
        conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
        return conn
    except sqlite3.OperationalError:
        conn.close()
        return sqlite3.connect(uri + "&immutable=1", uri=True)


def preflight_sqlite_file(path: Path) -> SchemaState:
    """Refuse, without writing a byte, a file that is not a healthy SQLite database;
    classify a healthy one through a read-only connection."""
    try:
        with open(path, "rb") as fh:
            header = fh.read(16)
    except OSError as exc:
        raise DatabaseError(_("Cannot read {path}: {reason}").format(
            path=path, reason=exc.strerror)) from exc
    if len(header) == 0:
        # An empty file is an empty database: `init` may create the schema in it.
        return SchemaState("empty", None)
    if header != SQLITE_HEADER:
        raise DatabaseError(_("{path} is not a SalesDesk database (not a SQLite file).")
                            .format(path=path))
    try:
        conn = read_only_connection(path)
    except sqlite3.Error as exc:
        raise DatabaseError(_("{path} cannot be opened: {reason}").format(
            path=path, reason=exc)) from exc
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
        if rows != [("ok",)]:
            raise DatabaseError(_("{path} is damaged (integrity check failed); restore it from "
                                  "a backup. It was not changed.").format(path=path))
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not tables:
            return SchemaState("empty", None)
        if VERSION_TABLE not in tables:
            return SchemaState("foreign", None)
        row = conn.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchone()
        return _whole(_classify(row[0] if row else None), tables, path)
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(_("{path} is damaged or not a database ({reason}); it was not "
                              "changed.").format(path=path, reason=exc)) from exc
    finally:
        conn.close()


def schema_state(engine: Engine) -> SchemaState:
    """Classify the database behind ``engine`` (read-only)."""
    with engine.connect() as conn:
        names = set(inspect(conn).get_table_names())
        if not names:
            return SchemaState("empty", None)
        if VERSION_TABLE not in names:
            return SchemaState("foreign", None)
        versions = table(VERSION_TABLE, column("version_num"))
        revision = conn.execute(select(versions.c.version_num)).scalar()
    return _whole(_classify(revision), names, engine.url.render_as_string())


def _whole(state: SchemaState, tables: set[str], name: object) -> SchemaState:
    """A database that names a known revision must hold that revision's tables: without
    most of them it is another program's (its own Alembic at "0001", say), and it is
    refused untouched; without a few it is a damaged SalesDesk database."""
    from salesdesk.db.schema import TABLES, missing_tables

    if state.status not in ("current", "older"):
        return state
    missing = missing_tables(state.revision, tables)
    if not missing:
        return state
    expected = TABLES[state.revision or ""]
    if len(missing) * 2 >= len(expected) or "company" in missing or "users" in missing:
        return SchemaState("foreign", state.revision)
    raise DatabaseError(_("{name} is not a whole SalesDesk database: the table {table} is "
                          "missing. Restore it from a backup; it was not changed.").format(
        name=name, table=missing[0]))


def _classify(revision: str | None) -> SchemaState:
    if revision is None:
        return SchemaState("foreign", None)
    if revision == head_revision():
        return SchemaState("current", revision)
    if revision in known_revisions():
        return SchemaState("older", revision)
    return SchemaState("newer", revision)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the migrations up to ``revision`` in one transaction."""
    from alembic import command

    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def _backup_before_upgrade(db: Database, revision: str) -> Path | None:
    from salesdesk.db.backup import backup_to_file

    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    if db.path is not None:
        target = db.path.with_name(f"{db.path.name}.before-upgrade-{revision}-{stamp}")
    else:
        from salesdesk.paths import backup_dir

        target = backup_dir() / f"server-before-upgrade-{revision}-{stamp}.sqlite"
    backup_to_file(db, target)
    return target


def _writable(path: Path) -> bool:
    """Whether SalesDesk can write the file and beside it (WAL mode keeps two files next
    to the database): tried, since permissions do not tell a read-only medium for root."""
    import os
    import tempfile

    if not os.access(path, os.W_OK):
        return False
    try:
        with tempfile.TemporaryFile(dir=path.parent):
            pass
    except OSError:
        return False
    return True


def _refuse(state: SchemaState, name: object) -> None:
    if state.status == "foreign":
        raise DatabaseError(_("{name} is not a SalesDesk database.").format(name=name))
    if state.status == "newer":
        raise DatabaseError(_("{name} was made by a newer version of SalesDesk (schema "
                              "{revision}). Update SalesDesk to open it; it was not changed.")
                            .format(name=name, revision=state.revision))


def open_database(path_or_url: str | Path, create: bool = False,
                  upgrade_older: bool = True) -> Database:
    """Open a SalesDesk database, creating it only when ``create`` is true.

    Raises :class:`DatabaseError` with a message for every database it refuses.
    """
    url = to_url(path_or_url)
    path = sqlite_path(url)
    if path is not None:
        if not path.exists():
            if not create:
                raise DatabaseError(_("There is no database at {path}. Create one with "
                                      "'salesdesk init' or 'salesdesk demo'.").format(path=path))
            if not path.parent.exists():
                raise DatabaseError(_("The folder {folder} does not exist.").format(
                    folder=path.parent))
        else:
            _refuse(preflight_sqlite_file(path), path)
    read_only = path is not None and path.exists() and not _writable(path)
    try:
        engine = create_db_engine(url, read_only=read_only)
        db = Database(url, engine, read_only=read_only)
        state = schema_state(engine)
    except DBAPIError as exc:
        raise DatabaseError(_("Cannot open the database {name}: {reason}").format(
            name=path or url, reason=str(exc.orig).splitlines()[0])) from exc
    except (ArgumentError, NoSuchModuleError) as exc:
        raise DatabaseError(_("{url} is not a database SalesDesk can open: give a file path "
                              "or a postgresql+psycopg:// URL.").format(url=url)) from exc
    except Exception as exc:
        if path is None and "psycopg" in str(exc):
            raise DatabaseError(_("Cannot connect to the database server: {reason}").format(
                reason=exc)) from exc
        raise
    if state.status in ("foreign", "newer"):
        db.dispose()
        _refuse(state, path or url)
    if read_only and state.status != "current":
        db.dispose()
        raise DatabaseError(_("{name} is on a medium that cannot be written and needs an "
                              "upgrade first: copy it to a disk and open the copy.").format(
            name=path))
    if state.status == "empty":
        if not create:
            db.dispose()
            raise DatabaseError(_("{name} is empty. Create a database with 'salesdesk init'.")
                                .format(name=path or url))
        upgrade(engine)
    elif state.status == "older":
        if not upgrade_older:
            db.dispose()
            raise DatabaseError(_("{name} needs an upgrade of its schema.").format(
                name=path or url))
        _backup_before_upgrade(db, state.revision or "unknown")
        from alembic.util.exc import CommandError

        try:
            upgrade(engine)
        except (CommandError, DBAPIError) as exc:
            db.dispose()
            raise DatabaseError(_("Upgrading {name} failed ({reason}); it was left as it was.")
                                .format(name=path or url, reason=exc)) from exc
    if not read_only:
        from salesdesk.db.statistics import keep_current

        # Busy, or a full disk: the plans are slower until the next open, nothing is wrong.
        with contextlib.suppress(DBAPIError):
            keep_current(engine)
    return db
