"""Logging in only reads: it neither waits for a long write nor bumps the user's version,
so parallel commands of one user never conflict with each other (SQLite and PostgreSQL)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from salesdesk import auth
from salesdesk.db.migrate import open_database
from salesdesk.db.models import User
from tests.conftest import PASSWORD, Office


def _version(office: Office, login: str) -> tuple[int, object]:
    with office.db.read() as s:
        user = s.scalar(select(User).where(User.login == login))
        return user.version, user.last_login_at


def test_a_login_leaves_the_users_version_alone(office: Office) -> None:
    before, _ = _version(office, "rep1")
    auth.login(office.db, "rep1", PASSWORD)
    after, last = _version(office, "rep1")
    assert after == before and last is not None


def test_a_login_while_another_command_writes_does_not_wait_or_fail(
        office: Office, db_location: str) -> None:
    other = open_database(db_location)
    try:
        with other.unit_of_work() as uow:  # a long import holds the write lock
            uow.session.execute(select(User.id)).all()
            uow.session.get(User, office.rep1.id).position = "Ведущий представитель"
            uow.session.flush()
            actor = auth.login(office.db, "rep1", PASSWORD)
            assert actor.login == "rep1"
            uow.commit()
    finally:
        other.dispose()


def test_parallel_logins_and_edits_of_one_user_never_conflict(office: Office) -> None:
    from salesdesk.services import clients

    def one(n: int) -> str:
        actor = auth.login(office.db, "rep1", PASSWORD)
        if n % 2:
            clients.create_client(office.db, actor, {"name": f"ООО «Параллель {n}»"})
        return actor.login

    with ThreadPoolExecutor(max_workers=4) as pool:
        done = list(pool.map(one, range(12)))
    assert done == ["rep1"] * 12
