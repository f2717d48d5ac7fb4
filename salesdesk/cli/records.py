"""``demo``, ``import`` and ``export``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from salesdesk.cli.common import EXIT_OK, EXIT_REFUSED, acting_user, database_location, open_db
from salesdesk.errors import SalesDeskError
from salesdesk.i18n import _, ngettext


def cmd_demo(args: argparse.Namespace) -> int:
    """Create a database full of demo data."""
    from salesdesk.db.engine import sqlite_path, to_url
    from salesdesk.db.migrate import open_database
    from salesdesk.demo import build_demo

    location = database_location(args)
    path = sqlite_path(to_url(location))
    if path is not None and path.exists():
        if not args.replace:
            raise SalesDeskError(_("{path} already exists; choose another --db or add --replace "
                                   "to overwrite it.").format(path=path))
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    started = time.monotonic()
    db = open_database(location, create=True)

    def progress(stage: str, done: int, total: int) -> None:
        if sys.stderr.isatty():
            print(f"\r{stage}: {done}/{total}   ", end="", file=sys.stderr, flush=True)

    try:
        summary = build_demo(db, seed=args.seed, size=args.size, progress=progress)
    except BaseException:
        db.dispose()
        if path is not None:
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
        raise
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(_("Demo database {db} made in {seconds:.1f} s: {clients} clients, {activities} "
            "activities, {deals} deals.").format(
        db=db.display_name, seconds=time.monotonic() - started,
        clients=summary.counts.get("clients", 0), activities=summary.counts.get("activities", 0),
        deals=summary.counts.get("deals", 0)))
    print(_("Log in as one of these users; every password is '{password}':").format(
        password=summary.password))
    for login, name, role in summary.logins:
        print(f"  {login:<10} {name} ({role})")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    """Import a CSV or XLSX file: the columns recognised (or given with --map) are
    printed first, so a wrong guess is seen before anything else."""
    from salesdesk.importer import ImportRefused, import_file

    db = open_db(args)
    actor = acting_user(args, db)
    if args.kind == "all":
        from salesdesk.workbook import import_all

        counts = import_all(db, actor, Path(args.file))
        print(_("{count} rows from {sheets} sheets imported from {file}.").format(
            count=sum(counts.values()), sheets=len(counts), file=args.file))
        return EXIT_OK
    try:
        report = import_file(db, actor, args.kind, Path(args.file),
                             skip_invalid=args.skip_invalid, mapping=args.map,
                             owner=args.owner, update=args.update, dry_run=args.dry_run)
    except ImportRefused as exc:
        if exc.mapping:
            print(_("{file}: columns: {mapping}").format(file=Path(args.file).name,
                                                        mapping=exc.mapping), file=sys.stderr)
        for problem in exc.problems:
            print(str(problem), file=sys.stderr)
        if exc.rows and not args.skip_invalid:
            print(_("Nothing was imported: fix the rows above, or add --skip-invalid to import "
                    "the valid rows."), file=sys.stderr)
        else:
            print(_("Nothing was imported."), file=sys.stderr)
        return EXIT_REFUSED
    for line in report.lines()[:-1]:
        print(line, file=sys.stderr)
    print(report.lines()[-1])
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    """Export what the caller may see: one kind, or the whole office (``all``)."""
    from salesdesk.exporter import export_file
    from salesdesk.record_kinds import EXPORT_FORMAT_KINDS as IMPORT_FORMAT_KINDS
    from salesdesk.workbook import export_all, export_table

    db = open_db(args)
    actor = acting_user(args, db)
    if args.kind == "all":
        counts = export_all(db, actor, Path(args.file), args.headers)
        print(_("{count} rows in {sheets} sheets written to {file}.").format(
            count=sum(counts.values()), sheets=len(counts), file=args.file))
        return EXIT_OK
    if args.kind in IMPORT_FORMAT_KINDS:
        count = export_file(db, actor, args.kind, Path(args.file))
    else:
        count = export_table(db, actor, args.kind, Path(args.file), args.headers)
    print(ngettext("{count} row written to {file}.", "{count} rows written to {file}.",
                   count).format(count=count, file=args.file))
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add this module's commands to the parser."""
    p = sub.add_parser("demo", help=_("create a database full of demo data"))
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--size", choices=["small", "large"], default="small")
    p.add_argument("--replace", action="store_true", help=_("overwrite an existing file"))
    p.set_defaults(func=cmd_demo)

    from salesdesk.record_kinds import IMPORT_KINDS

    p = sub.add_parser("import", help=_("import a CSV or XLSX file"))
    p.add_argument("kind", choices=[*IMPORT_KINDS, "all"],
                   help=_("'all': an office workbook ('export all') into an empty database"))
    p.add_argument("file")
    p.add_argument("--skip-invalid", action="store_true",
                   help=_("import the valid rows and report the bad ones"))
    p.add_argument("--map", metavar='"COLUMN=field,..."',
                   help=_("which column is which field ('-' leaves a column out); without "
                          "it the recognised columns are used and printed"))
    p.add_argument("--owner", metavar="USER",
                   help=_("owner of the rows that name none (a login, full name or e-mail; "
                          "default: you)"))
    p.add_argument("--update", action="store_true",
                   help=_("change the records a row matches (by INN, e-mail or name)"))
    p.add_argument("--dry-run", action="store_true", dest="dry_run",
                   help=_("report what would be created, updated and refused; write nothing"))
    p.set_defaults(func=cmd_import)

    from salesdesk.record_kinds import EXPORT_FORMAT_KINDS as IMPORT_FORMAT_KINDS
    from salesdesk.record_kinds import TABLE_KINDS

    p = sub.add_parser("export", help=_("export what you may see to CSV or XLSX"))
    p.add_argument("kind", choices=[*IMPORT_FORMAT_KINDS, *TABLE_KINDS, "all"],
                   help=_("'all': the whole office in one workbook, a sheet per kind"))
    p.add_argument("file")
    p.add_argument("--headers", choices=["keys", "ru", "en"], default="keys",
                   help=_("column names: field keys (default), Russian or English"))
    p.set_defaults(func=cmd_export)
