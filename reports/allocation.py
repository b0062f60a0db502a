"""Priority supply: competing demand for a short leased item ranked and allocated.

The regime: A-grade customers' demand is met first. Requests for the item are ranked by the
customer's grade (best first), then by the policy's ``supply.order`` (``tier``, ``requested_on``,
``wanted_on``, ``total_score``), then in the order they were entered. The available quantity
goes down the ranking: each request gets what it asks for while enough is left, the request
where it runs out gets the rest, the ones after it nothing. Held back, with the reason, and
never allocated: customers ungraded, graded below the lowest grade (D), over their credit limit
(outstanding above the limit of the terms that apply), or no longer in the archive.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from creditfile.engine.numbers import to_decimal
from creditfile.engine.terms import terms_that_apply
from creditfile.policy.errors import NOTHING, Phrase, phrase
from creditfile.policy.model import Policy


@dataclass(frozen=True)
class Standing:
    """What allocation needs to know of one customer.

    Attributes:
        name: The customer's name.
        nature: Its nature key.
        grade: Its current grade; None when ungraded.
        tier: Its tier key; None when unknown.
        total: Its total score; None when ungraded.
        outstanding: What it owes now.
    """

    name: str
    nature: str | None
    grade: str | None
    tier: str | None
    total: float | None
    outstanding: Decimal


def held_reason(standing: Standing | None, policy: Policy) -> Phrase | None:
    """Why a customer's demand is held back (a phrase a front end words), or None when it may
    be served."""
    if standing is None:
        return phrase("customer no longer in the archive")
    if standing.grade is None:
        return phrase("ungraded")
    if standing.grade == policy.below_lowest.name:
        return phrase(
            "graded {grade} ({label})", grade=standing.grade, label=policy.below_lowest.label
        )
    limit = terms_that_apply(policy, standing.grade, standing.nature).get("credit_limit")
    if isinstance(limit, int | float) and not isinstance(limit, bool):
        ceiling = to_decimal(limit)
        if standing.outstanding > ceiling:
            owed, most = f"{standing.outstanding:,.2f}", f"{ceiling:,.2f}"
            return phrase(
                "over its credit limit (outstanding {outstanding} > limit {limit})",
                outstanding=owed,
                limit=most,
            )
    return None


def _rank_key(
    demand: Mapping[str, Any], entered: int, standing: Standing, policy: Policy
) -> tuple[Any, ...]:
    tiers = [tier.key for tier in policy.tiers]
    key: list[Any] = [policy.grade_rank(str(standing.grade))]
    for part in policy.supply_order:
        if part == "tier":
            key.append(tiers.index(standing.tier) if standing.tier in tiers else len(tiers))
        elif part == "requested_on":
            key.append(str(demand.get("requested_on") or "9999-12-31"))
        elif part == "wanted_on":
            key.append(str(demand.get("wanted_on") or "9999-12-31"))
        elif part == "total_score":
            key.append(-(standing.total or 0.0))
    key.append(entered)
    return tuple(key)


def allocation_plan(
    demands: Sequence[Mapping[str, Any]],
    standings: Mapping[str, Standing],
    policy: Policy,
    *,
    item: str,
    available: int,
) -> dict[str, Any]:
    """Rank the requests for ``item`` and share ``available`` units down the ranking.

    Args:
        demands: Every demand request (others' items are left out), in the order entered.
        standings: The customers' standing by id.
        policy: Grades, tiers, the supply order and the terms.
        item: The leased-item category allocated.
        available: The units there are to give.

    Returns:
        ``{"item", "available", "order", "requested", "allocated", "left", "rows": [...],
        "held": [...]}``; each row ``{rank, demand_id, customer_id, name, grade, tier,
        requested_on, wanted_on, quantity, allocated, short}``; each held request
        ``{demand_id, customer_id, name, grade, quantity, reason, said}``: ``reason`` in
        English, ``said`` the same as a phrase for a front end to word.
    """
    ranked: list[tuple[tuple[Any, ...], Mapping[str, Any], Standing]] = []
    held: list[dict[str, Any]] = []
    for entered, demand in enumerate(demands):
        if demand.get("item") != item:
            continue
        standing = standings.get(str(demand.get("customer_id")))
        reason = held_reason(standing, policy)
        if reason is not None or standing is None:
            held.append(_held(demand, standing, reason or NOTHING))
            continue
        ranked.append((_rank_key(demand, entered, standing, policy), demand, standing))
    ranked.sort(key=lambda entry: entry[0])
    left = available
    rows = []
    for rank, (_key, demand, standing) in enumerate(ranked, start=1):
        quantity = int(demand.get("quantity") or 0)
        given = min(quantity, left)
        left -= given
        rows.append(
            {
                "rank": rank,
                "demand_id": demand.get("id"),
                "customer_id": demand.get("customer_id"),
                "name": standing.name,
                "grade": standing.grade,
                "tier": standing.tier,
                "requested_on": demand.get("requested_on"),
                "wanted_on": demand.get("wanted_on"),
                "quantity": quantity,
                "allocated": given,
                "short": quantity - given,
            }
        )
    return {
        "item": item,
        "available": available,
        "order": ["grade", *policy.supply_order],
        "requested": sum(row["quantity"] for row in rows),
        "allocated": available - left,
        "left": left,
        "rows": rows,
        "held": held,
    }


def _held(demand: Mapping[str, Any], standing: Standing | None, reason: Phrase) -> dict[str, Any]:
    return {
        "demand_id": demand.get("id"),
        "customer_id": demand.get("customer_id"),
        "name": standing.name if standing is not None else "",
        "grade": standing.grade if standing is not None else None,
        "quantity": int(demand.get("quantity") or 0),
        "reason": str(reason),
        "said": reason,
    }
