"""The head's toolkit on the command line (issue 19): ``commission``, ``ranking``,
``budget``, ``training`` and ``strategy``."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from salesdesk.cli.common import EXIT_OK, acting_user, iso_date, open_db, print_json, print_table
from salesdesk.errors import ValidationError
from salesdesk.i18n import _, get_language


def _money(value: Any) -> str | None:
    from salesdesk.money import money_str

    return None if value is None else money_str(value)


def _pct(value: Any) -> float | None:
    return None if value is None else float(value)


def _month_arg(text: str) -> date:
    from salesdesk.fields import parse_month

    try:
        return parse_month(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def cmd_commission(args: argparse.Namespace) -> int:
    """Each person's commission for a month (what the actor may see)."""
    from salesdesk.cli.reporting import format_metric
    from salesdesk.services import motivation

    db = open_db(args)
    actor = acting_user(args, db)
    if args.output:
        from pathlib import Path

        count = motivation.export_commissions(db, actor, args.month, Path(args.output))
        print(_("{n} commission statements written to {file}.").format(n=count,
                                                                       file=args.output))
        return EXIT_OK
    lines = motivation.commissions(db, actor, args.month)
    if args.json:
        print_json([{"login": x.login, "name": x.name, "month": x.month.strftime("%Y-%m"),
                     "plan": _money(x.plan), "sales_volume": _money(x.sales_volume),
                     "collected": _money(x.collected),
                     "plan_attainment_pct": _pct(x.plan_attainment_pct),
                     "base": _money(x.base), "commission": _money(x.commission),
                     "note": x.note or None} for x in lines])
        return EXIT_OK
    print_table([_("Name"), _("Plan"), _("Sales volume"), _("Plan attainment"),
                 _("Commission"), _("Note")],
                [[x.name, format_metric("money", x.plan), format_metric("money",
                                                                        x.sales_volume),
                  format_metric("percent", x.plan_attainment_pct),
                  format_metric("money", x.commission), _(x.note) if x.note else ""]
                 for x in lines])
    return EXIT_OK


def cmd_ranking(args: argparse.Namespace) -> int:
    """The team ranked by the head's metric (or ``--by``)."""
    from salesdesk.cli.reporting import format_metric
    from salesdesk.metrics.definitions import BY_KEY
    from salesdesk.services import motivation

    db = open_db(args)
    actor = acting_user(args, db)
    key, ranked = motivation.ranking(db, actor, args.date_from, args.date_to, args.by)
    kind = BY_KEY[key].kind
    if args.json:
        from salesdesk.services.metrics import json_value

        print_json({"metric": key, "people": [
            {"rank": r.rank, "login": r.login, "name": r.name,
             "value": json_value(kind, r.value)} for r in ranked]})
        return EXIT_OK
    print_table(["#", _("Name"), BY_KEY[key].label_in(get_language())],
                [[r.rank or "—", r.name, format_metric(kind, r.value)] for r in ranked])
    return EXIT_OK


def cmd_budget_set(args: argparse.Namespace) -> int:
    """Plan a channel's month (the head)."""
    from salesdesk.services import budget

    db = open_db(args)
    actor = acting_user(args, db)
    line = budget.set_budget(db, actor, {"month": args.month, "channel": args.channel,
                                         "amount": args.amount, "note": args.note})
    print(_("Budget of {channel} for {month}: {amount}.").format(
        channel=line.channel, month=line.month.strftime("%Y-%m"), amount=line.amount))
    return EXIT_OK


def cmd_budget_show(args: argparse.Namespace) -> int:
    """The plan against the spend, by channel, for a period."""
    from salesdesk.cli.reporting import format_metric
    from salesdesk.services import budget

    db = open_db(args)
    actor = acting_user(args, db)
    end = args.date_to
    rows = budget.budget_vs_spend(db, actor, args.date_from, end)
    if args.json:
        print_json({"period": {"from": args.date_from.isoformat(), "to": end.isoformat()},
                    "channels": [{"channel": r.channel or None, "planned": _money(r.planned),
                                  "spent": _money(r.spent),
                                  "difference": _money(r.difference),
                                  "used_pct": _pct(r.used_pct)} for r in rows]})
        return EXIT_OK
    print_table([_("Channel"), _("Planned"), _("Spent"), _("Difference"), _("Used")],
                [[r.channel or _("Total"), format_metric("money", r.planned),
                  format_metric("money", r.spent), format_metric("money", r.difference),
                  format_metric("percent", r.used_pct)] for r in rows])
    return EXIT_OK


def cmd_training_assign(args: argparse.Namespace) -> int:
    """Give an employee a template's items in one step."""
    from salesdesk.services import training
    from salesdesk.services.base import reading, user_by_login

    db = open_db(args)
    actor = acting_user(args, db)
    with reading(db, actor) as ctx:
        user = user_by_login(ctx, args.login)
    made = training.assign_template(db, actor, args.template, user.id, args.start)
    print(_("{n} items of '{template}' assigned to {name}.").format(
        n=len(made), template=args.template, name=user.name))
    return EXIT_OK


def cmd_training_templates(args: argparse.Namespace) -> int:
    """The onboarding templates."""
    from salesdesk.services import training

    db = open_db(args)
    found = training.list_templates(db, acting_user(args, db))
    if args.json:
        print_json([{"name": t.name, "items": [
            {"title": i.title, "offset_days": i.offset_days} for i in t.items]}
            for t in found])
        return EXIT_OK
    for template in found:
        print(template.name)
        for item in template.items:
            print("  " + _("{title} (day {n})").format(title=item.title, n=item.offset_days))
    if not found:
        print(_("No onboarding templates yet."))
    return EXIT_OK


def cmd_training_template_set(args: argparse.Namespace) -> int:
    """Make or replace an onboarding template from ``--item "Title;DAYS"``."""
    from salesdesk.services import training

    db = open_db(args)
    actor = acting_user(args, db)
    items = []
    for number, text in enumerate(args.item or [], 1):
        title, _sep, days = text.rpartition(";")
        if not title:
            raise ValidationError("--item", _("item {n}: expected 'Title;DAYS'").format(
                n=number))
        items.append({"title": title, "offset_days": days.strip()})
    existing = next((t for t in training.list_templates(db, actor) if t.name == args.name),
                    None)
    saved = training.save_template(db, actor, {"name": args.name, "note": args.note}, items,
                                   existing.id if existing else None)
    print(_("Template '{name}' saved with {n} items.").format(name=saved.name,
                                                               n=len(saved.items)))
    return EXIT_OK


def cmd_training_progress(args: argparse.Namespace) -> int:
    """Each employee's training: done of all, and what is overdue."""
    from salesdesk.cli.reporting import format_metric
    from salesdesk.services import training

    db = open_db(args)
    found = training.training_progress(db, acting_user(args, db))
    if args.json:
        print_json([{"login": p.login, "name": p.name, "total": p.total, "done": p.done,
                     "done_pct": _pct(p.done_pct), "overdue": p.overdue} for p in found])
        return EXIT_OK
    print_table([_("Name"), _("Done"), _("Progress"), _("Overdue")],
                [[p.name, f"{p.done}/{p.total}", format_metric("percent", p.done_pct),
                  "; ".join(p.overdue)] for p in found])
    return EXIT_OK


def cmd_strategy(args: argparse.Namespace) -> int:
    """The priority segments and markets with their numbers, and the key clients."""
    from salesdesk.cli.reporting import format_metric
    from salesdesk.services.strategy_figures import strategy_figures

    db = open_db(args)
    actor = acting_user(args, db)
    figures = strategy_figures(db, actor, args.date_from, args.date_to)
    if args.json:
        print_json({"period": {"from": args.date_from.isoformat(),
                               "to": args.date_to.isoformat()},
                    "sales_volume": _money(figures.total_volume),
                    "priorities": [{"kind": r.kind, "value": r.value or None,
                                    "sales_volume": _money(r.sales_volume),
                                    "share_pct": _pct(r.share_pct), "deals_won": r.deals_won,
                                    "pipeline_open_amount": _money(r.pipeline_open_amount),
                                    "conversion_pct": _pct(r.conversion_pct),
                                    "clients": r.clients} for r in figures.priorities],
                    "key_clients": [{"name": k.name, "owner": k.owner_name,
                                     "sales_volume": _money(k.sales_volume),
                                     "last_contact": k.last_contact.isoformat()
                                     if k.last_contact else None,
                                     "open_deals": k.open_deals,
                                     "open_amount": _money(k.open_amount)}
                                    for k in figures.key_clients]})
        return EXIT_OK
    print_table([_("Priority"), _("Sales volume"), _("Share"), _("Pipeline"),
                 _("Conversion")],
                [[r.value or _("Other clients"), format_metric("money", r.sales_volume),
                  format_metric("percent", r.share_pct),
                  format_metric("money", r.pipeline_open_amount),
                  format_metric("percent", r.conversion_pct)] for r in figures.priorities])
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add this module's commands to the parser."""
    p = sub.add_parser("commission", help=_("each person's commission for a month"))
    p.add_argument("month", type=_month_arg, help="YYYY-MM")
    p.add_argument("--json", action="store_true", help=_("a JSON list on stdout"))
    p.add_argument("-o", "--output", help=_("a .csv or .xlsx file for the accountant"))
    p.set_defaults(func=cmd_commission)

    p = sub.add_parser("ranking", help=_("the team ranked for a period"))
    p.add_argument("--from", dest="date_from", required=True, type=iso_date)
    p.add_argument("--to", dest="date_to", required=True, type=iso_date)
    p.add_argument("--by", choices=["plan_attainment_pct", "sales_volume", "conversion_pct"],
                   help=_("the metric (default: the head's choice in Settings)"))
    p.add_argument("--json", action="store_true", help=_("one JSON object on stdout"))
    p.set_defaults(func=cmd_ranking)

    p = sub.add_parser("budget", help=_("the marketing budget: plan against spend"))
    actions = p.add_subparsers(dest="budget_action", required=True, metavar="ACTION")
    q = actions.add_parser("set", help=_("plan a channel's month (the head)"))
    q.add_argument("--month", required=True, help="YYYY-MM")
    q.add_argument("--channel", required=True)
    q.add_argument("--amount", required=True, help="50000.00")
    q.add_argument("--note")
    q.set_defaults(func=cmd_budget_set)
    q = actions.add_parser("show", help=_("plan against spend by channel for a period"))
    q.add_argument("--from", dest="date_from", required=True, type=iso_date)
    q.add_argument("--to", dest="date_to", required=True, type=iso_date)
    q.add_argument("--json", action="store_true", help=_("one JSON object on stdout"))
    q.set_defaults(func=cmd_budget_show)

    p = sub.add_parser("training", help=_("onboarding templates and training progress"))
    actions = p.add_subparsers(dest="training_action", required=True, metavar="ACTION")
    q = actions.add_parser("assign", help=_("give an employee a template's items"))
    q.add_argument("template", help=_("the template's name"))
    q.add_argument("login")
    q.add_argument("--start", type=iso_date, help=_("the day the items count from "
                                                    "(default: today)"))
    q.set_defaults(func=cmd_training_assign)
    q = actions.add_parser("templates", help=_("the onboarding templates"))
    q.add_argument("--json", action="store_true", help=_("a JSON list on stdout"))
    q.set_defaults(func=cmd_training_templates)
    q = actions.add_parser("template", help=_("make or replace a template"))
    q.add_argument("name")
    q.add_argument("--item", action="append",
                   help=_("'Title;DAYS': an item due DAYS after it is assigned"))
    q.add_argument("--note")
    q.set_defaults(func=cmd_training_template_set)
    q = actions.add_parser("progress", help=_("each employee's progress and overdue items"))
    q.add_argument("--json", action="store_true", help=_("a JSON list on stdout"))
    q.set_defaults(func=cmd_training_progress)

    p = sub.add_parser("strategy", help=_("priority segments and markets with their numbers"))
    p.add_argument("--from", dest="date_from", required=True, type=iso_date)
    p.add_argument("--to", dest="date_to", required=True, type=iso_date)
    p.add_argument("--json", action="store_true", help=_("one JSON object on stdout"))
    p.set_defaults(func=cmd_strategy)
