"""The typed facts a policy condition may name, with what each one means."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from creditfile.policy.errors import N_

Scope = Literal["tier", "override"]
FactType = Literal["number", "text", "boolean"]


@dataclass(frozen=True)
class FactSpec:
    """One fact: its name, type, whether it may be null, and its meaning."""

    name: str
    type: FactType
    nullable: bool
    description: str
    scopes: tuple[Scope, ...] = ("tier", "override")
    values: tuple[str, ...] = ()
    whole: bool = False
    """True for whole-number facts (counts, days, months): a range may end at ``max``."""


LIFECYCLES = ("established", "new", "prospective")
STAGES = ("past", "current", "upcoming")

FACTS: tuple[FactSpec, ...] = (
    FactSpec(
        "cumulative_lease_amount",
        "number",
        False,
        "Sum of `amount` over the customer's non-cancelled leases, CNY.",
    ),
    FactSpec("lease_count", "number", False, "Number of non-cancelled leases.", whole=True),
    FactSpec(
        "active_lease_count",
        "number",
        False,
        "Number of leases with status `active`.",
        whole=True,
    ),
    FactSpec(
        "months_since_first_trade",
        "number",
        True,
        "Whole months from the first trade to the as-of date; null for a prospect.",
        whole=True,
    ),
    FactSpec(
        "lifecycle",
        "text",
        False,
        "`established`, `new` or `prospective` (老客户/新客户/未来客户).",
        values=LIFECYCLES,
    ),
    FactSpec(
        "stage",
        "text",
        False,
        "`current` (an active lease), `past` (only closed leases) or `upcoming`.",
        values=STAGES,
    ),
    FactSpec("nature", "text", False, "The customer's nature key, one of the policy's `natures`."),
    FactSpec(
        "unverified_customer_form",
        "boolean",
        False,
        "True when any `customer_form` source has `verified: false` (awaiting audit).",
    ),
    FactSpec(
        "days_since_assessment",
        "number",
        True,
        "Days from `assessment.assessed_on` to the as-of date; null if never assessed.",
        whole=True,
    ),
    FactSpec(
        "days_since_agency_report",
        "number",
        True,
        "Days since the newest `agency_investigation` source; null if there is none.",
        whole=True,
    ),
    FactSpec(
        "outstanding_amount",
        "number",
        False,
        "Sum of `outstanding` (receivable, CNY) over non-cancelled leases.",
    ),
    FactSpec(
        "max_overdue_days",
        "number",
        False,
        "The largest `overdue_days` of any lease with money outstanding; 0 if none.",
        whole=True,
    ),
    FactSpec(
        "total_score",
        "number",
        False,
        "The customer's total score (overrides only).",
        scopes=("override",),
    ),
    FactSpec(
        "grade",
        "text",
        False,
        "The grade so far: from the total, after any earlier override in the list "
        "(overrides only).",
        scopes=("override",),
    ),
    FactSpec(
        "credit_utilisation",
        "number",
        True,
        "outstanding_amount / the credit limit of the grade so far; null when that limit "
        "is 0 or not set (overrides only).",
        scopes=("override",),
    ),
)

# The names people read for a lifecycle and for the facts a bands or relative item is computed
# from, marked for the interface catalogue (the engine's reasons and the front ends share them).
LIFECYCLE_NAMES: dict[str, str] = {
    "established": N_("established"),
    "new": N_("new"),
    "prospective": N_("prospective"),
}
FACT_NAMES: dict[str, str] = {
    "max_overdue_days": N_("days overdue (most)"),
    "lease_count": N_("number of leases"),
    "active_lease_count": N_("active leases"),
    "cumulative_lease_amount": N_("cumulative lease amount"),
    "outstanding_amount": N_("amount outstanding"),
}

FACTS_BY_NAME: dict[str, FactSpec] = {fact.name: fact for fact in FACTS}


def facts_for(scope: Scope) -> tuple[FactSpec, ...]:
    """The facts a condition in ``scope`` (tier or override) may name."""
    return tuple(fact for fact in FACTS if scope in fact.scopes)
