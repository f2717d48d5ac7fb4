"""``salesdesk replica`` and ``salesdesk sync``: offline laptops."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from salesdesk.cli.common import EXIT_OK, acting_user, open_db
from salesdesk.i18n import _, format_date, ngettext


def cmd_replica_create(args: argparse.Namespace) -> int:
    """A laptop database for one user."""
    from salesdesk.services import sync

    db = open_db(args)
    made = sync.create_replica(db, acting_user(args, db), args.for_login, Path(args.output))
    print(_("Replica for {login} written to {file}. Open it on the laptop with "
            "'salesdesk --db {file}'.").format(login=args.for_login, file=made.path))
    left = sync.left_behind_text(made.left_behind)
    if left:
        print(left)
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    """Write a bundle of the changes the other side has not acknowledged."""
    from salesdesk.services import sync

    db = open_db(args)
    result = sync.export_bundle(db, acting_user(args, db), Path(args.output), args.for_login)
    print(result.summary())
    return EXIT_OK


def _report_import(result: object) -> None:
    from salesdesk.services.sync import ImportResult

    assert isinstance(result, ImportResult)
    print(result.summary())
    if not result.applied:
        return
    if result.conflicts:
        print(ngettext("{n} conflict to resolve: see 'salesdesk sync conflicts'.",
                       "{n} conflicts to resolve: see 'salesdesk sync conflicts'.",
                       result.conflicts).format(n=result.conflicts))
    if result.backup is not None:
        print(_("The database was backed up first to {file}.").format(file=result.backup))


def cmd_import(args: argparse.Namespace) -> int:
    """Merge a bundle: all of it or nothing."""
    from salesdesk.services import sync

    db = open_db(args)
    _report_import(sync.import_bundle(db, acting_user(args, db), Path(args.file)))
    return EXIT_OK


def cmd_folder(args: argparse.Namespace) -> int:
    """Exchange bundles through a shared folder."""
    from salesdesk.services import sync

    db = open_db(args)
    result = sync.sync_folder(db, acting_user(args, db), Path(args.folder))
    for imported in result.imported:
        _report_import(imported)
    for exported in result.exported:
        print(exported.summary())
    for line in result.rejected_lines():
        print(f"salesdesk: {line}", file=sys.stderr)
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    """This database in the exchange."""
    from salesdesk.services import sync

    db = open_db(args)
    status = sync.sync_status(db, acting_user(args, db))
    kind = _("office database") if status.kind == "office" else _("replica")
    print(_("This database: {kind} ({site}).").format(kind=kind, site=status.site_id))
    for peer in status.peers:
        last = format_date(peer.last_import_at.date()) if peer.last_import_at else _("never")
        print(_("  {name}: last bundle in {last}, {n_in} changes; out {n_out}").format(
            name=peer.name, last=last, n_in=peer.last_in_count, n_out=peer.last_out_count))
    print(_("Changes made here not yet acknowledged: {n}").format(n=status.unsent))
    print(_("Open conflicts: {n}").format(n=status.open_conflicts))
    return EXIT_OK


def cmd_conflicts(args: argparse.Namespace) -> int:
    """The open conflicts."""
    from salesdesk.services import sync

    db = open_db(args)
    rows = sync.list_conflicts(db, acting_user(args, db))
    if not rows:
        print(_("No open conflicts."))
    for row in rows:
        print(f"{row.id}  {row.entity_label} «{row.title}»: {row.field_label}")
        for number, side in enumerate(row.sides, 1):
            who = _("here") if side.here else (side.user_name or "?")
            print(f"    {number}. {side.text}  ({who})")
        print("    " + _("choose: {choices}").format(choices=" | ".join(row.choices)))
    return EXIT_OK


def cmd_resolve(args: argparse.Namespace) -> int:
    """Decide one conflict."""
    from salesdesk.services import sync

    db = open_db(args)
    sync.resolve_conflict(db, acting_user(args, db), args.conflict, args.choice)
    print(_("Conflict resolved; the decision goes out with the next bundle."))
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add this module's commands to the parser."""
    p = sub.add_parser("replica", help=_("laptop databases for working offline"))
    kinds = p.add_subparsers(dest="replica_command", required=True, metavar="ACTION")
    q = kinds.add_parser("create", help=_("a laptop database for one user"))
    q.add_argument("--for", dest="for_login", required=True, metavar="LOGIN")
    q.add_argument("-o", "--output", required=True, metavar="FILE")
    q.set_defaults(func=cmd_replica_create)

    p = sub.add_parser("sync", help=_("exchange changes between the office and laptops"))
    actions = p.add_subparsers(dest="sync_command", required=True, metavar="ACTION")
    q = actions.add_parser("export", help=_("write a bundle of changes"))
    q.add_argument("-o", "--output", required=True, metavar="FILE")
    q.add_argument("--for", dest="for_login", metavar="LOGIN",
                   help=_("at the office: whose replica the bundle is for"))
    q.set_defaults(func=cmd_export)
    q = actions.add_parser("import", help=_("merge a bundle (all of it or nothing)"))
    q.add_argument("file")
    q.set_defaults(func=cmd_import)
    q = actions.add_parser("folder", help=_("exchange bundles through a shared folder"))
    q.add_argument("folder")
    q.set_defaults(func=cmd_folder)
    q = actions.add_parser("status", help=_("peers, last exchanges, open conflicts"))
    q.set_defaults(func=cmd_status)
    q = actions.add_parser("conflicts", help=_("the open conflicts"))
    q.set_defaults(func=cmd_conflicts)
    q = actions.add_parser("resolve", help=_("decide a conflict"))
    q.add_argument("conflict", help=_("the conflict's id"))
    q.add_argument("choice", help=_("a value's number, restore/keep-deleted, "
                                    "merge/keep-both"))
    q.set_defaults(func=cmd_resolve)
