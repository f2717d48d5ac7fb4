"""SalesDesk's Qt desktop window (installed as the package ``salesdesk_ui``)."""
