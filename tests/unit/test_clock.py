"""One clock: the core and the window ask ``salesdesk.clock`` for the date and the time."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import uuid
from datetime import date, datetime
from pathlib import Path

import pytest

from salesdesk import clock
from tests import TODAY

ROOT = Path(__file__).resolve().parents[2]

# Calls that read the system's clock directly.
FORBIDDEN = {("date", "today"), ("datetime", "now"), ("datetime", "today"),
             ("datetime", "utcnow"), ("time", "time"), ("QDate", "currentDate"),
             ("QDateTime", "currentDateTime"), ("QTime", "currentTime")}


def _clock_reads(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and (node.func.value.id, node.func.attr) in FORBIDDEN):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: "
                         f"{node.func.value.id}.{node.func.attr}()")
    return found


def test_no_module_reads_the_system_clock_but_the_clock() -> None:
    sources = [p for folder in ("salesdesk", "ui") for p in (ROOT / folder).rglob("*.py")
               if p != ROOT / "salesdesk" / "clock.py"]
    assert len(sources) > 50
    found = [line for path in sources for line in _clock_reads(path)]
    assert found == []


def test_the_tests_run_on_the_frozen_day() -> None:
    assert clock.today() == TODAY
    assert clock.utcnow().tzinfo is not None


def test_a_set_clock_keeps_running() -> None:
    clock.set_clock(datetime(2028, 2, 29, 23, 59, 59))
    first = clock.now()
    second = clock.now()
    assert first.date() == date(2028, 2, 29) and second >= first


@pytest.mark.parametrize("text, expected", [("2027-01-01", date(2027, 1, 1)),
                                            ("2028-02-29T08:30", date(2028, 2, 29))])
def test_the_environment_sets_the_clock_of_a_new_process(text: str, expected: date) -> None:
    code = "from salesdesk import clock; print(clock.today().isoformat())"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={**os.environ, clock.ENV: text}, timeout=60)
    assert result.stdout.strip() == expected.isoformat(), result.stderr


def test_ordered_ids_sort_by_the_moment_and_never_repeat() -> None:
    """Bulk-written records take version-7 UUIDs: increasing, so that a million of them
    append to their indexes, even within one (frozen) millisecond."""
    from salesdesk.db.ids import OrderedIds

    ids = OrderedIds()
    made = [ids.next() for _ in range(10_000)]  # past the 4,096 one millisecond holds
    assert made == sorted(made) and len(set(made)) == len(made)
    assert {i.version for i in made} == {7} and made[0].variant == uuid.RFC_4122
    assert made == sorted(made, key=lambda i: i.hex)  # as SQLite stores them: text
