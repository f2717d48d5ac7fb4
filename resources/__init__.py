"""Fonts, translations and document assets shipped inside the wheel.

Installed, this folder is the package ``salesdesk.resources``; code reaches it only
through :func:`salesdesk.resources_path`.
"""
