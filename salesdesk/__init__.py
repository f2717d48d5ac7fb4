"""SalesDesk core: domain, services, persistence, metrics, charts, documents, CLI.

The core never imports PySide6 or the window package; a test checks it.
"""

__version__ = "0.1.0"
