"""What every command shares: the database, the acting user, output and exit codes.

Exit codes (INTERFACES.md): 0 done; 1 refused or invalid, with one line on stderr;
2 usage error. A user's mistake never ends in a traceback.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from datetime import date
from typing import Any

from salesdesk.auth import Actor
from salesdesk.db.engine import Database
from salesdesk.errors import SalesDeskError
from salesdesk.i18n import _

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A command line that cannot be run as given (exit code 2)."""


def database_location(args: argparse.Namespace) -> str:
    """``--db``, else ``SALESDESK_DB``, else the user data folder's ``salesdesk.db``."""
    from salesdesk.paths import default_database

    return str(args.db) if args.db else default_database()


def open_db(args: argparse.Namespace, create: bool = False) -> Database:
    """Open (and if needed upgrade) the database the command line names."""
    from salesdesk.db.migrate import open_database

    return open_database(database_location(args), create=create)


def read_password(env_var: str, prompt: str, confirm: bool = False) -> str:
    """A password from ``env_var`` or an interactive prompt; never from an argument."""
    value = os.environ.get(env_var)
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise SalesDeskError(_("Set {var} or run in a terminal to type the password.").format(
            var=env_var))
    first = getpass.getpass(prompt)
    if confirm:
        second = getpass.getpass(_("Repeat the password: "))
        if first != second:
            raise SalesDeskError(_("The passwords do not match."))
    return first


def acting_user(args: argparse.Namespace, db: Database) -> Actor:
    """Log in as ``--user`` with ``SALESDESK_PASSWORD`` or a prompt."""
    from salesdesk.auth import login

    if not args.user:
        raise UsageError(_("this command needs --user LOGIN (who acts)"))
    password = read_password("SALESDESK_PASSWORD", _("Password for {login}: ").format(
        login=args.user))
    return login(db, args.user, password)


def print_json(data: Any) -> None:
    """One JSON document on stdout (and nothing else there)."""
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def print_table(headers: list[str], rows: list[list[Any]]) -> None:
    """A plain aligned table for people reading a terminal."""
    cells = [[str(c) if c is not None else "" for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h)
              for i, h in enumerate(headers)]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    print("  ".join("-" * w for w in widths))
    for row in cells:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


def iso_date(text: str) -> date:
    """An argument that is a day, ``2026-10-31``."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("'{value}' is not a date (expected 2026-10-31)")
                                         .format(value=text)) from None


def client_by_reference(db: Database, actor: Actor, reference: str) -> Any:
    """A visible client by INN, or by name (one match, case and legal form aside)."""
    from salesdesk.errors import NotFoundError, ValidationError
    from salesdesk.fields import digits, normalize_name
    from salesdesk.services import clients

    found = clients.list_clients(db, actor, clients.ClientQuery(text=reference, limit=50))
    by_inn = [c for c in found if c.inn and c.inn == digits(reference)]
    if by_inn:
        return by_inn[0]
    wanted = normalize_name(reference)
    named = [c for c in found if normalize_name(c.name) == wanted]
    if len(named) == 1:
        return named[0]
    if not named:
        raise NotFoundError(_("--client: no client of yours is called or has the INN "
                              "'{ref}'.").format(ref=reference))
    raise ValidationError("--client", _("'{ref}' names {n} clients: give the INN.").format(
        ref=reference, n=len(named)))
