"""Two clients that are one: find the likely pairs, and merge them field by field.

A pair is likely when both clients have the same INN (an office's older data, or two
imports), the same e-mail or phone (the client's own or a contact's), or names that
rapidfuzz scores 90 or more. The head and managers merge, within what they see: the
kept client takes the chosen values, and the other one's contacts, deals, documents,
activities, tasks and deliveries move to it; the other one goes to the trash. All in one
transaction, each moved record audited and carried by the sync like any edit.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from salesdesk import policy, registry
from salesdesk.auth import Actor
from salesdesk.db.engine import Database
from salesdesk.db.models import (
    Activity,
    Appointment,
    Client,
    Contact,
    Deal,
    Delivery,
    Document,
    Task,
    User,
)
from salesdesk.db.types import utcnow
from salesdesk.errors import ValidationError
from salesdesk.i18n import N_, _
from salesdesk.policy import Action, Ctx
from salesdesk.services.attachments import copy_files
from salesdesk.services.base import check_version, get_record, reading, writing
from salesdesk.services.clients import ClientRecord, _refuse_taken_inn, _row, refresh_search_text

REASON_LABELS = {"inn": N_("same INN"), "email": N_("same e-mail"),
                 "phone": N_("same phone"), "name": N_("similar name")}
"""Why two clients look like one."""

MERGED_FIELDS = [f.key for f in registry.kind("clients").fields
                 if f.service and f.key not in ("owner_id",)]
"""The client's own fields a merge chooses between (the owner stays the kept one's)."""

PARTS = (Contact, Deal, Document, Activity, Task, Delivery, Appointment)
"""What hangs on a client and moves to the kept one (its files are attached to the kept
one too)."""


@dataclass(frozen=True)
class DuplicatePair:
    """Two visible clients that may be one, and why."""

    first: ClientRecord
    second: ClientRecord
    reasons: list[str]
    """Codes of :data:`REASON_LABELS`."""
    score: int
    """100 for an exact match (INN, e-mail, phone), else the names' similarity."""

    def describe(self) -> str:
        """The reasons in words: "same INN, similar name"."""
        return ", ".join(_(REASON_LABELS[r]) for r in self.reasons)


def _same_value_pairs(ctx: Ctx, column: Any, limit: int) -> list[tuple[uuid.UUID, uuid.UUID]]:
    session = ctx.session
    alive = [Client.deleted_at.is_(None), column.is_not(None), column != "",
             policy.visible(ctx, Client)]
    values = session.scalars(select(column).where(*alive).group_by(column)
                             .having(func.count(Client.id) > 1).limit(limit))
    pairs = []
    for value in values:
        ids = list(session.scalars(select(Client.id).where(*alive, column == value)
                                   .order_by(Client.created_at).limit(10)))
        pairs += [(ids[0], other) for other in ids[1:]]
    return pairs


def _similar_name_pairs(ctx: Ctx, limit: int) -> list[tuple[uuid.UUID, uuid.UUID, int]]:
    """Names compared within blocks of the same first four letters (a full cross of
    100,000 names would be ten billion comparisons)."""
    from rapidfuzz import fuzz

    rows = ctx.session.execute(select(Client.id, Client.name_norm).where(
        Client.deleted_at.is_(None), policy.visible(ctx, Client))
        .order_by(Client.name_norm)).all()
    blocks: dict[str, list[tuple[uuid.UUID, str]]] = defaultdict(list)
    for cid, norm in rows:
        if norm and len(norm) >= 4:
            blocks[norm[:4]].append((cid, norm))
    pairs = []
    for members in blocks.values():
        if len(members) < 2 or len(members) > 300:
            continue  # a block that large is a common word, not a duplicate
        for i, (a, name_a) in enumerate(members):
            for b, name_b in members[i + 1:]:
                score = int(fuzz.token_sort_ratio(name_a, name_b))
                if score >= 90:
                    pairs.append((a, b, score))
                    if len(pairs) >= limit:
                        return pairs
    return pairs


def find_duplicate_pairs(db: Database, actor: Actor, limit: int = 200) -> list[DuplicatePair]:
    """Likely duplicates among the clients the actor sees (the head and managers), the
    surest first."""
    with reading(db, actor) as ctx:
        policy.require(ctx, Action.CLIENT_MERGE)
        found: dict[frozenset[uuid.UUID], tuple[list[str], int]] = {}
        for reason, column in (("inn", Client.inn), ("email", Client.email),
                               ("phone", Client.phone_e164)):
            for a, b in _same_value_pairs(ctx, column, limit):
                reasons, _score = found.setdefault(frozenset((a, b)), ([], 100))
                reasons.append(reason)
        for a, b, score in _similar_name_pairs(ctx, limit):
            key = frozenset((a, b))
            if key in found:
                found[key][0].append("name")
            else:
                found[key] = (["name"], score)
        ids = {cid for pair in found for cid in pair}
        records = {c.id: _row(c, owner) for c, owner in ctx.session.execute(
            select(Client, User.name).join(User, User.id == Client.owner_id)
            .where(Client.id.in_(ids)))} if ids else {}
        pairs = []
        for key, (reasons, score) in found.items():
            a, b = sorted(key, key=lambda cid: (records[cid].created_at, str(cid)))
            pairs.append(DuplicatePair(records[a], records[b], reasons, score))
        pairs.sort(key=lambda p: (-len([r for r in p.reasons if r != "name"]), -p.score,
                                  p.first.name))
        return pairs[:limit]


def merge_clients(db: Database, actor: Actor, keep_id: uuid.UUID | str,
                  drop_id: uuid.UUID | str, take: set[str] | None = None,
                  keep_version: int | None = None, drop_version: int | None = None
                  ) -> ClientRecord:
    """Merge ``drop`` into ``keep``: the fields named in ``take`` get the dropped
    client's values (the others keep theirs; an empty field takes the other's value
    anyway), everything of the dropped client moves over, and it goes to the trash.
    Stale versions are refused; the head and managers merge clients they both see."""
    take = set(take or ())
    unknown = take - set(MERGED_FIELDS)
    if unknown:
        raise ValidationError(_("Merge"), _("unknown fields: {names}").format(
            names=", ".join(sorted(unknown))))
    with writing(db, actor) as (uow, ctx):
        policy.require(ctx, Action.CLIENT_MERGE)
        keep = get_record(ctx, Client, keep_id, _("Client"), Action.CLIENT_MERGE)
        drop = get_record(ctx, Client, drop_id, _("Client"), Action.CLIENT_MERGE)
        if keep.id == drop.id:
            raise ValidationError(_("Merge"), _("a client cannot be merged with itself"))
        check_version(keep, keep_version)
        check_version(drop, drop_version)
        for key in MERGED_FIELDS:
            theirs = getattr(drop, key)
            if key in take or (getattr(keep, key) in (None, "") and theirs not in (None, "")):
                setattr(keep, key, theirs)
        keep.priority = bool(keep.priority or drop.priority)
        drop.deleted_at = utcnow()
        if drop.inn and drop.inn == keep.inn:
            # The dropped client leaves the INN to the kept one (one live client per INN).
            ctx.session.flush()
        for model in PARTS:
            for part in ctx.session.scalars(select(model).where(model.client_id == drop.id)):
                part.client_id = keep.id
        copy_files(ctx.session, "clients", drop.id, keep.id)
        _refuse_taken_inn(ctx, keep)
        ctx.session.flush()
        refresh_search_text(ctx.session, keep)
        uow.commit()
        owner = ctx.session.get(User, keep.owner_id)
        return _row(keep, owner.name if owner else "")
