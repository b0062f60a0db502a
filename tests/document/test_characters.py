"""Lone surrogates found wherever they hide in a document, whatever else the document holds."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from creditfile.document.characters import has_lone_surrogate, surrogate_path

# Any text, lone surrogates included (category Cs), and values JSON cannot hold.
_TEXT = st.text(st.characters(codec=None, categories=None), max_size=8)
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),  # beyond 64 bits too
    st.floats(allow_nan=True, allow_infinity=True),
    _TEXT,
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(_TEXT, st.integers()), inner, max_size=4),
        st.tuples(inner, inner),
    ),
    max_leaves=20,
)


@given(_VALUES)
def test_found_exactly_where_the_document_walk_finds_one(value: Any) -> None:
    assert has_lone_surrogate(value) is (surrogate_path(value) is not None)


@pytest.mark.parametrize(
    ("value", "path"),
    [
        ({"id": "C1", "contact": {"address": "成都\ud800"}}, "contact.address"),
        ({"leases": [{"item": "x"}, {"note": "\udfff"}]}, "leases[1].note"),
        ({"assessment": {"\udc80": 1}}, "assessment"),
        # A key that is not text and a number too large for 64 bits do not hide a surrogate.
        ({1: "a", "n": 2**70, "note": "x\ud83d"}, "note"),
    ],
)
def test_a_surrogate_is_found_and_located(value: Any, path: str) -> None:
    assert has_lone_surrogate(value)
    assert surrogate_path(value) == path


@pytest.mark.parametrize(
    "value",
    [
        {"name": "成都宏达 😀 \\ud800 written as text", "n": 2**70, 1: float("nan")},
        ["\u200b", {"k": ("t", None)}],
        "",
    ],
)
def test_text_without_a_surrogate_is_clean(value: Any) -> None:
    assert not has_lone_surrogate(value)
