"""Timing helpers shared by the benchmarks: every figure is a ratio against a floor
measured in the same run, because this machine is shared and absolute times drift."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def best_of(fn: Callable[[], Any], repeat: int = 5) -> float:
    """The fastest of ``repeat`` runs, in seconds (the least disturbed by neighbours)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def median_of(fn: Callable[[], Any], repeat: int = 5) -> float:
    """The median of ``repeat`` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def report(name: str, ours: float, floor: float, target: float | None = None,
           floor_name: str = "floor") -> str:
    """One line: our time, the floor's, the ratio and whether it meets the target."""
    ratio = ours / floor if floor else float("inf")
    verdict = ""
    if target is not None:
        verdict = "  OK" if ratio <= target else f"  ABOVE TARGET {target:g}x"
    line = (f"{name:<48} {ours * 1000:10.1f} ms   {floor_name} {floor * 1000:10.1f} ms   "
            f"ratio {ratio:5.2f}x{verdict}")
    print(line, flush=True)
    return line


def large_demo() -> Path:
    """The large demo database (100,000 clients, 1,000,000 activities), built once into
    ``benchmarks/data/large.db`` and reused by later runs."""
    from datetime import date

    from salesdesk.db.migrate import open_database
    from salesdesk.demo import build_demo

    path = Path(__file__).resolve().parent / "data" / "large.db"
    if path.exists():
        return path
    path.parent.mkdir(exist_ok=True)
    partial = path.with_suffix(".partial")
    for suffix in ("", "-wal", "-shm"):
        Path(str(partial) + suffix).unlink(missing_ok=True)
    print("building the large demo once (about a minute and a half)...", flush=True)
    db = open_database(partial, create=True)
    build_demo(db, seed=1, size="large", today=date(2026, 11, 27))
    db.dispose()
    import sqlite3

    conn = sqlite3.connect(partial)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    partial.rename(path)
    return path
