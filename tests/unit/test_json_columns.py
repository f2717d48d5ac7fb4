"""JSON columns are written by orjson (db/engine.py): they must read back exactly as
the standard library's text did."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from salesdesk.db.engine import _json_dumps, _json_loads

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=5) | st.integers(-9, 9), inner, max_size=4),
    max_leaves=25)


@given(json_values)
def test_a_value_reads_back_as_the_standard_librarys_text_would(value: Any) -> None:
    assert _json_loads(_json_dumps(value)) == json.loads(json.dumps(value))


def test_russian_text_and_old_escaped_text_both_read_back() -> None:
    value = {"name": "ООО «Вектор»", "1": ["счёт", "№ 5"]}
    assert _json_loads(_json_dumps(value)) == value
    assert _json_loads(json.dumps(value)) == value  # rows written before orjson
