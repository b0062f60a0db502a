"""A JSON document whose long list is written as it is read: the same text, to the character,
as the whole document written at once (what a script parses must not depend on the way)."""

from __future__ import annotations

import argparse
import io
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from creditfile.cli.env import Env

_SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
_ITEMS = st.dictionaries(st.text(max_size=8), _SCALARS | st.lists(_SCALARS, max_size=3))


def _written(value: dict[str, Any], streamed: tuple[str, list[Any]] | None = None) -> str:
    out = io.StringIO()
    Env(argparse.Namespace(), stdout=out).emit_json(value, streamed=streamed)
    return out.getvalue()


@settings(max_examples=60, deadline=None)
@given(
    head=st.dictionaries(st.text(max_size=6), _SCALARS, max_size=4),
    items=st.lists(_ITEMS | _SCALARS, max_size=30),
)
def test_a_streamed_list_writes_the_same_text_as_the_whole_document(
    head: dict[str, Any], items: list[Any]
) -> None:
    whole = {**head, "changes": items, "dry_run": False}
    streamed = _written({**whole, "changes": None}, ("changes", iter(items)))
    assert streamed == _written(whole)
    assert json.loads(streamed)["changes"] == items


def test_a_list_longer_than_a_chunk_is_written_whole_and_in_order() -> None:
    items = [{"id": f"C{n:06d}", "from": None, "to": "A", "total": n / 3} for n in range(2_345)]
    streamed = _written({"customers": 2_345, "changes": None}, ("changes", iter(items)))
    assert streamed == _written({"customers": 2_345, "changes": items})


def test_escape_sequences_in_a_streamed_item_are_written_inert() -> None:
    items = [{"id": "C1", "name": "\x1b]0;owned\x07=HYPERLINK(1)"}]
    streamed = _written({"changes": None}, ("changes", iter(items)))
    assert "\x1b" not in streamed and "\x07" not in streamed
    assert streamed == _written({"changes": items})
    assert json.loads(streamed)["changes"] == items
