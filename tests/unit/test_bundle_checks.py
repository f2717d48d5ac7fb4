"""The bundle's quick checks say what the slow ones they replace said: the control
character pattern over all of Unicode, the nesting limit on every shape of JSON."""

from __future__ import annotations

import json
import sys
import unicodedata
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from salesdesk.errors import ValidationError
from salesdesk.sync.bundle import MAX_DEPTH, _depth_ok, _json
from salesdesk.sync.checks import CONTROL


def test_the_control_pattern_is_unicodes_control_and_surrogate_categories() -> None:
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        expected = unicodedata.category(char) in ("Cc", "Cs") and char not in "\n\t\r"
        assert bool(CONTROL.search(char)) == expected, hex(code)


def _depth_by_definition(value: Any, depth: int = 0) -> bool:
    """The limit as first written: every value, plain or not, at most MAX_DEPTH deep."""
    if depth > MAX_DEPTH:
        return False
    if isinstance(value, dict):
        return all(_depth_by_definition(v, depth + 1) for v in value.values())
    if isinstance(value, list):
        return all(_depth_by_definition(v, depth + 1) for v in value)
    return True


def _nested(depth: int, leaf: Any) -> Any:
    value = leaf
    for level in range(depth):
        value = [value] if level % 2 else {"k": value}
    return value


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=2), inner,
                                                                max_size=3),
    max_leaves=20)


@given(json_values)
def test_the_nesting_limit_is_the_same_on_any_json(value: Any) -> None:
    assert _depth_ok(value) == _depth_by_definition(value)


def test_the_nesting_limit_at_its_edge() -> None:
    for depth in range(MAX_DEPTH - 2, MAX_DEPTH + 3):
        for leaf in (1, "x", [], {}, None):
            value = _nested(depth, leaf)
            assert _depth_ok(value) == _depth_by_definition(value), (depth, leaf)


def _accepted(value: Any) -> bool:
    """Whether a change line holding ``value`` gets past the bundle's JSON checks."""
    try:
        _json(Path("laptop.sdsync"), json.dumps(value), "line {n}", 1)
    except ValidationError:
        return False
    return True


@given(json_values)
def test_a_line_is_refused_for_its_nesting_exactly_as_defined(value: Any) -> None:
    assert _accepted(value) == _depth_by_definition(value)


def test_a_line_at_the_edge_of_the_nesting_limit() -> None:
    # Around the limit the count of brackets alone cannot decide: the walk does.
    for depth in range(MAX_DEPTH - 2, MAX_DEPTH + 3):
        for leaf in (1, "x", "[[{{", [], {}, None):
            value = _nested(depth, leaf)
            assert _accepted(value) == _depth_by_definition(value), (depth, leaf)
