"""Alembic environment: runs on the connection SalesDesk hands over (never its own)."""

from __future__ import annotations

from alembic import context

from salesdesk.db.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - SalesDesk always passes its connection
    raise RuntimeError("SalesDesk migrations run through salesdesk.db.migrate only")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite cannot ALTER most things; batch mode recreates tables the portable way.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
