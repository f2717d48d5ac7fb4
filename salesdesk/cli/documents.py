"""``documents new|issue|invoice|cancel|pay|list``: proposals and invoices from scripts,
with the same services and permissions as the window. Amounts are in the machine form
``1234.50`` whatever the language."""

from __future__ import annotations

import argparse
import json
from typing import Any

from salesdesk.cli.common import EXIT_OK, acting_user, client_by_reference, open_db
from salesdesk.errors import NotFoundError, ValidationError
from salesdesk.i18n import _


def _contact(db: Any, actor: Any, client: Any, name: str) -> Any:
    """The client's contact person by full name, or by the one name that starts so."""
    from salesdesk.services import contacts

    people = contacts.list_contacts(db, actor, client.id)
    wanted = " ".join(name.casefold().replace("ё", "е").split())

    def key(person: Any) -> str:
        return " ".join(person.name.casefold().replace("ё", "е").split())

    exact = [p for p in people if key(p) == wanted]
    found = exact or [p for p in people if wanted in key(p)]
    if len(found) == 1:
        return found[0]
    if not found:
        raise NotFoundError(_("--contact: {client} has no contact '{name}' (contacts: "
                              "{names}).").format(client=client.name, name=name, names=", ".join(
                                  p.name for p in people) or "—"))
    raise ValidationError("--contact", _("'{name}' names {n} contacts: give the full name.")
                          .format(name=name, n=len(found)))


def _line(text: str, catalogue: list[Any], number: int) -> dict[str, Any]:
    """``NAME_OR_SKU;QTY;PRICE[;VAT%[;DISCOUNT%[;UNIT]]]``: a catalogue product by SKU or
    name (its price, rate and unit unless given), else a free-text line."""
    from salesdesk.money import parse_machine

    parts = [p.strip() for p in text.split(";")]
    if len(parts) < 2 or not parts[0]:
        raise ValidationError(f"--line {number}", _(
            "expected NAME_OR_SKU;QTY;PRICE[;VAT%[;DISCOUNT%[;UNIT]]]"))
    parts += [""] * (6 - len(parts))
    name, quantity, price, rate, discount, unit = parts[:6]
    product = next((p for p in catalogue if p.sku and p.sku.casefold() == name.casefold()),
                   None) or next((p for p in catalogue
                                  if p.name.casefold() == name.casefold()), None)
    line: dict[str, Any] = {"description": product.name if product else name}
    if product is not None:
        line.update(product_id=product.id, price=product.price, vat_rate=product.vat_rate,
                    unit=product.unit)
    try:
        line["quantity"] = parse_machine(quantity or "1", "quantity")
        if price:
            line["price"] = parse_machine(price, "money")
        if discount:
            line["discount_pct"] = parse_machine(discount.rstrip("%"), "percent")
    except ValueError as exc:
        raise ValidationError(f"--line {number}", str(exc)) from None
    if rate:
        line["vat_rate"] = rate.rstrip("%").strip()
    if unit:
        line["unit"] = unit
    if "price" not in line:
        raise ValidationError(f"--line {number}", _("a free-text line needs its price"))
    line.setdefault("unit", "шт")
    return line


def cmd_new(args: argparse.Namespace) -> int:
    """A new draft (or, with --issue, an issued document) for a client."""
    from salesdesk.services import deals, products
    from salesdesk.services import documents as docs

    db = open_db(args)
    actor = acting_user(args, db)
    client = client_by_reference(db, actor, args.client)
    catalogue = products.list_products(db, actor)
    lines = [_line(text, catalogue, n) for n, text in enumerate(args.line or [], 1)]
    deal_id = None
    if args.from_deal:
        matches = [d for d in deals.list_deals(db, actor, deals.DealQuery(client_id=client.id))
                   if d.title.casefold() == args.from_deal.casefold()]
        if not matches:
            raise NotFoundError(_("--from-deal: the client has no deal '{title}'.").format(
                title=args.from_deal))
        deal_id = matches[0].id
    values: dict[str, Any] = {"title": args.title} if args.title else {}
    if args.contact:
        values["contact_id"] = _contact(db, actor, client, args.contact).id
    draft = docs.create_document(db, actor, args.kind, client.id, values=values, lines=lines,
                                 deal_id=deal_id)
    if args.issue:
        print(docs.issue_document(db, actor, draft.id).number)
    else:
        print(draft.id)
    return EXIT_OK


def cmd_issue(args: argparse.Namespace) -> int:
    """Issue a draft (by the id ``documents new`` printed); prints its number."""
    from salesdesk.services import documents as docs

    db = open_db(args)
    print(docs.issue_document(db, acting_user(args, db), args.id).number)
    return EXIT_OK


def cmd_invoice(args: argparse.Namespace) -> int:
    """An issued invoice from a proposal; prints its number."""
    from salesdesk.services import documents as docs

    db = open_db(args)
    actor = acting_user(args, db)
    proposal = docs.find_by_number(db, actor, args.number)
    print(docs.invoice_from_proposal(db, actor, proposal.id, issue=True).number)
    return EXIT_OK


def cmd_cancel(args: argparse.Namespace) -> int:
    """Cancel an issued document."""
    from salesdesk.services import documents as docs

    db = open_db(args)
    actor = acting_user(args, db)
    record = docs.cancel_document(db, actor, docs.find_by_number(db, actor, args.number).id,
                                  args.reason or "")
    print(_("{number} is cancelled.").format(number=record.number))
    return EXIT_OK


def cmd_pay(args: argparse.Namespace) -> int:
    """Record a payment against an invoice."""
    from salesdesk import clock
    from salesdesk.money import parse_machine
    from salesdesk.services import documents as docs

    try:
        amount = parse_machine(args.amount, "money")
    except ValueError as exc:
        raise ValidationError("AMOUNT", str(exc)) from None
    db = open_db(args)
    actor = acting_user(args, db)
    record = docs.record_payment(db, actor, docs.find_by_number(db, actor, args.number).id, amount,
                                 args.date or clock.today())
    print(_("{number}: {paid} paid of {total}.").format(
        number=record.number, paid=record.paid_total, total=record.total))
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    """The documents you may see: one line each, or JSON."""
    from salesdesk import clock
    from salesdesk.i18n import format_date, format_money
    from salesdesk.money import money_str
    from salesdesk.services import documents as docs

    db = open_db(args)
    actor = acting_user(args, db)
    if args.overdue:
        rows = [r for r in docs.overdue_invoices(db, actor)
                if args.kind in (None, r.kind)]
    else:
        rows = docs.list_documents(db, actor, docs.DocumentQuery(kind=args.kind, limit=None))
    today = clock.today()
    if args.status:
        # The state people read (overdue, expired) is worked out, not stored: filtered
        # here rather than in SQL.
        rows = [r for r in rows if r.state(today) == args.status or r.status == args.status]
    if args.json:
        print(json.dumps([{
            "id": str(r.id), "kind": r.kind, "number": r.number, "status": r.state(today),
            "date": r.doc_date.isoformat(), "client": r.client_name,
            "total": money_str(r.total), "paid": money_str(r.paid_total),
            "due": r.due_date.isoformat() if r.due_date else None} for r in rows],
            ensure_ascii=False, indent=1))
        return EXIT_OK
    for r in rows:
        print("\t".join([r.number or str(r.id), r.kind, r.state(today),
                         format_date(r.doc_date), r.client_name, format_money(r.total)]))
    return EXIT_OK


def cmd_draft(args: argparse.Namespace) -> int:
    """An issued document as an e-mail draft (.eml) with its PDF attached."""
    from pathlib import Path

    from salesdesk.files import write_atomically
    from salesdesk.services import documents as docs

    db = open_db(args)
    actor = acting_user(args, db)
    record = docs.find_by_number(db, actor, args.number)
    name, message = docs.email_draft(db, actor, record.id, to=args.to,
                                     template=args.template, stamped=args.stamped)
    target = Path(args.output) if args.output else Path(name)
    write_atomically(target, message)
    print(_("E-mail draft of {number} written to {file}: open it in your mail program "
            "to send it.").format(number=record.number, file=target))
    return EXIT_OK


def cmd_send(args: argparse.Namespace) -> int:
    """Send an issued document's PDF by e-mail through the outbox: it leaves now, or
    waits there when the mail server cannot be reached."""
    from salesdesk import mail
    from salesdesk.cli.mailing import _password_if_needed
    from salesdesk.services import documents as docs

    db = open_db(args)
    actor = acting_user(args, db)
    record = docs.find_by_number(db, actor, args.number)
    queued = mail.queue_document(db, actor, record.id, to=args.to, template=args.template,
                                 stamped=args.stamped)
    server = mail.mail_server(db, actor)
    password = _password_if_needed(server, mail.saved_password(server)) if server else None
    report = mail.send_outbox(db, actor, password)
    mine = next((r for r in report.sent + report.waiting + report.refused
                 if r.id == queued.id), None)
    if mine is not None and mine.status == "sent":
        print(_("{number} was sent to {to}.").format(number=record.number, to=queued.to))
    elif mine is not None and mine.status == "failed":
        raise ValidationError(_("E-mail"), _(
            "{number} was not sent: {why}. It stays in the outbox ('salesdesk mail "
            "retry').").format(number=record.number, why=mine.last_error))
    else:
        print(_("{number} waits in the outbox: {why}").format(
            number=record.number, why=(mine.last_error if mine else report.problem) or ""))
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``documents`` and its commands to the parser."""
    from salesdesk.cli.common import iso_date

    p = sub.add_parser("documents", help=_("proposals and invoices from the command line"))
    kinds = p.add_subparsers(dest="documents_command", required=True, metavar="COMMAND")
    q = kinds.add_parser("new", help=_("a new draft (or issued) proposal or invoice"))
    q.add_argument("--kind", choices=["proposal", "invoice"], required=True)
    q.add_argument("--client", required=True, help=_("the client's INN or name"))
    q.add_argument("--line", action="append",
                   help="NAME_OR_SKU;QTY;PRICE[;VAT%%[;DISCOUNT%%[;UNIT]]] (1234.50)")
    q.add_argument("--contact", help=_("the client's contact person it is addressed to "
                                       "(default: the first contact)"))
    q.add_argument("--from-deal", help=_("the client's deal, by title"))
    q.add_argument("--title", help=_("the proposal's title"))
    q.add_argument("--issue", action="store_true", help=_("issue it at once (prints the "
                                                          "number)"))
    q.set_defaults(func=cmd_new)
    q = kinds.add_parser("issue", help=_("issue a draft"))
    q.add_argument("id", help=_("the draft's id, as 'documents new' printed it"))
    q.set_defaults(func=cmd_issue)
    q = kinds.add_parser("invoice", help=_("an issued invoice from a proposal"))
    q.add_argument("number")
    q.set_defaults(func=cmd_invoice)
    q = kinds.add_parser("cancel", help=_("cancel an issued document"))
    q.add_argument("number")
    q.add_argument("--reason", help=_("why (printed nowhere, kept with the document)"))
    q.set_defaults(func=cmd_cancel)
    q = kinds.add_parser("pay", help=_("record a payment against an invoice"))
    q.add_argument("number")
    q.add_argument("amount", help="1234.50")
    q.add_argument("--date", type=iso_date, help=_("the day it was paid (default: today)"))
    q.set_defaults(func=cmd_pay)
    for name, func, text in (
            ("draft", cmd_draft, _("an e-mail draft (.eml) with the PDF attached, for your "
                                   "mail program")),
            ("send", cmd_send, _("send the PDF by e-mail (through your outbox: it waits "
                                 "there while the server cannot be reached)"))):
        q = kinds.add_parser(name, help=text)
        q.add_argument("number")
        q.add_argument("--to", help=_("the address (default: the document's contact, else "
                                      "the client's e-mail)"))
        q.add_argument("--template", help=_("proposal, invoice or reminder (default: the "
                                            "document's kind)"))
        q.add_argument("--stamped", action="store_true",
                       help=_("with the company's stamp and signatures"))
        if name == "draft":
            q.add_argument("-o", "--output", help=_(".eml file (default: NUMBER.eml)"))
        q.set_defaults(func=func)
    q = kinds.add_parser("list", help=_("the documents you may see"))
    q.add_argument("--kind", choices=["proposal", "invoice"])
    q.add_argument("--status", help=_("draft, issued, sent, paid, overdue, cancelled…"))
    q.add_argument("--overdue", action="store_true", help=_("overdue invoices only"))
    q.add_argument("--json", action="store_true", help=_("one JSON array on stdout"))
    q.set_defaults(func=cmd_list)
