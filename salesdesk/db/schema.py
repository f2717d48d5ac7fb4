"""The schema revisions this SalesDesk knows, without importing Alembic.

Opening a database at the current revision is the common case and must be quick, so the
revision is compared with these constants; Alembic is loaded only to upgrade. A test
checks they match the migration scripts.
"""

HEAD = "0004"
KNOWN = ("0001", "0002", "0003", "0004")
