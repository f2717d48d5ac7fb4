"""``audit``: the audit log for scripts (the head's)."""

from __future__ import annotations

import argparse
from typing import Any

from salesdesk.cli.common import (
    EXIT_OK,
    acting_user,
    iso_date,
    open_db,
    print_json,
    print_table,
)
from salesdesk.i18n import _


def cmd_audit(args: argparse.Namespace) -> int:
    """Who did what, newest first: every change of a record, logins, failed logins,
    exports and printed documents."""
    from salesdesk.services.auditlog import list_audit

    db = open_db(args)
    actor = acting_user(args, db)
    entries = list_audit(db, actor, since=args.since, user_login=args.audit_user,
                         limit=args.limit)
    if args.json:
        print_json([entry.to_json() for entry in entries])
        return EXIT_OK
    rows: list[list[Any]] = []
    for entry in entries:
        details = "; ".join(f"{key}: {_plain(pair)}" for key, pair in entry.changes.items())
        # Local time, as the window shows it; --json gives UTC.
        when = entry.at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        rows.append([when, entry.user_login or "—", entry.action,
                     entry.entity, details[:80]])
    print_table([_("When"), _("Who"), _("Action"), _("What"), _("Details")], rows)
    return EXIT_OK


def _plain(pair: Any) -> str:
    if isinstance(pair, list) and len(pair) == 2:
        old, new = pair
        return f"{new}" if old is None else f"{old} → {new}"
    return str(pair)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add this module's commands to the parser."""
    p = sub.add_parser("audit", help=_("the audit log: changes, logins, exports, printed "
                                       "documents (the head's)"))
    p.add_argument("--since", type=iso_date, help=_("entries from this day on (YYYY-MM-DD)"))
    # Its own dest: the global --user says who runs the command.
    p.add_argument("--user", dest="audit_user", metavar="LOGIN",
                   help=_("only what this login did (or was tried with)"))
    p.add_argument("--limit", type=int, default=1000,
                   help=_("at most this many entries, newest first (default 1000)"))
    p.add_argument("--json", action="store_true", help=_("a JSON list on stdout"))
    p.set_defaults(func=cmd_audit)
