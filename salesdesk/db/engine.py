"""One place that opens a database, and the unit of work every service writes through.

SQLite gets the settings of ARCHITECTURE.md on every connection (WAL, synchronous=FULL,
foreign keys, busy timeout) and write transactions that begin with ``BEGIN IMMEDIATE``:
a deferred transaction that reads and then writes fails at once with "database is
locked" when another connection committed in between, and ``busy_timeout`` cannot
rescue it. PostgreSQL gets none of this and runs the same code.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from salesdesk.errors import ConflictError, DatabaseError
from salesdesk.i18n import _

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=5000",
    # 64 MB of page cache instead of SQLite's 2 MB: random UUID keys and 100,000-row
    # lists touch many pages; a desktop can afford it.
    "PRAGMA cache_size=-65536",
)


def to_url(path_or_url: str | Path) -> str:
    """A SQLAlchemy URL from a file path (SQLite) or a URL given as is."""
    text = str(path_or_url)
    if "://" in text:
        return text
    return "sqlite:///" + str(Path(text).expanduser().resolve())


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL, ``None`` for other databases or in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    if not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _install_sqlite_settings(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below emit BEGIN itself (the pysqlite driver
        # would otherwise start deferred transactions on its own).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


class Database:
    """An open SalesDesk database: its engine and sessions for reading and writing.

    Open one with :func:`salesdesk.db.migrate.open_database`, which checks and upgrades
    the schema first.
    """

    def __init__(self, url: str, engine: Engine, read_only: bool = False) -> None:
        self.url = url
        self.engine = engine
        self.is_sqlite = engine.dialect.name == "sqlite"
        self.path = sqlite_path(url)
        self.read_only = read_only
        """Opened from a medium that cannot be written: every write is refused."""
        write_engine = (engine.execution_options(sqlite_begin="IMMEDIATE")
                        if self.is_sqlite else engine)
        self._read = sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)
        self._write = sessionmaker(bind=write_engine, expire_on_commit=False, autoflush=True)
        from salesdesk import audit
        from salesdesk.sync import capture

        audit.install(self._write)
        capture.install(self._write)

    @property
    def display_name(self) -> str:
        """The file name, or the server and database name (for the status bar)."""
        if self.path is not None:
            return self.path.name
        parsed = make_url(self.url)
        return f"{parsed.host or 'localhost'}/{parsed.database}"

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; nothing it does is committed.

        Closing (not rolling back) leaves the loaded objects' attributes readable.
        """
        session = self._read()
        try:
            yield session
        finally:
            session.close()

    def unit_of_work(self, actor_id: uuid.UUID | None = None) -> UnitOfWork:
        """A write transaction that rolls back unless :meth:`UnitOfWork.commit` is called."""
        return UnitOfWork(self, actor_id)

    def new_write_session(self) -> Session:
        """A bare write session (``BEGIN IMMEDIATE`` on SQLite); prefer the unit of work."""
        return self._write()

    def dispose(self) -> None:
        """Close every pooled connection (before a file is replaced or deleted)."""
        self.engine.dispose()


class UnitOfWork:
    """``with db.unit_of_work(actor) as uow: ...; uow.commit()``.

    Everything done through ``uow.session`` is one transaction. Leaving the block
    without ``commit()`` (or by an exception) rolls it all back, so nothing is ever
    half-saved. A stale version on flush becomes :class:`ConflictError`.
    """

    def __init__(self, db: Database, actor_id: uuid.UUID | None) -> None:
        self.db = db
        self.actor_id = actor_id
        self.session: Session = db.new_write_session()
        self.session.info["actor_id"] = actor_id
        self._committed = False

    def __enter__(self) -> UnitOfWork:
        if self.db.read_only:
            self.session.close()
            raise DatabaseError(_("The database is on a medium that cannot be written (it "
                                  "was opened read-only): nothing can be changed in it."))
        # Start the write transaction now (BEGIN IMMEDIATE on SQLite): reads made in
        # this unit of work see the state the writes will be applied to.
        try:
            self.session.connection()
        except DBAPIError as exc:
            self.session.close()
            raise translate_db_error(exc) from exc
        return self

    def flush(self) -> None:
        """Send pending changes now (to get ids, or to surface a conflict early)."""
        try:
            self.session.flush()
        except StaleDataError as exc:
            raise _conflict() from exc
        except DBAPIError as exc:
            raise translate_db_error(exc) from exc

    def commit(self) -> None:
        """Make everything done in this unit of work durable."""
        try:
            self.session.commit()
        except StaleDataError as exc:
            self.session.rollback()
            raise _conflict() from exc
        except DBAPIError as exc:
            self.session.rollback()
            raise translate_db_error(exc) from exc
        self._committed = True

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if not self._committed:
            self.session.rollback()
        self.session.close()
        if isinstance(exc, StaleDataError):
            raise _conflict() from exc


def _conflict() -> ConflictError:
    return ConflictError(_("Somebody changed this record while you were editing it. "
                           "Nothing was saved: reload it and make your change again."))


def translate_db_error(exc: DBAPIError) -> DatabaseError:
    """A message a user can act on for the database errors they can cause."""
    text = str(exc.orig).lower() if exc.orig is not None else str(exc).lower()
    if "locked" in text or "busy" in text:
        return DatabaseError(_("The database is busy with another program's work. "
                               "Try again in a moment."))
    if "readonly" in text or "read-only" in text:
        return DatabaseError(_("The database file is read-only: check its permissions."))
    if "disk" in text and "full" in text:
        return DatabaseError(_("The disk is full: nothing was saved."))
    return DatabaseError(_("The database refused the change: {detail}").format(
        detail=str(exc.orig or exc).splitlines()[0]))


def _json_dumps(value: Any) -> str:
    """JSON columns' text (the change log's rows, the audit's details, snapshots).

    orjson, not the standard library: a merge writes three JSON columns for each of
    10,000 changes, and ``json.dumps`` made them more slowly than SQLite wrote the rows.
    Keys that are not text are written as text, as ``json.dumps`` does.
    """
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


_json_loads = orjson.loads

JSON_OPTIONS = {"json_serializer": _json_dumps, "json_deserializer": _json_loads}
"""How every engine writes and reads JSON columns."""


def create_db_engine(url: str, read_only: bool = False) -> Engine:
    """An engine with SalesDesk's settings for the URL's database.

    ``read_only`` opens a SQLite file on a medium that cannot be written (a CD, a
    write-protected stick, a read-only share) as immutable: WAL mode needs to write
    beside the file, so such a file could not even be read otherwise.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if read_only and parsed.database:
            import sqlite3

            location = Path(parsed.database).resolve().as_uri() + "?mode=ro&immutable=1"

            def connect() -> Any:
                return sqlite3.connect(location, uri=True, check_same_thread=False)

            engine = create_engine("sqlite://", creator=connect, **JSON_OPTIONS)
            _install_read_only_settings(engine)
            return engine
        engine = create_engine(url, connect_args={"timeout": 5, "check_same_thread": False},
                               **JSON_OPTIONS)
        _install_sqlite_settings(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **JSON_OPTIONS)


def _install_read_only_settings(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA cache_size=-65536")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")  # no IMMEDIATE: nothing is ever written here
