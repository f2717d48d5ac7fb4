"""The schema revisions this SalesDesk knows, without importing Alembic.

Opening a database at the current revision is the common case and must be quick, so the
revision is compared with these constants; Alembic is loaded only to upgrade. A test
checks they match the migration scripts.
"""

from salesdesk.db import rollups, search_index  # plain strings: no SQLAlchemy is loaded

HEAD = "0014"
KNOWN = ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009",
         "0010", "0011", "0012", "0013", "0014")

_BASE_TABLES = frozenset({
    "activities", "alembic_version", "audit_log", "clients", "company", "competitors",
    "contacts", "deals", "deliveries", "document_lines", "document_series", "documents",
    "market_notes", "marketing_spend", "payments", "products", "strategy_items", "targets",
    "tasks", "training_items", "users"})
_SYNC_TABLES = frozenset({"change_log", "field_clocks", "sync_conflicts", "sync_sites"})

_WORKING_DAY = frozenset({"activity_days", "appointments", "attachments", "file_blobs",
                          "mail_settings", "outbox"})

TABLES: dict[str, frozenset[str]] = {
    "0001": _BASE_TABLES,
    "0002": _BASE_TABLES,
    "0003": _BASE_TABLES | _SYNC_TABLES,
    "0004": _BASE_TABLES | _SYNC_TABLES,
    "0005": _BASE_TABLES | _SYNC_TABLES,
    "0006": _BASE_TABLES | _SYNC_TABLES,  # (SQLite's search index is not checked here)
    "0007": _BASE_TABLES | _SYNC_TABLES,
    "0008": _BASE_TABLES | _SYNC_TABLES,
    "0009": _BASE_TABLES | _SYNC_TABLES | {"activity_days"},
    "0010": _BASE_TABLES | _SYNC_TABLES | _WORKING_DAY,
    "0011": _BASE_TABLES | _SYNC_TABLES | _WORKING_DAY | {"marketing_budget",
                                                          "training_templates"},
    "0012": _BASE_TABLES | _SYNC_TABLES | _WORKING_DAY | {"marketing_budget",
                                                          "training_templates"},
    "0013": _BASE_TABLES | _SYNC_TABLES | _WORKING_DAY | {"marketing_budget",
                                                          "training_templates"},
    "0014": _BASE_TABLES | _SYNC_TABLES | _WORKING_DAY | {"marketing_budget",
                                                          "training_templates"},
}
"""The tables a SalesDesk database holds at each revision (a test holds this equal to
what the migrations make). A file that says it is at a revision but lacks one of them is
not a SalesDesk database, or not a whole one, and is refused untouched."""


def missing_tables(revision: str | None, present: set[str]) -> list[str]:
    """The tables of ``revision`` that ``present`` lacks (all of them for an unknown one)."""
    expected = TABLES.get(revision or "", frozenset())
    return sorted(expected - present)


_WHOSE = "(SELECT fts_rowid FROM clients_fts_rows WHERE client_id = old.id)"

CLIENT_SEARCH_TRIGGERS = {
    "clients_fts_insert": (
        "CREATE TRIGGER clients_fts_insert AFTER INSERT ON clients BEGIN "
        "INSERT INTO clients_fts(search_text, client_id) VALUES (new.search_text, new.id); "
        "INSERT INTO clients_fts_rows(fts_rowid, client_id, name_norm, owner_id, live) "
        "VALUES (last_insert_rowid(), new.id, new.name_norm, new.owner_id, "
        "new.deleted_at IS NULL); END"),
    "clients_fts_delete": (
        "CREATE TRIGGER clients_fts_delete AFTER DELETE ON clients BEGIN "
        f"DELETE FROM clients_fts WHERE rowid = {_WHOSE}; "
        "DELETE FROM clients_fts_rows WHERE client_id = old.id; END"),
    "clients_fts_update": (
        "CREATE TRIGGER clients_fts_update AFTER UPDATE OF search_text ON clients BEGIN "
        f"UPDATE clients_fts SET search_text = new.search_text WHERE rowid = {_WHOSE}; END"),
    "clients_fts_rows_update": (
        "CREATE TRIGGER clients_fts_rows_update AFTER UPDATE OF name_norm, owner_id, "
        "deleted_at ON clients BEGIN "
        "UPDATE clients_fts_rows SET name_norm = new.name_norm, owner_id = new.owner_id, "
        "live = new.deleted_at IS NULL WHERE client_id = old.id; END"),
}
"""The client search index's triggers (revision 0012): the trigram index of each
client's search text, and ``clients_fts_rows`` (index row -> client, its sort name, its
owner and whether it is live), which the list chooses a page of matches from."""

_OLD_WHOSE = "(SELECT fts_rowid FROM clients_fts_keys WHERE client_id = old.id)"

LEGACY_TRIGGERS: dict[str, str] = {
    "clients_fts_insert": (
        "CREATE TRIGGER clients_fts_insert AFTER INSERT ON clients BEGIN "
        "INSERT INTO clients_fts(search_text, client_id) VALUES (new.search_text, new.id); "
        "INSERT INTO clients_fts_keys(client_id, fts_rowid) VALUES (new.id, "
        "last_insert_rowid()); END"),
    "clients_fts_delete": (
        "CREATE TRIGGER clients_fts_delete AFTER DELETE ON clients BEGIN "
        f"DELETE FROM clients_fts WHERE rowid = {_OLD_WHOSE}; "
        "DELETE FROM clients_fts_keys WHERE client_id = old.id; END"),
    "clients_fts_update": (
        "CREATE TRIGGER clients_fts_update AFTER UPDATE OF search_text ON clients BEGIN "
        f"UPDATE clients_fts SET search_text = new.search_text WHERE rowid = {_OLD_WHOSE}; "
        "END"),
}
"""The client index's triggers as revisions 0006 to 0011 made them: a backup made then
holds them, and they are replaced when it is upgraded on restore."""

LEGACY_UNTIL = "0011"
"""The last revision whose databases hold :data:`LEGACY_TRIGGERS`."""

SEARCH_TRIGGERS = {**CLIENT_SEARCH_TRIGGERS, **search_index.triggers()}
"""The triggers of the search indexes (from revision 0006: the client search index's;
from 0007 also those of the index of the other records)."""

TRIGGERS = {**SEARCH_TRIGGERS, **rollups.SQLITE_TRIGGERS}
"""The only triggers a SalesDesk SQLite database holds: the search indexes' and (from
revision 0009) the contacts rollup's. A backup with any other trigger is refused: a
trigger runs SQL on every write, and a file is a stranger's until checked. A test holds
this equal to what the migrations make."""


CLIENT_SEARCH_FILL = (
    "DELETE FROM clients_fts",
    "DELETE FROM clients_fts_rows",
    "INSERT INTO clients_fts(search_text, client_id) SELECT search_text, id FROM clients",
    "INSERT INTO clients_fts_rows(fts_rowid, client_id, name_norm, owner_id, live) "
    "SELECT f.rowid, c.id, c.name_norm, c.owner_id, c.deleted_at IS NULL "
    "FROM clients_fts f JOIN clients c ON c.id = f.client_id",
)
"""The statements that (re)fill the client search index from ``clients``."""

SEARCH_FILL = (*CLIENT_SEARCH_FILL, *search_index.fill_sql())
"""The statements that (re)fill the search indexes from the tables in one pass (the
migrations' own, and a bulk load's after it paused the triggers)."""

DERIVED_FILL = (*SEARCH_FILL, *rollups.FILL)
"""The statements that rebuild everything the triggers of :data:`TRIGGERS` keep."""


def unexpected_triggers(found: dict[str, str | None], revision: str | None = None
                        ) -> list[str]:
    """The names of ``found`` triggers (name -> SQL) that are not SalesDesk's own: not
    those of :data:`TRIGGERS`, nor, in a database of ``revision`` 0011 or older, those
    of :data:`LEGACY_TRIGGERS`."""
    def normal(sql: str | None) -> str:
        return " ".join((sql or "").split())

    legacy = revision in KNOWN and KNOWN.index(revision) <= KNOWN.index(LEGACY_UNTIL)
    return sorted(name for name, sql in found.items()
                  if normal(TRIGGERS.get(name)) != normal(sql)
                  and not (legacy and normal(LEGACY_TRIGGERS.get(name)) == normal(sql)))

