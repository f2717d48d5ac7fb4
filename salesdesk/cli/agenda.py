"""``due``: what falls due in the coming days, for scripts and a morning look."""

from __future__ import annotations

import argparse

from salesdesk.cli.common import EXIT_OK, acting_user, open_db, print_json, print_table
from salesdesk.i18n import _


def cmd_due(args: argparse.Namespace) -> int:
    """Tasks, requests to answer, deliveries, invoices turning overdue and proposals
    running out, from today to ``--days`` ahead, overdue first."""
    from salesdesk.i18n import format_date
    from salesdesk.services.due import KINDS, due_items

    db = open_db(args)
    actor = acting_user(args, db)
    items = due_items(db, actor, days=args.days, everyone=args.everyone)
    if args.json:
        print_json([item.to_json() for item in items])
        return EXIT_OK
    if not items:
        print(_("Nothing falls due in the next {days} days.").format(days=args.days))
        return EXIT_OK
    rows = [[format_date(item.due), _("overdue") if item.overdue else "", _(KINDS[item.kind]),
             item.title[:60], item.client_name[:40]] for item in items]
    print_table([_("Due"), "", _("Kind"), _("Title"), _("Client")], rows)
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add this module's commands to the parser."""
    p = sub.add_parser("due", help=_("what falls due in the coming days (overdue first)"))
    p.add_argument("--days", type=int, default=7,
                   help=_("how many days ahead (default 7; 0: today and what is overdue)"))
    p.add_argument("--everyone", action="store_true",
                   help=_("everything you may see (a manager's team, the office), not only "
                          "your own"))
    p.add_argument("--json", action="store_true", help=_("a JSON list on stdout"))
    p.set_defaults(func=cmd_due)
