"""The wheel carries every package of the source tree.

setuptools is given an explicit package list (the source layout maps ui/ to
salesdesk_ui); a subpackage left out of it installs nothing and the installed app
fails with ImportError, which the source-tree tests would never notice.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _source_packages() -> set[str]:
    found: set[str] = set()
    for top, installed in (("salesdesk", "salesdesk"), ("ui", "salesdesk_ui")):
        for init in (ROOT / top).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / top)
            found.add(".".join([installed, *rel.parts]))
    return found


def test_every_package_is_listed_for_the_wheel() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    missing = _source_packages() - listed
    assert not missing, f"add to [tool.setuptools] packages in pyproject.toml: {sorted(missing)}"
