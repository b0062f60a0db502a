"""Portfolio composition (by grade, nature, tier, lifecycle, stage), leased items and credit terms.

Pure functions over customer documents, their gradings (SPEC §6) and the policy; every amount
of the archive lands in exactly one group, and shares add to exactly 100%.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Any

from creditfile.engine.facts import money
from creditfile.engine.grading import customer_id
from creditfile.engine.timeline import counted_leases, first_trade, lifecycle, stage
from creditfile.policy.model import Policy
from creditfile.reports.periods import Period
from creditfile.reports.shares import (
    LIFECYCLE_LABELS,
    STAGE_LABELS,
    UNGRADED,
    group_label,
    money_value,
    percent_shares,
)

DIMENSIONS = ("grade", "nature", "tier", "lifecycle", "stage")
CROSS_DIMENSIONS = ("grade", "nature")
_ZERO = Decimal(0)


@dataclass(frozen=True)
class Lease:
    """A counted (non-cancelled) lease: its item category, amount, status and receivable."""

    item: str
    amount: Decimal
    active: bool
    outstanding: Decimal
    overdue_days: int


@dataclass(frozen=True)
class CustomerLine:
    """One customer as the reports see it: its groups and its amounts (each summed once)."""

    id: str
    name: str
    groups: Mapping[str, str]
    leases: tuple[Lease, ...]

    @cached_property
    def cumulative(self) -> Decimal:
        """Sum of the amounts of non-cancelled leases (累计租赁额)."""
        return sum((lease.amount for lease in self.leases), _ZERO)

    @cached_property
    def active(self) -> Decimal:
        """Sum of the amounts of active leases (在租金额)."""
        return sum((lease.amount for lease in self.leases if lease.active), _ZERO)

    @cached_property
    def outstanding(self) -> Decimal:
        """Receivable over non-cancelled leases (应收余额)."""
        return sum((lease.outstanding for lease in self.leases), _ZERO)

    @cached_property
    def max_overdue_days(self) -> int:
        """The longest overdue among leases with money outstanding; 0 if none."""
        return max(
            (lease.overdue_days for lease in self.leases if lease.outstanding > 0), default=0
        )


def customer_lines(
    docs: Iterable[Mapping[str, Any]],
    gradings: Mapping[str, Mapping[str, Any]],
    policy: Policy,
    as_of: date,
    period: Period | None = None,
) -> list[CustomerLine]:
    """Every customer with its report groups and the leases the period counts; lifecycle and
    stage come from its grading.

    Args:
        docs: The customer documents.
        gradings: ``{customer id: grading}``; a missing grading counts as ungraded.
        policy: The policy whose new-customer months apply when a grading is missing.
        as_of: The date lifecycle is computed for when a grading is missing.
        period: The leases to count (see ``reports.periods``); by default every lease begun by
            ``as_of``, so that a lease starting later never counts.
    """
    counted = period or Period(end=as_of)
    lines = []
    for doc in docs:
        cid = customer_id(doc)
        grading = gradings.get(cid) or {}
        graded = grading.get("status") == "graded" and grading.get("grade")
        nature = doc.get("nature")
        groups = {
            "grade": str(grading["grade"]) if graded else UNGRADED,
            "nature": nature if isinstance(nature, str) else "",
            "tier": str(grading.get("tier") or ""),
            "lifecycle": str(
                grading.get("lifecycle")
                or lifecycle(first_trade(doc), as_of, policy.new_customer_months)
            ),
            "stage": str(grading.get("stage") or stage(doc)),
        }
        name = doc.get("name")
        lines.append(
            CustomerLine(
                cid,
                name if isinstance(name, str) else "",
                groups,
                tuple(
                    _lease(lease, counted) for lease in counted_leases(doc) if counted.counts(lease)
                ),
            )
        )
    return lines


def _lease(lease: Mapping[str, Any], period: Period) -> Lease:
    item = lease.get("item")
    days = lease.get("overdue_days")
    overdue = int(days) if isinstance(days, int | float) and not isinstance(days, bool) else 0
    return Lease(
        item if isinstance(item, str) else "",
        money(lease.get("amount")),
        period.active_at_end(lease),
        money(lease.get("outstanding")),
        max(overdue, 0),
    )


def group_order(by: str, policy: Policy, seen: Iterable[str]) -> list[str]:
    """The groups of a dimension in the policy's order, then any others found, sorted."""
    known: list[str] = {
        "grade": [*(g.name for g in policy.all_grades), UNGRADED],
        "nature": list(policy.natures),
        "tier": [t.key for t in policy.tiers],
        "lifecycle": list(LIFECYCLE_LABELS),
        "stage": list(STAGE_LABELS),
        "item": list(policy.item_categories),
    }[by]
    return known + sorted(set(seen) - set(known))


def policy_labels(by: str, policy: Policy) -> dict[str, str]:
    """The policy's Chinese label of each group key of a dimension."""
    if by == "grade":
        return {g.name: g.label for g in policy.all_grades}
    if by == "nature":
        return dict(policy.natures)
    if by == "tier":
        return {t.key: t.label for t in policy.tiers}
    if by == "item":
        return dict(policy.item_categories)
    return {}


class CompositionSums:
    """What the compositions count, summed a few lines at a time: per group of each dimension
    its customers, cumulative and active amount; per leased item its leases, amount and
    renters (crossed with a group when asked). Adding every line, in any batches, then asking
    gives exactly what ``composition`` and ``item_composition`` give of all the lines at once,
    while holding sums, never the lines.

    Args:
        dimensions: The dimensions of ``DIMENSIONS`` to sum by.
        cross: The dimension of ``CROSS_DIMENSIONS`` items are crossed with, or None.
    """

    def __init__(self, dimensions: Iterable[str] = DIMENSIONS, cross: str | None = None) -> None:
        for by in dimensions:
            if by not in DIMENSIONS:
                raise ValueError(f"unknown dimension {by!r}; use one of {', '.join(DIMENSIONS)}")
        if cross is not None and cross not in CROSS_DIMENSIONS:
            raise ValueError(f"cannot cross items with {cross!r}; use grade or nature")
        self.cross = cross
        # Per dimension, per group: [customers, cumulative amount, active amount].
        self.groups: dict[str, dict[str, list[Any]]] = {by: {} for by in dimensions}
        self.amounts: dict[str, Decimal] = defaultdict(Decimal)
        self.counts: dict[str, int] = defaultdict(int)
        self.renters: dict[str, int] = defaultdict(int)
        self.cells: dict[str, dict[str, list[Any]]] = defaultdict(
            lambda: defaultdict(lambda: [0, _ZERO])
        )
        self.crossed: set[str] = set()
        self.customers = 0
        self.renting = 0

    def add(self, lines: Iterable[CustomerLine]) -> None:
        """Count ``lines`` in."""
        for line in lines:
            self.customers += 1
            for by, groups in self.groups.items():
                sums = groups.get(line.groups[by])
                if sums is None:
                    sums = groups[line.groups[by]] = [0, _ZERO, _ZERO]
                sums[0] += 1
                sums[1] += line.cumulative
                sums[2] += line.active
            if self.cross is not None:
                self.crossed.add(line.groups[self.cross])
            if line.leases:
                self.renting += 1
            for lease in line.leases:
                self.amounts[lease.item] += lease.amount
                self.counts[lease.item] += 1
                if self.cross is not None:
                    cell = self.cells[lease.item][line.groups[self.cross]]
                    cell[0] += 1
                    cell[1] += lease.amount
            for item in {lease.item for lease in line.leases}:
                self.renters[item] += 1

    def composition(self, policy: Policy, by: str) -> dict[str, Any]:
        """``composition`` of every line added (``by`` one of the dimensions summed)."""
        members = self.groups[by]
        keys = group_order(by, policy, members)
        empty = [0, _ZERO, _ZERO]
        counts = [int(members.get(k, empty)[0]) for k in keys]
        cumulative = [members.get(k, empty)[1] for k in keys]
        active = [members.get(k, empty)[2] for k in keys]
        labels = policy_labels(by, policy)
        rows = [
            {
                "key": key,
                "label": group_label(by, key, labels),
                "customers": count,
                "customers_pct": c_pct,
                "cumulative_amount": money_value(cum),
                "cumulative_pct": cum_pct,
                "active_amount": money_value(act),
                "active_pct": act_pct,
            }
            for key, count, cum, act, c_pct, cum_pct, act_pct in zip(
                keys,
                counts,
                cumulative,
                active,
                percent_shares(counts),
                percent_shares(cumulative),
                percent_shares(active),
                strict=True,
            )
        ]
        total = {
            "customers": sum(counts),
            "cumulative_amount": money_value(sum(cumulative, _ZERO)),
            "active_amount": money_value(sum(active, _ZERO)),
        }
        return {"by": by, "rows": rows, "total": total}

    def item_composition(self, policy: Policy) -> dict[str, Any]:
        """``item_composition`` of every line added, crossed as summed."""
        keys = group_order("item", policy, self.amounts)
        keys.sort(key=lambda k: -self.amounts.get(k, _ZERO))
        rows = _item_rows(keys, self.amounts, self.counts, self.renters, policy)
        columns: list[dict[str, str]] = []
        if self.cross is not None:
            labels = policy_labels(self.cross, policy)
            columns = [
                {"key": k, "label": group_label(self.cross, k, labels)}
                for k in group_order(self.cross, policy, self.crossed)
            ]
            for row in rows:
                cells = self.cells.get(row["key"], {})
                row["cells"] = {c["key"]: _cell(cells.get(c["key"])) for c in columns}
        total = {
            "leases": sum(self.counts.values()),
            "amount": money_value(sum(self.amounts.values(), _ZERO)),
            "customers": self.renting,
        }
        return {"cross": self.cross, "columns": columns, "rows": rows, "total": total}


def composition(lines: Sequence[CustomerLine], policy: Policy, by: str) -> dict[str, Any]:
    """Customers, cumulative and active lease amount, and their shares, per group of ``by``.

    Args:
        lines: From ``customer_lines``.
        policy: For group order and labels.
        by: One of ``DIMENSIONS``.

    Returns:
        ``{"by", "rows": [{key, label, customers, customers_pct, cumulative_amount,
        cumulative_pct, active_amount, active_pct}], "total": {…}}``; every policy group is
        listed, even when empty.
    """
    sums = CompositionSums([by])
    sums.add(lines)
    return sums.composition(policy, by)


def item_composition(
    lines: Sequence[CustomerLine], policy: Policy, cross: str | None = None
) -> dict[str, Any]:
    """Lease amount and count per leased-item category, optionally crossed with grade or nature.

    Args:
        lines: From ``customer_lines``.
        policy: For item labels and group order.
        cross: ``grade`` or ``nature`` to split each item's amount and count by that group.

    Returns:
        ``{"cross", "columns": [{key, label}], "rows": [{key, label, leases, leases_pct, amount,
        amount_pct, customers, cells: {column: {leases, amount}}}], "total": {…}}``, items by
        amount, largest first.
    """
    sums = CompositionSums((), cross)
    sums.add(lines)
    return sums.item_composition(policy)


def _item_rows(
    keys: list[str],
    amounts: Mapping[str, Decimal],
    counts: Mapping[str, int],
    renters: Mapping[str, int],
    policy: Policy,
) -> list[dict[str, Any]]:
    labels = policy_labels("item", policy)
    amount_list = [amounts.get(k, _ZERO) for k in keys]
    count_list = [counts.get(k, 0) for k in keys]
    return [
        {
            "key": key,
            "label": group_label("item", key, labels),
            "leases": count,
            "leases_pct": c_pct,
            "amount": money_value(amount),
            "amount_pct": a_pct,
            "customers": renters.get(key, 0),
        }
        for key, amount, count, a_pct, c_pct in zip(
            keys,
            amount_list,
            count_list,
            percent_shares(amount_list),
            percent_shares(count_list),
            strict=True,
        )
    ]


def _cell(cell: list[Any] | None) -> dict[str, Any]:
    if cell is None:
        return {"leases": 0, "amount": 0.0}
    return {"leases": cell[0], "amount": money_value(cell[1])}


TERMS = (
    "price_discount_pct",
    "payment_method",
    "payment_cycle_days",
    "deposit_pct",
    "credit_limit",
    "priority_supply",
    "review_every_days",
)


def _over_limit(line: CustomerLine, grade: str, policy: Policy) -> bool:
    limit = policy.terms(grade, line.groups["nature"]).get("credit_limit")
    return limit is not None and line.outstanding > Decimal(str(limit))


def _nature_rows(
    members: Sequence[CustomerLine], grade: str, policy: Policy
) -> list[dict[str, Any]]:
    """The grade's terms refined per nature: each refined nature's terms and customers."""
    rows = []
    for nature in policy.nature_privileges.get(grade, {}):
        mine = [m for m in members if m.groups["nature"] == nature]
        terms = policy.terms(grade, nature)
        rows.append(
            {
                "key": f"{grade} · {policy.nature_label(nature)}",
                "label": f"{policy.grade_named(grade).label} · {policy.nature_label(nature)}",
                "nature": nature,
                **{term: terms.get(term) for term in TERMS},
                "customers": len(mine),
                "cumulative_amount": money_value(sum((m.cumulative for m in mine), _ZERO)),
                "outstanding": money_value(sum((m.outstanding for m in mine), _ZERO)),
                "over_limit": sum(1 for m in mine if _over_limit(m, grade, policy)),
            }
        )
    return rows


def credit_analysis(lines: Sequence[CustomerLine], policy: Policy) -> dict[str, Any]:
    """Per grade: the terms the policy grants, the customers in it and their exposure.

    Returns:
        ``{"rows": [{key, label, <terms>, customers, customers_pct, cumulative_amount,
        outstanding, outstanding_pct, over_limit}], "total": {…}}``; ungraded customers have
        a row without terms (they get none until graded).
    """
    members: dict[str, list[CustomerLine]] = defaultdict(list)
    for line in lines:
        members[line.groups["grade"]].append(line)
    keys = group_order("grade", policy, members)
    labels = policy_labels("grade", policy)
    outstanding = [sum((m.outstanding for m in members[k]), _ZERO) for k in keys]
    counts = [len(members[k]) for k in keys]
    rows: list[dict[str, Any]] = []
    for key, owed, owed_pct, count, count_pct in zip(
        keys, outstanding, percent_shares(outstanding), counts, percent_shares(counts), strict=True
    ):
        terms = policy.privileges.get(key, {})
        rows.append(
            {
                "key": key,
                "label": group_label("grade", key, labels),
                **{term: terms.get(term) for term in TERMS},
                "customers": count,
                "customers_pct": count_pct,
                "cumulative_amount": money_value(sum((m.cumulative for m in members[key]), _ZERO)),
                "outstanding": money_value(owed),
                "outstanding_pct": owed_pct,
                "over_limit": sum(1 for m in members[key] if _over_limit(m, key, policy)),
                "by_nature": _nature_rows(members[key], key, policy),
            }
        )
    total = {
        "customers": sum(counts),
        "outstanding": money_value(sum(outstanding, _ZERO)),
        "over_limit": sum(row["over_limit"] for row in rows),
    }
    return {"rows": rows, "total": total}
