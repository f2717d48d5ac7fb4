"""``init``, ``check``, ``backup``, ``restore`` and ``users``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from salesdesk.cli.common import (
    EXIT_OK,
    EXIT_REFUSED,
    acting_user,
    database_location,
    open_db,
    print_json,
    print_table,
    read_password,
)
from salesdesk.errors import DatabaseError, SalesDeskError
from salesdesk.i18n import _


def cmd_init(args: argparse.Namespace) -> int:
    """Create a new database with its company and first user, the head."""
    from salesdesk.db.engine import sqlite_path, to_url
    from salesdesk.db.migrate import open_database
    from salesdesk.services.company import initialize
    from salesdesk.services.users import has_users

    location = database_location(args)
    path = sqlite_path(to_url(location))
    if path is not None and path.exists() and path.stat().st_size > 0:
        db = open_database(location)
        if has_users(db):
            raise SalesDeskError(_("{path} already holds a SalesDesk database; nothing was "
                                   "changed.").format(path=path))
    password = read_password("SALESDESK_PASSWORD", _("Password for {login}: ").format(
        login=args.head_login), confirm=True)
    # Validate before creating a file, so that a refused init leaves nothing behind.
    from salesdesk.auth import check_password_rules
    from salesdesk.services.users import check_login

    check_login(args.head_login)
    check_password_rules(password)
    created = path is not None and not path.exists()
    try:
        db = open_database(location, create=True)
        initialize(db, args.company, args.head_login, args.head_name, password)
    except SalesDeskError:
        if created and path is not None:
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
        raise
    print(_("Created {db}: company '{company}', head '{login}'.").format(
        db=db.display_name, company=args.company, login=args.head_login))
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    """Integrity and schema check; exit 1 when anything is wrong."""
    from salesdesk.db.backup import integrity_problems

    try:
        db = open_db(args)
    except DatabaseError as exc:
        print(_("check: {problem}").format(problem=exc), file=sys.stderr)
        return EXIT_REFUSED
    problems = integrity_problems(db)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        return EXIT_REFUSED
    print(_("{db}: ok").format(db=db.display_name))
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    """A consistent online backup (head only)."""
    from salesdesk.files import check_folder
    from salesdesk.services.maintenance import backup

    if args.output:
        check_folder(Path(args.output))  # a folder the user named must exist
    db = open_db(args)
    actor = acting_user(args, db)
    target = backup(db, actor, Path(args.output) if args.output else None)
    print(_("Backup written to {path}").format(path=target))
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    """Restore a checked backup over the database (head only)."""
    from salesdesk.services.maintenance import restore

    db = open_db(args)
    actor = acting_user(args, db)
    safety = restore(db, actor, Path(args.file))
    print(_("Restored from {file}. The previous contents were saved to {safety}.").format(
        file=args.file, safety=safety))
    return EXIT_OK


def cmd_users_add(args: argparse.Namespace) -> int:
    """Add a user (head only)."""
    from salesdesk.services.users import add_user

    db = open_db(args)
    actor = acting_user(args, db)
    password = read_password("SALESDESK_NEW_PASSWORD", _("Password for {login}: ").format(
        login=args.login), confirm=True)
    user = add_user(db, actor, login=args.login, name=args.name, role=args.role,
                    password=password, manager_login=args.manager, doc_prefix=args.prefix,
                    position=args.position, phone=args.phone, email=args.email)
    print(_("Added {login} ({role}), document prefix {prefix}.").format(
        login=user.login, role=user.role_label, prefix=user.doc_prefix))
    return EXIT_OK


def cmd_users_list(args: argparse.Namespace) -> int:
    """The users the caller may see."""
    from salesdesk.services.users import list_users

    db = open_db(args)
    actor = acting_user(args, db)
    users = list_users(db, actor)
    if args.json:
        print_json([{"login": u.login, "name": u.name, "role": u.role,
                     "manager": u.manager_login, "active": u.active,
                     "doc_prefix": u.doc_prefix} for u in users])
        return EXIT_OK
    print_table([_("Login"), _("Name"), _("Role"), _("Manager"), _("Active"), _("Prefix")],
                [[u.login, u.name, u.role_label, u.manager_login or "",
                  _("yes") if u.active else _("no"), u.doc_prefix] for u in users])
    return EXIT_OK


def _target(args: argparse.Namespace, db: object, actor: object) -> object:
    from salesdesk.services.users import get_user

    return get_user(db, actor, args.login)  # type: ignore[arg-type]


def cmd_users_deactivate(args: argparse.Namespace) -> int:
    """Deactivate (or with ``activate``, reactivate) a user."""
    from salesdesk.services.users import set_active

    db = open_db(args)
    actor = acting_user(args, db)
    user = _target(args, db, actor)
    active = args.users_command == "activate"
    set_active(db, actor, user.id, active)  # type: ignore[attr-defined]
    print((_("{login} is active again.") if active else _("{login} is deactivated; their "
           "records stay.")).format(login=args.login))
    return EXIT_OK


def cmd_users_role(args: argparse.Namespace) -> int:
    """Change a user's role and manager."""
    from salesdesk.services.users import change_role

    db = open_db(args)
    actor = acting_user(args, db)
    user = _target(args, db, actor)
    change_role(db, actor, user.id, args.role, args.manager)  # type: ignore[attr-defined]
    print(_("{login} is now {role}.").format(login=args.login, role=args.role))
    return EXIT_OK


def cmd_users_password(args: argparse.Namespace) -> int:
    """Reset a user's password (head only)."""
    from salesdesk.services.users import reset_password

    db = open_db(args)
    actor = acting_user(args, db)
    user = _target(args, db, actor)
    password = read_password("SALESDESK_NEW_PASSWORD", _("New password for {login}: ").format(
        login=args.login), confirm=True)
    reset_password(db, actor, user.id, password)  # type: ignore[attr-defined]
    print(_("Password of {login} changed.").format(login=args.login))
    return EXIT_OK


def cmd_users_reassign(args: argparse.Namespace) -> int:
    """Move a user's clients and open work to another user."""
    from salesdesk.services.users import reassign_records

    db = open_db(args)
    actor = acting_user(args, db)
    moved = reassign_records(db, actor, args.from_login, args.to_login)
    print(_("{count} clients moved from {source} to {target}.").format(
        count=moved, source=args.from_login, target=args.to_login))
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add this module's commands to the parser."""
    p = sub.add_parser("init", help=_("create a new database with its first user, the head"))
    p.add_argument("--company", required=True, help=_("company name"))
    p.add_argument("--head-login", required=True)
    p.add_argument("--head-name", required=True)
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("check", help=_("integrity and schema check"))
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("backup", help=_("consistent online backup"))
    p.add_argument("-o", "--output", help=_("backup file (default: next to the database)"))
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help=_("restore a backup after checking it"))
    p.add_argument("file")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("users", help=_("users and roles"))
    users = p.add_subparsers(dest="users_command", required=True, metavar="COMMAND")
    q = users.add_parser("add", help=_("add a user"))
    q.add_argument("--login", required=True)
    q.add_argument("--name", required=True)
    q.add_argument("--role", required=True, choices=["head", "manager", "rep"])
    q.add_argument("--manager", help=_("login of the user's manager"))
    q.add_argument("--prefix", help=_("document number prefix"))
    q.add_argument("--position")
    q.add_argument("--phone")
    q.add_argument("--email")
    q.set_defaults(func=cmd_users_add)
    q = users.add_parser("list", help=_("users visible to you"))
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_users_list)
    for name, text in (("deactivate", _("deactivate a user")),
                       ("activate", _("reactivate a user"))):
        q = users.add_parser(name, help=text)
        q.add_argument("login")
        q.set_defaults(func=cmd_users_deactivate)
    q = users.add_parser("role", help=_("change a user's role and manager"))
    q.add_argument("login")
    q.add_argument("--role", required=True, choices=["head", "manager", "rep"])
    q.add_argument("--manager")
    q.set_defaults(func=cmd_users_role)
    q = users.add_parser("password", help=_("set a new password for a user"))
    q.add_argument("login")
    q.set_defaults(func=cmd_users_password)
    q = users.add_parser("reassign", help=_("move a user's clients and open work"))
    q.add_argument("from_login")
    q.add_argument("to_login")
    q.set_defaults(func=cmd_users_reassign)
