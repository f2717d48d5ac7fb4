"""The ``salesdesk`` command: the second face of the same services as the window.

``salesdesk [--db PATH_OR_URL] [--user LOGIN] [COMMAND ...]``; no command opens the
desktop window.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from salesdesk import __version__
from salesdesk.cli.common import EXIT_OK, EXIT_REFUSED, EXIT_USAGE, UsageError
from salesdesk.errors import SalesDeskError
from salesdesk.i18n import _, set_language


def build_parser() -> argparse.ArgumentParser:
    """The whole command line."""
    from salesdesk.cli import (
        admin,
        agenda,
        attached,
        auditing,
        company,
        documents,
        mailing,
        records,
        reporting,
        syncing,
        toolkit,
        trash,
    )

    parser = argparse.ArgumentParser(
        prog="salesdesk",
        description=_("SalesDesk: the sales department's desktop manager. Without a command "
                      "it opens the window."))
    parser.add_argument("--version", action="version", version=f"SalesDesk {__version__}")
    parser.add_argument("--db", help=_("SQLite file or SQLAlchemy URL (default: "
                                       "SALESDESK_DB, else the user data folder)"))
    parser.add_argument("--user", help=_("login of who acts (password from "
                                         "SALESDESK_PASSWORD or a prompt)"))
    parser.add_argument("--lang", choices=["en", "ru"], help=_("language of messages"))
    parser.add_argument("--demo", action="store_true",
                        help=_("open the window on the demo database (created if missing)"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    admin.register(sub)
    auditing.register(sub)
    agenda.register(sub)
    records.register(sub)
    reporting.register(sub)
    syncing.register(sub)
    documents.register(sub)
    company.register(sub)
    trash.register(sub)
    mailing.register(sub)
    attached.register(sub)
    toolkit.register(sub)
    return parser


def _language_from_argv(argv: Sequence[str]) -> None:
    # Messages (help included) must be in the right language before the parser is built.
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            set_language(argv[i + 1])
        elif arg.startswith("--lang="):
            set_language(arg.split("=", 1)[1])


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    _language_from_argv(argv)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help, --version, or a usage error (2)
        return int(exc.code or 0)
    if args.command is None:
        return _open_window(args)
    try:
        code = int(args.func(args))
        sys.stdout.flush()  # a closed pipe shows here, inside the handler below
        return code
    except BrokenPipeError:
        return _output_closed()
    except UsageError as exc:
        parser.print_usage(sys.stderr)
        print(_("salesdesk: error: {problem}").format(problem=exc), file=sys.stderr)
        return EXIT_USAGE
    except SalesDeskError as exc:
        print(f"salesdesk: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    except OSError as exc:
        # The environment, not the user: a full disk, a read-only or missing folder.
        from salesdesk.files import cause_of

        where = exc.filename or _("a file")
        print(_("salesdesk: {path}: {cause}").format(path=where, cause=cause_of(exc)),
              file=sys.stderr)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        print(_("salesdesk: interrupted; nothing half-done was saved."), file=sys.stderr)
        return EXIT_REFUSED


def _output_closed() -> int:
    """The reader of our output went away (``salesdesk metrics | head``): stop quietly.

    Standard output is pointed at the null device so that the interpreter's last flush
    at exit finds nowhere to fail (the recipe of Python's ``signal`` documentation).
    """
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return EXIT_OK


def _open_window(args: argparse.Namespace) -> int:
    # The one place the core reaches the window: imported only when it is asked for, so
    # that the core and every command run without Qt.
    try:
        from salesdesk_ui.app import run
    except ImportError as exc:
        print(_("salesdesk: the window cannot start: {reason}").format(reason=exc),
              file=sys.stderr)
        return EXIT_REFUSED
    return int(run(db=args.db, demo=args.demo, user=args.user, lang=args.lang))
