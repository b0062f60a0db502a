"""Shares that add to exactly 100%, amounts as JSON numbers, and the labels of report groups."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_FLOOR, Decimal

LIFECYCLE_LABELS = {"established": "老客户", "new": "新客户", "prospective": "未来客户"}
STAGE_LABELS = {"current": "正在交易", "past": "曾经交易", "upcoming": "即将交易"}
UNGRADED = "ungraded"
UNGRADED_LABEL = "未评级"
UNKNOWN_LABEL = "未知"


def percent_shares(values: Sequence[Decimal | int]) -> list[float]:
    """Each value's share of their sum in percent, to 2 places, adding to exactly 100.

    Rounding each share alone can make them add to 99.99 or 100.01; the largest-remainder
    method hands the leftover hundredths to the shares that lost most to rounding, so a
    column of shares always adds up on paper.

    Args:
        values: Non-negative amounts or counts.

    Returns:
        One percentage per value; all zeros when the sum is zero.
    """
    amounts = [Decimal(v) for v in values]
    total = sum(amounts, Decimal(0))
    if total <= 0:
        return [0.0 for _ in amounts]
    quotas = [amount * 10000 / total for amount in amounts]
    units = [int(q.to_integral_value(rounding=ROUND_FLOOR)) for q in quotas]
    leftover = 10000 - sum(units)
    by_remainder = sorted(range(len(quotas)), key=lambda i: (-(quotas[i] - units[i]), i))
    for index in by_remainder[:leftover]:
        units[index] += 1
    return [float(Decimal(unit) / 100) for unit in units]


def money_value(amount: Decimal) -> float:
    """A CNY amount as a JSON number, exact to the cent."""
    return float(amount.quantize(Decimal("0.01")))


def group_label(by: str, key: str, policy_labels: Mapping[str, str]) -> str:
    """The Chinese label of a group key for a dimension."""
    if key == UNGRADED:
        return UNGRADED_LABEL
    if by == "lifecycle":
        return LIFECYCLE_LABELS.get(key, key)
    if by == "stage":
        return STAGE_LABELS.get(key, key)
    return policy_labels.get(key, key if key else UNKNOWN_LABEL)
