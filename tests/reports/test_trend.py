"""The trend report: booked amounts per period against independent sums, the change on the
previous period, and grades as the history held them at each period's end."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from creditfile.application.trend import current_grades, grade_history
from creditfile.policy import Policy
from creditfile.reports.trend import (
    MAX_PERIODS,
    GradeMark,
    TrendRangeError,
    grade_at,
    period_of,
    periods_between,
    trend,
)

ITEMS = ("tower_crane", "steel_formwork", "ringlock_scaffolding")


def _doc(cid: str, nature: str, leases: list[tuple[str, str, float, str]]) -> dict[str, Any]:
    return {
        "id": cid,
        "name": cid,
        "nature": nature,
        "leases": [
            {"contract": f"{cid}-{n}", "item": item, "start": start, "amount": amount,
             "status": status}
            for n, (start, item, amount, status) in enumerate(leases)
        ],
    }  # fmt: skip


DOCS = [
    _doc("C1", "developer", [("2023-02-01", "tower_crane", 100.0, "closed"),
                             ("2024-05-01", "steel_formwork", 250.5, "active")]),
    _doc("C2", "central_soe", [("2023-12-31", "tower_crane", 40.0, "closed"),
                               ("2024-01-01", "tower_crane", 60.0, "cancelled"),
                               ("2027-01-01", "tower_crane", 999.0, "active")]),
    _doc("C3", "developer", [("2024-11-30", "ringlock_scaffolding", 10.0, "active")]),
]  # fmt: skip


def _period(report: dict[str, Any], key: str) -> dict[str, Any]:
    return next(p for p in report["periods"] if p["key"] == key)


def _row(period: dict[str, Any], key: str) -> dict[str, Any]:
    return next(r for r in period["rows"] if r["key"] == key)


def test_period_boundaries() -> None:
    assert period_of(date(2024, 2, 29), "quarter").key == "2024-Q1"
    q4 = period_of(date(2024, 12, 31), "quarter")
    assert (q4.key, q4.start, q4.end) == ("2024-Q4", date(2024, 10, 1), date(2024, 12, 31))
    assert [s.key for s in periods_between(date(2023, 11, 5), date(2024, 4, 1), "quarter")] == [
        "2023-Q4", "2024-Q1", "2024-Q2"
    ]  # fmt: skip


def test_by_item_per_year_sums_and_changes(default_policy: Policy) -> None:
    report = trend(DOCS, {}, default_policy, "item", "year", date(2026, 11, 30))
    assert [p["key"] for p in report["periods"]] == ["2023", "2024", "2025", "2026"]
    y23, y24, y25 = (_period(report, y) for y in ("2023", "2024", "2025"))
    assert _row(y23, "tower_crane")["amount"] == 140.0  # cancelled and future leases never count
    assert _row(y23, "tower_crane")["customers"] == 2
    assert _row(y24, "tower_crane")["change"] == -140.0
    assert _row(y24, "tower_crane")["change_pct"] == -100.0
    assert _row(y24, "steel_formwork")["change"] == 250.5
    assert _row(y24, "steel_formwork")["change_pct"] is None  # nothing the year before
    assert y24["amount"] == 260.5 and y24["change"] == 120.5 and y24["change_pct"] == 86.07
    assert y25["amount"] == 0 and y25["change_pct"] == -100.0
    assert y23["change"] is None
    assert report["periods"][-1]["to"] == "2026-11-30"  # the last period stops at the date


def test_a_start_date_moves_earlier_bookings_out_of_the_series(default_policy: Policy) -> None:
    report = trend(
        DOCS, {}, default_policy, "nature", "quarter", date(2024, 12, 31), date(2024, 1, 1)
    )
    assert report["periods"][0]["key"] == "2024-Q1"
    assert report["before"] == {"leases": 2, "amount": 140.0}
    q2 = _period(report, "2024-Q2")
    assert _row(q2, "developer")["amount"] == 250.5
    assert {r["key"] for r in q2["rows"]} == {"developer"}  # only natures with business


def test_by_grade_uses_the_grade_held_at_each_period_end(default_policy: Policy) -> None:
    history = {
        "C1": [GradeMark(date(2023, 12, 31), "B"), GradeMark(date(2024, 12, 31), "A")],
        "C3": [GradeMark(date(2025, 1, 1), "C")],
    }
    report = trend(DOCS, history, default_policy, "grade", "year", date(2024, 12, 31))
    y23, y24 = _period(report, "2023"), _period(report, "2024")
    assert _row(y23, "B")["amount"] == 100.0 and _row(y23, "B")["graded"] == 1
    assert _row(y23, "ungraded")["amount"] == 40.0  # C2 never graded
    assert "graded" not in _row(y23, "ungraded")
    assert _row(y24, "A")["amount"] == 250.5
    assert _row(y24, "ungraded")["amount"] == 10.0  # C3 graded only after 2024
    assert [g["key"] for g in report["groups"]] == ["A", "B", "ungraded"]


def test_grade_history_replays_runs_that_changed_nothing() -> None:
    events = [
        {"kind": "grade_changed", "customer_id": "C1", "run_id": 3, "to": "B", "total": 85,
         "as_of": "2026-11-30", "txn": 3},
        {"kind": "grade_changed", "customer_id": "C2", "run_id": 3, "to": "C", "total": 75,
         "as_of": "2026-11-30", "txn": 3},
        {"kind": "regrade_run", "run_id": 3, "as_of": "2026-11-30", "txn": 3},
        # a run for a past date: C2's grade did not change, so only C1 has an event
        {"kind": "grade_changed", "customer_id": "C1", "run_id": 4, "to": "A", "total": 91,
         "as_of": "2024-12-31", "txn": 4},
        {"kind": "regrade_run", "run_id": 4, "as_of": "2024-12-31", "txn": 4},
        {"kind": "grade_changed", "customer_id": "C2", "to": "D", "as_of": "2026-12-05",
         "txn": 5},
    ]  # fmt: skip
    marks = grade_history(events)
    assert grade_at(marks["C2"], date(2024, 12, 31)) == "C"
    assert grade_at(marks["C1"], date(2025, 6, 1)) == "A"
    assert grade_at(marks["C1"], date(2026, 11, 30)) == "B"
    assert grade_at(marks["C2"], date(2026, 12, 31)) == "D"
    assert grade_at(marks["C1"], date(2024, 1, 1)) == "ungraded"
    now = current_grades({"C1": {"status": "graded", "grade": "A"}, "C2": {"status": "ungraded"}})
    assert grade_at(now["C1"], date(1990, 1, 1)) == "A"
    assert grade_at(now["C2"], date(1990, 1, 1)) == "ungraded"


def test_a_series_too_long_is_refused(default_policy: Policy) -> None:
    old = [_doc("X", "developer", [("1500-01-01", "tower_crane", 1.0, "closed")])]
    with pytest.raises(TrendRangeError, match="later --from"):
        trend(old, {}, default_policy, "item", "quarter", date(2026, 1, 1))
    assert len(periods_between(date(1926, 4, 1), date(2026, 1, 1), "quarter")) == MAX_PERIODS


leases = st.lists(
    st.tuples(
        st.dates(date(2019, 1, 1), date(2026, 12, 31)).map(date.isoformat),
        st.sampled_from(ITEMS),
        st.integers(0, 10**9).map(lambda cents: cents / 100),
        st.sampled_from(("active", "closed", "cancelled")),
    ),
    max_size=6,
)


@settings(max_examples=40, deadline=None)
@given(st.lists(leases, max_size=6), st.sampled_from(("year", "quarter")))
def test_periods_add_up_to_every_counted_lease(
    default_policy: Policy, customers: list[list[tuple[str, str, float, str]]], kind: str
) -> None:
    docs = [_doc(f"C{i}", "developer", ls) for i, ls in enumerate(customers)]
    last = date(2025, 6, 30)
    report = trend(docs, {}, default_policy, "item", kind, last)
    expected = sum(
        (Decimal(repr(a)) for ls in customers for (s, _, a, st_) in ls
         if st_ != "cancelled" and s <= last.isoformat()),
        Decimal(0),
    )  # fmt: skip
    booked = sum((Decimal(repr(p["amount"])) for p in report["periods"]), Decimal(0))
    assert booked == expected
    for period in report["periods"]:
        rows = sum((Decimal(repr(r["amount"])) for r in period["rows"]), Decimal(0))
        assert rows == Decimal(repr(period["amount"]))
