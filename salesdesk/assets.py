"""The one way to reach files in ``resources/``, installed or from a checkout."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def resource_path(*parts: str) -> Path:
    """Return the path of a file inside the installed resources package.

    ``resource_path("fonts", "DejaVuSans.ttf")``. The resources are plain files inside
    the package (setuptools installs them as package data), so a real path exists.
    """
    root = resources.files("salesdesk.resources")
    target = root.joinpath(*parts)
    return Path(str(target))
