"""``pdf``: documents to PDF files (``metrics`` and ``report`` live here too)."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from salesdesk.cli.common import (
    EXIT_OK,
    acting_user,
    iso_date,
    open_db,
    print_json,
    print_table,
)
from salesdesk.files import write_atomically
from salesdesk.i18n import _


def cmd_pdf(args: argparse.Namespace) -> int:
    """Render the proposal or invoice with that number."""
    from salesdesk.services.documents import pdf_by_number

    db = open_db(args)
    actor = acting_user(args, db)
    record, data = pdf_by_number(db, actor, args.number, stamped=args.stamped)
    target = Path(args.output) if args.output else Path(f"{record.number}.pdf")
    write_atomically(target, data)
    from salesdesk.services.documents import note_output

    note_output(db, actor, record.id, "saved", args.stamped)
    print(_("{document} written to {file}.").format(document=record.display_name(),
                                                   file=target))
    return EXIT_OK


def format_metric(kind: str, value: Any, lang: str | None = None) -> str:
    """A metric value as people read it, ``n/a`` where a denominator was zero."""
    from salesdesk.i18n import format_money, format_number, format_percent, not_available

    if value is None:
        return not_available(lang)
    if kind == "money":
        return format_money(value, lang)
    if kind == "percent":
        return format_percent(value, lang)
    if kind in ("days", "hours"):
        return format_number(value, lang, decimals=1)
    return format_number(value, lang)


def _metric_rows(values: dict[str, Any], lang: str) -> list[list[str]]:
    from salesdesk.metrics.definitions import DUTIES, METRICS

    rows = []
    for metric in (*METRICS, *DUTIES):
        if metric.key not in values:
            continue
        value = values[metric.key]
        if metric.kind in ("money_map", "percent_map"):
            kind = "money" if metric.kind == "money_map" else "percent"
            for part, amount in (value or {}).items():
                rows.append([f"  {metric.label_in(lang)}: {part}",
                             format_metric(kind, amount, lang)])
            continue
        rows.append([metric.label_in(lang), format_metric(metric.kind, value, lang)])
    return rows


def cmd_metrics(args: argparse.Namespace) -> int:
    """The metrics for a period (METRICS.md's and the duties'), or broken down by a
    dimension (``--by``)."""
    from salesdesk.i18n import get_language
    from salesdesk.services.metrics import breakdown, metrics

    db = open_db(args)
    actor = acting_user(args, db)
    lang = get_language()
    if args.by:
        from salesdesk.services.base import reading
        from salesdesk.services.metrics import resolve_scope

        groups = breakdown(db, actor, args.date_from, args.date_to, args.by, args.scope)
        if args.json:
            with reading(db, actor) as ctx:
                logins = resolve_scope(ctx, args.scope).logins
            print_json({"period": {"from": args.date_from.isoformat(),
                                   "to": args.date_to.isoformat()},
                        "scope": sorted(logins), "by": args.by,
                        "groups": [g.to_json() for g in groups]})
            return EXIT_OK
        keys = ["sales_volume", "deals_won", "conversion_pct", "win_rate_pct",
                "average_check", "pipeline_open_amount", "on_time_delivery_pct"]
        from salesdesk.metrics.definitions import BY_KEY

        print_table([_("Group"), *[BY_KEY[k].label_in(lang) for k in keys]],
                    [[g.label, *[format_metric(BY_KEY[k].kind, g.values.get(k), lang)
                                 for k in keys]] for g in groups])
        return EXIT_OK
    result = metrics(db, actor, args.date_from, args.date_to, args.scope, with_duties=True)
    if args.json:
        print_json(result.to_json())
        return EXIT_OK
    print(_("Metrics {start} – {end}, scope: {scope}").format(
        start=args.date_from.isoformat(), end=args.date_to.isoformat(),
        scope=", ".join(result.scope)))
    print_table([_("Metric"), _("Value")], _metric_rows(result.values, lang))
    return EXIT_OK


def _month(text: str) -> tuple[int, int]:
    try:
        year, month = (int(x) for x in text.split("-"))
        date(year, month, 1)
    except ValueError:
        raise argparse.ArgumentTypeError(_("'{value}' is not a month (expected 2026-10)")
                                         .format(value=text)) from None
    return year, month


def cmd_report(args: argparse.Namespace) -> int:
    """The monthly report as PDF (the head: the department; a manager: the team)."""
    from salesdesk.services.reports import monthly_report_pdf

    db = open_db(args)
    actor = acting_user(args, db)
    conclusions = ""
    if args.conclusions:
        try:
            conclusions = Path(args.conclusions).read_text(encoding="utf-8")
        except OSError as exc:
            from salesdesk.errors import ValidationError

            raise ValidationError("--conclusions", _("cannot read {file}: {reason}").format(
                file=args.conclusions, reason=exc.strerror)) from exc
    if args.month is None:  # the month just ended during the first ten days, else this one
        from salesdesk.services.reports import default_report_month

        first = default_report_month()
        args.month = (first.year, first.month)
    year, month = args.month
    pdf = monthly_report_pdf(db, actor, year, month, conclusions, lang=args.report_lang)
    target = Path(args.output) if args.output else Path(f"report-{year:04d}-{month:02d}.pdf")
    write_atomically(target, pdf)
    from salesdesk.services.reports import note_report_output

    note_report_output(db, actor, year, month, "saved")
    print(_("Monthly report written to {file}.").format(file=target))
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add this module's commands to the parser."""
    p = sub.add_parser("report", help=_("the monthly report for top management"))
    kinds = p.add_subparsers(dest="report_kind", required=True, metavar="KIND")
    q = kinds.add_parser("monthly", help=_("the monthly report as PDF"))
    q.add_argument("month", type=_month, nargs="?", default=None,
                   help=_("YYYY-MM (default: the month just ended during the first ten days "
                          "of a month, else the current one)"))
    q.add_argument("-o", "--output", help=_("PDF file (default: report-YYYY-MM.pdf)"))
    q.add_argument("--conclusions", help=_("a text file with your conclusions"))
    q.add_argument("--language", dest="report_lang", choices=["ru", "en"],
                   help=_("the report's language (default: the company's document language)"))
    q.set_defaults(func=cmd_report)

    p = sub.add_parser("metrics", help=_("the sales metrics for a period"))
    p.add_argument("--from", dest="date_from", required=True, type=iso_date)
    p.add_argument("--to", dest="date_to", required=True, type=iso_date)
    p.add_argument("--scope", help=_("one user's login (within what you may see)"))
    p.add_argument("--by", choices=["segment", "market", "source", "product", "owner",
                                    "key_client"],
                   help=_("every metric for each segment, market, source, product, person, "
                          "or key clients against the rest"))
    p.add_argument("--json", action="store_true", help=_("one JSON object on stdout"))
    p.set_defaults(func=cmd_metrics)

    p = sub.add_parser("pdf", help=_("render a proposal or an invoice to PDF"))
    p.add_argument("number")
    p.add_argument("-o", "--output", help=_("PDF file (default: NUMBER.pdf)"))
    p.add_argument("--stamped", action="store_true",
                   help=_("with the company's stamp and signatures (a copy to e-mail)"))
    p.set_defaults(func=cmd_pdf)
