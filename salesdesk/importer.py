"""Import of clients, deals, activities, marketing spend, targets and products.

INTERFACES.md is the specification. Columns are matched without regard to case, spaces
or ``_``, in English or Russian. By default an import is all or nothing: every bad row
is reported as ``FILE:LINE: column: what is wrong`` and nothing is written. With
``skip_invalid`` the valid rows go in and the bad ones are reported. Importing the same
file twice changes nothing the second time: clients match by INN (else by normalised
name), targets by user and month, products by SKU (else name), and a deal, activity or
spend row that repeats one already stored in every column is skipped as a repeat.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select

from salesdesk import policy
from salesdesk.auth import Actor
from salesdesk.db.engine import Database
from salesdesk.db.models import (
    Activity,
    Client,
    Deal,
    MarketingSpend,
    Product,
    Target,
    User,
)
from salesdesk.domain import ACTIVITY_KIND_LABELS, CLOSED_STAGES, STAGE_LABELS, VAT_RATES
from salesdesk.errors import FieldProblem, ValidationError
from salesdesk.fields import (
    choice,
    is_blank,
    normalize_name,
    one_of,
    parse_date,
    parse_month,
    text,
)
from salesdesk.i18n import _
from salesdesk.money import AmountError, amount_style, parse_amount, style_of
from salesdesk.policy import Action, Ctx
from salesdesk.services.base import writing
from salesdesk.services.clients import CLIENT_FIELDS, find_duplicates, refresh_search_text
from salesdesk.tabular import Sheet, read_table

KINDS = ("clients", "deals", "activities", "spend", "targets", "products")

# canonical column -> accepted names (compared case-folded, without spaces and "_").
ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "clients": {
        "name": ("name", "наименование", "название"), "inn": ("inn", "инн"),
        "kpp": ("kpp", "кпп"), "segment": ("segment", "сегмент"),
        "source": ("source", "источник"), "owner": ("owner", "ответственный"),
        "email": ("email", "e-mail", "почта"), "phone": ("phone", "телефон"),
        "city": ("city", "город"), "address": ("address", "адрес"),
        "created": ("created", "создан"),
    },
    "deals": {
        "client": ("client", "клиент"), "title": ("title", "название"),
        "owner": ("owner", "ответственный"), "amount": ("amount", "сумма"),
        "stage": ("stage", "стадия"), "opened": ("opened", "открыта"),
        "closed": ("closed", "закрыта"),
        "expected_close": ("expected_close", "ожидаемое закрытие"),
        "lost_reason": ("lost_reason", "причина отказа"),
    },
    "activities": {
        "client": ("client", "клиент"), "user": ("user", "сотрудник"),
        "kind": ("kind", "тип"), "date": ("date", "дата"), "note": ("note", "комментарий"),
    },
    "spend": {"date": ("date", "дата"), "channel": ("channel", "канал"),
              "amount": ("amount", "сумма")},
    "targets": {"user": ("user", "сотрудник"), "month": ("month", "месяц"),
                "amount": ("amount", "сумма")},
    "products": {
        "name": ("name", "наименование"), "price": ("price", "цена"),
        "unit": ("unit", "ед.", "ед", "единица"),
        "vat_rate": ("vat_rate", "ставка ндс", "ндс"), "sku": ("sku", "артикул"),
    },
}

REQUIRED: dict[str, tuple[str, ...]] = {
    "clients": ("name", "owner"),
    "deals": ("client", "title", "owner", "amount", "stage", "opened"),
    "activities": ("client", "user", "kind", "date"),
    "spend": ("date", "channel", "amount"),
    "targets": ("user", "month", "amount"),
    "products": ("name", "price"),
}


def _key(name: str) -> str:
    return "".join(str(name).casefold().split()).replace("_", "")


@dataclass
class ImportReport:
    """What an import did (or, refused, would have done)."""

    kind: str
    file: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    matched: list[str] = field(default_factory=list)
    repeats: list[str] = field(default_factory=list)
    problems: list[FieldProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The report as lines for people."""
        out = [*self.warnings, *self.matched, *self.repeats, *(str(p) for p in self.problems)]
        out.append(_("{file}: {created} created, {updated} updated, {unchanged} unchanged, "
                     "{matched} matched existing, {repeats} repeats skipped, {bad} invalid rows "
                     "skipped").format(file=self.file, created=self.created, updated=self.updated,
                                       unchanged=self.unchanged, matched=len(self.matched),
                                       repeats=len(self.repeats), bad=len(self.problems)))
        return out


@dataclass
class _Row:
    line: int
    cells: dict[str, Any]  # canonical column -> raw value
    header: dict[str, str]  # canonical column -> the file's own column name


class _RowProblems(Exception):
    def __init__(self, problems: list[FieldProblem]) -> None:
        super().__init__("row problems")
        self.problems = problems


def _map_columns(sheet: Sheet, kind: str) -> tuple[dict[int, str], list[str], list[str]]:
    lookup = {_key(alias): canonical for canonical, aliases in ALIASES[kind].items()
              for alias in aliases}
    mapping: dict[int, str] = {}
    unknown: list[str] = []
    for index, name in enumerate(sheet.header):
        canonical = lookup.get(_key(name))
        if canonical is None:
            if name:
                unknown.append(name)
        elif canonical not in mapping.values():
            mapping[index] = canonical
    missing = [c for c in REQUIRED[kind] if c not in mapping.values()]
    return mapping, unknown, missing


class _Importer:
    """Shared machinery: per-row parsing with problems named by file, line and column."""

    def __init__(self, ctx: Ctx, kind: str, sheet: Sheet, mapping: dict[int, str]) -> None:
        self.ctx = ctx
        self.kind = kind
        self.sheet = sheet
        self.mapping = mapping
        self.header_names = {canonical: sheet.header[i] for i, canonical in mapping.items()}
        self.users = {u.login: u for u in ctx.session.scalars(select(User))}
        self._money_parsers: dict[str, Callable[[Any], Decimal]] = {}

    def rows(self) -> list[_Row]:
        out = []
        for line, cells in self.sheet.rows:
            values = {canonical: cells[i] if i < len(cells) else None
                      for i, canonical in self.mapping.items()}
            out.append(_Row(line, values, self.header_names))
        return out

    def money(self, column: str) -> Callable[[Any], Decimal]:
        """The parser of a money column, in the number style its values show (a column
        of ``1,234.50`` and one of ``1 234,50`` both import right); a column that mixes
        the two, or stays ambiguous (only values like ``6,000``), is refused whole."""
        if column not in self._money_parsers:
            index = next((i for i, c in self.mapping.items() if c == column), None)
            values = [cells[index] for _line, cells in self.sheet.rows
                      if index is not None and index < len(cells)]
            try:
                style = amount_style(values)
            except AmountError as exc:
                raise ValidationError(
                    f"{self.sheet.name}:1: {self.header_names.get(column, column)}",
                    str(exc)) from None
            self._money_parsers[column] = lambda v: parse_amount(
                v, kind="money", style=style or style_of())
        return self._money_parsers[column]

    def where(self, row: _Row, column: str) -> str:
        return f"{self.sheet.name}:{row.line}: {row.header.get(column, column)}"

    def parse(self, row: _Row, column: str, parser: Callable[[Any], Any], required: bool,
              problems: list[FieldProblem]) -> Any:
        raw = row.cells.get(column)
        if is_blank(raw):
            if required:
                problems.append(FieldProblem(self.where(row, column), _("is required")))
            return None
        try:
            return parser(raw)
        except ValidationError as exc:
            problems.extend(FieldProblem(self.where(row, column), p.message)
                            for p in exc.problems)
        except (ValueError, TypeError, ArithmeticError) as exc:
            problems.append(FieldProblem(self.where(row, column), str(exc)))
        return None

    def user(self, row: _Row, column: str, problems: list[FieldProblem],
             action: Action) -> User | None:
        login = self.parse(row, column, lambda v: str(v).strip().lower(), True, problems)
        if login is None:
            return None
        user = self.users.get(login)
        if user is None:
            problems.append(FieldProblem(self.where(row, column), _(
                "there is no user with the login '{login}'").format(login=login)))
            return None
        if not user.active:
            problems.append(FieldProblem(self.where(row, column), _(
                "{login} is deactivated").format(login=login)))
            return None
        if user.id != self.ctx.user.id and not policy.in_scope(self.ctx, user.id):
            problems.append(FieldProblem(self.where(row, column), _(
                "{login} is not in your team").format(login=login)))
            return None
        return user


def _client_finder(ctx: Ctx) -> Callable[[str], tuple[Client | None, str | None]]:
    """Find a client named in a deals or activities file: by INN when the cell is one,
    else by exact name; only clients the importer may work with count."""
    def find(value: str) -> tuple[Client | None, str | None]:
        raw = str(value).strip()
        digits_only = raw.replace(" ", "")
        stmt = select(Client).where(Client.deleted_at.is_(None), policy.visible(ctx, Client))
        if digits_only.isdigit() and len(digits_only) in (10, 12):
            found = list(ctx.session.scalars(stmt.where(Client.inn == digits_only).limit(2)))
        else:
            found = list(ctx.session.scalars(stmt.where(Client.name == raw).limit(2)))
            if not found:
                found = list(ctx.session.scalars(stmt.where(
                    Client.name_norm == normalize_name(raw)).limit(2)))
        if not found:
            return None, _("no client '{value}' among your clients (give the INN or the exact "
                           "name)").format(value=raw[:60])
        if len(found) > 1:
            return None, _("'{value}' names more than one client: give the INN").format(
                value=raw[:60])
        return found[0], None
    return find


def _import_clients(imp: _Importer, report: ImportReport, skip_invalid: bool) -> list[Any]:
    ctx = imp.ctx
    by_inn = dict(ctx.session.execute(select(Client.inn, Client.name).where(
        Client.deleted_at.is_(None), Client.inn.is_not(None))).all())
    by_name = dict(ctx.session.execute(select(Client.name_norm, Client.name).where(
        Client.deleted_at.is_(None))).all())
    planned: list[Client] = []
    for row in imp.rows():
        problems: list[FieldProblem] = []
        values: dict[str, Any] = {}
        for column in ("name", "inn", "kpp", "segment", "source", "email", "phone", "city",
                       "address"):
            spec = CLIENT_FIELDS[column]
            value = imp.parse(row, column, spec.parse, column == "name", problems)
            if value is not None:
                values[column] = value
        owner = imp.user(row, "owner", problems, Action.CLIENT_CREATE)
        created = imp.parse(row, "created", parse_date, False, problems)
        if values.get("kpp") and len(values.get("inn") or "") == 12:
            problems.append(FieldProblem(imp.where(row, "kpp"), _(
                "an individual entrepreneur (12-digit INN) has no KPP: leave it empty")))
        if problems:
            report.problems.extend(problems)
            continue
        name_norm = normalize_name(values["name"])
        existing = (by_inn.get(values["inn"]) if values.get("inn")
                    else by_name.get(name_norm))
        if existing is not None:
            how = _("INN") if values.get("inn") else _("name")
            report.matched.append(_("{file}:{line}: matches the existing client '{name}' (by "
                                    "{how}); not added again").format(
                file=imp.sheet.name, line=row.line, name=existing, how=how))
            continue
        for dup in find_duplicates(ctx, values["name"], None, values.get("email"),
                                   values.get("phone")):
            report.warnings.append(_("{file}:{line}: possible duplicate: {what}").format(
                file=imp.sheet.name, line=row.line, what=dup.describe()))
        client = Client(id=uuid.uuid4(), owner_id=owner.id, status="active",  # type: ignore[union-attr]
                        document_language="ru", **values)
        client.kind = "person" if client.inn and len(client.inn) == 12 else "company"
        if created is not None:
            client.created_at = datetime(created.year, created.month, created.day, tzinfo=UTC)
        refresh_search_text(ctx.session, client)
        if values.get("inn"):
            by_inn[values["inn"]] = values["name"]
        by_name.setdefault(name_norm, values["name"])
        planned.append(client)
    return planned


def _import_deals(imp: _Importer, report: ImportReport, skip_invalid: bool) -> list[Any]:
    find = _client_finder(imp.ctx)
    existing = {_deal_key(d) for d in imp.ctx.session.scalars(
        select(Deal).where(Deal.deleted_at.is_(None)))}
    planned = []
    for row in imp.rows():
        problems: list[FieldProblem] = []
        client = None
        raw_client = imp.parse(row, "client", text(300), True, problems)
        if raw_client:
            client, why = find(raw_client)
            if why:
                problems.append(FieldProblem(imp.where(row, "client"), why))
        title = imp.parse(row, "title", text(300), True, problems)
        owner = imp.user(row, "owner", problems, Action.DEAL_CREATE)
        amount = imp.parse(row, "amount", imp.money("amount"), True, problems)
        stage = imp.parse(row, "stage", choice(STAGE_LABELS), True, problems)
        opened = imp.parse(row, "opened", parse_date, True, problems)
        closed = imp.parse(row, "closed", parse_date, False, problems)
        expected = imp.parse(row, "expected_close", parse_date, False, problems)
        reason = imp.parse(row, "lost_reason", text(1000), False, problems)
        if stage in CLOSED_STAGES and closed is None and not any(
                p.field == imp.where(row, "closed") for p in problems):
            problems.append(FieldProblem(imp.where(row, "closed"),
                                         _("is required for a won or lost deal")))
        if closed and opened and closed < opened:
            problems.append(FieldProblem(imp.where(row, "closed"),
                                         _("is before the deal was opened")))
        if stage == "lost" and not reason:
            problems.append(FieldProblem(imp.where(row, "lost_reason"),
                                         _("is required for a lost deal")))
        if problems:
            report.problems.extend(problems)
            continue
        deal = Deal(id=uuid.uuid4(), client_id=client.id, owner_id=owner.id, title=title,  # type: ignore[union-attr]
                    amount=amount, stage=stage, opened_on=opened,
                    closed_on=closed if stage in CLOSED_STAGES else None,
                    expected_close=expected, lost_reason=reason if stage == "lost" else None)
        key = _deal_key(deal)
        if key in existing:
            report.repeats.append(_("{file}:{line}: repeats a deal already stored; skipped")
                                  .format(file=imp.sheet.name, line=row.line))
            continue
        existing.add(key)
        planned.append(deal)
    return planned


def _deal_key(d: Deal) -> tuple[Any, ...]:
    return (d.client_id, d.owner_id, d.title, Decimal(d.amount), d.stage, d.opened_on,
            d.closed_on, d.expected_close, d.lost_reason or None)


def _import_activities(imp: _Importer, report: ImportReport, skip_invalid: bool) -> list[Any]:
    find = _client_finder(imp.ctx)
    planned = []
    seen: set[tuple[Any, ...]] = set()
    for row in imp.rows():
        problems: list[FieldProblem] = []
        client = None
        raw_client = imp.parse(row, "client", text(300), True, problems)
        if raw_client:
            client, why = find(raw_client)
            if why:
                problems.append(FieldProblem(imp.where(row, "client"), why))
        user = imp.user(row, "user", problems, Action.ACTIVITY_LOG)
        kind = imp.parse(row, "kind", choice(ACTIVITY_KIND_LABELS), True, problems)
        day = imp.parse(row, "date", parse_date, True, problems)
        note = imp.parse(row, "note", text(10000), False, problems)
        if problems:
            report.problems.extend(problems)
            continue
        key = (client.id, user.id, kind, day, note or None)  # type: ignore[union-attr]
        if key in seen or imp.ctx.session.scalar(select(Activity.id).where(
                Activity.deleted_at.is_(None), Activity.client_id == key[0],
                Activity.user_id == key[1], Activity.kind == kind, Activity.date == day,
                (Activity.note == note) if note else Activity.note.is_(None)).limit(1)):
            report.repeats.append(_("{file}:{line}: repeats an activity already stored; "
                                    "skipped").format(file=imp.sheet.name, line=row.line))
            continue
        seen.add(key)
        activity = Activity(id=uuid.uuid4(), client_id=client.id, user_id=user.id, kind=kind,  # type: ignore[union-attr]
                            date=day, note=note)
        if kind == "request":
            from datetime import timedelta

            activity.request_status = "open"
            activity.answer_by = day + timedelta(days=1)
        planned.append(activity)
    return planned


def _import_spend(imp: _Importer, report: ImportReport, skip_invalid: bool) -> list[Any]:
    policy.require(imp.ctx, Action.SPEND_EDIT)
    existing = {(s.date, s.channel, s.amount) for s in imp.ctx.session.scalars(
        select(MarketingSpend).where(MarketingSpend.deleted_at.is_(None)))}
    planned = []
    for row in imp.rows():
        problems: list[FieldProblem] = []
        day = imp.parse(row, "date", parse_date, True, problems)
        channel = imp.parse(row, "channel", text(100), True, problems)
        amount = imp.parse(row, "amount", imp.money("amount"), True, problems)
        if problems:
            report.problems.extend(problems)
            continue
        if (day, channel, amount) in existing:
            report.repeats.append(_("{file}:{line}: repeats a spend entry already stored; "
                                    "skipped").format(file=imp.sheet.name, line=row.line))
            continue
        existing.add((day, channel, amount))
        planned.append(MarketingSpend(id=uuid.uuid4(), date=day, channel=channel, amount=amount))
    return planned


def _import_targets(imp: _Importer, report: ImportReport, skip_invalid: bool) -> list[Any]:
    ctx = imp.ctx
    policy.require(ctx, Action.TARGET_SET)
    planned = []
    pending: dict[tuple[uuid.UUID, date], Target] = {}
    for row in imp.rows():
        problems: list[FieldProblem] = []
        user = imp.user(row, "user", problems, Action.TARGET_SET)
        if user is not None:
            try:
                policy.require(ctx, Action.TARGET_SET, target_user=user)
            except Exception as exc:  # a permission problem of this row
                problems.append(FieldProblem(imp.where(row, "user"), str(exc)))
        month = imp.parse(row, "month", parse_month, True, problems)
        amount = imp.parse(row, "amount", imp.money("amount"), True, problems)
        if problems:
            report.problems.extend(problems)
            continue
        key = (user.id, month)  # type: ignore[union-attr]
        target = pending.get(key) or ctx.session.scalar(select(Target).where(
            Target.user_id == user.id, Target.month == month))  # type: ignore[union-attr]
        if target is None:
            target = Target(id=uuid.uuid4(), user_id=user.id, month=month, amount=amount)  # type: ignore[union-attr]
            pending[key] = target
            planned.append(target)
        elif target.amount == amount and target.deleted_at is None:
            report.unchanged += 1
        else:
            target.amount = amount
            target.deleted_at = None
            if target not in planned:
                report.updated += 1
    return planned


def _import_products(imp: _Importer, report: ImportReport, skip_invalid: bool) -> list[Any]:
    ctx = imp.ctx
    policy.require(ctx, Action.PRODUCT_EDIT)
    from salesdesk.services.company import load_company

    default_rate = load_company(ctx.session).default_vat_rate
    products = list(ctx.session.scalars(select(Product).where(Product.deleted_at.is_(None))))
    by_sku = {p.sku: p for p in products if p.sku}
    by_name = {p.name.casefold(): p for p in products}
    planned = []
    for row in imp.rows():
        problems: list[FieldProblem] = []
        name = imp.parse(row, "name", text(300), True, problems)
        price = imp.parse(row, "price", imp.money("price"), True, problems)
        unit = imp.parse(row, "unit", text(20), False, problems)
        rate = imp.parse(row, "vat_rate", one_of(VAT_RATES), False, problems)
        sku = imp.parse(row, "sku", text(64), False, problems)
        if problems:
            report.problems.extend(problems)
            continue
        product = by_sku.get(sku) if sku else by_name.get(name.casefold())
        if product is None:
            product = Product(id=uuid.uuid4(), name=name, price=price, unit=unit or "шт",
                              vat_rate=rate or default_rate, sku=sku, active=True)
            planned.append(product)
            by_name[name.casefold()] = product
            if sku:
                by_sku[sku] = product
            continue
        changes = {"name": name, "price": price}
        if unit:
            changes["unit"] = unit
        if rate:
            changes["vat_rate"] = rate
        if all(getattr(product, k) == v for k, v in changes.items()):
            report.unchanged += 1
            continue
        for key, value in changes.items():
            setattr(product, key, value)
        if product not in planned:
            report.updated += 1
    return planned


_IMPORTERS = {"clients": _import_clients, "deals": _import_deals,
              "activities": _import_activities, "spend": _import_spend,
              "targets": _import_targets, "products": _import_products}


def import_file(db: Database, actor: Actor, kind: str, path: Path,
                skip_invalid: bool = False) -> ImportReport:
    """Import ``path`` as ``kind`` in one transaction; see the module's description.

    Raises :class:`ValidationError` listing every bad row (and writes nothing) unless
    ``skip_invalid``; returns the report otherwise.
    """
    if kind not in KINDS:
        raise ValidationError(_("Kind"), _("must be one of {rates}").format(
            rates=", ".join(KINDS)))
    sheet = read_table(Path(path))
    mapping, unknown, missing = _map_columns(sheet, kind)
    report = ImportReport(kind=kind, file=sheet.name)
    if missing:
        raise ValidationError([FieldProblem(f"{sheet.name}:1", _(
            "the required column '{column}' is missing").format(column=c)) for c in missing])
    for name in unknown:
        report.warnings.append(_("{file}:1: {column}: unknown column, ignored").format(
            file=sheet.name, column=name))
    with writing(db, actor) as (uow, ctx):
        imp = _Importer(ctx, kind, sheet, mapping)
        planned = _IMPORTERS[kind](imp, report, skip_invalid)
        if report.problems and not skip_invalid:
            raise ValidationError(report.problems)
        # Parents first: the rows reference each other only through existing records.
        uow.session.add_all(planned)
        report.created = len(planned)
        uow.commit()
    return report
