"""The schema revisions this SalesDesk knows, without importing Alembic.

Opening a database at the current revision is the common case and must be quick, so the
revision is compared with these constants; Alembic is loaded only to upgrade. A test
checks they match the migration scripts.
"""

HEAD = "0005"
KNOWN = ("0001", "0002", "0003", "0004", "0005")

_BASE_TABLES = frozenset({
    "activities", "alembic_version", "audit_log", "clients", "company", "competitors",
    "contacts", "deals", "deliveries", "document_lines", "document_series", "documents",
    "market_notes", "marketing_spend", "payments", "products", "strategy_items", "targets",
    "tasks", "training_items", "users"})
_SYNC_TABLES = frozenset({"change_log", "field_clocks", "sync_conflicts", "sync_sites"})

TABLES: dict[str, frozenset[str]] = {
    "0001": _BASE_TABLES,
    "0002": _BASE_TABLES,
    "0003": _BASE_TABLES | _SYNC_TABLES,
    "0004": _BASE_TABLES | _SYNC_TABLES,
    "0005": _BASE_TABLES | _SYNC_TABLES,
}
"""The tables a SalesDesk database holds at each revision (a test holds this equal to
what the migrations make). A file that says it is at a revision but lacks one of them is
not a SalesDesk database, or not a whole one, and is refused untouched."""


def missing_tables(revision: str | None, present: set[str]) -> list[str]:
    """The tables of ``revision`` that ``present`` lacks (all of them for an unknown one)."""
    expected = TABLES.get(revision or "", frozenset())
    return sorted(expected - present)
