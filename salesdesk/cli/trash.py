"""``trash list|restore``: deleted records, and bringing one back.

``trash list`` shows what the acting user may restore (their own, their team's, or
everything for the head), newest deletion first; ``trash restore KIND ID`` brings one
back (the id as listed: its first eight characters are enough when they are unique).
"""

from __future__ import annotations

import argparse
import json

from salesdesk.cli.common import EXIT_OK, acting_user, open_db, print_table
from salesdesk.errors import NotFoundError
from salesdesk.i18n import _, format_date
from salesdesk.services.trash import KINDS, list_trash, restore


def cmd_list(args: argparse.Namespace) -> int:
    """The deleted records the user may restore."""
    db = open_db(args)
    items = list_trash(db, acting_user(args, db), args.kind)
    if args.json:
        print(json.dumps([{"kind": i.kind, "id": str(i.id), "title": i.title,
                           "client": i.client_name, "deleted_at": i.deleted_at.isoformat()}
                          for i in items], ensure_ascii=False, indent=2))
        return EXIT_OK
    if not items:
        print(_("The trash is empty."))
        return EXIT_OK
    print_table([_("Kind"), _("Id"), _("Name"), _("Client"), _("Deleted")],
                [[i.kind, str(i.id)[:8], i.title, i.client_name or "",
                  format_date(i.deleted_at.date())] for i in items])
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    """Bring one record back."""
    db = open_db(args)
    actor = acting_user(args, db)
    record_id = args.id
    if len(record_id) < 32:  # a short id, as listed: unique among the kind's trash
        found = [i.id for i in list_trash(db, actor, args.kind, limit=100_000)
                 if str(i.id).startswith(record_id.lower())]
        if len(found) != 1:
            raise NotFoundError(_("No single deleted record of '{kind}' has an id beginning "
                                  "with '{id}' (see 'trash list').").format(
                kind=args.kind, id=record_id))
        record_id = str(found[0])
    item = restore(db, actor, args.kind, record_id)
    print(_("Restored: {kind} «{title}».").format(kind=item.kind_label, title=item.title))
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``trash`` and its commands to the parser."""
    p = sub.add_parser("trash", help=_("deleted records, and bringing them back"))
    commands = p.add_subparsers(dest="trash_command", required=True, metavar="COMMAND")
    q = commands.add_parser("list", help=_("the deleted records you may restore"))
    q.add_argument("--kind", choices=list(KINDS), help=_("only this kind of record"))
    q.add_argument("--json", action="store_true", help=_("one JSON list on stdout"))
    q.set_defaults(func=cmd_list)
    q = commands.add_parser("restore", help=_("bring a deleted record back"))
    q.add_argument("kind", choices=list(KINDS), help=_("the kind of record"))
    q.add_argument("id", help=_("its id, as 'trash list' shows it"))
    q.set_defaults(func=cmd_restore)
