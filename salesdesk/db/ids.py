"""Record ids that sort by the moment they were made, for records written in bulk.

A record's id is a random UUID (version 4) so that laptops working offline never
collide. A big import writes a million of them at once, and each goes into several
indexes keyed by it (the table's, the audit log's, the change log's, the field clocks');
random keys land all over those indexes, which outgrow the page cache, and every insert
then reads a page from disk. UUIDs of version 7 (RFC 9562) keep the randomness (74
bits) but begin with the time in milliseconds, so a bulk load appends to the indexes.
"""

from __future__ import annotations

import secrets
import uuid

from salesdesk import clock


class OrderedIds:
    """UUIDs of version 7 in increasing order (a counter orders those of one
    millisecond, as RFC 9562's method 1 does)."""

    def __init__(self) -> None:
        self._ms = 0
        self._counter = 0

    def next(self) -> uuid.UUID:
        """The next id."""
        ms = clock.now_ms()
        if ms > self._ms:
            self._ms, self._counter = ms, secrets.randbits(8)  # room to count up
        else:
            self._counter += 1
            if self._counter > 0xFFF:  # 4,096 in one millisecond: borrow the next one
                self._ms, self._counter = self._ms + 1, 0
        value = ((self._ms & 0xFFFF_FFFF_FFFF) << 80 | 0x7 << 76 | self._counter << 64
                 | 0b10 << 62 | secrets.randbits(62))
        return uuid.UUID(int=value)
