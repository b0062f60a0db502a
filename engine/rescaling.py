"""Manual entries under a change of weight: which would be stranded, and their rescaled values.

When compliance changes a manual item's weight (社会口碑与信用 20 → 15), a stored entry above the
new weight would leave its customer ungraded. ``stranded_entries`` finds them;
``rescaled_entries`` scales every entry of a changed item proportionally (16 of 20 → 12 of 15),
or back to the value it had, when it was rescaled from that value before. Pure: no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from creditfile.engine.numbers import as_number, round_half_up, to_decimal
from creditfile.policy.model import Policy, ScoringItem


@dataclass(frozen=True)
class Stranded:
    """The entries of one item that fit its current weight but not the new one.

    Attributes:
        key: The item's key.
        label: The item's label in the new policy.
        old_weight: Its weight in the policy in force (None: a new item).
        new_weight: Its weight in the new policy.
        customers: The customers whose entry is above the new weight, in archive order.
        highest: The highest such entry.
    """

    key: str
    label: str
    old_weight: float | None
    new_weight: float
    customers: tuple[str, ...]
    highest: float


@dataclass(frozen=True)
class Rescaled:
    """One entry rescaled: the customer, the item, the value before and after, the weights.

    ``restored``: the value before an earlier rescale put back. ``left``: an entry outside
    ``[0, old weight]``, left as entered (recorded, so that the way back leaves it too).
    """

    customer_id: str
    item: str
    old: float
    new: float
    from_weight: float
    to_weight: float
    restored: bool
    left: bool = False

    def event(self) -> dict[str, Any]:
        """The record of the change, one of the ``entries`` of the customer's history event."""
        return {
            "item": self.item,
            "old": self.old,
            "new": self.new,
            "from_weight": self.from_weight,
            "to_weight": self.to_weight,
            "restored": self.restored,
            "left": self.left,
        }


def stranded_entries(
    docs: Sequence[Mapping[str, Any]], current: Policy, new: Policy
) -> list[Stranded]:
    """Per manual item of ``new``, the entries within ``current``'s weight but above ``new``'s.

    Entries outside the current weight already leave their customer ungraded: they are not
    what the change strands.
    """
    found = []
    for item in new.manual_items:
        before = _manual(current, item.key)
        limit = before.weight if before is not None else float("inf")
        over = [
            (str(doc.get("id")), value)
            for doc in docs
            if (value := _entry(doc, item.key)) is not None and item.weight < value <= limit
        ]
        if over:
            weight = None if before is None else before.weight
            ids = tuple(cid for cid, _ in over)
            found.append(
                Stranded(item.key, item.label, weight, item.weight, ids, max(v for _, v in over))
            )
    return found


def joined_stranded(parts: Iterable[Sequence[Stranded]], new: Policy) -> list[Stranded]:
    """``stranded_entries`` of a whole archive from those of its batches, given in archive
    order: each item's customers one after the other, its highest entry the highest of all."""
    first: dict[str, Stranded] = {}
    customers: dict[str, list[str]] = {}
    highest: dict[str, float] = {}
    for part in parts:
        for found in part:
            first.setdefault(found.key, found)
            customers.setdefault(found.key, []).extend(found.customers)
            highest[found.key] = max(highest.get(found.key, found.highest), found.highest)
    return [
        replace(first[key], customers=tuple(customers[key]), highest=highest[key])
        for key in (item.key for item in new.manual_items)
        if key in first
    ]


def could_strand(current: Policy, new: Policy) -> bool:
    """Whether ``stranded_entries`` could find any entry at all: an item of ``new`` that
    ``current`` lacks, or whose weight is lower."""
    for item in new.manual_items:
        before = _manual(current, item.key)
        if before is None or item.weight < before.weight:
            return True
    return False


def changed_weights(current: Policy, new: Policy) -> list[tuple[ScoringItem, ScoringItem]]:
    """The manual items in both policies whose weight differs, as (current, new) pairs."""
    pairs = []
    for item in new.manual_items:
        before = _manual(current, item.key)
        if before is not None and before.weight != item.weight:
            pairs.append((before, item))
    return pairs


def rescaled_entries(
    docs: Sequence[Mapping[str, Any]],
    current: Policy,
    new: Policy,
    earlier: Mapping[tuple[str, str], Mapping[str, Any]] | None = None,
) -> list[Rescaled]:
    """Every entry of an item whose weight changes, scaled to the new weight (each listed, even
    one whose value rounding keeps).

    An entry ``v`` of weight ``w`` becomes ``v × w' / w``, rounded half-up to the policy's
    places. An entry that an earlier rescale set, from the very weight now coming back, gets
    its value from before that rescale: activating the old policy again undoes a rescale
    exactly. Entries outside ``[0, w]`` are left as they are (they are wrong either way) and
    listed with ``left``, so that the way back leaves them too.

    Args:
        docs: The stored customer documents.
        current: The policy in force.
        new: The policy being activated.
        earlier: The last rescale event per (customer id, item), if any.
    """
    out = []
    for before, after in changed_weights(current, new):
        for doc in docs:
            value = _entry(doc, after.key)
            if value is None:
                continue
            cid = str(doc.get("id"))
            last = (earlier or {}).get((cid, after.key))
            left = False
            if _undoes(last, value, before.weight, after.weight):
                assert last is not None
                new_value, restored = float(last["old"]), True
            elif not 0 <= value <= before.weight:
                new_value, restored, left = value, False, True
            else:
                ratio = to_decimal(value) * to_decimal(after.weight) / to_decimal(before.weight)
                new_value, restored = as_number(round_half_up(ratio, new.rounding)), False
            # Recorded even when rounding keeps the value (0.01 of 20 is 0.01 of 10): the way
            # back must restore it, not scale it again.
            weights = (before.weight, after.weight)
            out.append(Rescaled(cid, after.key, value, new_value, *weights, restored, left))
    return out


def _undoes(last: Mapping[str, Any] | None, value: float, weight: float, target: float) -> bool:
    return (
        last is not None
        and last.get("new") == value
        and last.get("to_weight") == weight
        and last.get("from_weight") == target
        and isinstance(last.get("old"), int | float)
    )


def _manual(policy: Policy, key: str) -> ScoringItem | None:
    return next((i for i in policy.manual_items if i.key == key), None)


def _entry(doc: Mapping[str, Any], key: str) -> float | None:
    assessment = doc.get("assessment")
    value = assessment.get(key) if isinstance(assessment, Mapping) else None
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        return None
    return float(value)
