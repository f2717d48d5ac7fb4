"""The per user × day rollup of contacts (migration 0009): ``activity_days``.

Every metric screen counts contacts: the live activities of live clients, by the user
who logged them and the day (METRICS.md). A year of them is a scan of a million rows
(0.2 s on the large demo), two years for "This year" against the year before. The
rollup holds the count per (day, user), a few hundred rows a day at most, kept by
triggers in the same transaction as every write, so it can never lag behind:

- an activity added, edited (its day, author, client or deletion) or purged moves its
  one count from the old (day, user) to the new, each side only when it counts (not
  deleted, its client not deleted);
- a client deleted or restored takes its live activities' counts out or puts them back.

``engine.contacts`` stays the definition (it scans activities); the grid reads the
rollup, and tests hold the two equal on SQLite and PostgreSQL after every kind of write.
Plain strings, so that :mod:`schema` can list the triggers without SQLAlchemy.
"""

from __future__ import annotations

DERIVED_TABLES = frozenset({"activity_days"})
"""Tables made from the records by triggers: never copied from another database (its
triggers make them from the rows copied), rebuilt when a backup is restored."""

_LIVE_CLIENT = ("NOT EXISTS (SELECT 1 FROM clients WHERE clients.id = {row}.client_id "
                "AND clients.deleted_at IS NOT NULL)")


def _counts(row: str) -> str:
    """The SQL condition that an activity (``new`` or ``old``) is counted."""
    return f"{row}.deleted_at IS NULL AND " + _LIVE_CLIENT.format(row=row)


_ADD = ("INSERT INTO activity_days(date, user_id, contacts) SELECT new.date, new.user_id, 1 "
        "WHERE {cond} ON CONFLICT(date, user_id) DO UPDATE SET contacts = "
        "activity_days.contacts + 1")
_TAKE = ("UPDATE activity_days SET contacts = contacts - 1 "
         "WHERE date = old.date AND user_id = old.user_id AND {cond}")
_CLIENT = ("INSERT INTO activity_days(date, user_id, contacts) "
           "SELECT date, user_id, {sign}count(*) FROM activities "
           "WHERE activities.client_id = {row}.id AND activities.deleted_at IS NULL "
           "GROUP BY date, user_id "
           "ON CONFLICT(date, user_id) DO UPDATE SET contacts = "
           "activity_days.contacts + excluded.contacts")

SQLITE_TRIGGERS: dict[str, str] = {
    "activity_days_insert": (
        "CREATE TRIGGER activity_days_insert AFTER INSERT ON activities BEGIN "
        + _ADD.format(cond=_counts("new")) + "; END"),
    "activity_days_update": (
        "CREATE TRIGGER activity_days_update AFTER UPDATE OF date, user_id, client_id, "
        "deleted_at ON activities BEGIN "
        + _TAKE.format(cond=_counts("old")) + "; "
        + _ADD.format(cond=_counts("new")) + "; END"),
    "activity_days_delete": (
        "CREATE TRIGGER activity_days_delete AFTER DELETE ON activities BEGIN "
        + _TAKE.format(cond=_counts("old")) + "; END"),
    "activity_days_client_deleted": (
        "CREATE TRIGGER activity_days_client_deleted AFTER UPDATE OF deleted_at ON clients "
        "WHEN old.deleted_at IS NULL AND new.deleted_at IS NOT NULL BEGIN "
        + _CLIENT.format(sign="-", row="new") + "; END"),
    "activity_days_client_restored": (
        "CREATE TRIGGER activity_days_client_restored AFTER UPDATE OF deleted_at ON clients "
        "WHEN old.deleted_at IS NOT NULL AND new.deleted_at IS NULL BEGIN "
        + _CLIENT.format(sign="", row="new") + "; END"),
    "activity_days_client_purged": (
        "CREATE TRIGGER activity_days_client_purged AFTER DELETE ON clients "
        "WHEN old.deleted_at IS NULL BEGIN "
        + _CLIENT.format(sign="-", row="old") + "; END"),
}
"""SQLite's triggers keeping ``activity_days`` (part of the database's only triggers,
:data:`schema.TRIGGERS`)."""

FILL: tuple[str, ...] = (
    "DELETE FROM activity_days",
    "INSERT INTO activity_days(date, user_id, contacts) "
    "SELECT date, user_id, count(*) FROM activities WHERE " + _counts("activities")
    + " GROUP BY date, user_id",
)
"""The statements that (re)build the rollup from the activities in one pass (the
migration's, a bulk load's after it paused the triggers, a restored backup's)."""

_PG_ACTIVITY = """
CREATE FUNCTION activity_days_activity() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE activity_days SET contacts = contacts - 1
    WHERE date = OLD.date AND user_id = OLD.user_id AND {old};
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    INSERT INTO activity_days(date, user_id, contacts) SELECT NEW.date, NEW.user_id, 1
    WHERE {new}
    ON CONFLICT (date, user_id) DO UPDATE SET contacts = activity_days.contacts + 1;
  END IF;
  RETURN NULL;
END $$
""".format(old=_counts("OLD"), new=_counts("NEW"))

_PG_CLIENT = """
CREATE FUNCTION activity_days_client() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  sign integer;
  whose uuid;
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.deleted_at IS NOT NULL THEN RETURN NULL; END IF;
    sign := -1; whose := OLD.id;
  ELSIF (OLD.deleted_at IS NULL) = (NEW.deleted_at IS NULL) THEN
    RETURN NULL;
  ELSE
    sign := CASE WHEN NEW.deleted_at IS NULL THEN 1 ELSE -1 END; whose := NEW.id;
  END IF;
  INSERT INTO activity_days(date, user_id, contacts)
  SELECT date, user_id, sign * count(*) FROM activities
  WHERE activities.client_id = whose AND activities.deleted_at IS NULL
  GROUP BY date, user_id
  ON CONFLICT (date, user_id) DO UPDATE SET
    contacts = activity_days.contacts + excluded.contacts;
  RETURN NULL;
END $$
"""

PG_CREATE: tuple[str, ...] = (
    _PG_ACTIVITY,
    "CREATE TRIGGER activity_days_activity AFTER INSERT OR DELETE OR UPDATE OF date, "
    "user_id, client_id, deleted_at ON activities FOR EACH ROW "
    "EXECUTE FUNCTION activity_days_activity()",
    _PG_CLIENT,
    "CREATE TRIGGER activity_days_client AFTER DELETE OR UPDATE OF deleted_at ON clients "
    "FOR EACH ROW EXECUTE FUNCTION activity_days_client()",
)
"""PostgreSQL's trigger functions and triggers keeping ``activity_days``."""

PG_DROP: tuple[str, ...] = (
    "DROP TRIGGER IF EXISTS activity_days_client ON clients",
    "DROP FUNCTION IF EXISTS activity_days_client()",
    "DROP TRIGGER IF EXISTS activity_days_activity ON activities",
    "DROP FUNCTION IF EXISTS activity_days_activity()",
)
