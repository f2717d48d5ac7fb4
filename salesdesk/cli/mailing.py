"""``mail``: the acting user's mail server and their outbox (issue 18)."""

from __future__ import annotations

import argparse
import os
import sys

from salesdesk.cli.common import (
    EXIT_OK,
    EXIT_REFUSED,
    acting_user,
    open_db,
    print_json,
    print_table,
)
from salesdesk.i18n import _


def _password_if_needed(server: object, saved: str | None) -> str | None:
    """The password to send with: the saved one, else typed at a terminal."""
    import getpass

    if saved is not None or not getattr(server, "login", None) or not sys.stdin.isatty():
        return saved
    return getpass.getpass(_("Password of {login} on the mail server: ").format(
        login=server.login)) or None  # type: ignore[attr-defined]


def cmd_set(args: argparse.Namespace) -> int:
    """Keep the mail server; the password (for --login) goes to the keyring."""
    from salesdesk import mail

    db = open_db(args)
    actor = acting_user(args, db)
    server = mail.set_mail_server(db, actor, args.host, args.port, args.security, args.login,
                                  args.from_address)
    print(_("Mail server {host}:{port} ({security}), sending as {address}.").format(
        host=server.host, port=server.port, security=server.security,
        address=server.from_address))
    if server.login:
        password = os.environ.get(mail.PASSWORD_ENV)
        if password is None and sys.stdin.isatty():
            import getpass

            password = getpass.getpass(_("Password of {login} on the mail server: ").format(
                login=server.login)) or None
        if password and mail.store_password(server, password):
            print(_("The password is kept in the system's keyring."))
        elif password:
            print(_("There is no keyring on this computer: the password is not kept. It is "
                    "asked at sending, or taken from SALESDESK_SMTP_PASSWORD."))
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    """The mail server and where its password comes from."""
    from salesdesk import mail

    db = open_db(args)
    actor = acting_user(args, db)
    server = mail.mail_server(db, actor)
    if server is None:
        print(_("No mail server is set: 'salesdesk mail set --host H ...'."))
        return EXIT_OK
    print(_("Mail server {host}:{port} ({security}), sending as {address}.").format(
        host=server.host, port=server.port, security=server.security,
        address=server.from_address))
    if server.login:
        where = _("in the keyring") if mail.keyring_available() and mail.saved_password(server) \
            else _("from SALESDESK_SMTP_PASSWORD") if os.environ.get(mail.PASSWORD_ENV) \
            else _("asked at sending")
        print(_("Login {login}; password {where}.").format(login=server.login, where=where))
    return EXIT_OK


def cmd_outbox(args: argparse.Namespace) -> int:
    """The messages waiting, refused (and, with --all, sent)."""
    from salesdesk import mail

    db = open_db(args)
    actor = acting_user(args, db)
    rows = mail.list_outbox(db, actor, include_sent=args.all)
    if args.json:
        print_json([{"id": str(r.id), "to": r.to, "subject": r.subject, "status": r.status,
                     "attempts": r.attempts, "error": r.last_error,
                     "document": r.document_number,
                     "created_at": r.created_at.isoformat(),
                     "sent_at": r.sent_at.isoformat() if r.sent_at else None} for r in rows])
        return EXIT_OK
    if not rows:
        print(_("The outbox is empty."))
        return EXIT_OK
    print_table([_("Id"), _("Status"), _("To"), _("Subject"), _("Made"), _("Why")],
                [[str(r.id)[:8], _(mail.STATUS_LABELS[r.status]), r.to, r.subject[:50],
                  r.created_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                  (r.last_error or "")[:80]] for r in rows])
    return EXIT_OK


def cmd_send(args: argparse.Namespace) -> int:
    """Send what waits in the outbox."""
    from salesdesk import mail

    db = open_db(args)
    actor = acting_user(args, db)
    server = mail.mail_server(db, actor)
    password = _password_if_needed(server, mail.saved_password(server)) if server else None
    report = mail.send_outbox(db, actor, password)
    print(report.summary())
    return EXIT_REFUSED if report.refused else EXIT_OK


def _message_id(db: object, actor: object, short: str) -> str:
    from salesdesk import mail
    from salesdesk.errors import NotFoundError, ValidationError

    found = [r.id for r in mail.list_outbox(db, actor, include_sent=True)  # type: ignore[arg-type]
             if str(r.id).startswith(short.lower())]
    if not found:
        raise NotFoundError(_("Message not found in your outbox."))
    if len(found) > 1:
        raise ValidationError("ID", _("'{id}' names several messages: give more of it.").format(
            id=short))
    return str(found[0])


def cmd_retry(args: argparse.Namespace) -> int:
    """A refused message back to waiting, and a try at once."""
    from salesdesk import mail

    db = open_db(args)
    actor = acting_user(args, db)
    mail.retry_message(db, actor, _message_id(db, actor, args.id))
    return cmd_send(args)


def cmd_discard(args: argparse.Namespace) -> int:
    """Take a message out of the outbox."""
    from salesdesk import mail

    db = open_db(args)
    actor = acting_user(args, db)
    mail.discard_message(db, actor, _message_id(db, actor, args.id))
    print(_("The message is taken out of the outbox."))
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``mail`` and its commands to the parser."""
    p = sub.add_parser("mail", help=_("your mail server and outbox"))
    actions = p.add_subparsers(dest="mail_action", required=True, metavar="ACTION")
    q = actions.add_parser("set", help=_("set your mail server (the password goes to the "
                                         "keyring)"))
    q.add_argument("--host", required=True, help=_("the SMTP server, e.g. smtp.yandex.ru"))
    q.add_argument("--port", help=_("default: 25, 587 or 465 by the security"))
    q.add_argument("--security", choices=["none", "starttls", "tls"], default="starttls")
    q.add_argument("--login", help=_("the login on the server (a password is asked)"))
    q.add_argument("--from", dest="from_address", help=_("the address mail is sent from "
                                                         "(default: your profile's e-mail)"))
    q.set_defaults(func=cmd_set)
    q = actions.add_parser("show", help=_("your mail server"))
    q.set_defaults(func=cmd_show)
    q = actions.add_parser("outbox", help=_("messages waiting or refused"))
    q.add_argument("--all", action="store_true", help=_("sent ones too"))
    q.add_argument("--json", action="store_true", help=_("a JSON list on stdout"))
    q.set_defaults(func=cmd_outbox)
    q = actions.add_parser("send", help=_("send what waits in the outbox"))
    q.set_defaults(func=cmd_send)
    q = actions.add_parser("retry", help=_("try a refused message again"))
    q.add_argument("id", help=_("the message's id, as 'mail outbox' lists it"))
    q.set_defaults(func=cmd_retry)
    q = actions.add_parser("discard", help=_("take a message out of the outbox"))
    q.add_argument("id", help=_("the message's id, as 'mail outbox' lists it"))
    q.set_defaults(func=cmd_discard)
