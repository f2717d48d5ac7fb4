"""Clients: create, edit, soft-delete, reassign, key-client flag, search, duplicates."""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, asc, desc, func, or_, select, text
from sqlalchemy.orm import Session

from salesdesk import policy, registry
from salesdesk.auth import Actor
from salesdesk.db import search_index
from salesdesk.db.engine import Database
from salesdesk.db.models import Activity, Client, Contact, User
from salesdesk.db.types import utcnow
from salesdesk.errors import ValidationError
from salesdesk.fields import Field, digits, normalize_name, validate
from salesdesk.i18n import _
from salesdesk.metrics.sqlfuncs import unindexed
from salesdesk.policy import Action, Ctx
from salesdesk.services.base import check_version, get_record, reading, writing
from salesdesk.validation import normalize_phone

CLIENT_FIELDS: dict[str, Field] = registry.spec("clients")
"""The fields the service checks (declared in :mod:`salesdesk.registry`)."""

# What a list column sorts by in SQL, where it is not the field's own column.
_SORTED_BY = {"name": Client.name_norm, "owner": User.name}
SORTABLE = {name: _SORTED_BY.get(name) or getattr(Client, registry.kind("clients").field(
    name).key) for name in registry.sortable("clients")}  # type: ignore[union-attr]
"""The client list's sort keys (the registry's sortable fields) -> SQL."""


@dataclass(frozen=True)
class ClientRecord:
    """A client as lists, cards and exports show it."""

    id: uuid.UUID
    name: str
    kind: str
    inn: str | None
    kpp: str | None
    segment: str | None
    market: str | None
    city: str | None
    source: str | None
    owner_id: uuid.UUID
    owner_name: str
    priority: bool
    status: str
    email: str | None
    phone: str | None
    address: str | None
    notes: str | None
    document_language: str
    created_at: datetime
    version: int
    website: str | None = None


@dataclass(frozen=True)
class PossibleDuplicate:
    """A client that may be the same as another. ``client_id`` and ``name`` are
    ``None`` when the match belongs to another team (its existence is all you learn)."""

    client_id: uuid.UUID | None
    name: str | None
    owner_name: str | None
    reason: str  # "inn", "email", "phone" or "name"
    score: int = 100

    def describe(self) -> str:
        """One line for a warning."""
        reasons = {"inn": _("same INN"), "email": _("same e-mail"), "phone": _("same phone"),
                   "name": _("similar name ({score}%)").format(score=self.score)}
        if self.name is None:
            return _("A client with the {reason} exists in another team: ask your manager.")\
                .format(reason=reasons[self.reason])
        return _("{name} ({owner}): {reason}").format(name=self.name, owner=self.owner_name,
                                                      reason=reasons[self.reason])


@dataclass(frozen=True)
class SavedClient:
    """The client after a save, with the duplicates it may be."""

    client: ClientRecord
    duplicates: list[PossibleDuplicate] = field(default_factory=list)


@dataclass(frozen=True)
class ClientQuery:
    """Filters, sort and page of the client list (all applied in SQL)."""

    text: str | None = None
    segment: str | None = None
    owner_id: uuid.UUID | None = None
    status: str | None = None
    priority: bool | None = None
    source: str | None = None
    market: str | None = None
    sort: str = "name"
    descending: bool = False
    offset: int = 0
    limit: int | None = 200


def _row(client: Client, owner_name: str) -> ClientRecord:
    return ClientRecord(
        id=client.id, name=client.name, kind=client.kind, inn=client.inn, kpp=client.kpp,
        segment=client.segment, market=client.market, city=client.city, source=client.source,
        owner_id=client.owner_id, owner_name=owner_name, priority=client.priority,
        status=client.status, email=client.email, phone=client.phone, address=client.address,
        notes=client.notes, document_language=client.document_language,
        created_at=client.created_at, version=client.version, website=client.website)


def search_key(text_value: str) -> str:
    """What a search fragment is compared with: case-folded, ``ё`` as ``е``; a phone
    number typed with separators is reduced to its digits."""
    raw = (text_value or "").strip()
    only = digits(raw)
    if len(only) >= 5 and len(only) >= len(raw.replace(" ", "")) - 5 and not any(
            c.isalpha() for c in raw):
        return only
    return raw.casefold().replace("ё", "е")


def search_text_of(session: Session, client: Client) -> str:
    """The search column's value: the client's and its live contacts' names, INN,
    e-mails and phone digits, case-folded."""
    contacts: list[Any] = []
    if client.id is not None:
        contacts = list(session.execute(
            select(Contact.name, Contact.email, Contact.phone).where(
                Contact.client_id == client.id, Contact.deleted_at.is_(None))))
    return _search_text(client, contacts)


def _search_text(client: Client, contacts: list[Any]) -> str:
    parts = [client.name, client.inn or "", client.email or "", digits(client.phone),
             client.city or ""]
    for name, email, phone in contacts:
        parts.extend([name, email or "", digits(phone)])
    return " ".join(p for p in parts if p).casefold().replace("ё", "е")


def refresh_search_texts(session: Session, clients: list[Client]) -> None:
    """:func:`refresh_search_text` for many clients, reading their contacts at once
    (a merge of a laptop's bundle touches thousands)."""
    contacts: dict[uuid.UUID, list[Any]] = {c.id: [] for c in clients}
    ids = list(contacts)
    for start in range(0, len(ids), 500):
        for client_id, name, email, phone in session.execute(
                select(Contact.client_id, Contact.name, Contact.email, Contact.phone).where(
                    Contact.client_id.in_(ids[start:start + 500]),
                    Contact.deleted_at.is_(None))):
            contacts[client_id].append((name, email, phone))
    for client in clients:
        set_search_columns(client, contacts[client.id])


def set_search_columns(client: Client, contacts: list[Any]) -> None:
    """Work a client's search columns out from it and its contacts' (name, e-mail,
    phone); a column already right is not touched (no needless UPDATE)."""
    for name, value in (("search_text", _search_text(client, contacts)),
                        ("name_norm", normalize_name(client.name)),
                        ("phone_e164", normalize_phone(client.phone))):
        if getattr(client, name) != value:
            setattr(client, name, value)


def refresh_search_text(session: Session, client: Client) -> None:
    """Rebuild the client's derived columns (search text, normalised name and phone)."""
    client.search_text = search_text_of(session, client)
    client.name_norm = normalize_name(client.name)
    client.phone_e164 = normalize_phone(client.phone)


def find_duplicates(ctx: Ctx, name: str | None, inn: str | None = None,
                    email: str | None = None, phone: str | None = None,
                    exclude: uuid.UUID | None = None) -> list[PossibleDuplicate]:
    """Clients that may be the same: same INN, e-mail or phone, or a very similar name."""
    from rapidfuzz import fuzz, process

    session = ctx.session
    alive = Client.deleted_at.is_(None)
    found: dict[uuid.UUID, tuple[str, int]] = {}
    if inn:
        for cid in session.scalars(select(Client.id).where(alive, Client.inn == inn)):
            found.setdefault(cid, ("inn", 100))
    if email:
        for cid in session.scalars(select(Client.id).where(alive, func.lower(Client.email)
                                                           == email.lower())):
            found.setdefault(cid, ("email", 100))
        for cid in session.scalars(select(Contact.client_id).where(
                Contact.deleted_at.is_(None), func.lower(Contact.email) == email.lower())):
            found.setdefault(cid, ("email", 100))
    e164 = normalize_phone(phone)
    if e164:
        for cid in session.scalars(select(Client.id).where(alive, Client.phone_e164 == e164)):
            found.setdefault(cid, ("phone", 100))
        for cid in session.scalars(select(Contact.client_id).where(
                Contact.deleted_at.is_(None), Contact.phone_e164 == e164)):
            found.setdefault(cid, ("phone", 100))
    norm = normalize_name(name or "")
    if len(norm) >= 3:
        # Candidates share the name's first letters or a word; rapidfuzz scores them.
        words = [w for w in norm.split() if len(w) >= 3][:3]
        conditions = [Client.name_norm.like(norm[:3] + "%")]
        conditions += [Client.name_norm.like(f"%{w}%") for w in words]
        candidates = session.execute(select(Client.id, Client.name_norm).where(
            alive, or_(*conditions)).limit(5000)).all()
        choices = {cid: cand for cid, cand in candidates}
        for _name, score, cid in process.extract(norm, choices, scorer=fuzz.token_sort_ratio,
                                                 score_cutoff=88, limit=10):
            found.setdefault(cid, ("name", int(score)))
    found.pop(exclude, None)  # type: ignore[arg-type]
    if not found:
        return []
    visible_ids = set(session.scalars(select(Client.id).where(
        Client.id.in_(found), policy.visible(ctx, Client))))
    rows = {cid: (cname, owner) for cid, cname, owner in session.execute(
        select(Client.id, Client.name, User.name).join(User, User.id == Client.owner_id)
        .where(Client.id.in_(visible_ids)))}
    result = []
    for cid, (reason, score) in found.items():
        if cid in visible_ids:
            cname, owner = rows[cid]
            result.append(PossibleDuplicate(cid, cname, owner, reason, score))
        else:
            result.append(PossibleDuplicate(None, None, None, reason, score))
    order = {"inn": 0, "email": 1, "phone": 2, "name": 3}
    return sorted(result, key=lambda d: (order[d.reason], -d.score, d.name or ""))


def _owner_for(ctx: Ctx, owner_id: uuid.UUID | str | None) -> User:
    if owner_id is None:
        return ctx.user
    owner = get_record(ctx, User, owner_id, _("User"), Action.CLIENT_REASSIGN,
                       include_deleted=True)
    if owner.id != ctx.user.id:
        policy.require(ctx, Action.CLIENT_REASSIGN, target_user=owner)
    return owner


def create_client(db: Database, actor: Actor, values: dict[str, Any],
                  owner_id: uuid.UUID | str | None = None) -> SavedClient:
    """A new client owned by the actor (or, for a manager or the head, by a team member).

    Possible duplicates are returned with the saved client, not refused: a real second
    branch of a company may share a name. A second live client with the same INN and KPP
    is refused (:class:`DuplicateInn`, naming the first when the actor may open it).
    """
    with writing(db, actor) as (uow, ctx):
        policy.require(ctx, Action.CLIENT_CREATE)
        data = validate(CLIENT_FIELDS, values)
        owner = _owner_for(ctx, owner_id)
        client = Client(id=uuid.uuid4(), owner_id=owner.id, **data)
        client.kind = client.kind or ("person" if client.inn and len(client.inn) == 12
                                      else "company")
        _check_kpp_fits_inn(client)
        _refuse_taken_inn(ctx, client)
        client.status = client.status or "active"
        client.document_language = client.document_language or "ru"
        refresh_search_text(uow.session, client)
        duplicates = find_duplicates(ctx, client.name, client.inn, client.email, client.phone)
        uow.session.add(client)
        uow.commit()
        return SavedClient(_row(client, owner.name), duplicates)


class DuplicateInn(ValidationError):
    """A live client already has this INN (and KPP). ``existing_id`` is that client when
    the user may open it, ``None`` when it belongs to another team."""

    def __init__(self, message: str, existing_id: uuid.UUID | None) -> None:
        super().__init__(_("INN"), message)
        self.existing_id = existing_id


def _refuse_taken_inn(ctx: Ctx, client: Client) -> None:
    """One client per INN: a second one is refused, naming the first. A branch of a
    company (обособленное подразделение) shares its INN but has a KPP of its own, so
    the pair is what must be new."""
    if not client.inn:
        return
    stmt = select(Client.id, Client.name, Client.kpp, Client.deleted_at).where(
        Client.inn == client.inn)  # deleted_at checked below: see importer._BulkDuplicates
    if client.id is not None:
        stmt = stmt.where(Client.id != client.id)
    for other_id, name, kpp, deleted_at in ctx.session.execute(stmt):
        if deleted_at is not None or (kpp or None) != (client.kpp or None):
            continue
        if policy.is_visible(ctx, Client, other_id):
            raise DuplicateInn(_("is the INN of the existing client '{name}': open it "
                                 "instead (a branch has a KPP of its own)").format(name=name),
                               other_id)
        raise DuplicateInn(_("is the INN of a client in another team: ask your manager to "
                             "give it to you"), None)


def _check_kpp_fits_inn(client: Client) -> None:
    """A KPP belongs to an organisation: an individual entrepreneur (a 12-digit INN) has
    none."""
    if client.kpp and client.inn and len(client.inn) == 12:
        raise ValidationError(_("KPP"), _("an individual entrepreneur (12-digit INN) has no "
                                          "KPP: leave it empty"))


def update_client(db: Database, actor: Actor, client_id: uuid.UUID | str,
                  values: dict[str, Any], expected_version: int | None = None) -> SavedClient:
    """Change a client's fields (own or the team's); a stale form is refused."""
    with writing(db, actor) as (uow, ctx):
        client = get_record(ctx, Client, client_id, _("Client"), Action.CLIENT_EDIT)
        check_version(client, expected_version)
        data = validate(CLIENT_FIELDS, values, partial=True)
        for key, value in data.items():
            if value is None and key in ("kind", "status", "document_language"):
                continue  # cleared in a form: keep the value these columns must have
            setattr(client, key, value)
        _check_kpp_fits_inn(client)
        with uow.session.no_autoflush:  # the check reads; the edit is not written yet
            _refuse_taken_inn(ctx, client)
        refresh_search_text(uow.session, client)
        duplicates = find_duplicates(ctx, client.name, client.inn, client.email,
                                     client.phone, exclude=client.id)
        uow.commit()
        owner = uow.session.get(User, client.owner_id)
        return SavedClient(_row(client, owner.name if owner else ""), duplicates)


def delete_client(db: Database, actor: Actor, client_id: uuid.UUID | str,
                  expected_version: int | None = None) -> None:
    """Soft-delete a client: it disappears from lists, and stays in the audit log."""
    with writing(db, actor) as (uow, ctx):
        client = get_record(ctx, Client, client_id, _("Client"), Action.CLIENT_DELETE)
        check_version(client, expected_version)
        client.deleted_at = utcnow()
        uow.commit()


def restore_client(db: Database, actor: Actor, client_id: uuid.UUID | str) -> None:
    """Bring a soft-deleted client back."""
    with writing(db, actor) as (uow, ctx):
        client = get_record(ctx, Client, client_id, _("Client"), Action.CLIENT_DELETE,
                            include_deleted=True)
        _refuse_taken_inn(ctx, client)  # another client took its INN meanwhile
        client.deleted_at = None
        uow.commit()


def reassign_client(db: Database, actor: Actor, client_id: uuid.UUID | str,
                    new_owner_id: uuid.UUID | str, expected_version: int | None = None) -> None:
    """Give a client to another user: a manager within the team, the head anyone."""
    with writing(db, actor) as (uow, ctx):
        policy.require(ctx, Action.CLIENT_REASSIGN)
        client = get_record(ctx, Client, client_id, _("Client"), Action.CLIENT_REASSIGN)
        check_version(client, expected_version)
        owner = get_record(ctx, User, new_owner_id, _("User"), Action.CLIENT_REASSIGN,
                           include_deleted=True)
        policy.require(ctx, Action.CLIENT_REASSIGN, target_user=owner)
        client.owner_id = owner.id
        uow.commit()


def set_key_client(db: Database, actor: Actor, client_id: uuid.UUID | str,
                   key: bool) -> None:
    """Mark or unmark a key client (the head's strategy)."""
    with writing(db, actor) as (uow, ctx):
        policy.require(ctx, Action.CLIENT_SET_KEY)
        client = get_record(ctx, Client, client_id, _("Client"), Action.CLIENT_SET_KEY)
        client.priority = key
        uow.commit()


def get_client(db: Database, actor: Actor, client_id: uuid.UUID | str) -> ClientRecord:
    """One client the actor may see."""
    with reading(db, actor) as ctx:
        client = get_record(ctx, Client, client_id, _("Client"))
        owner = ctx.session.get(User, client.owner_id)
        return _row(client, owner.name if owner else "")


def client_duplicates(db: Database, actor: Actor,
                      client_id: uuid.UUID | str) -> list[PossibleDuplicate]:
    """The possible duplicates of a client (the warning on its card)."""
    with reading(db, actor) as ctx:
        client = get_record(ctx, Client, client_id, _("Client"))
        return find_duplicates(ctx, client.name, client.inn, client.email, client.phone,
                               exclude=client.id)


def text_matches(session: Session, fragment: str) -> Any:
    """Clients whose ``search_text`` holds ``fragment`` (already a :func:`search_key`).

    On SQLite a fragment of three characters or more is looked up in the trigram index
    (migration 0006) instead of reading every client; PostgreSQL's planner uses its
    trigram index for the ``LIKE`` by itself. Shorter fragments are a scan either way:
    a trigram index cannot answer them.
    """
    if not search_index.uses_index(session, fragment):
        return Client.search_text.like(f"%{search_index.escape_like(fragment)}%",
                                       escape="\\")
    # The client of each match from the narrow rows table, by the index's rowid: reading
    # it from the index's own content (beside the long search text) took four times as
    # long.
    return Client.id.in_(text(
        f"SELECT client_id FROM clients_fts_rows WHERE {_MATCHED}").bindparams(
        phrase=search_index.phrase(fragment)))


_MATCHED = "fts_rowid IN (SELECT rowid FROM clients_fts WHERE clients_fts MATCH :phrase)"
"""The rows of ``clients_fts_rows`` whose client's search text holds ``:phrase``."""


def live_matching(session: Session, fragment: str) -> list[Any]:
    """Live clients whose search text holds ``fragment`` (a :func:`search_key`), as
    WHERE clauses that let the plan start from the index's matches."""
    live: Any = Client.deleted_at.is_(None)
    if search_index.uses_index(session, fragment):
        # SQLite would otherwise walk every live client in name order and test each
        # against the index's answer; "+" keeps the (deleted_at, name) index out of it,
        # so the plan starts from the matches and looks each client up by its key.
        live = text("+clients.deleted_at IS NULL")
    return [live, text_matches(session, fragment)]


def _text_key(query: ClientQuery) -> str:
    """The search key of the query's text filter (``""`` when there is none)."""
    return search_key(query.text) if query.text and query.text.strip() else ""


def _conditions(ctx: Ctx, query: ClientQuery) -> list[Any]:
    """The WHERE clauses of a client query (shared by the page and the count)."""
    key = _text_key(query)
    conditions: list[Any] = ([*live_matching(ctx.session, key)] if key
                             else [Client.deleted_at.is_(None)])
    conditions.append(policy.visible(ctx, Client))
    if query.segment:
        conditions.append(Client.segment == query.segment)
    if query.owner_id:
        conditions.append(Client.owner_id == query.owner_id)
    if query.status:
        conditions.append(Client.status == query.status)
    if query.priority is not None:
        conditions.append(Client.priority.is_(query.priority))
    if query.source:
        conditions.append(Client.source == query.source)
    if query.market:
        conditions.append(Client.market == query.market)
    return conditions


def _filtered(ctx: Ctx, query: ClientQuery) -> Select[Any]:
    return (select(Client, User.name).join(User, User.id == Client.owner_id)
            .where(*_conditions(ctx, query)))


# The record's columns in field order: a list page is read as plain rows (no ORM objects,
# no identity map), which halves the time to the first paint of a 100,000-client list.
# The columns of a ClientRecord in its fields' order (the owner's name from users).
_RECORD_COLUMNS = [User.name if f.name == "owner_name" else getattr(Client, f.name)
                   for f in dataclasses.fields(ClientRecord)]


def list_clients(db: Database, actor: Actor, query: ClientQuery | None = None
                 ) -> list[ClientRecord]:
    """A page of the clients the actor sees, filtered and sorted in SQL."""
    query = query or ClientQuery()
    with reading(db, actor) as ctx:
        return _page(ctx, query)


def first_page(db: Database, actor: Actor, query: ClientQuery | None = None
               ) -> tuple[int, list[ClientRecord]]:
    """How many clients match, and the first page of them, in one session (what a list
    needs to paint after a filter change)."""
    query = query or ClientQuery()
    with reading(db, actor) as ctx:
        return _count(ctx, query), _page(ctx, query)


def _indexed_text_only(ctx: Ctx, query: ClientQuery) -> str:
    """The search key of ``query`` when the client index's rows alone can choose its
    matches (a text filter of three characters or more on SQLite, no other filter);
    otherwise ``""``."""
    key = _text_key(query)
    others = (query.segment, query.status, query.priority, query.source, query.market)
    if not key or others != (None,) * 5 or not search_index.uses_index(ctx.session, key):
        return ""
    return key


def _index_rows(ctx: Ctx, query: ClientQuery, key: str) -> tuple[str, dict[str, Any]]:
    """The WHERE clause (on ``clients_fts_rows``) and its parameters of the live clients
    matching ``key`` the actor may see, as :func:`policy.visible` sees them: everybody's
    for the head, those of the people in their scope for the others."""
    where = f"{_MATCHED} AND live"
    params: dict[str, Any] = {"phrase": search_index.phrase(key)}
    owners = [] if ctx.scope is None else [o.hex for o in ctx.scope]
    if query.owner_id:
        owner = uuid.UUID(str(query.owner_id))
        owners = [owner.hex] if ctx.scope is None or owner in ctx.scope else []
    if ctx.scope is not None or query.owner_id:
        marks = ", ".join(f":owner{i}" for i in range(len(owners))) or "NULL"
        where += f" AND owner_id IN ({marks})"
        params.update({f"owner{i}": owner for i, owner in enumerate(owners)})
    return where, params


def _page(ctx: Ctx, query: ClientQuery) -> list[ClientRecord]:
    column = SORTABLE.get(query.sort, Client.name_norm)
    order = desc(column) if query.descending else asc(column)
    key = _indexed_text_only(ctx, query)
    if key and column is Client.name_norm:
        # A page of matches sorted by name is chosen from the index's narrow rows (no
        # client is read for it), then only its clients are read: the 5,434 matches of
        # "строй" were each looked up in clients by their key, 26 ms of a keystroke.
        where, params = _index_rows(ctx, query, key)
        direction = "DESC" if query.descending else "ASC"
        chosen = text(
            f"SELECT client_id FROM clients_fts_rows WHERE {where} "
            f"ORDER BY name_norm {direction}, client_id "
            f"LIMIT {-1 if query.limit is None else int(query.limit)} "
            f"OFFSET {int(query.offset)}").bindparams(**params)
        # Not by the deleted flag's index: without statistics SQLite would walk every
        # live client in name order to test each against the page (0.24 s); the page's
        # keys are looked up instead.
        stmt = (select(*_RECORD_COLUMNS).join(User, User.id == Client.owner_id)
                .where(Client.id.in_(chosen), unindexed(Client.deleted_at).is_(None),
                       policy.visible(ctx, Client))
                .order_by(order, Client.id))
        return [ClientRecord(*row) for row in ctx.session.connection().execute(stmt)]
    stmt = (select(*_RECORD_COLUMNS).join(User, User.id == Client.owner_id)
            .where(*_conditions(ctx, query)))
    stmt = stmt.order_by(order, Client.id).offset(query.offset)
    if query.limit is not None:
        stmt = stmt.limit(query.limit)
    # Core rows, not ORM ones: a list page is plain values, and the ORM's per-row
    # bookkeeping was a quarter of the time to the first paint.
    return [ClientRecord(*row) for row in ctx.session.connection().execute(stmt)]


def count_clients(db: Database, actor: Actor, query: ClientQuery | None = None) -> int:
    """How many clients the same filters give."""
    query = query or ClientQuery()
    with reading(db, actor) as ctx:
        return _count(ctx, query)


def _count(ctx: Ctx, query: ClientQuery) -> int:
    key = _indexed_text_only(ctx, query)
    if key:
        # The matches counted in the index's rows alone (live, and in the actor's
        # scope): looking each of the 5,434 matches of "строй" up in clients took 20 ms
        # of a keystroke.
        where, params = _index_rows(ctx, query, key)
        return int(ctx.session.scalar(text(
            f"SELECT count(*) FROM clients_fts_rows WHERE {where}").bindparams(
            **params)) or 0)
    # No join for counting: the owner's name is not needed, and the index on
    # (deleted_at, name_norm) answers an unfiltered count on its own.
    return int(ctx.session.scalar(select(func.count()).select_from(Client).where(
        *_conditions(ctx, query))) or 0)


def filter_values(db: Database, actor: Actor) -> dict[str, list[str]]:
    """The distinct segments, sources, markets and cities of visible clients (filter
    chips and form suggestions)."""
    with reading(db, actor) as ctx:
        return live_values(ctx.session, policy.visible(ctx, Client))


VALUE_COLUMNS = ("segment", "market", "source", "city")
"""The client fields whose values the filters list, in ``ix_clients_values``'s order."""


def live_values(session: Session, *where: Any) -> dict[str, list[str]]:
    """The distinct values of :data:`VALUE_COLUMNS` among the live clients (``where``
    narrows them), sorted. One read of the distinct combinations in
    ``ix_clients_values`` (a few hundred, in the index's own order), not of the clients:
    the city is in no other index, and reading every client's row filled SQLite's page
    cache (64 MB at 100,000 clients); a DISTINCT of one column that is not the index's
    first sorts every client's entry (20–30 ms)."""
    combos = session.execute(
        select(*[getattr(Client, n) for n in VALUE_COLUMNS])
        .where(Client.deleted_at.is_(None), *where).distinct()).all()
    return {name: sorted({row[i] for row in combos if row[i]})
            for i, name in enumerate(VALUE_COLUMNS)}


def last_activity_dates(db: Database, actor: Actor,
                        client_ids: list[uuid.UUID]) -> dict[uuid.UUID, Any]:
    """The date of each client's last activity (for one page of a list)."""
    if not client_ids:
        return {}
    with reading(db, actor) as ctx:
        rows = ctx.session.execute(
            select(Activity.client_id, func.max(Activity.date))
            .where(Activity.client_id.in_(client_ids), Activity.deleted_at.is_(None),
                   policy.visible(ctx, Activity))
            .group_by(Activity.client_id))
        return dict(rows.all())
