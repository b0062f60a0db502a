"""Priority supply: requests ranked grade first, then the policy's order, and shared out."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import pytest

from creditfile.policy import Policy
from creditfile.reports.allocation import Standing, allocation_plan, held_reason


def _s(grade: str | None, tier: str = "general", owed: str = "0", total: float = 85) -> Standing:
    return Standing(f"客户{grade}", "developer", grade, tier, total, Decimal(owed))


def _d(did: str, cid: str, quantity: int, requested: str, wanted: str = "2026-12-31",
       item: str = "tower_crane") -> dict[str, Any]:  # fmt: skip
    return {"id": did, "customer_id": cid, "item": item, "quantity": quantity,
            "requested_on": requested, "wanted_on": wanted}  # fmt: skip


STANDINGS = {
    "C-B-key": _s("B", "key_account"),
    "C-A-scat": _s("A", "scattered"),
    "C-A-key": _s("A", "key_account"),
    "C-C": _s("C", "key_account"),
    "C-A-key-late": _s("A", "key_account"),
    "C-D": _s("D", "key_account"),
    "C-none": _s(None, "key_account"),
    "C-B-over": _s("B", "key_account", owed="2000000.01"),  # B's limit is 2,000,000
    "C-C-at-limit": _s("C", "general", owed="500000"),  # exactly C's limit: not over
}
DEMANDS = [
    _d("R1", "C-B-key", 4, "2026-10-01"),
    _d("R2", "C-A-scat", 3, "2026-09-01"),
    _d("R3", "C-A-key", 2, "2026-11-01"),
    _d("R4", "C-C", 5, "2026-08-01"),
    _d("R5", "C-A-key-late", 1, "2026-11-20"),
    _d("R6", "C-D", 9, "2026-01-01"),
    _d("R7", "C-none", 9, "2026-01-01"),
    _d("R8", "C-B-over", 9, "2026-01-01"),
    _d("R9", "C-C-at-limit", 1, "2026-12-01"),
    _d("R10", "C-A-key", 7, "2026-01-01", item="steel_formwork"),  # another item
    _d("R11", "C-gone", 1, "2026-01-01"),
]


def test_grade_first_then_tier_then_request_date_and_shared_down_the_ranking(
    default_policy: Policy,
) -> None:
    plan = allocation_plan(DEMANDS, STANDINGS, default_policy, item="tower_crane", available=8)
    # A: key accounts (R3 before R5 by date), then scattered R2; then B R1; then C: key
    # account R4 before general R9. 8 units: 2 + 1 + 3 = 6, then R1 gets the last 2 of 4.
    assert [(r["demand_id"], r["allocated"], r["short"]) for r in plan["rows"]] == [
        ("R3", 2, 0), ("R5", 1, 0), ("R2", 3, 0), ("R1", 2, 2), ("R4", 0, 5), ("R9", 0, 1),
    ]  # fmt: skip
    assert (plan["requested"], plan["allocated"], plan["left"]) == (16, 8, 0)
    assert plan["order"] == ["grade", "tier", "requested_on"]
    held = {h["demand_id"]: h["reason"] for h in plan["held"]}
    assert held == {
        "R6": "graded D (限制类客户)",
        "R7": "ungraded",
        "R8": "over its credit limit (outstanding 2,000,000.01 > limit 2,000,000.00)",
        "R11": "customer no longer in the archive",
    }


def test_more_than_enough_leaves_the_rest(default_policy: Policy) -> None:
    plan = allocation_plan(DEMANDS, STANDINGS, default_policy, item="tower_crane", available=100)
    assert all(r["short"] == 0 for r in plan["rows"])
    assert (plan["allocated"], plan["left"]) == (16, 84)


def test_the_policy_sets_the_order_within_a_grade(default_policy: Policy) -> None:
    by_date = dataclasses.replace(default_policy, supply_order=("requested_on",))
    plan = allocation_plan(DEMANDS, STANDINGS, by_date, item="tower_crane", available=0)
    assert [r["demand_id"] for r in plan["rows"]] == ["R2", "R3", "R5", "R1", "R4", "R9"]
    by_want = dataclasses.replace(default_policy, supply_order=("wanted_on", "tier"))
    wanted = [_d("W1", "C-A-scat", 1, "2026-01-01", "2026-12-01"),
              _d("W2", "C-A-key", 1, "2026-01-01", "2026-12-05"),
              _d("W3", "C-A-key-late", 1, "2026-01-01", "2026-12-01")]  # fmt: skip
    plan = allocation_plan(wanted, STANDINGS, by_want, item="tower_crane", available=3)
    assert [r["demand_id"] for r in plan["rows"]] == ["W3", "W1", "W2"]


@pytest.mark.parametrize("grade", ["A", "B", "C"])
def test_every_grade_within_its_limit_is_served(default_policy: Policy, grade: str) -> None:
    limit = default_policy.privileges[grade]["credit_limit"]
    assert held_reason(_s(grade, owed=str(limit)), default_policy) is None
    assert "over its credit limit" in str(
        held_reason(_s(grade, owed=str(limit + 0.01)), default_policy)
    )
