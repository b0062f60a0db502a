"""Rescaling manual entries to a new weight: within the weight, proportional, and undone exactly."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from creditfile.engine.rescaling import rescaled_entries, stranded_entries
from creditfile.policy import Policy, default_policy_path, parse_policy

WEIGHT = "label: 社会口碑与信用, weight: 20"
PAYMENT = "label: 付款情况, weight: 30"


def _with_weight(text: str, weight: int) -> Policy:
    """社会口碑与信用 at ``weight``, 付款情况 taking up the rest of the 100 points."""
    text = text.replace(WEIGHT, f"label: 社会口碑与信用, weight: {weight}")
    return parse_policy(text.replace(PAYMENT, f"label: 付款情况, weight: {50 - weight}"))


def _docs(values: list[float]) -> list[dict[str, Any]]:
    return [{"id": f"C{i}", "assessment": {"reputation": v}} for i, v in enumerate(values)]


def test_stranded_are_the_entries_that_fit_the_old_weight_only(default_policy_text: str) -> None:
    old, new = _with_weight(default_policy_text, 20), _with_weight(default_policy_text, 15)
    docs = _docs([15, 15.01, 20, 20.5, -1])
    docs.append({"id": "NONE", "assessment": {"reputation": "高"}})
    [stranded] = stranded_entries(docs, old, new)
    assert (stranded.key, stranded.customers, stranded.highest) == ("reputation", ("C1", "C2"), 20)
    assert stranded_entries(docs, new, old) == []  # a weight raised strands nobody


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.decimals(0, 20, places=2).map(float), min_size=1, max_size=20),
    st.integers(1, 40),
)
def test_rescaled_entries_fit_the_new_weight_and_the_way_back_restores_them(
    values: list[float], weight: int
) -> None:
    text = default_policy_path().read_text("utf-8")
    old, new = _with_weight(text, 20), _with_weight(text, weight)
    docs = _docs(values)
    forward = rescaled_entries(docs, old, new)
    scaled = {r.customer_id: r.new for r in forward}
    for i, value in enumerate(values):
        expected = float(
            (Decimal(repr(value)) * weight / 20).quantize(Decimal("0.01"), ROUND_HALF_UP)
        )
        assert scaled.get(f"C{i}", value) == expected
        assert 0 <= expected <= weight
    after = _docs([scaled.get(f"C{i}", v) for i, v in enumerate(values)])
    earlier = {(r.customer_id, r.item): r.event() for r in forward}
    back = {r.customer_id: r.new for r in rescaled_entries(after, new, old, earlier)}
    assert [back.get(f"C{i}", scaled.get(f"C{i}", v)) for i, v in enumerate(values)] == values


def test_an_entry_outside_the_old_weight_is_left_and_left_again_on_the_way_back(
    default_policy_text: str,
) -> None:
    old, new = _with_weight(default_policy_text, 20), _with_weight(default_policy_text, 25)
    [left] = rescaled_entries(_docs([21]), old, new)
    assert (left.old, left.new, left.left) == (21, 21, True)
    # Back to 20: 21 fits 25, but it is the entry the way out left, so it stays 21.
    [again] = rescaled_entries(_docs([21]), new, old, {("C0", "reputation"): left.event()})
    assert (again.new, again.restored) == (21, True)
    [scaled] = rescaled_entries(_docs([21]), new, old)
    assert scaled.new == 16.8  # without that record it would be rescaled as any other
