"""Credit exposure: receivables against each grade's credit limit, over-limit customers, aging."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from creditfile.policy.model import Policy
from creditfile.reports.composition import CustomerLine
from creditfile.reports.shares import UNGRADED, money_value, percent_shares

# Aging buckets of overdue receivables (账龄): upper bound in days, inclusive, and label.
OVERDUE_BUCKETS: tuple[tuple[int | None, str], ...] = (
    (0, "未逾期"),
    (30, "逾期1–30天"),
    (90, "逾期31–90天"),
    (180, "逾期91–180天"),
    (None, "逾期180天以上"),
)
_ZERO = Decimal(0)


def credit_limit(policy: Policy, grade: str, nature: str = "") -> Decimal | None:
    """The credit limit in CNY of a customer of ``nature`` in ``grade`` (the grade's, unless
    the policy refines it for the nature); None for ungraded customers or no limit."""
    if grade == UNGRADED:
        return None
    limit = policy.terms(grade, nature).get("credit_limit")
    if not isinstance(limit, int | float) or isinstance(limit, bool):
        return None
    return Decimal(str(limit))


def customer_exposure(line: CustomerLine, policy: Policy) -> dict[str, Any]:
    """One customer's receivable against its grade's limit.

    Returns:
        ``{id, name, grade, credit_limit, outstanding, utilisation_pct, excess, over_limit,
        max_overdue_days}``; ``utilisation_pct`` is None when the limit is 0 or unknown (as the
        ``credit_utilisation`` fact), and ``over_limit`` is true whenever the outstanding
        exceeds a known limit, including any receivable at all under a limit of 0.
    """
    grade = line.groups["grade"]
    limit = credit_limit(policy, grade, line.groups.get("nature", ""))
    owed = line.outstanding
    over = limit is not None and owed > limit
    utilisation = None
    if limit is not None and limit > 0:
        utilisation = float((owed * 100 / limit).quantize(Decimal("0.01")))
    return {
        "id": line.id,
        "name": line.name,
        "grade": None if grade == UNGRADED else grade,
        "credit_limit": None if limit is None else money_value(limit),
        "outstanding": money_value(owed),
        "utilisation_pct": utilisation,
        "excess": money_value(owed - limit) if over and limit is not None else 0.0,
        "over_limit": over,
        "max_overdue_days": line.max_overdue_days,
    }


def over_limit_customers(lines: Sequence[CustomerLine], policy: Policy) -> list[dict[str, Any]]:
    """Every customer whose outstanding exceeds its grade's credit limit, largest excess first."""
    rows = [customer_exposure(line, policy) for line in lines if line.outstanding > 0]
    over = [row for row in rows if row["over_limit"]]
    over.sort(key=lambda row: (-row["excess"], row["id"]))
    return over


def overdue_aging(lines: Sequence[CustomerLine]) -> list[dict[str, Any]]:
    """Outstanding amount and lease count per aging bucket; the buckets add up to the total."""
    amounts = [_ZERO for _ in OVERDUE_BUCKETS]
    counts = [0 for _ in OVERDUE_BUCKETS]
    for line in lines:
        for lease in line.leases:
            if lease.outstanding > 0:
                index = _bucket(lease.overdue_days)
                amounts[index] += lease.outstanding
                counts[index] += 1
    return [
        {
            "key": str(bound) if bound is not None else "over",
            "label": label,
            "leases": count,
            "outstanding": money_value(amount),
            "outstanding_pct": pct,
        }
        for (bound, label), amount, count, pct in zip(
            OVERDUE_BUCKETS, amounts, counts, percent_shares(amounts), strict=True
        )
    ]


def _bucket(days: int) -> int:
    for index, (bound, _label) in enumerate(OVERDUE_BUCKETS):
        if bound is None or days <= bound:
            return index
    return len(OVERDUE_BUCKETS) - 1


def exposure_report(lines: Sequence[CustomerLine], policy: Policy) -> dict[str, Any]:
    """The exposure of the whole archive: totals, over-limit customers, aging, largest debtors.

    Returns:
        ``{"total": {outstanding, customers_with_outstanding, over_limit, over_limit_excess},
        "over_limit": [...], "aging": [...], "largest": [top 20 by outstanding]}``.
    """
    owing = [line for line in lines if line.outstanding > 0]
    over = over_limit_customers(lines, policy)
    largest = sorted(owing, key=lambda line: (-line.outstanding, line.id))[:20]
    total = {
        "outstanding": money_value(sum((line.outstanding for line in lines), _ZERO)),
        "customers_with_outstanding": len(owing),
        "over_limit": len(over),
        "over_limit_excess": money_value(sum((Decimal(str(r["excess"])) for r in over), _ZERO)),
    }
    return {
        "total": total,
        "over_limit": over,
        "aging": overdue_aging(lines),
        "largest": [customer_exposure(line, policy) for line in largest],
    }


def exposure_by_id(lines: Sequence[CustomerLine], policy: Policy) -> Mapping[str, dict[str, Any]]:
    """``customer_exposure`` of every customer, keyed by id (for the review list)."""
    return {line.id: customer_exposure(line, policy) for line in lines}
