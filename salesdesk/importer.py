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

import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import combinations
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select

from salesdesk import policy, registry
from salesdesk.auth import Actor
from salesdesk.db.engine import Database
from salesdesk.db.ids import OrderedIds
from salesdesk.db.models import (
    Activity,
    Client,
    Deal,
    MarketingSpend,
    Product,
    Target,
    User,
)
from salesdesk.db.types import utcnow
from salesdesk.domain import ACTIVITY_KIND_LABELS, CLOSED_STAGES, STAGE_LABELS, VAT_RATES
from salesdesk.errors import FieldProblem, SalesDeskError, ValidationError
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
from salesdesk.import_mapping import Mapping, header_row, known_fields, parse_map, recognise
from salesdesk.money import AmountError, amount_style, parse_amount, style_of
from salesdesk.policy import Action, Ctx
from salesdesk.record_kinds import IMPORT_KINDS
from salesdesk.services.base import writing
from salesdesk.services.clients import (
    CLIENT_FIELDS,
    _search_text,
    find_duplicates,
    refresh_search_text,
)
from salesdesk.tabular import Sheet, chunks, read_table
from salesdesk.validation import normalize_phone

KINDS = IMPORT_KINDS

REQUIRED: dict[str, tuple[str, ...]] = {
    # The owner may be left out: rows then belong to --owner, or to whoever imports.
    "clients": ("name",),
    "contacts": (),  # a name (whole, or first/last) and a company: checked in _map()
    "deals": ("client", "title", "owner", "amount", "stage", "opened"),
    "activities": ("client", "user", "kind", "date"),
    "spend": ("date", "channel", "amount"),
    "targets": ("user", "month", "amount"),
    "products": ("name", "price"),
}


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
    mapping: str = ""
    """The columns as they were read: ``Название компании → name, ИНН → inn``."""
    dry_run: bool = False

    def lines(self) -> list[str]:
        """The report as lines for people."""
        out = [_("{file}: columns: {mapping}").format(file=self.file, mapping=self.mapping)]
        out += [*self.warnings, *self.matched, *self.repeats, *(str(p) for p in self.problems)]
        if self.dry_run:
            out.append(_("Dry run: nothing was written. It would do this:"))
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


class ImportRefused(ValidationError):
    """Nothing was imported. ``rows``: the refusal is about rows (``skip_invalid`` would
    import the others); otherwise about the file or its columns."""

    def __init__(self, problems: list[FieldProblem], rows: bool,
                 mapping: str = "") -> None:
        super().__init__(problems)
        self.rows = rows
        self.mapping = mapping


class ImportCancelled(SalesDeskError):
    """The user stopped the import; the transaction was rolled back."""


@dataclass(frozen=True)
class Preview:
    """What the import wizard shows before anything is read in full: the header found,
    the first rows, and the columns as recognised."""

    header: list[str]
    rows: list[list[Any]]
    fields: dict[int, str]
    known: list[str]
    """Every field of the kind a column may be mapped to."""
    total: int


def preview_file(path: Path, kind: str, count: int = 8) -> Preview:
    """The header, the first ``count`` rows and the proposed mapping of a file."""
    if kind not in KINDS:
        raise ValidationError(_("Kind"), _("must be one of {rates}").format(
            rates=", ".join(KINDS)))
    sheet = _with_header(read_table(Path(path)), kind)
    mapping = recognise(kind, sheet.header)
    known = sorted(known_fields(kind))
    return Preview(sheet.header, [cells for _line, cells in sheet.rows[:count]],
                   mapping.fields, known, len(sheet.rows))


def mapping_text(header: list[str], fields: dict[int, str]) -> str:
    """A mapping chosen column by column, as ``import --map`` takes it."""
    from salesdesk.import_mapping import IGNORE

    return ",".join(f"{name}={fields.get(i, IGNORE)}" for i, name in enumerate(header)
                    if name)


class _RowProblems(Exception):
    def __init__(self, problems: list[FieldProblem]) -> None:
        super().__init__("row problems")
        self.problems = problems


HEADER_WITHIN = 15
"""How many rows from the top the header is looked for in."""


def _with_header(sheet: Sheet, kind: str) -> Sheet:
    """The sheet with its real header: the first rows may be a title ("Контрагенты",
    the date of the list) above it, as 1С writes them."""
    grid = [list(sheet.header), *(cells for _line, cells in sheet.rows[:HEADER_WITHIN])]
    index = header_row(kind, grid, HEADER_WITHIN)
    if index == 0:
        return sheet
    header = [str(c).strip() if c is not None else "" for c in sheet.rows[index - 1][1]]
    return Sheet(sheet.name, header, sheet.rows[index:])


def _map(sheet: Sheet, kind: str, given: str | None) -> Mapping:
    """The recognised mapping, or the user's (``--map``); refused without a required
    column, naming the columns that are there."""
    known = known_fields(kind)
    try:
        mapping = (parse_map(given, sheet.header, known) if given
                   else recognise(kind, sheet.header))
    except ValidationError as exc:
        raise ImportRefused(exc.problems, rows=False) from None
    present = set(mapping.fields.values())
    missing = [c for c in REQUIRED[kind] if c not in present]
    if kind == "contacts":
        if not present & {"name", "last_name", "first_name"}:
            missing.append("name")
        if not present & {"client", "client_inn"}:
            missing.append("client")
    if missing:
        columns = ", ".join(h for h in sheet.header if h) or "—"
        raise ImportRefused([FieldProblem(f"{sheet.name}:1", _(
            "no column is recognised as '{field}' (the file's columns: {columns}); name it "
            "with --map \"COLUMN={field}\"").format(field=c, columns=columns))
            for c in missing], rows=False, mapping=mapping.describe())
    return mapping


class _UserFinder:
    """Who a cell names: a login, the user's e-mail, or the user's name as lists write it:
    in either order, with or without the patronymic ("Кузнецов Пётр Андреевич", "Пётр
    Кузнецов"), or with initials ("Кузнецов П. А.")."""

    def __init__(self, users: list[User]) -> None:
        self.users = users
        self.by_login = {u.login.casefold(): u for u in users}
        self.by_email: dict[str, list[User]] = {}
        self.by_words: dict[frozenset[str], list[User]] = {}
        for user in users:
            if user.email:
                self.by_email.setdefault(user.email.casefold(), []).append(user)
            words = _words(user.name)
            keys = {frozenset(words)}
            keys |= {frozenset(pair) for pair in combinations(words, 2)}
            for key in keys:
                self.by_words.setdefault(key, []).append(user)

    def find(self, value: str) -> list[User]:
        """Every user the cell may mean (none, one, or several: ambiguous)."""
        text_value = value.strip()
        user = self.by_login.get(text_value.casefold())
        if user is not None:
            return [user]
        if "@" in text_value:
            return self.by_email.get(text_value.casefold(), [])
        words = _words(text_value)
        exact = self.by_words.get(frozenset(words))
        if exact:
            return _distinct(exact)
        long_words = [w for w in words if len(w) > 1]
        initials = [w for w in words if len(w) == 1]
        if initials and len(long_words) == 1:  # "Кузнецов П. А."
            return [u for u in self.users if long_words[0] in _words(u.name) and any(
                w.startswith(initials[0]) for w in _words(u.name) if w != long_words[0])]
        found: list[User] = []
        for pair in combinations(words, 2):  # the patronymic the user record lacks
            found += self.by_words.get(frozenset(pair), [])
        return _distinct(found)


def _distinct(users: list[User]) -> list[User]:
    return list({u.id: u for u in users}.values())


def _words(name: str) -> list[str]:
    return [w for w in re.split(r"[\s.,]+", name.casefold().replace("ё", "е")) if w]


_SEVERAL = re.compile(r"\s*(?:[;,\n]|:::)\s*")  # Google Contacts joins with " ::: "


def _several(value: Any) -> list[str]:
    """The values of a cell that holds several ("+7 495 …, +7 916 …")."""
    if is_blank(value):
        return []
    return [v for v in _SEVERAL.split(str(value).strip()) if v]


class _Importer:
    """Shared machinery: per-row parsing with problems named by file, line and column."""

    def __init__(self, ctx: Ctx, kind: str, sheet: Sheet, mapping: dict[int, str],
                 default_owner: User | None = None, update: bool = False) -> None:
        self.ctx = ctx
        self.kind = kind
        self.sheet = sheet
        self.mapping = mapping
        self.update = update
        self.header_names = {canonical: sheet.header[i] for i, canonical in mapping.items()}
        self.people = _UserFinder(list(ctx.session.scalars(select(User))))
        self.default_owner = default_owner or ctx.session.get(User, ctx.user.id)
        self.touched: set[uuid.UUID] = set()  # clients whose contacts changed
        self.progress: Callable[[int, int], bool] | None = None
        self.flushed = 0  # records already sent to the database (in this transaction)
        self._money_parsers: dict[str, Callable[[Any], Decimal]] = {}

    def flush(self, planned: list[Any]) -> None:
        """Send ``planned`` to the database now and let the session forget them (the
        transaction still commits or rolls back as one)."""
        session = self.ctx.session
        session.add_all(planned)
        session.flush()
        for obj in planned:
            session.expunge(obj)
        self.flushed += len(planned)
        planned.clear()

    def insert_rows(self, model: Any, rows: list[dict[str, Any]]) -> None:
        """Write new records given as rows in one go, with their audit entries and their
        change log for the laptops (as a flush of the same records would)."""
        from salesdesk import audit
        from salesdesk.db.bulk import bulk_insert
        from salesdesk.sync import capture

        if not rows:
            return
        session = self.ctx.session
        bulk_insert(session.connection(), model.__table__, rows)
        audit.log_created(session, model.__tablename__, rows)
        capture.log_created(session, model.__tablename__, rows)
        self.flushed += len(rows)

    def rows(self) -> Iterator[_Row]:
        """The rows as fields, telling ``progress`` every few hundred (it may stop the
        import: :class:`ImportCancelled`, and nothing is written)."""
        total = len(self.sheet.rows)
        for index, (line, cells) in enumerate(self.sheet.rows):
            if self.progress is not None and index % 250 == 0 and not self.progress(
                    index, total):
                raise ImportCancelled(_("The import was cancelled; nothing was written."))
            values = {canonical: cells[i] if i < len(cells) else None
                      for i, canonical in self.mapping.items()}
            yield _Row(line, values, self.header_names)
        if self.progress is not None:
            self.progress(total, total)

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
             action: Action, required: bool = True) -> User | None:
        """The user a cell names (see :class:`_UserFinder`), active and in the importing
        user's team; an empty optional cell gives the default owner."""
        raw = row.cells.get(column)
        if is_blank(raw):
            if required:
                problems.append(FieldProblem(self.where(row, column), _("is required")))
                return None
            return self.default_owner
        value = str(raw).strip()
        found = self.people.find(value)
        if not found:
            problems.append(FieldProblem(self.where(row, column), _(
                "no user is called '{value}' (give a login, the full name or the "
                "e-mail)").format(value=value[:60])))
            return None
        if len({u.id for u in found}) > 1:
            problems.append(FieldProblem(self.where(row, column), _(
                "'{value}' may be {names}: give the login").format(
                value=value[:60], names=", ".join(sorted(u.login for u in found)))))
            return None
        user = found[0]
        if not user.active:
            problems.append(FieldProblem(self.where(row, column), _(
                "{login} is deactivated").format(login=user.login)))
            return None
        if user.id != self.ctx.user.id and not policy.in_scope(self.ctx, user.id):
            problems.append(FieldProblem(self.where(row, column), _(
                "{login} is not in your team").format(login=user.login)))
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


CLIENT_COLUMNS = tuple(f.key for f in registry.import_fields("clients") if f.service)
"""The columns of a client row that are the client's own fields (checked as a form is)."""
CONTACT_COLUMNS = tuple(f.key for f in registry.import_fields("contacts") if f.service)


def _client_values(imp: _Importer, row: _Row, problems: list[FieldProblem]
                   ) -> dict[str, Any]:
    """A client row's fields through the window's validators. A cell with several
    phones or e-mails gives the first to the client and keeps the rest in the notes."""
    values: dict[str, Any] = {}
    extra: list[str] = []
    for column in CLIENT_COLUMNS:
        spec = CLIENT_FIELDS[column]
        if column in ("phone", "email"):
            _keep_first(row, column, extra)
        if column == "inn" and isinstance(row.cells.get(column), int | float):
            row.cells[column] = _inn_from_number(row.cells[column])
        if column == "kpp" and isinstance(row.cells.get(column), int | float):
            row.cells[column] = str(int(row.cells[column])).zfill(9)  # "027401001"
        value = imp.parse(row, column, spec.parse, column == "name", problems)
        if value is not None:
            values[column] = value
    _add_to_notes(values, extra)
    return values


def _keep_first(row: _Row, column: str, extra: list[str]) -> None:
    """A cell with several phones or e-mails: the first stays for the field, the others
    go to ``extra`` (for the record's notes)."""
    first, *rest = _several(row.cells.get(column)) or [None]
    row.cells[column] = first
    if rest:
        label = _("Other phones") if column == "phone" else _("Other e-mails")
        extra.append(f"{label}: {', '.join(rest)}")


def _add_to_notes(values: dict[str, Any], extra: list[str]) -> None:
    if extra:
        values["notes"] = "\n".join([*([values["notes"]] if values.get("notes") else []),
                                      *extra])


def _inn_from_number(value: float) -> str:
    """An INN Excel stored as a number lost its leading zero ("0274062111" became
    274062111): the zero comes back only where the checksum then holds."""
    from stdnum.ru import inn as inn_check

    digits = str(int(value))
    for candidate in (digits, digits.zfill(10), digits.zfill(12)):
        if len(candidate) in (10, 12) and inn_check.is_valid(candidate):
            return candidate
    return digits


def _import_clients(imp: _Importer, report: ImportReport, skip_invalid: bool) -> list[Any]:
    """Client rows, a chunk at a time: each chunk's rows are checked, matched against
    the stored clients (and the file's earlier chunks, written already) by a few
    queries, and its new clients written in one go; memory stays that of a chunk."""
    ctx = imp.ctx
    session = ctx.session
    rep = ctx.user.role == "rep"
    big = len(imp.sheet.rows) > BULK_ROWS
    names: dict[uuid.UUID, str] = {}  # of the stored clients rows matched, for the report
    ids = OrderedIds()
    for chunk in chunks(imp.rows(), FLUSH_EVERY):
        parsed = []
        for row in chunk:
            problems: list[FieldProblem] = []
            values = _client_values(imp, row, problems)
            # A representative's rows are always their own, whoever the file names.
            owner = (session.get(User, ctx.user.id) if rep else
                     imp.user(row, "owner", problems, Action.CLIENT_CREATE, required=False))
            created = imp.parse(row, "created", parse_date, False, problems)
            if values.get("kpp") and len(values.get("inn") or "") == 12:
                problems.append(FieldProblem(imp.where(row, "kpp"), _(
                    "an individual entrepreneur (12-digit INN) has no KPP: leave it empty")))
            if problems:
                report.problems.extend(problems)
                continue
            parsed.append((row, values, owner, created, normalize_name(values["name"])))
        known = _Stored.read(session, [p[1] for p in parsed], [p[4] for p in parsed],
                             imp.update)
        bulk = _BulkDuplicates(session, [p[1] for p in parsed]) if big else None
        new_rows: list[dict[str, Any]] = []
        for row, values, owner, created, name_norm in parsed:
            how, existing_id = _match(values, name_norm, known.by_inn, known.by_email,
                                      known.by_name)
            if existing_id is not None:
                if imp.update:
                    named = not rep and not is_blank(row.cells.get("owner"))
                    _update_client(imp, report, row, existing_id, values,
                                   owner if named else None)
                else:
                    report.matched.append(_(
                        "{file}:{line}: matches the existing client '{name}' (by {how}); "
                        "not added again (--update changes it)").format(
                        file=imp.sheet.name, line=row.line,
                        name=_client_name(session, existing_id, names), how=how))
                continue
            if bulk is None:
                for dup in find_duplicates(ctx, values["name"], None, values.get("email"),
                                           values.get("phone")):
                    report.warnings.append(_("{file}:{line}: possible duplicate: {what}")
                                           .format(file=imp.sheet.name, line=row.line,
                                                   what=dup.describe()))
            else:
                bulk.check(imp, report, row, values)
            client = _client_row(values, owner.id, created, name_norm,  # type: ignore[union-attr]
                                 ids.next())
            known.add(values, name_norm, client["id"], imp.update)
            new_rows.append(client)
        if not (report.problems and not skip_invalid):  # refused anyway: write no more
            imp.insert_rows(Client, new_rows)
    return []


_CLIENT_COLUMNS = tuple(c.key for c in Client.__table__.columns)


def _client_row(values: dict[str, Any], owner_id: uuid.UUID, created: date | None,
                name_norm: str, client_id: uuid.UUID) -> dict[str, Any]:
    """A new client as the row the ORM would have written (defaults, derived search
    columns, timestamps), for an insert of many at once."""
    now = utcnow()
    row: dict[str, Any] = dict.fromkeys(_CLIENT_COLUMNS)
    row.update(values)
    inn = values.get("inn")
    row.update(id=client_id, owner_id=owner_id, status="active", document_language="ru",
               kind="person" if inn and len(inn) == 12 else "company", priority=False,
               version=1, updated_at=now, name_norm=name_norm,
               created_at=datetime(created.year, created.month, created.day, tzinfo=UTC)
               if created is not None else now,
               phone_e164=normalize_phone(values.get("phone")))
    row["search_text"] = _search_text(SimpleNamespace(**row), [])  # type: ignore[arg-type]
    return row


@dataclass
class _Stored:
    """The stored clients a chunk of rows may match, by INN, e-mail and name, read in a
    few queries by their indexes (see :class:`_BulkDuplicates` for why the deleted
    ones are left out in Python); the chunk's own new clients are added as made."""

    by_inn: dict[str, uuid.UUID]
    by_email: dict[str, uuid.UUID]
    by_name: dict[str, uuid.UUID]

    @classmethod
    def read(cls, session: Any, values: list[dict[str, Any]], name_norms: list[str],
             update: bool) -> _Stored:
        def lookup(column: Any, keys: set[str]) -> dict[str, uuid.UUID]:
            found: dict[str, uuid.UUID] = {}
            ordered = sorted(keys)
            for start in range(0, len(ordered), 500):
                for key, client_id, deleted_at in session.execute(
                        select(column, Client.id, Client.deleted_at).where(
                            column.in_(ordered[start:start + 500]))
                        .order_by(Client.created_at.desc())):
                    if deleted_at is None:
                        found[key] = client_id  # the oldest of equal ones wins
            return found

        return cls(lookup(Client.inn, {v["inn"] for v in values if v.get("inn")}),
                   lookup(Client.email, {v["email"] for v in values if v.get("email")})
                   if update else {},
                   lookup(Client.name_norm, set(name_norms)))

    def add(self, values: dict[str, Any], name_norm: str, client_id: uuid.UUID,
            update: bool) -> None:
        if values.get("inn"):
            self.by_inn[values["inn"]] = client_id
        if values.get("email") and update:
            self.by_email.setdefault(values["email"], client_id)
        self.by_name.setdefault(name_norm, client_id)


class _BulkDuplicates:
    """The duplicate check of a big file: a chunk's e-mails and phones looked up among
    the stored clients and contacts (the file's earlier chunks included) by index, and
    among the chunk's earlier rows."""

    def __init__(self, session: Any, values: list[dict[str, Any]]) -> None:
        from salesdesk.db.models import Contact

        emails = sorted({v["email"] for v in values if v.get("email")})
        phones = sorted({p for v in values if (p := normalize_phone(v.get("phone")))})
        self.emails: set[str] = set()
        self.phones: set[str] = set()
        # "deleted_at IS NULL" is left to Python: in SQL it tempts SQLite's planner
        # (without statistics, as in a database being filled) to the index that starts
        # with deleted_at, which holds every live client, instead of the e-mail's.
        for model in (Client, Contact):
            for column, keys, into in ((model.email, emails, self.emails),
                                       (model.phone_e164, phones, self.phones)):
                for start in range(0, len(keys), 500):
                    into.update(value for value, deleted_at in session.execute(
                        select(column, model.deleted_at).where(
                            column.in_(keys[start:start + 500])))
                        if deleted_at is None)
        self.emails = {e.lower() for e in self.emails}

    def check(self, imp: _Importer, report: ImportReport, row: _Row,
              values: dict[str, Any]) -> None:
        email = (values.get("email") or "").lower()
        phone = normalize_phone(values.get("phone"))
        for what, known, value in ((_("e-mail"), self.emails, email),
                                   (_("phone"), self.phones, phone)):
            if value and value in known:
                report.warnings.append(_("{file}:{line}: possible duplicate: another client "
                                         "has this {what}").format(
                    file=imp.sheet.name, line=row.line, what=what))
        if email:
            self.emails.add(email)
        if phone:
            self.phones.add(phone)


def _match(values: dict[str, Any], name_norm: str, by_inn: dict[Any, Any],
           by_email: dict[Any, Any], by_name: dict[Any, Any]) -> tuple[str, Any]:
    """The stored client a row is: by INN, else by e-mail, else by normalised name."""
    if values.get("inn"):
        return _("INN"), by_inn.get(values["inn"])
    if values.get("email") and values["email"] in by_email:
        return _("e-mail"), by_email[values["email"]]
    return _("name"), by_name.get(name_norm)


def _client_name(session: Any, client_id: uuid.UUID, cache: dict[uuid.UUID, str]) -> str:
    if client_id not in cache:
        cache[client_id] = session.scalar(select(Client.name).where(Client.id == client_id))
    return cache[client_id]


def _update_client(imp: _Importer, report: ImportReport, row: _Row, client_id: uuid.UUID,
                   values: dict[str, Any], owner: User | None) -> None:
    """Write what a re-imported row changes (audited and clocked for the laptops, as a
    window edit is); a client the importer may not edit is refused by name."""
    ctx = imp.ctx
    client = ctx.session.get(Client, client_id)
    if client is None or not policy.allows(ctx, Action.CLIENT_EDIT, client):
        report.problems.append(FieldProblem(f"{imp.sheet.name}:{row.line}", _(
            "matches a client that is not yours to change")))
        return
    changed = {k: v for k, v in values.items() if getattr(client, k) != v}
    if owner is not None and owner.id != client.owner_id:
        changed["owner_id"] = owner.id
    if not changed:
        report.unchanged += 1
        return
    for key, value in changed.items():
        setattr(client, key, value)
    refresh_search_text(ctx.session, client)
    report.updated += 1


def _import_contacts(imp: _Importer, report: ImportReport, skip_invalid: bool) -> list[Any]:
    """People of the clients: by INN or name of their company (a client the importer
    may work with); one already there with the same name is left, or updated."""
    from salesdesk.db.models import Contact
    from salesdesk.services.contacts import CONTACT_FIELDS

    ctx = imp.ctx
    find = _client_finder(ctx)
    known = {(c.client_id, normalize_name(c.name)): c.id for c in ctx.session.scalars(
        select(Contact).where(Contact.deleted_at.is_(None)))}
    planned: list[Any] = []
    touched: set[uuid.UUID] = set()
    for row in imp.rows():
        problems: list[FieldProblem] = []
        reference = row.cells.get("client_inn") or row.cells.get("client")
        client = None
        if is_blank(reference):
            problems.append(FieldProblem(imp.where(row, "client"), _("is required")))
        else:
            client, why = find(str(reference))
            if why:
                problems.append(FieldProblem(imp.where(row, "client"), why))
        name = " ".join(str(row.cells.get(k) or "").strip()
                        for k in ("last_name", "first_name", "middle_name")).strip()
        if not is_blank(row.cells.get("name")):
            name = str(row.cells["name"]).strip()
        row.cells["name"] = name or None
        values: dict[str, Any] = {}
        extra: list[str] = []
        for column in CONTACT_COLUMNS:
            if column in ("phone", "email"):
                _keep_first(row, column, extra)
            value = imp.parse(row, column, CONTACT_FIELDS[column].parse, column == "name",
                              problems)
            if value is not None:
                values[column] = value
        _add_to_notes(values, extra)
        if client is not None and not policy.allows(ctx, Action.CONTACT_EDIT, client):
            problems.append(FieldProblem(imp.where(row, "client"), _(
                "is not your client: its contacts are its owner's to change")))
        if problems:
            report.problems.extend(problems)
            continue
        key = (client.id, normalize_name(values["name"]))  # type: ignore[union-attr]
        if key in known:
            if imp.update:
                contact = ctx.session.get(Contact, known[key])
                changed = {k: v for k, v in values.items() if getattr(contact, k) != v}
                for k, v in changed.items():
                    setattr(contact, k, v)
                if changed:
                    report.updated += 1
                    touched.add(client.id)  # type: ignore[union-attr]
                else:
                    report.unchanged += 1
            else:
                report.matched.append(_("{file}:{line}: {name} is already a contact of "
                                        "{client}; not added again").format(
                    file=imp.sheet.name, line=row.line, name=values["name"],
                    client=client.name))  # type: ignore[union-attr]
            continue
        contact = Contact(id=uuid.uuid4(), client_id=client.id, **values)  # type: ignore[union-attr]
        contact.phone_e164 = normalize_phone(contact.phone)
        known[key] = contact.id
        touched.add(client.id)  # type: ignore[union-attr]
        planned.append(contact)
    imp.touched = touched
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


_IMPORTERS = {"clients": _import_clients, "contacts": _import_contacts,
              "deals": _import_deals,
              "activities": _import_activities, "spend": _import_spend,
              "targets": _import_targets, "products": _import_products}


FLUSH_EVERY = 5000
BULK_ROWS = 2000
"""Above this many rows a client file is checked for duplicates by INN, e-mail and phone
against indexes read once, not by similar names row by row (a fuzzy search per row of a
million-row file would take hours)."""


def import_file(db: Database, actor: Actor, kind: str, path: Path,
                skip_invalid: bool = False, mapping: str | None = None,
                owner: str | None = None, update: bool = False,
                dry_run: bool = False,
                progress: Callable[[int, int], bool] | None = None) -> ImportReport:
    """Import ``path`` as ``kind`` in one transaction; see the module's description.

    ``mapping`` (``"COLUMN=field,..."``) replaces the recognised columns; ``owner`` (a
    login, name or e-mail) owns the rows that name nobody; ``update`` changes the
    records a row matches; ``dry_run`` reports what would happen and writes nothing.
    Raises :class:`ImportRefused` listing every bad row (and writes nothing) unless
    ``skip_invalid``; returns the report otherwise.
    """
    if kind not in KINDS:
        raise ValidationError(_("Kind"), _("must be one of {rates}").format(
            rates=", ".join(KINDS)))
    sheet = _with_header(read_table(Path(path)), kind)
    columns = _map(sheet, kind, mapping)
    report = ImportReport(kind=kind, file=sheet.name, mapping=columns.describe(),
                          dry_run=dry_run)
    for name in columns.unknown:
        report.warnings.append(_("{file}:1: {column}: unknown column, ignored").format(
            file=sheet.name, column=name))
    with writing(db, actor) as (uow, ctx):
        imp = _Importer(ctx, kind, sheet, columns.fields, update=update)
        imp.progress = progress
        if owner:
            found = imp.people.find(owner)
            if len(found) != 1 or not found[0].active or (
                    found[0].id != ctx.user.id and not policy.in_scope(ctx, found[0].id)):
                raise ImportRefused([FieldProblem("--owner", _(
                    "'{value}' is not an active user of your team").format(value=owner))],
                    rows=False, mapping=report.mapping)
            imp.default_owner = found[0]
        # The importer keeps its own indexes of what the file adds: the queries it makes
        # per row need not flush the rows before them (that was most of the time).
        with uow.session.no_autoflush:
            planned = _IMPORTERS[kind](imp, report, skip_invalid)
        if report.problems and not skip_invalid:
            raise ImportRefused(report.problems, rows=True, mapping=report.mapping)
        # Parents first: the rows reference each other only through existing records.
        # Flushed in chunks and let go of, so that the session does not hold every
        # record of a big file at once; the transaction still takes all or nothing.
        for start in range(0, len(planned), FLUSH_EVERY):
            chunk = planned[start:start + FLUSH_EVERY]
            uow.session.add_all(chunk)
            uow.flush()
            for obj in chunk:
                uow.session.expunge(obj)
        report.created = imp.flushed + len(planned)
        if imp.touched:
            from salesdesk.services.contacts import _refresh_client

            for client_id in imp.touched:
                _refresh_client(ctx, client_id)
        if dry_run:
            uow.flush()  # what the database would refuse, it refuses now; then rolled back
        else:
            if report.created >= 1000:  # the planner's statistics for the new rows
                from salesdesk.db.statistics import analyse

                analyse(uow.session.connection())
            uow.commit()
    return report
