"""``pdf``: documents to PDF files (``metrics`` and ``report`` live here too)."""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from salesdesk.cli.common import EXIT_OK, acting_user, open_db
from salesdesk.i18n import _


def write_atomically(path: Path, data: bytes) -> None:
    """Write a file next to its final name, then rename: never a half-written PDF."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def cmd_pdf(args: argparse.Namespace) -> int:
    """Render the proposal or invoice with that number."""
    from salesdesk.services.documents import pdf_by_number

    db = open_db(args)
    actor = acting_user(args, db)
    record, data = pdf_by_number(db, actor, args.number)
    target = Path(args.output) if args.output else Path(f"{record.number}.pdf")
    write_atomically(target, data)
    print(_("{document} written to {file}.").format(document=record.display_name(),
                                                   file=target))
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add this module's commands to the parser."""
    p = sub.add_parser("pdf", help=_("render a proposal or an invoice to PDF"))
    p.add_argument("number")
    p.add_argument("-o", "--output", help=_("PDF file (default: NUMBER.pdf)"))
    p.set_defaults(func=cmd_pdf)
