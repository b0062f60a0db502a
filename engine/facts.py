"""The facts of one customer document at an as-of date, as policy conditions see them."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from creditfile.engine.timeline import (
    counted_leases,
    first_trade,
    leases_of,
    lifecycle,
    parse_date,
    stage,
    whole_months,
)


@dataclass(frozen=True)
class CustomerFacts:
    """Facts for conditions (plain JSON values) plus exact amounts for scoring."""

    values: dict[str, Any]
    amounts: dict[str, Decimal]
    first_trade: date | None


def money(value: object) -> Decimal:
    """A non-negative amount; anything else (absent, null, text, negative) counts as 0."""
    kind = type(value)
    if kind is float or kind is int:
        amount = Decimal(repr(value)) if kind is float else Decimal(value)  # type: ignore[arg-type]
    elif kind is Decimal:
        amount = value  # type: ignore[assignment]
    else:
        return _ZERO
    return amount if amount.is_finite() and amount > 0 else _ZERO


_ZERO = Decimal(0)


def compute_facts(
    doc: Mapping[str, Any], as_of: date, new_customer_months: int, windows: Iterable[int] = ()
) -> CustomerFacts:
    """Every documented fact of ``doc`` at ``as_of`` (see ``policy.fact_catalogue.FACTS``),
    and for each of ``windows`` (months) the cumulative lease amount over that window."""
    every = leases_of(doc)
    leases = counted_leases(doc, every)
    cumulative = outstanding = _ZERO
    active = 0
    for lease in leases:
        cumulative += money(lease.get("amount"))
        if "outstanding" in lease:
            outstanding += money(lease["outstanding"])
        if lease.get("status") == "active":
            active += 1
    first = first_trade(doc, leases)
    nature = doc.get("nature")
    values: dict[str, Any] = {
        "cumulative_lease_amount": float(cumulative),
        "lease_count": len(leases),
        "active_lease_count": active,
        "months_since_first_trade": None if first is None else whole_months(first, as_of),
        "lifecycle": lifecycle(first, as_of, new_customer_months),
        "stage": stage(doc, every),
        "nature": nature if isinstance(nature, str) else "",
        "unverified_customer_form": _unverified_form(doc),
        "days_since_assessment": _days_since_assessment(doc, as_of),
        "days_since_agency_report": _days_since_agency(doc, as_of),
        "outstanding_amount": float(outstanding),
        "max_overdue_days": _max_overdue(leases) if outstanding else 0,
    }
    amounts = {"cumulative_lease_amount": cumulative, "outstanding_amount": outstanding}
    for months in windows:
        amounts[f"cumulative_lease_amount_last_{months}_months"] = _within(leases, as_of, months)
    return CustomerFacts(values, amounts, first)


def _within(leases: list[Mapping[str, Any]], as_of: date, months: int) -> Decimal:
    """The amounts of the leases started less than ``months`` whole months before ``as_of``
    (months counted as for new customers), and not after it."""
    total = _ZERO
    for lease in leases:
        start = parse_date(lease.get("start"))
        if start is not None and start <= as_of and whole_months(start, as_of) < months:
            total += money(lease.get("amount"))
    return total


def _sources(doc: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    sources = doc.get("sources")
    if not sources or not isinstance(sources, list):
        return []
    return [s for s in sources if type(s) is dict or isinstance(s, Mapping)]


def _unverified_form(doc: Mapping[str, Any]) -> bool:
    return any(
        s.get("kind") == "customer_form" and s.get("verified") is False for s in _sources(doc)
    )


def _days_since_assessment(doc: Mapping[str, Any], as_of: date) -> int | None:
    assessment = doc.get("assessment")
    if not isinstance(assessment, dict):
        return None
    on = parse_date(assessment.get("assessed_on"))
    return None if on is None else (as_of - on).days


def _days_since_agency(doc: Mapping[str, Any], as_of: date) -> int | None:
    dates = [
        parse_date(s.get("on")) for s in _sources(doc) if s.get("kind") == "agency_investigation"
    ]
    known = [d for d in dates if d is not None]
    return (as_of - max(known)).days if known else None


def _max_overdue(leases: list[Mapping[str, Any]]) -> int:
    overdue = [lease.get("overdue_days") for lease in leases if money(lease.get("outstanding")) > 0]
    # Infinity or NaN (a hand-edited file) would crash int(): they count as no overdue days.
    numbers = [
        int(d)
        for d in overdue
        if isinstance(d, int | float) and not isinstance(d, bool) and math.isfinite(d)
    ]
    return max((d for d in numbers if d > 0), default=0)
