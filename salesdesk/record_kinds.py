"""The kinds of records the command line imports and exports, without importing the
machinery that does it (the parser is built at every start of ``salesdesk``)."""

from __future__ import annotations

IMPORT_KINDS = ("clients", "contacts", "deals", "activities", "spend", "targets", "products")
"""What ``import KIND FILE`` reads (importer.py)."""

EXPORT_FORMAT_KINDS = ("clients", "deals", "activities", "invoices")
"""What ``export KIND`` writes in the import format, so that it imports back (exporter.py)."""

TABLE_KINDS = {"users": "users", "contacts": "contacts", "products": "products",
               "competitors": "competitors", "documents": "documents",
               "document_lines": "document_lines", "payments": "payments",
               "deliveries": "deliveries", "tasks": "tasks", "targets": "targets",
               "spend": "marketing_spend", "budget": "marketing_budget",
               "strategy": "strategy_items", "market_notes": "market_notes",
               "training": "training_items", "templates": "training_templates",
               "meetings": "appointments"}
"""``export KIND`` for the kinds without an import format of their own: one sheet of the
office workbook (workbook.py), by its table."""
