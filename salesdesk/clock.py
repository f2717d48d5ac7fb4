"""The one clock of SalesDesk: today and now, in the office's local time.

Every part of the core and the window asks this module for the date and the time;
nothing else calls ``date.today()`` or ``datetime.now()`` (a test reads the sources and
fails if one does). That is what lets the tests, the demo screenshots and a head who
wants to see "how the 1st of the month looks" set the clock to any day.

The clock can be set (:func:`set_clock`, or the ``SALESDESK_CLOCK`` environment
variable, read when the process starts) to a date or a moment. A set clock keeps
running from there at the real pace, so that timestamps written one after another
still follow each other and hybrid logical clocks of the sync keep advancing.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, date, datetime, timedelta

ENV = "SALESDESK_CLOCK"
"""Environment variable: an ISO date (``2026-12-01``, taken as 10:00 that day) or an
ISO moment (``2026-12-01T09:30``) at which the clock of this process starts."""

_offset: timedelta | None = None


def _real_now() -> datetime:
    # The one place that reads the system's clock.
    return datetime.fromtimestamp(time.time()).astimezone()


def _moment(when: date | datetime | str) -> datetime:
    """A local aware moment from a date (10:00 that day), a moment or ISO text."""
    if isinstance(when, str):
        text = when.strip()
        when = datetime.fromisoformat(text) if "T" in text or " " in text \
            else date.fromisoformat(text)
    if isinstance(when, datetime):
        return when if when.tzinfo else when.astimezone()
    return datetime(when.year, when.month, when.day, 10, 0).astimezone()


def set_clock(when: date | datetime | str | None) -> None:
    """Start the clock at ``when`` (running on from there); ``None`` follows the system."""
    global _offset
    _offset = None if when is None else _moment(when) - _real_now()


def now() -> datetime:
    """The current moment, aware, in the office's local time zone."""
    real = _real_now()
    return real if _offset is None else real + _offset


def today() -> date:
    """The office's current local date."""
    return now().date()


def utcnow() -> datetime:
    """The current moment, aware, in UTC (what the database stores)."""
    return now().astimezone(UTC)


def now_ms() -> int:
    """Milliseconds since the epoch (hybrid logical clocks of the sync)."""
    return int(now().timestamp() * 1000)


def stamp(fmt: str = "%Y%m%d-%H%M%S") -> str:
    """The local moment for file names (backups, bundles)."""
    return now().strftime(fmt)


if os.environ.get(ENV):
    try:
        set_clock(os.environ[ENV])
    except ValueError:
        # A mistyped variable must not stop the program; the system's clock it is.
        _offset = None
