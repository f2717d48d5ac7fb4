"""Timing helpers shared by the benchmarks: every figure is a ratio against a floor
measured in the same run, because this machine is shared and absolute times drift."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
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
