"""SalesDesk's tests.

``TODAY`` is the date the clock of the core shows in every test (an autouse fixture
sets it): 1 December 2026 unless ``SALESDESK_TEST_TODAY`` names another ISO date. CI
runs the suite once more with another date, so that no test depends on the real one.
"""

from __future__ import annotations

import os
from datetime import date

TODAY = date.fromisoformat(os.environ.get("SALESDESK_TEST_TODAY") or "2026-12-01")
