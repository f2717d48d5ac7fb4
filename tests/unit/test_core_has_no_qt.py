"""The core never loads Qt: every module of ``salesdesk`` imports without PySide6."""

import pkgutil
import subprocess
import sys

import salesdesk


def test_every_core_module_imports_without_pyside6() -> None:
    modules = sorted(m.name for m in pkgutil.walk_packages(salesdesk.__path__, "salesdesk."))
    assert "salesdesk.cli" in modules and "salesdesk.db.models" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    if '.migrations.' in name or name.endswith('__main__'):\n"
        "        continue\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', "
        "'salesdesk_ui')))\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_core_imports_heavy_libraries_lazily() -> None:
    """Startup stays fast: importing the CLI does not import matplotlib or reportlab."""
    code = ("import sys, salesdesk.cli; "
            "print(sorted(m for m in ('matplotlib', 'reportlab') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60)
    assert result.stdout.strip() == "[]", result.stdout + result.stderr
