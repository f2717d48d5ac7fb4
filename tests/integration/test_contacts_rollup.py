"""The contacts rollup (``activity_days``) always equals the count it stands for.

The grid reads contacts per user and day from the rollup the triggers keep; the
definition (METRICS.md, ``engine.contacts``) counts the live activities of live clients.
After every kind of write — an activity added, moved to another day, author or client,
deleted, restored, purged; a client deleted, restored or purged — on SQLite and on
PostgreSQL, the two must be the same.
"""

from __future__ import annotations

import random
import sqlite3
import uuid
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import delete, select

from salesdesk.db.engine import Database
from salesdesk.db.models import Activity, ActivityDay, Client
from salesdesk.db.types import utcnow
from salesdesk.metrics import engine
from salesdesk.metrics.engine import Period, live_client
from tests.conftest import Office

DAY0 = date(2026, 3, 1)


def _truth(db: Database) -> Counter[tuple[date, uuid.UUID]]:
    """The contacts per (day, user), counted from the activities as METRICS.md says."""
    with db.read() as session:
        rows = session.execute(select(Activity.date, Activity.user_id).where(
            Activity.deleted_at.is_(None), live_client(Activity.client_id))).all()
    return Counter((day, user) for day, user in rows)


def _rollup(db: Database) -> Counter[tuple[date, uuid.UUID]]:
    with db.read() as session:
        rows = session.execute(select(ActivityDay.date, ActivityDay.user_id,
                                      ActivityDay.contacts)).all()
    assert all(n >= 0 for _d, _u, n in rows), "a count went below zero"
    return Counter({(day, user): n for day, user, n in rows if n})


def _clients(office: Office, n: int) -> list[uuid.UUID]:
    ids = []
    with office.db.unit_of_work(office.head.id) as uow:
        for i in range(n):
            owner = (office.rep1, office.rep2, office.rep3)[i % 3]
            client = Client(id=uuid.uuid4(), name=f"Клиент {i}", name_norm=f"клиент {i}",
                            owner_id=owner.id, search_text=f"клиент {i}")
            uow.session.add(client)
            ids.append(client.id)
        uow.commit()
    return ids


def test_every_kind_of_write_keeps_the_rollup_equal_to_the_count(office: Office) -> None:
    rnd = random.Random(16)
    users = [office.rep1.id, office.rep2.id, office.rep3.id, office.manager1.id]
    clients = _clients(office, 6)
    activities: list[uuid.UUID] = []
    kinds = Counter[str]()
    for _step in range(120):
        with office.db.unit_of_work(office.head.id) as uow:
            s = uow.session
            what = rnd.choice(["add", "add", "add", "move", "author", "reclient", "delete",
                               "undelete", "purge", "client_delete", "client_restore"])
            if what != "add" and not activities and not what.startswith("client"):
                what = "add"
            kinds[what] += 1
            if what == "add":
                for _ in range(rnd.randint(1, 4)):
                    a = Activity(id=uuid.uuid4(), client_id=rnd.choice(clients),
                                 user_id=rnd.choice(users), kind="call",
                                 date=DAY0 + timedelta(days=rnd.randint(0, 9)))
                    s.add(a)
                    activities.append(a.id)
            elif what in ("move", "author", "reclient", "delete", "undelete"):
                a = s.get(Activity, rnd.choice(activities))
                assert a is not None
                if what == "move":
                    a.date = DAY0 + timedelta(days=rnd.randint(0, 9))
                elif what == "author":
                    a.user_id = rnd.choice(users)
                elif what == "reclient":
                    a.client_id = rnd.choice(clients)
                elif what == "delete":
                    a.deleted_at = utcnow()
                else:
                    a.deleted_at = None
            elif what == "purge":
                gone = activities.pop(rnd.randrange(len(activities)))
                s.execute(delete(Activity).where(Activity.id == gone))
            else:
                c = s.get(Client, rnd.choice(clients))
                assert c is not None
                c.deleted_at = utcnow() if what == "client_delete" else None
            uow.commit()
        assert _rollup(office.db) == _truth(office.db), (_step, what)
    assert min(kinds.values()) >= 3, kinds  # every kind of write was tried
    # Several writes in one transaction, the client's deletion among them.
    with office.db.unit_of_work(office.head.id) as uow:
        s = uow.session
        victim = clients[0]
        for a in s.scalars(select(Activity).where(Activity.client_id == victim)):
            a.date = a.date + timedelta(days=1)
        c = s.get(Client, victim)
        assert c is not None
        c.deleted_at = utcnow()
        s.add(Activity(id=uuid.uuid4(), client_id=victim, user_id=users[0], kind="call",
                       date=DAY0))
        uow.commit()
    assert _rollup(office.db) == _truth(office.db)
    # A live client purged with its activities (the activities go first, as the trash
    # purges them; the client's own trigger finds nothing left to take out).
    with office.db.unit_of_work(office.head.id) as uow:
        s = uow.session
        s.execute(delete(Activity).where(Activity.client_id == clients[1]))
        s.execute(delete(Client).where(Client.id == clients[1]))
        uow.commit()
    assert _rollup(office.db) == _truth(office.db)
    # And the grid's contacts, read from the rollup, are engine.contacts' scan.
    from salesdesk.metrics import grid

    period = Period(DAY0, DAY0 + timedelta(days=10))
    with office.db.read() as session:
        cells = grid.compute_grid(session, {u: frozenset({u}) for u in users}, [period],
                                  dict.fromkeys(users, False))
        for user in users:
            assert cells[(user, 0)]["contacts"] == engine.contacts(
                session, frozenset({user}), period)


def test_a_restored_backup_counts_from_its_records_not_its_rollup(office: Office,
                                                                 tmp_path: Path) -> None:
    """A backup is a stranger's file: a rollup altered in it (to inflate a person's
    contacts in the report) is rebuilt from the activities it holds."""
    import pytest

    from salesdesk.services import maintenance

    if not office.db.is_sqlite:
        pytest.skip("backups are SQLite files")
    clients = _clients(office, 2)
    with office.db.unit_of_work(office.head.id) as uow:
        for i in range(5):
            uow.session.add(Activity(id=uuid.uuid4(), client_id=clients[i % 2],
                                     user_id=office.rep1.id, kind="call",
                                     date=DAY0 + timedelta(days=i)))
        uow.commit()
    honest = _truth(office.db)
    backup = maintenance.backup(office.db, office.head, tmp_path / "made.backup")
    conn = sqlite3.connect(backup)
    conn.execute("UPDATE activity_days SET contacts = contacts + 1000")
    conn.execute("INSERT INTO activity_days(date, user_id, contacts) VALUES (?, ?, 500)",
                 (DAY0.isoformat(), office.rep2.id.hex))
    conn.commit()
    conn.close()
    maintenance.restore(office.db, office.head, backup)
    assert _rollup(office.db) == _truth(office.db) == honest
