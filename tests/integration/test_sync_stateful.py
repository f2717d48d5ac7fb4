"""An office and two laptops through days of random edits and syncs (hypothesis).

The laptops belong to rep1 and to rep1's manager, so that both hold the same clients
and deals and their work can collide. After everybody syncs, the three databases hold
the same data, nothing created anywhere is missing, and every money or stage field
that two sides changed without knowing of each other is in the office's conflicts list.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule

from salesdesk import auth
from salesdesk.db.engine import Database
from salesdesk.db.migrate import open_database
from salesdesk.db.models import Client, Deal, SyncConflict
from salesdesk.errors import SalesDeskError
from salesdesk.services import clients, deals
from salesdesk.services import sync as sync_service
from tests.conftest import PASSWORD, build_office

SITES = ("office", "rep1", "manager1")
LAPTOPS = ("rep1", "manager1")
CITIES = ("Москва", "Казань", "Тверь")
AMOUNTS = ("1000", "2500", "9900")
STAGES = ("new", "qualified", "proposal", "negotiation")


class OfficeAndLaptops(RuleBasedStateMachine):
    """The system under test and a model of who knew of which money/stage write."""

    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="salesdesk-sync-"))
        office_db = open_database(self.dir / "office.db", create=True)
        self.office = build_office(office_db)
        self.db: dict[str, Database] = {"office": office_db}
        self.actor: dict[str, auth.Actor] = {"office": self.office.head}
        for login in LAPTOPS:
            path = self.dir / f"{login}.db"
            sync_service.create_replica(office_db, self.office.head, login, path)
            self.db[login] = open_database(path)
            self.actor[login] = auth.login(self.db[login], login, PASSWORD)
        self.rep1_id = self.office.rep1.id
        self.created: dict[str, list[uuid.UUID]] = {"clients": [], "deals": []}
        # Money/stage writes: (site, (record, field), write id, writes known before it)
        self.writes: list[tuple[str, tuple[uuid.UUID, str], int, frozenset[int]]] = []
        self.known: dict[str, set[int]] = {site: set() for site in SITES}
        self.bundles = 0

    # --- helpers ------------------------------------------------------------------------

    def _ids(self, site: str, model: Any) -> list[uuid.UUID]:
        with self.db[site].read() as s:
            return sorted(s.scalars(model.__table__.select().with_only_columns(
                model.__table__.c.id).where(model.__table__.c.deleted_at.is_(None))),
                key=str)

    def _value(self, site: str, deal: uuid.UUID, field: str) -> Any:
        with self.db[site].read() as s:
            row = s.get(Deal, deal)
            return None if row is None else getattr(row, field)

    def _sensitive(self, site: str, record: uuid.UUID, field: str, before: Any = None,
                   after: Any = None) -> None:
        if before is not None and before == after:
            return  # nothing changed, so nothing was written
        key = (record, field)
        before = frozenset(w for s, k, w, _b in self.writes if k == key and w in self.known[site])
        wid = len(self.writes)
        self.writes.append((site, key, wid, before))
        self.known[site].add(wid)

    def _send(self, src: str, dst: str) -> None:
        self.bundles += 1
        path = self.dir / f"{self.bundles:04d}.sdsync"
        for_login = dst if src == "office" else None
        sync_service.export_bundle(self.db[src], self.actor[src], path, for_login)
        sync_service.import_bundle(self.db[dst], self.actor[dst], path, backup=False)
        self.known[dst] |= self.known[src]

    # --- rules --------------------------------------------------------------------------

    @rule(site=st.sampled_from(SITES), city=st.sampled_from(CITIES))
    def create_client(self, site: str, city: str) -> None:
        owner = None if site == "rep1" else self.rep1_id
        made = clients.create_client(self.db[site], self.actor[site], {
            "name": f"ООО «Клиент {len(self.created['clients']) + 1}»", "city": city},
            owner_id=owner).client
        self.created["clients"].append(made.id)

    @rule(site=st.sampled_from(SITES), data=st.data(),
          field=st.sampled_from(("city", "notes")), value=st.sampled_from(CITIES))
    def edit_client(self, site: str, data: st.DataObject, field: str, value: str) -> None:
        ids = self._ids(site, Client)
        if ids:
            clients.update_client(self.db[site], self.actor[site],
                                  data.draw(st.sampled_from(ids)), {field: value})

    @rule(site=st.sampled_from(("office", "manager1")), data=st.data())
    def delete_client(self, site: str, data: st.DataObject) -> None:
        ids = self._ids(site, Client)
        if len(ids) > 2:
            clients.delete_client(self.db[site], self.actor[site],
                                  data.draw(st.sampled_from(ids)))

    @rule(site=st.sampled_from(SITES), data=st.data(), amount=st.sampled_from(AMOUNTS))
    def create_deal(self, site: str, data: st.DataObject, amount: str) -> None:
        ids = self._ids(site, Client)
        if not ids:
            return
        owner = None if site == "rep1" else self.rep1_id
        made = deals.create_deal(self.db[site], self.actor[site], data.draw(st.sampled_from(ids)),
                                 {"title": "Поставка", "amount": amount}, owner_id=owner)
        self.created["deals"].append(made.id)

    @rule(site=st.sampled_from(SITES), data=st.data(), amount=st.sampled_from(AMOUNTS))
    def change_amount(self, site: str, data: st.DataObject, amount: str) -> None:
        ids = self._ids(site, Deal)
        if not ids:
            return
        deal = data.draw(st.sampled_from(ids))
        before = self._value(site, deal, "amount")
        try:
            deals.update_deal(self.db[site], self.actor[site], deal, {"amount": amount})
        except SalesDeskError:
            return
        self._sensitive(site, deal, "amount", before, self._value(site, deal, "amount"))

    @rule(site=st.sampled_from(SITES), data=st.data(), stage=st.sampled_from(STAGES))
    def move_stage(self, site: str, data: st.DataObject, stage: str) -> None:
        ids = self._ids(site, Deal)
        if not ids:
            return
        deal = data.draw(st.sampled_from(ids))
        before = self._value(site, deal, "stage")
        try:
            deals.move_deal(self.db[site], self.actor[site], deal, stage)
        except SalesDeskError:
            return
        self._sensitive(site, deal, "stage", before, self._value(site, deal, "stage"))

    @rule(sites=st.permutations(SITES), data=st.data(), field=st.sampled_from(("amount",
                                                                              "stage")))
    def collide(self, sites: list[str], data: st.DataObject, field: str) -> None:
        """Two sides change the same deal before they next sync (the case that matters)."""
        first, second = sites[0], sites[1]
        shared = sorted(set(self._ids(first, Deal)) & set(self._ids(second, Deal)), key=str)
        if not shared:
            return
        deal = data.draw(st.sampled_from(shared))
        for site in (first, second):
            before = self._value(site, deal, field)
            try:
                if field == "amount":
                    deals.update_deal(self.db[site], self.actor[site], deal,
                                      {"amount": data.draw(st.sampled_from(AMOUNTS))})
                else:
                    deals.move_deal(self.db[site], self.actor[site], deal,
                                    data.draw(st.sampled_from(STAGES)))
            except SalesDeskError:
                continue
            self._sensitive(site, deal, field, before, self._value(site, deal, field))

    @rule(laptop=st.sampled_from(LAPTOPS))
    def laptop_to_office(self, laptop: str) -> None:
        self._send(laptop, "office")

    @rule(laptop=st.sampled_from(LAPTOPS))
    def office_to_laptop(self, laptop: str) -> None:
        self._send("office", laptop)

    # --- the end of the day -------------------------------------------------------------

    def _state(self, site: str) -> dict[uuid.UUID, tuple[Any, ...]]:
        with self.db[site].read() as s:
            out: dict[uuid.UUID, tuple[Any, ...]] = {}
            for c in s.execute(Client.__table__.select()):
                out[c.id] = ("client", c.name, c.city, c.notes, c.owner_id,
                             c.deleted_at is None)
            for d in s.execute(Deal.__table__.select()):
                out[d.id] = ("deal", d.client_id, d.amount, d.stage, d.deleted_at is None)
            return out

    def teardown(self) -> None:
        try:
            for _round in range(2):
                for laptop in LAPTOPS:
                    self._send(laptop, "office")
                for laptop in LAPTOPS:
                    self._send("office", laptop)
            office = self._state("office")
            for laptop in LAPTOPS:
                # Everything here is rep1's (or hangs off rep1's clients), so both
                # laptops may see all of it: the three must be equal.
                assert self._state(laptop) == office, laptop
            for kind, ids in self.created.items():
                assert set(ids) <= set(office), f"{kind} lost"
            with self.db["office"].read() as s:
                listed = {(c.record_id, c.field) for c in s.execute(
                    SyncConflict.__table__.select()) if c.kind == "field"}
            for i, (site_a, key_a, wid_a, before_a) in enumerate(self.writes):
                for site_b, key_b, wid_b, before_b in self.writes[i + 1:]:
                    if key_a == key_b and site_a != site_b and wid_a not in before_b \
                            and wid_b not in before_a:
                        assert key_a in listed, ("both-sides change not listed", key_a)
        finally:
            for db in self.db.values():
                db.dispose()
            shutil.rmtree(self.dir, ignore_errors=True)


OfficeAndLaptops.TestCase.settings = settings(
    max_examples=15, stateful_step_count=30, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


@pytest.mark.usefixtures("_fast_passwords")
class TestOfficeAndLaptops(OfficeAndLaptops.TestCase):  # type: ignore[name-defined,misc]
    """Run the machine under pytest."""
