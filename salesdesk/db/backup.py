"""Consistent online backups, checked restores, and the integrity check.

On SQLite a backup goes through SQLite's online backup API: a consistent copy taken
while others keep working. On PostgreSQL the rows are copied into a SQLite file with
the same schema (a portable backup any SalesDesk can restore); ``pg_dump`` remains the
tool for server-level backups.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Engine,
    MetaData,
    bindparam,
    column,
    create_engine,
    delete,
    insert,
    inspect,
    select,
    table,
    text,
    type_coerce,
    update,
)

from salesdesk import clock
from salesdesk.db.engine import Database
from salesdesk.db.rollups import DERIVED_TABLES
from salesdesk.errors import DatabaseError
from salesdesk.i18n import _


def copy_rows(src_engine: Engine, dst_engine: Engine, batch: int = 5000) -> None:
    """Copy every row of every table both databases have, in foreign-key order.

    Values go through SalesDesk's own column types (UUIDs, money, UTC timestamps), so a
    PostgreSQL database copies into SQLite and back without loss. Self-references
    (a user's manager, a re-issued document) are filled in a second pass, so that the
    order of rows inside a table does not matter.
    """
    from salesdesk.db.models import Base

    src_meta, dst_meta = MetaData(), MetaData()
    src_meta.reflect(bind=src_engine)
    dst_meta.reflect(bind=dst_engine)
    with src_engine.connect() as s_conn, dst_engine.begin() as d_conn:
        for dst_table in dst_meta.sorted_tables:
            src_table = src_meta.tables.get(dst_table.name)
            if src_table is None or dst_table.name == "alembic_version":
                continue  # the destination's schema revision was set by its migrations
            if dst_table.name in DERIVED_TABLES:
                continue  # the destination's triggers make them from the rows copied
            model = Base.metadata.tables.get(dst_table.name)
            names = [c.name for c in dst_table.columns if c.name in src_table.c]

            def kind(name: str, _model: Any = model, _table: Any = dst_table) -> Any:
                if _model is not None and name in _model.c:
                    return _model.c[name].type
                return _table.c[name].type

            self_refs = [fk.parent.name for fk in dst_table.foreign_keys
                         if fk.column.table.name == dst_table.name and fk.parent.name in names]
            target = table(dst_table.name, *[column(n, kind(n)) for n in names])
            query = select(*[type_coerce(src_table.c[n], kind(n)).label(n) for n in names])
            deferred: list[dict[str, Any]] = []
            result = s_conn.execution_options(yield_per=batch).execute(query)
            for chunk in result.mappings().partitions(batch):
                rows = [dict(r) for r in chunk]
                if self_refs:
                    for row in rows:
                        refs = {k: row[k] for k in self_refs if row[k] is not None}
                        if refs:
                            deferred.append({"_id": row["id"], **refs})
                            row.update(dict.fromkeys(refs))
                d_conn.execute(insert(target), rows)
            for refs in deferred:
                row_id = refs.pop("_id")
                d_conn.execute(update(target).where(target.c.id == bindparam("_id_"))
                               .values(**refs), {"_id_": row_id})


def backup_to_file(db: Database, target: Path) -> Path:
    """Write a consistent copy of ``db`` to ``target`` (replaced atomically)."""
    from salesdesk.files import ENVIRONMENT_ERRORS, output_error

    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".salesdesk-backup-", dir=target.parent)
        os.close(fd)
    except OSError as exc:
        raise output_error(target, exc) from None
    tmp = Path(tmp_name)
    try:
        if db.is_sqlite:
            raw = db.engine.raw_connection()
            try:
                dst = sqlite3.connect(tmp)
                try:
                    raw.driver_connection.backup(dst)  # type: ignore[union-attr]
                    # A backup is one self-contained file: no -wal beside it.
                    dst.execute("PRAGMA journal_mode=DELETE")
                finally:
                    dst.close()
            finally:
                raw.close()
        else:
            from salesdesk.db.migrate import schema_state, upgrade

            dst_engine = create_engine(f"sqlite:///{tmp}")
            try:
                # The copy gets the source's own schema revision, created by the migrations.
                upgrade(dst_engine, schema_state(db.engine).revision or "head")
                copy_rows(db.engine, dst_engine)
            finally:
                dst_engine.dispose()
        os.replace(tmp, target)
    except ENVIRONMENT_ERRORS as exc:
        tmp.unlink(missing_ok=True)
        raise output_error(target, exc) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def default_backup_name(db: Database) -> str:
    """``salesdesk-2026-11-27-1530.backup`` style names."""
    stem = db.path.stem if db.path is not None else "salesdesk"
    return f"{stem}-{clock.now():%Y-%m-%d-%H%M%S}.backup"


def check_backup_file(path: Path) -> str:
    """Check that ``path`` is a healthy SalesDesk database this version can read.

    Returns its schema revision; raises :class:`DatabaseError` otherwise.
    """
    from salesdesk.db.migrate import (
        SQLITE_HEADER,
        known_revisions,
        preflight_sqlite_file,
        read_only_connection,
    )
    from salesdesk.db.schema import missing_tables, unexpected_triggers

    path = Path(path)
    if not path.is_file():
        raise DatabaseError(_("There is no backup file at {path}.").format(path=path))
    with open(path, "rb") as fh:
        if fh.read(16) != SQLITE_HEADER:
            raise DatabaseError(_("{path} is not a SalesDesk backup.").format(path=path))
    preflight_sqlite_file(path)
    conn = read_only_connection(path)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "alembic_version" not in tables or "users" not in tables:
            raise DatabaseError(_("{path} is not a SalesDesk backup.").format(path=path))
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        missing = missing_tables(row[0] if row else None, tables)
        if missing and (row[0] if row else None) in known_revisions():
            raise DatabaseError(_("{path} is not a SalesDesk backup (the table {table} is "
                                  "missing).").format(path=path, table=missing[0]))
        if conn.execute("SELECT count(*) FROM users").fetchone()[0] == 0:
            raise DatabaseError(_("{path} holds no users: it is not a usable backup.")
                                .format(path=path))
        if conn.execute("SELECT count(*) FROM company").fetchone()[0] == 0:
            raise DatabaseError(_("{path} holds no company: it is not a usable backup.")
                                .format(path=path))
        strangers = unexpected_triggers(dict(conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()),
            row[0] if row else None)
        if strangers:
            raise DatabaseError(_("{path} holds a trigger SalesDesk does not make "
                                  "({name}); it was not restored.").format(
                path=path, name=strangers[0]))
        damage = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        if damage != ["ok"]:
            raise DatabaseError(_("{path} is damaged (integrity check failed); it cannot be "
                                  "restored.").format(path=path))
    finally:
        conn.close()
    revision = row[0] if row else None
    if revision not in known_revisions():
        raise DatabaseError(_("{path} was made by a newer version of SalesDesk; update "
                              "SalesDesk to restore it.").format(path=path))
    return revision


def restore_from_file(db: Database, source: Path) -> Path:
    """Replace the contents of ``db`` with the backup ``source`` after checking it.

    The current contents are backed up first (the path is returned), and the restore
    itself is atomic: other connections see the old data or the new, never a mixture.
    """
    from salesdesk.db.migrate import head_revision, upgrade

    source = Path(source)
    revision = check_backup_file(source)
    _check_same_office(db, source)
    safety = (db.path.with_name(f"{db.path.name}.before-restore-{clock.now():%Y%m%d-%H%M%S}")
              if db.path is not None else None)
    if safety is None:
        from salesdesk.paths import backup_dir

        safety = backup_dir() / f"server-before-restore-{clock.now():%Y%m%d-%H%M%S}.sqlite"
    backup_to_file(db, safety)

    # Work on a private copy: the backup file itself is never modified, and an older
    # backup is upgraded in the copy before it replaces anything.
    with tempfile.TemporaryDirectory() as tmpdir:
        work = Path(tmpdir) / "restore.sqlite"
        from salesdesk.db.migrate import read_only_connection

        src = read_only_connection(source)
        dst = sqlite3.connect(work)
        try:
            src.backup(dst)
        finally:
            src.close()
            dst.close()
        if revision != head_revision():
            work_engine = create_engine(f"sqlite:///{work}")
            try:
                upgrade(work_engine)
            finally:
                work_engine.dispose()
        # The file's rollup and client index are the file's say: the metrics count from
        # its records, and the client list chooses what the head sees (live or deleted)
        # from the index's rows, so both are made again from the records.
        from salesdesk.db import rollups
        from salesdesk.db.schema import CLIENT_SEARCH_FILL

        rebuild = sqlite3.connect(work)
        try:
            with rebuild:
                for statement in (*rollups.FILL, *CLIENT_SEARCH_FILL):
                    rebuild.execute(statement)
        finally:
            rebuild.close()
        if db.is_sqlite:
            db.dispose()
            src = sqlite3.connect(work)
            raw = db.engine.raw_connection()
            try:
                src.backup(raw.driver_connection)  # type: ignore[arg-type]
            finally:
                raw.close()
                src.close()
            db.dispose()
        else:
            src_engine = create_engine(f"sqlite:///{work}")
            try:
                meta = MetaData()
                meta.reflect(bind=db.engine)
                with db.engine.begin() as conn:
                    for each in reversed(meta.sorted_tables):
                        if each.name != "alembic_version":
                            conn.execute(delete(each))
                    # Self-references first, so rows can go in any order.
                    for each in meta.sorted_tables:
                        refs = [fk.parent.name for fk in each.foreign_keys
                                if fk.column.table.name == each.name]
                        if refs:
                            conn.execute(update(each).values(dict.fromkeys(refs)))
                copy_rows(src_engine, db.engine)
            finally:
                src_engine.dispose()
    return safety


def _identity(rows: list[tuple[Any, ...]]) -> Any:
    return rows[0][0] if rows else None


def _check_same_office(db: Database, source: Path) -> None:
    """A backup goes back only over its own office: the same company, and a laptop's
    database never over the office's (the head could not even log in to undo it)."""
    from salesdesk.db.migrate import read_only_connection

    conn = read_only_connection(source)
    try:
        theirs = _identity(conn.execute("SELECT id FROM company").fetchall())
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        their_kind = (_identity(conn.execute("SELECT kind FROM sync_sites WHERE is_self = 1")
                                .fetchall()) if "sync_sites" in tables else None) or "office"
    finally:
        conn.close()
    with db.engine.connect() as here:
        ours = _identity(here.execute(text("SELECT id FROM company")).fetchall())
        names = set(inspect(here).get_table_names())
        our_kind = (_identity(here.execute(text(
            "SELECT kind FROM sync_sites WHERE is_self = :yes"), {"yes": True}).fetchall())
            if "sync_sites" in names else None) or "office"
    if ours is not None and theirs is not None and uuid.UUID(str(ours)) != uuid.UUID(
            str(theirs)):
        raise DatabaseError(_("{path} is a backup of another office's database; it was not "
                              "restored.").format(path=source))
    if their_kind == "replica" and our_kind == "office":
        raise DatabaseError(_("{path} is a laptop's database, not a backup of the office; it "
                              "was not restored.").format(path=source))


def integrity_problems(db: Database) -> list[str]:
    """What ``salesdesk check`` reports: storage integrity, foreign keys, schema version."""
    from salesdesk.db.migrate import head_revision, schema_state

    problems: list[str] = []
    with db.engine.connect() as conn:
        if db.is_sqlite:
            rows = [r[0] for r in conn.execute(text("PRAGMA integrity_check"))]
            if rows != ["ok"]:
                problems.extend(_("integrity: {row}").format(row=r) for r in rows[:20])
            for row in conn.execute(text("PRAGMA foreign_key_check")):
                problems.append(_("foreign key: table {table} row {rowid} refers to a missing "
                                  "{parent}").format(table=row[0], rowid=row[1], parent=row[2]))
    try:
        state = schema_state(db.engine)
    except DatabaseError as exc:
        return [*problems, _("schema: {problem}").format(problem=exc)]
    if state.revision != head_revision():
        problems.append(_("schema: revision {found}, expected {expected}").format(
            found=state.revision, expected=head_revision()))
    problems.extend(schema_problems(db))
    return problems


def schema_problems(db: Database) -> list[str]:
    """Every table and column of this SalesDesk's models that the database lacks."""
    from salesdesk.db.base import Base

    out: list[str] = []
    with db.engine.connect() as conn:
        inspector = inspect(conn)
        present = set(inspector.get_table_names())
        for model_table in Base.metadata.sorted_tables:
            if model_table.name not in present:
                out.append(_("schema: the table {table} is missing").format(
                    table=model_table.name))
                continue
            columns = {c["name"] for c in inspector.get_columns(model_table.name)}
            out.extend(_("schema: the column {table}.{column} is missing").format(
                table=model_table.name, column=c.name)
                for c in model_table.columns if c.name not in columns)
    return out
