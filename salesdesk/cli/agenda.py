"""``due``: what falls due in the coming days, for scripts and a morning look."""

from __future__ import annotations

import argparse

from salesdesk.cli.common import EXIT_OK, acting_user, open_db, print_json, print_table
from salesdesk.errors import ValidationError
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


def cmd_meetings_list(args: argparse.Namespace) -> int:
    """Planned meetings and calls of a period."""
    from datetime import timedelta

    from salesdesk import clock
    from salesdesk.domain import APPOINTMENT_KIND_LABELS, APPOINTMENT_STATUS_LABELS
    from salesdesk.i18n import format_date
    from salesdesk.services.appointments import clock_text, list_appointments

    db = open_db(args)
    actor = acting_user(args, db)
    start = args.date_from or clock.today()
    end = args.date_to or start + timedelta(days=7)
    found = list_appointments(db, actor, start, end, mine_only=not args.everyone)
    if args.json:
        print_json([{"id": str(a.id), "kind": a.kind, "subject": a.subject,
                     "date": a.date.isoformat(), "time": clock_text(a.start_minute),
                     "minutes": a.duration_minutes, "client": a.client_name,
                     "with": a.user_name, "place": a.place, "status": a.status,
                     "outcome": a.outcome} for a in found])
        return EXIT_OK
    if not found:
        print(_("No meetings or calls from {start} to {end}.").format(
            start=format_date(start), end=format_date(end)))
        return EXIT_OK
    print_table([_("Id"), _("Date"), _("Time"), _("Kind"), _("Subject"), _("Client"),
                 _("Status")],
                [[str(a.id)[:8], format_date(a.date), a.time_text,
                  _(APPOINTMENT_KIND_LABELS[a.kind]), a.subject[:40], a.client_name[:40],
                  _(APPOINTMENT_STATUS_LABELS[a.status])] for a in found])
    return EXIT_OK


def _meeting(db: object, actor: object, short: str) -> str:
    from salesdesk.errors import NotFoundError, ValidationError
    from salesdesk.services.appointments import list_appointments

    if len(short) >= 32:
        return short
    found = [a.id for a in list_appointments(db, actor)  # type: ignore[arg-type]
             if str(a.id).startswith(short.lower())]
    if not found:
        raise NotFoundError(_("Meeting or call not found (it may have been deleted)."))
    if len(found) > 1:
        raise ValidationError("ID", _("'{id}' names several meetings: give more of it.")
                              .format(id=short))
    return str(found[0])


def cmd_meetings_plan(args: argparse.Namespace) -> int:
    """Plan a meeting or call with a client."""
    from salesdesk.cli.common import client_by_reference
    from salesdesk.services.appointments import plan_appointment
    from salesdesk.services.base import reading, user_by_login

    db = open_db(args)
    actor = acting_user(args, db)
    client = client_by_reference(db, actor, args.client)
    person = None
    if args.with_login:
        with reading(db, actor) as ctx:
            person = user_by_login(ctx, args.with_login).id
    values = {"kind": args.kind, "subject": args.subject, "date": args.date,
              "start_minute": args.time, "duration_minutes": args.minutes,
              "place": args.place, "note": args.note}
    made = plan_appointment(db, actor, client.id, {k: v for k, v in values.items()
                                                   if v is not None}, user_id=person)
    print(_("Planned for {date} {time}; its id is {id}.").format(
        date=made.date.isoformat(), time=made.time_text, id=made.id))
    return EXIT_OK


def cmd_meetings_move(args: argparse.Namespace) -> int:
    """Move a planned meeting or call to another day or time."""
    from salesdesk.fields import time_of_day
    from salesdesk.services.appointments import reschedule

    db = open_db(args)
    actor = acting_user(args, db)
    try:
        minute = time_of_day(args.time) if args.time else None
    except ValueError as exc:
        raise ValidationError("--time", str(exc)) from None
    moved = reschedule(db, actor, _meeting(db, actor, args.id), args.date, minute)
    print(_("Moved to {date} {time}.").format(date=moved.date.isoformat(),
                                               time=moved.time_text))
    return EXIT_OK


def cmd_meetings_done(args: argparse.Namespace) -> int:
    """It took place: its outcome, and the contact logged."""
    from salesdesk.services.appointments import complete_appointment

    db = open_db(args)
    actor = acting_user(args, db)
    complete_appointment(db, actor, _meeting(db, actor, args.id), args.outcome or "")
    print(_("Done; the contact is logged."))
    return EXIT_OK


def cmd_meetings_cancel(args: argparse.Namespace) -> int:
    """It will not take place."""
    from salesdesk.services.appointments import cancel_appointment

    db = open_db(args)
    actor = acting_user(args, db)
    cancel_appointment(db, actor, _meeting(db, actor, args.id), args.reason)
    print(_("Cancelled."))
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add this module's commands to the parser."""
    from salesdesk.cli.common import iso_date

    p = sub.add_parser("meetings", help=_("planned meetings, calls and presentations"))
    actions = p.add_subparsers(dest="meetings_action", required=True, metavar="ACTION")
    q = actions.add_parser("list", help=_("the meetings and calls of a period"))
    q.add_argument("--from", dest="date_from", type=iso_date, help=_("default: today"))
    q.add_argument("--to", dest="date_to", type=iso_date, help=_("default: a week on"))
    q.add_argument("--everyone", action="store_true",
                   help=_("everything you may see, not only your own"))
    q.add_argument("--json", action="store_true", help=_("a JSON list on stdout"))
    q.set_defaults(func=cmd_meetings_list)
    q = actions.add_parser("plan", help=_("plan a meeting or call with a client"))
    q.add_argument("--client", required=True, help=_("the client's INN or name"))
    q.add_argument("--date", required=True, type=iso_date)
    q.add_argument("--time", required=True, help=_("the time, 09:30"))
    q.add_argument("--minutes", help=_("how long (default 60)"))
    q.add_argument("--subject", required=True)
    q.add_argument("--kind", choices=["meeting", "call", "presentation"], default="meeting")
    q.add_argument("--place")
    q.add_argument("--note")
    q.add_argument("--with", dest="with_login",
                   help=_("who meets (a manager or the head plans for their team)"))
    q.set_defaults(func=cmd_meetings_plan)
    q = actions.add_parser("move", help=_("move it to another day or time"))
    q.add_argument("id")
    q.add_argument("--date", required=True, type=iso_date)
    q.add_argument("--time", help=_("the new time, 09:30 (default: the same)"))
    q.set_defaults(func=cmd_meetings_move)
    q = actions.add_parser("done", help=_("it took place: log the contact"))
    q.add_argument("id")
    q.add_argument("--outcome", help=_("what came of it"))
    q.set_defaults(func=cmd_meetings_done)
    q = actions.add_parser("cancel", help=_("it will not take place"))
    q.add_argument("id")
    q.add_argument("--reason")
    q.set_defaults(func=cmd_meetings_cancel)

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
