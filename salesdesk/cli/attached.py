"""``files``: files attached to clients, deals and documents (issue 18)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from salesdesk.cli.common import (
    EXIT_OK,
    acting_user,
    client_by_reference,
    open_db,
    print_json,
    print_table,
)
from salesdesk.i18n import _


def _record_id(db: Any, actor: Any, kind: str, reference: str) -> Any:
    """A client by INN or name, a deal by its id, a document by its number."""
    if kind == "clients":
        return client_by_reference(db, actor, reference).id
    if kind == "documents":
        from salesdesk.services import documents

        return documents.find_by_number(db, actor, reference).id
    return reference


def _file_id(db: Any, actor: Any, kind: str | None, reference: str | None, short: str) -> Any:
    """A file by its id, or the start of it among a record's files."""
    if len(short) >= 32 or kind is None or reference is None:
        return short
    from salesdesk.errors import NotFoundError, ValidationError
    from salesdesk.services import attachments

    found = [f.id for f in attachments.list_files(db, actor, kind,
                                                  _record_id(db, actor, kind, reference))
             if str(f.id).startswith(short.lower())]
    if not found:
        raise NotFoundError(_("File not found (it may have been deleted)."))
    if len(found) > 1:
        raise ValidationError("ID", _("'{id}' names several files: give more of it.").format(
            id=short))
    return found[0]


def cmd_add(args: argparse.Namespace) -> int:
    """Attach a file from the disk to a record."""
    from salesdesk.services import attachments

    db = open_db(args)
    actor = acting_user(args, db)
    added = attachments.attach_path(db, actor, args.kind,
                                    _record_id(db, actor, args.kind, args.ref), Path(args.file))
    print(_("{name} ({size}) is attached; its id is {id}.").format(
        name=added.name, size=attachments.size_text(added.size), id=added.id))
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    """The files of a record."""
    from salesdesk.services import attachments

    db = open_db(args)
    actor = acting_user(args, db)
    files = attachments.list_files(db, actor, args.kind,
                                   _record_id(db, actor, args.kind, args.ref))
    if args.json:
        print_json([{"id": str(f.id), "name": f.name, "size": f.size, "type": f.content_type,
                     "sha256": f.sha256, "added_by": f.added_by_name,
                     "added_at": f.created_at.isoformat(), "here": f.available}
                    for f in files])
        return EXIT_OK
    if not files:
        print(_("No files are attached."))
        return EXIT_OK
    print_table([_("Id"), _("File"), _("Size"), _("Added by"), _("Here")],
                [[str(f.id)[:8], f.name, attachments.size_text(f.size), f.added_by_name,
                  _("yes") if f.available else _("at the office")] for f in files])
    return EXIT_OK


def cmd_get(args: argparse.Namespace) -> int:
    """Save a file's content to the disk."""
    from salesdesk.files import write_atomically
    from salesdesk.services import attachments

    db = open_db(args)
    actor = acting_user(args, db)
    record, data = attachments.file_content(db, actor, _file_id(db, actor, args.kind,
                                                                args.ref, args.id))
    target = Path(args.output) if args.output else Path(record.name)
    write_atomically(target, data)
    print(_("{name} saved to {file}.").format(name=record.name, file=target))
    return EXIT_OK


def cmd_remove(args: argparse.Namespace) -> int:
    """Remove a file from its record (to the trash)."""
    from salesdesk.services import attachments

    db = open_db(args)
    actor = acting_user(args, db)
    attachments.remove_file(db, actor, _file_id(db, actor, args.kind, args.ref, args.id))
    print(_("The file is removed (it is in the trash)."))
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``files`` and its commands to the parser."""
    kinds = ["clients", "deals", "documents"]
    ref_help = _("the client's INN or name, the deal's id, or the document's number")
    p = sub.add_parser("files", help=_("files attached to clients, deals and documents"))
    actions = p.add_subparsers(dest="files_action", required=True, metavar="ACTION")
    q = actions.add_parser("add", help=_("attach a file to a record"))
    q.add_argument("kind", choices=kinds)
    q.add_argument("ref", help=ref_help)
    q.add_argument("file", help=_("the file to attach"))
    q.set_defaults(func=cmd_add)
    q = actions.add_parser("list", help=_("a record's files"))
    q.add_argument("kind", choices=kinds)
    q.add_argument("ref", help=ref_help)
    q.add_argument("--json", action="store_true", help=_("a JSON list on stdout"))
    q.set_defaults(func=cmd_list)
    for name, func, text in (("get", cmd_get, _("save a file to the disk")),
                             ("remove", cmd_remove, _("remove a file from its record"))):
        q = actions.add_parser(name, help=text)
        q.add_argument("id", help=_("the file's id (or its start, with --kind and --ref)"))
        q.add_argument("--kind", choices=kinds)
        q.add_argument("--ref", help=ref_help)
        if name == "get":
            q.add_argument("-o", "--output", help=_("where to save it (default: its name)"))
        q.set_defaults(func=func)
