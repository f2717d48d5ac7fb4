"""``due``: what falls due in the coming days, for scripts and a morning look."""

from __future__ import annotations

import argparse

from salesdesk.cli.common import EXIT_OK, acting_user, open_db, print_json, print_table
from salesdesk.i18n import _, ngettext


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


def cmd_calendar_export(args: argparse.Namespace) -> int:
    """The dated work of the coming days as an iCalendar file."""
    from pathlib import Path

    from salesdesk.calendar_export import export_calendar

    db = open_db(args)
    actor = acting_user(args, db)
    count = export_calendar(db, actor, Path(args.ics), days=args.days,
                            everyone=args.everyone)
    print(ngettext("{n} event written to {file}.", "{n} events written to {file}.",
                   count).format(n=count, file=args.ics))
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add this module's commands to the parser."""
    p = sub.add_parser("calendar", help=_("the calendar of dated work"))
    actions = p.add_subparsers(dest="calendar_action", required=True, metavar="ACTION")
    q = actions.add_parser("export", help=_("write an .ics file (Outlook, Thunderbird, "
                                            "phones)"))
    q.add_argument("--ics", required=True, metavar="FILE", help=_("the .ics file to write"))
    q.add_argument("--days", type=int, default=30,
                   help=_("how many days ahead (default 30)"))
    q.add_argument("--everyone", action="store_true",
                   help=_("everything you may see (a manager's team, the office), not only "
                          "your own"))
    q.set_defaults(func=cmd_calendar_export)

    p = sub.add_parser("due", help=_("what falls due in the coming days (overdue first)"))
    p.add_argument("--days", type=int, default=7,
                   help=_("how many days ahead (default 7; 0: today and what is overdue)"))
    p.add_argument("--everyone", action="store_true",
                   help=_("everything you may see (a manager's team, the office), not only "
                          "your own"))
    p.add_argument("--json", action="store_true", help=_("a JSON list on stdout"))
    p.set_defaults(func=cmd_due)
