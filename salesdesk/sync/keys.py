"""The laptop's exchange key, kept so that copying the laptop's file alone does not give
the office's trust.

Each laptop has its own key, known to the office (which signs and checks that laptop's
bundles with it). On the laptop the key is stored wrapped with its user's password:
scrypt turns the password into a key-encrypting key, and AES-GCM (the ``cryptography``
library) seals the exchange key with it. Logging in on the laptop unwraps the key for
the rest of the process; without the password, the file holds nothing to sign with.

A laptop database fresh from the office carries the key in clear until its user first
logs in on it, when it is wrapped and the clear copy is overwritten (SQLite's
``secure_delete``), so the file travels to the laptop with the key and never keeps it
readable after.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import uuid
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import DBAPIError

from salesdesk.db.engine import Database
from salesdesk.db.models import SyncSite
from salesdesk.errors import AuthenticationError
from salesdesk.i18n import _

PREFIX = "wrapped:v1:"
SCRYPT_N = 2**14
"""scrypt's cost (about 0.1 s and 16 MB on a laptop, once per login); stored with each
wrapped key, so a key wrapped at another cost still opens."""

# Unwrapped keys of this process: (database url, peer site id) -> key.
_unlocked: dict[tuple[str, uuid.UUID], str] = {}


def _kek(password: str, salt: bytes, n: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=8, p=1, dklen=32,
                          maxmem=64 * 1024 * 1024)


def wrap(secret: str, password: str, site_id: uuid.UUID) -> str:
    """The exchange key sealed with the password (bound to the peer it is for)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    salt, nonce, n = os.urandom(16), os.urandom(12), SCRYPT_N
    sealed = AESGCM(_kek(password, salt, n)).encrypt(nonce, secret.encode("utf-8"),
                                                     site_id.bytes)
    parts = (base64.b64encode(x).decode("ascii") for x in (salt, nonce, sealed))
    return f"{PREFIX}{n}:" + ":".join(parts)


def unwrap(stored: str, password: str, site_id: uuid.UUID) -> str | None:
    """The exchange key, or ``None`` when the password does not open it."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        cost, *parts = stored[len(PREFIX):].split(":")
        salt, nonce, sealed = (base64.b64decode(x) for x in parts)
        key = _kek(password, salt, int(cost))
        return AESGCM(key).decrypt(nonce, sealed, site_id.bytes).decode("utf-8")
    except (InvalidTag, ValueError, UnicodeDecodeError, MemoryError):
        return None


def is_wrapped(stored: str | None) -> bool:
    """Whether a stored key is sealed with a password."""
    return bool(stored) and str(stored).startswith(PREFIX)


def secret_for(db: Database, peer: SyncSite) -> str:
    """The key to sign and check bundles exchanged with ``peer``: as stored at the office,
    unwrapped by this process's login on a laptop."""
    if not is_wrapped(peer.secret):
        return peer.secret or ""
    found = _unlocked.get((db.url, peer.id))
    if found is None:
        raise AuthenticationError(_(
            "The exchange key of this laptop is locked: log in as its user (with the "
            "password) to exchange bundles."))
    return found


def on_login(db: Database, user_id: uuid.UUID, password: str) -> None:
    """Called by a successful login: on a laptop, by its own user, unwrap the office's
    key for this process (and wrap it, the first time, so that it is never stored in
    clear again)."""
    with db.read() as session:
        me = session.scalar(select(SyncSite).where(SyncSite.is_self.is_(True)))
        if me is None or me.kind != "replica" or me.user_id != user_id:
            return
        peers = [(p.id, p.secret) for p in session.scalars(
            select(SyncSite).where(SyncSite.is_self.is_(False))) if p.secret]
    for peer_id, stored in peers:
        if is_wrapped(stored):
            key = unwrap(stored, password, peer_id)
            if key is not None:
                _unlocked[(db.url, peer_id)] = key
            continue
        _unlocked[(db.url, peer_id)] = stored
        if not db.read_only:
            with contextlib.suppress(DBAPIError, OSError):  # wrapped at the next login
                _store(db, peer_id, wrap(stored, password, peer_id))


def rewrap(db: Database, user_id: uuid.UUID, password: str) -> None:
    """After the laptop's user changed their password: the key sealed with the new one."""
    with db.read() as session:
        me = session.scalar(select(SyncSite).where(SyncSite.is_self.is_(True)))
        if me is None or me.kind != "replica" or me.user_id != user_id:
            return
        peers = [(p.id, p.secret) for p in session.scalars(
            select(SyncSite).where(SyncSite.is_self.is_(False)))]
    for peer_id, stored in peers:
        key = _unlocked.get((db.url, peer_id)) or (None if is_wrapped(stored) else stored)
        if key:
            _store(db, peer_id, wrap(key, password, peer_id))


def _store(db: Database, peer_id: uuid.UUID, value: str) -> None:
    """Write the wrapped key over the old value; on SQLite the old bytes are zeroed on the
    page (``secure_delete``), not left in free space."""
    table: Any = SyncSite.__table__
    with db.engine.connect() as conn:
        if db.is_sqlite:
            conn.exec_driver_sql("PRAGMA secure_delete=ON")
            conn.commit()
        conn.execute(update(table).where(table.c.id == peer_id).values(secret=value))
        conn.commit()
        if db.is_sqlite:
            # The new page (the old bytes zeroed) goes into the file itself now, as far as
            # readers allow; the log's own checkpoints finish it otherwise.
            conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
            conn.commit()


def forget(db: Database | None = None) -> None:
    """Drop the unwrapped keys of this process (of one database, or all)."""
    for key in list(_unlocked):
        if db is None or key[0] == db.url:
            del _unlocked[key]
