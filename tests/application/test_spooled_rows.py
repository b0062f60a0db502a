"""Rows kept in a temporary file come back as they went in, in order, as often as asked."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from creditfile.application.spooled_rows import SpooledRows

_PLAIN = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)  # fmt: skip


@settings(max_examples=40)
@given(rows=st.lists(_PLAIN, max_size=40), chunk=st.integers(1, 64))
def test_rows_come_back_equal_and_in_order_however_the_file_is_read(
    rows: list[Any], chunk: int
) -> None:
    kept: SpooledRows[Any] = SpooledRows()
    kept._CHUNK = chunk  # reads of a few bytes: rows split anywhere
    for row in rows:
        kept.append(row)
    assert len(kept) == len(rows)
    assert list(kept) == rows
    assert list(kept) == rows  # again
    assert kept == rows and rows == kept


def test_two_readings_at_once_and_rows_added_meanwhile() -> None:
    kept = SpooledRows([{"id": f"C{n}", "reasons": ["x" * n]} for n in range(300)])
    first, second = iter(kept), iter(kept)
    assert next(first)["id"] == "C0"
    kept.append({"id": "late"})
    assert [row["id"] for row in second][-2:] == ["C299", "late"]
    assert [row["id"] for row in first][-1] == "C299"  # begun before it was added
    assert len(kept) == 301 and {"id": "late"} in kept


def test_a_row_json_cannot_hold_is_refused_when_added() -> None:
    kept: SpooledRows[dict[str, Any]] = SpooledRows()
    with pytest.raises(TypeError):
        kept.append({"total": Decimal("1.5")})
    assert len(kept) == 0 and list(kept) == []
