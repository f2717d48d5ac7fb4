"""The PySide6 pin of ARCHITECTURE.md: 6.12.0 on Python 3.11 aborts the interpreter
after a few thousand void Qt calls ("Fatal Python error: none_dealloc")."""

from __future__ import annotations

import subprocess
import sys

import pytest

LOOP = """
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
label = QLabel()
for i in range(200_000):
    label.setText(str(i))
print("done")
"""


@pytest.mark.slow
def test_200k_void_calls_do_not_abort_the_interpreter() -> None:
    result = subprocess.run([sys.executable, "-c", LOOP], capture_output=True, text=True,
                            timeout=300, env={**__import__("os").environ,
                                              "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "done"


def test_installed_pyside6_respects_the_pin() -> None:
    import PySide6

    version = tuple(int(p) for p in PySide6.__version__.split(".")[:2])
    if sys.version_info < (3, 12):
        assert version < (6, 12), f"PySide6 {PySide6.__version__} on Python 3.11"
