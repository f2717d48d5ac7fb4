"""Shared fixtures: databases on SQLite (and PostgreSQL when asked) and a small office.

``SALESDESK_TEST_DATABASE_URL`` (a PostgreSQL URL) makes every test that uses the ``db``
fixture run against that server instead of a SQLite file, each test in a schema of its
own. CI runs the database tests a second time that way (``pytest -m db``).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# Before anything imports Qt (pytest-qt, the window): no display here.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("SALESDESK_LANG", "en")
os.environ.setdefault("MPLBACKEND", "Agg")

import pytest
from argon2 import PasswordHasher

from salesdesk import auth, clock
from salesdesk.auth import Actor
from salesdesk.db.engine import Database
from salesdesk.i18n import set_language
from tests import TODAY

PG_URL = os.environ.get("SALESDESK_TEST_DATABASE_URL")
PASSWORD = "pw-test"


@pytest.fixture(autouse=True)
def _fast_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    # argon2's defaults cost ~50 ms a hash by design; tests make hundreds of users.
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(auth, "hasher", lambda: cheap)
    monkeypatch.setattr(auth, "_dummy_hash", lambda: cheap.hash("dummy"))
    from salesdesk.sync import keys

    monkeypatch.setattr(keys, "SCRYPT_N", 2**4)  # the laptop key's wrapping, likewise


@pytest.fixture(autouse=True)
def _clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The clock of the core on ``tests.TODAY`` (and for programs the test starts)."""
    clock.set_clock(TODAY)
    monkeypatch.setenv(clock.ENV, TODAY.isoformat())
    yield
    clock.set_clock(TODAY)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    set_language("en")
    yield
    set_language("en")


@pytest.fixture(autouse=True)
def _data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SALESDESK_DATA_DIR", str(tmp_path_factory.mktemp("data")))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that take a database fixture (``db``, ``office``, ``db_location``) are database
    tests: CI runs them again on PostgreSQL with ``-m db``."""
    for item in items:
        names = getattr(item, "fixturenames", ())
        if {"db", "office", "db_location"} & set(names):
            item.add_marker(pytest.mark.db)


def _pg_schema_url(base: str, schema: str) -> str:
    from sqlalchemy.engine import make_url

    url = make_url(base)
    query = dict(url.query)
    query["options"] = f"-csearch_path={schema}"
    return url.set(query=query).render_as_string(hide_password=False)


@pytest.fixture
def db_location(tmp_path: Path) -> Iterator[str]:
    """Where a fresh database goes: a SQLite file, or a new PostgreSQL schema."""
    if not PG_URL:
        yield str(tmp_path / "test.db")
        return
    from sqlalchemy import create_engine, text

    schema = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield _pg_schema_url(PG_URL, schema)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def db(db_location: str) -> Iterator[Database]:
    """An empty SalesDesk database at the current schema (no company, no users)."""
    from salesdesk.db.migrate import open_database

    database = open_database(db_location, create=True)
    yield database
    database.dispose()


@dataclass
class Office:
    """A department: the head, two managers, three representatives.

    manager1 manages rep1 and rep2; manager2 manages rep3.
    """

    db: Database
    head: Actor
    manager1: Actor
    manager2: Actor
    rep1: Actor
    rep2: Actor
    rep3: Actor

    def actor(self, login: str) -> Actor:
        """The actor by login."""
        return getattr(self, login)  # type: ignore[no-any-return]


def build_office(db: Database) -> Office:
    """Create the company and the six users through the services."""
    from salesdesk.services.company import initialize
    from salesdesk.services.users import add_user

    head = initialize(db, "ООО «Ромашка»", "head", "Иван Петрович Сидоров", PASSWORD,
                      inn="7707083893", kpp="773601001", bik="044525225",
                      corr_account="30101810400000000225",
                      settlement_account="40702810938000012345",
                      bank_name="ПАО Сбербанк", address="г. Москва, ул. Тверская, д. 1",
                      accountant_name="Анна Сергеевна Котова", legal_form="ООО")
    made = {}
    for login, name, role, manager in (
        ("manager1", "Мария Иванова", "manager", None),
        ("manager2", "Олег Смирнов", "manager", None),
        ("rep1", "Пётр Кузнецов", "rep", "manager1"),
        ("rep2", "Елена Попова", "rep", "manager1"),
        ("rep3", "Дмитрий Волков", "rep", "manager2"),
    ):
        add_user(db, head, login=login, name=name, role=role, password=PASSWORD,
                 manager_login=manager, email=f"{login}@romashka.ru",
                 phone="+7 912 345-67-8" + str(len(made)),
                 position="Менеджер по продажам" if role == "manager" else "Торговый представитель")
        made[login] = auth.login(db, login, PASSWORD)
    return Office(db=db, head=head, **made)


@pytest.fixture
def office(db: Database) -> Office:
    """The database with a company and a small department."""
    return build_office(db)
