"""What the agency investigations (专业机构调查) cost: by the year they were made and by grade.

Each ``agency_investigation`` source of a customer counts once, in the year of its ``on`` date,
under the customer's grade of its grading; one dated after the report's date never counts, one
without a readable date is counted apart (``undated``), and one without a cost is counted with
its cost unknown, never as 0.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from creditfile.engine.facts import money
from creditfile.engine.grading import customer_id
from creditfile.engine.timeline import parse_date
from creditfile.policy.model import Policy
from creditfile.reports.composition import group_order, policy_labels
from creditfile.reports.shares import UNGRADED, group_label, money_value

UNDATED = "undated"
_ZERO = Decimal(0)


def _grade(grading: Mapping[str, Any] | None) -> str:
    if grading and grading.get("status") == "graded" and isinstance(grading.get("grade"), str):
        return str(grading["grade"])
    return UNGRADED


def _cost(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None  # absent, text, NaN: the cost is unknown, not 0
    return money(value)


class _Cell:
    def __init__(self) -> None:
        self.count = 0
        self.priced = 0
        self.cost = _ZERO
        self.customers: set[str] = set()

    def add(self, customer: str, cost: Decimal | None) -> None:
        self.count += 1
        self.customers.add(customer)
        if cost is not None:
            self.priced += 1
            self.cost += cost

    def row(self) -> dict[str, Any]:
        return {
            "investigations": self.count,
            "cost": money_value(self.cost),
            "unpriced": self.count - self.priced,
            "customers": len(self.customers),
        }


def agency_costs(
    docs: Sequence[Mapping[str, Any]],
    gradings: Mapping[str, Mapping[str, Any]],
    policy: Policy,
    as_of: date,
) -> dict[str, Any]:
    """The investigations' count and cost per year and grade, per year, per grade, in all.

    Returns:
        ``{"years": [{year, investigations, cost, unpriced, customers, rows: [{key, label,
        investigations, cost, unpriced, customers}]}], "by_grade": [{key, label, …}],
        "total": {…}}``; years oldest first (``undated`` last), grades in the policy's order,
        only those with an investigation.
    """
    cells: dict[tuple[str, str], _Cell] = defaultdict(_Cell)
    years: dict[str, _Cell] = defaultdict(_Cell)
    grades: dict[str, _Cell] = defaultdict(_Cell)
    total = _Cell()
    for doc in docs:
        cid = customer_id(doc)
        grade = _grade(gradings.get(cid))
        sources = doc.get("sources")
        for source in sources if isinstance(sources, list) else ():
            if not isinstance(source, Mapping) or source.get("kind") != "agency_investigation":
                continue
            on = parse_date(source.get("on"))
            if on is not None and on > as_of:
                continue
            year = str(on.year) if on is not None else UNDATED
            cost = _cost(source.get("cost"))
            for cell in (cells[year, grade], years[year], grades[grade], total):
                cell.add(cid, cost)
    labels = policy_labels("grade", policy)
    keys = [k for k in group_order("grade", policy, grades) if k in grades]
    ordered_years = sorted(y for y in years if y != UNDATED) + (
        [UNDATED] if UNDATED in years else []
    )
    return {
        "as_of": as_of.isoformat(),
        "years": [
            {
                "year": year,
                **years[year].row(),
                "rows": [
                    {"key": k, "label": group_label("grade", k, labels), **cells[year, k].row()}
                    for k in keys
                    if (year, k) in cells
                ],
            }
            for year in ordered_years
        ],
        "by_grade": [
            {"key": k, "label": group_label("grade", k, labels), **grades[k].row()} for k in keys
        ],
        "total": total.row(),
    }
