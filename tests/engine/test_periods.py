"""Reports over a period: the lease amounts counted against sums worked out independently,
by the period's rule in the README ("Which leases a report counts"), from the same leases."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from creditfile.policy import Policy
from creditfile.reports.composition import composition, customer_lines, item_composition
from creditfile.reports.periods import Period

FIRST = date(2019, 1, 1)
days = st.integers(min_value=0, max_value=8 * 365).map(lambda n: FIRST + timedelta(days=n))
lease = st.fixed_dictionaries(
    {
        "item": st.sampled_from(["tower_crane", "steel_formwork"]),
        "amount": st.integers(min_value=0, max_value=10**9).map(lambda c: c / 100),
        "status": st.sampled_from(["active", "closed", "cancelled"]),
        "start": days,
        "end": st.one_of(st.none(), st.integers(min_value=0, max_value=900)),
    }
)


def _docs(leases: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    docs = []
    for i, own in enumerate(leases):
        shaped = []
        for spec in own:
            start: date = spec["start"]
            end = None if spec["end"] is None else start + timedelta(days=spec["end"])
            shaped.append({**spec, "start": start.isoformat(), "end": end and end.isoformat()})
        docs.append({"id": f"C{i}", "name": f"客户{i}", "nature": "developer", "leases": shaped})
    return docs


def _expected(
    docs: list[dict[str, Any]], first: date | None, last: date
) -> tuple[Decimal, Decimal]:
    """Cumulative and active-at-the-end amounts, straight from the rule's words."""
    cumulative = active = Decimal(0)
    for doc in docs:
        for item in doc["leases"]:
            if item["status"] == "cancelled":
                continue
            start = date.fromisoformat(item["start"])
            end = date.fromisoformat(item["end"]) if item["end"] else None
            if start > last:
                continue  # begins after the period (and the report's date)
            if first is not None and end is not None and end < first:
                continue  # over before the period begins
            amount = Decimal(repr(item["amount"]))
            cumulative += amount
            if item["status"] == "active" or (end is not None and end > last):
                active += amount
    return cumulative, active


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.lists(lease, max_size=4), max_size=12),
    st.one_of(st.none(), days),
    days,
)
def test_a_period_counts_the_leases_running_in_it(
    default_policy: Policy, leases: list[list[dict[str, Any]]], first: date | None, last: date
) -> None:
    if first is not None and first > last:
        first, last = last, first
    docs = _docs(leases)
    lines = customer_lines(docs, {}, default_policy, last, Period(end=last, start=first))
    report = composition(lines, default_policy, "grade")
    cumulative, active = _expected(docs, first, last)
    assert Decimal(repr(report["total"]["cumulative_amount"])) == cumulative
    assert Decimal(repr(report["total"]["active_amount"])) == active


def test_leases_after_the_report_date_never_count(default_policy: Policy) -> None:
    docs = _docs(
        [
            [
                {"item": "tower_crane", "amount": 100.0, "status": "closed",
                 "start": date(2021, 5, 1), "end": 30},
                {"item": "tower_crane", "amount": 7000.0, "status": "active",
                 "start": date(2023, 1, 1), "end": None},
            ]
        ]
    )  # fmt: skip
    early = customer_lines(docs, {}, default_policy, date(2022, 1, 1))
    assert early[0].cumulative == Decimal(100)
    items = item_composition(early, default_policy)
    assert sum(row["leases"] for row in items["rows"]) == 1
    later = customer_lines(docs, {}, default_policy, date(2024, 1, 1))
    assert later[0].cumulative == Decimal(7100)
    # A period that starts after the first lease ended counts the second alone.
    y2023 = Period(end=date(2023, 12, 31), start=date(2023, 1, 1))
    assert customer_lines(docs, {}, default_policy, date(2024, 1, 1), y2023)[0].cumulative == 7000


def test_a_closed_lease_that_ran_past_the_period_was_active_then(default_policy: Policy) -> None:
    docs = _docs(
        [[{"item": "steel_formwork", "amount": 50.0, "status": "closed",
           "start": date(2022, 1, 1), "end": 400}]]
    )  # fmt: skip
    mid = Period(end=date(2022, 6, 30), start=date(2022, 1, 1))
    assert customer_lines(docs, {}, default_policy, date(2026, 1, 1), mid)[0].active == 50
    after = Period(end=date(2024, 6, 30), start=date(2023, 1, 1))
    line = customer_lines(docs, {}, default_policy, date(2026, 1, 1), after)[0]
    assert line.cumulative == 50 and line.active == 0
