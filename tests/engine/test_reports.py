"""Composition reports against sums computed independently from the same documents."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from creditfile.engine import grade_archive
from creditfile.policy import Policy
from creditfile.presentation.report_tables import (
    composition_table,
    credit_table,
    item_tables,
    migration_tables,
)
from creditfile.reports.composition import (
    DIMENSIONS,
    composition,
    credit_analysis,
    customer_lines,
    item_composition,
)
from creditfile.reports.migration import grades_at, migration_matrix
from creditfile.reports.shares import percent_shares

AS_OF = date(2026, 11, 29)
ITEMS = ("tower_crane", "steel_formwork", "ringlock_scaffolding", "mystery_item")
NATURES = ("developer", "individual", "central_soe", "government_agency")
GRADINGS = ("A", "B", "C", "D", "ungraded", None)

cents = st.integers(min_value=0, max_value=500_000_000).map(lambda c: c / 100)
lease = st.fixed_dictionaries(
    {
        "item": st.sampled_from(ITEMS),
        "amount": cents,
        "status": st.sampled_from(["active", "closed", "cancelled"]),
        "start": st.sampled_from(["2019-03-01", "2026-06-30", "2026-11-01"]),
        "outstanding": cents,
    }
)
customer = st.fixed_dictionaries(
    {
        "nature": st.sampled_from(NATURES),
        "leases": st.lists(lease, max_size=4),
        "grading": st.sampled_from(GRADINGS),
        "tier": st.sampled_from(["key_account", "general", "scattered", None]),
    }
)


def _archive(specs: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    docs, gradings = [], {}
    for index, spec in enumerate(specs):
        cid = f"C{index:04d}"
        docs.append(
            {"id": cid, "name": f"客户{index}", "nature": spec["nature"], "leases": spec["leases"]}
        )
        if spec["grading"] is not None:
            graded = spec["grading"] != "ungraded"
            gradings[cid] = {
                "status": "graded" if graded else "ungraded",
                "grade": spec["grading"] if graded else None,
                "tier": spec["tier"],
                "lifecycle": "established",
                "stage": "current",
            }
    return docs, gradings


def _independent_totals(docs: list[dict[str, Any]]) -> tuple[Decimal, Decimal, int]:
    cumulative = active = Decimal(0)
    leases = 0
    for doc in docs:
        for item in doc["leases"]:
            if item["status"] == "cancelled":
                continue
            leases += 1
            cumulative += Decimal(repr(item["amount"]))
            if item["status"] == "active":
                active += Decimal(repr(item["amount"]))
    return cumulative, active, leases


def _dec(value: float) -> Decimal:
    return Decimal(repr(value))


@settings(max_examples=60, deadline=None)
@given(st.lists(customer, max_size=25))
def test_every_amount_lands_in_exactly_one_group_and_shares_add_to_100(
    default_policy: Policy, specs: list[dict[str, Any]]
) -> None:
    docs, gradings = _archive(specs)
    cumulative, active, _ = _independent_totals(docs)
    lines = customer_lines(docs, gradings, default_policy, AS_OF)
    for by in DIMENSIONS:
        report = composition(lines, default_policy, by)
        rows = report["rows"]
        assert sum(row["customers"] for row in rows) == len(docs)
        assert sum(_dec(row["cumulative_amount"]) for row in rows) == cumulative
        assert sum(_dec(row["active_amount"]) for row in rows) == active
        assert _dec(report["total"]["cumulative_amount"]) == cumulative
        for share, amount in (("customers_pct", len(docs)), ("cumulative_pct", cumulative)):
            total_share = sum(_dec(row[share]) for row in rows)
            assert total_share == (100 if amount else 0), (by, share)


@settings(max_examples=60, deadline=None)
@given(st.lists(customer, max_size=25), st.sampled_from([None, "grade", "nature"]))
def test_item_composition_accounts_for_every_lease(
    default_policy: Policy, specs: list[dict[str, Any]], cross: str | None
) -> None:
    docs, gradings = _archive(specs)
    cumulative, _, leases = _independent_totals(docs)
    report = item_composition(
        customer_lines(docs, gradings, default_policy, AS_OF), default_policy, cross
    )
    rows = report["rows"]
    assert sum(row["leases"] for row in rows) == leases
    assert sum(_dec(row["amount"]) for row in rows) == cumulative
    if cumulative:
        assert sum(_dec(row["amount_pct"]) for row in rows) == 100
    if cross:
        for row in rows:
            assert sum(cell["leases"] for cell in row["cells"].values()) == row["leases"]
            assert sum(_dec(c["amount"]) for c in row["cells"].values()) == _dec(row["amount"])


def test_composition_by_grade_reads_as_a_manager_expects(
    default_policy: Policy, speak: Callable[[str], str]
) -> None:
    docs, gradings = _archive(
        [
            {
                "nature": "developer",
                "grading": "A",
                "tier": None,
                "leases": [
                    {"item": "tower_crane", "amount": 750_000.0, "status": "active"},
                    {"item": "tower_crane", "amount": 250_000.0, "status": "closed"},
                ],
            },
            {
                "nature": "individual",
                "grading": "ungraded",
                "tier": None,
                "leases": [
                    {"item": "steel_formwork", "amount": 1_000_000.0, "status": "closed"},
                    {"item": "steel_formwork", "amount": 9e9, "status": "cancelled"},
                ],
            },
            {"nature": "individual", "grading": None, "tier": None, "leases": []},
        ]
    )
    report = composition(
        customer_lines(docs, gradings, default_policy, AS_OF), default_policy, "grade"
    )
    by_key = {row["key"]: row for row in report["rows"]}
    assert [row["key"] for row in report["rows"]] == ["A", "B", "C", "D", "ungraded"]
    assert by_key["A"]["label"] == "优质客户"
    assert by_key["A"]["cumulative_amount"] == 1_000_000.0
    assert by_key["A"]["cumulative_pct"] == 50.0
    assert by_key["A"]["active_pct"] == 100.0
    # a grading missing altogether counts as ungraded, and cancelled leases count nowhere
    assert by_key["ungraded"]["customers"] == 2
    assert by_key["ungraded"]["cumulative_amount"] == 1_000_000.0
    for lang, customers, total in (("zh", "客户数", "合计"), ("en", "Customers", "Total")):
        speak(lang)
        table = composition_table(report)
        assert table.headers()[2] == customers
        assert table.rows[-1]["label"] == total
        assert table.rows[-1]["cumulative_amount"] == 2_000_000.0


def test_lifecycle_and_stage_fall_back_to_the_document_when_never_graded(
    default_policy: Policy,
) -> None:
    docs = [
        {
            "id": "N1",
            "name": "新",
            "nature": "developer",
            "leases": [
                {"item": "tower_crane", "amount": 10.0, "status": "active", "start": "2026-10-01"}
            ],
        },
        {"id": "P1", "name": "潜在", "nature": "developer"},
        {
            "id": "O1",
            "name": "老",
            "nature": "developer",
            "leases": [
                {"item": "tower_crane", "amount": 5.0, "status": "closed", "start": "2019-01-01"},
                {"item": "tower_crane", "amount": 5.0, "status": "closed", "start": "2020-01-01"},
            ],
        },
        {
            "id": "O2",
            "name": "老二",
            "nature": "developer",
            "leases": [
                {"item": "tower_crane", "amount": 1.0, "status": "closed", "start": "2018-01-01"},
                {"item": "tower_crane", "amount": 1.0, "status": "active", "start": "2025-12-29"},
            ],
        },
        {
            "id": "X1",
            "name": "取消",
            "nature": "developer",
            "leases": [
                {"item": "tower_crane", "amount": 9.0, "status": "cancelled", "start": "2010-01-01"}
            ],
        },
    ]
    lines = customer_lines(docs, {}, default_policy, AS_OF)
    # counts that differ from each other, so no two keys can be swapped unnoticed
    life = {
        r["key"]: r["customers"] for r in composition(lines, default_policy, "lifecycle")["rows"]
    }
    assert life == {"established": 2, "new": 1, "prospective": 2}
    stage = {r["key"]: r["customers"] for r in composition(lines, default_policy, "stage")["rows"]}
    assert stage == {"current": 2, "past": 1, "upcoming": 2}


def test_unknown_dimension_is_refused(default_policy: Policy) -> None:
    with pytest.raises(ValueError, match="grade"):
        composition([], default_policy, "colour")


def test_item_labels_and_cross_by_grade(default_policy: Policy) -> None:
    docs, gradings = _archive(
        [
            {
                "nature": "developer",
                "grading": "A",
                "tier": None,
                "leases": [{"item": "tower_crane", "amount": 300.0, "status": "active"}],
            },
            {
                "nature": "developer",
                "grading": "B",
                "tier": None,
                "leases": [
                    {"item": "tower_crane", "amount": 100.0, "status": "closed"},
                    {"item": "mystery_item", "amount": 600.0, "status": "closed"},
                ],
            },
        ]
    )
    report = item_composition(
        customer_lines(docs, gradings, default_policy, AS_OF), default_policy, "grade"
    )
    first = report["rows"][0]
    assert (first["key"], first["amount"], first["amount_pct"]) == ("mystery_item", 600.0, 60.0)
    crane = next(row for row in report["rows"] if row["key"] == "tower_crane")
    assert crane["label"] == "塔式起重机"
    assert crane["customers"] == 2
    assert crane["cells"]["A"] == {"leases": 1, "amount": 300.0}
    assert crane["cells"]["B"] == {"leases": 1, "amount": 100.0}
    amount_table = item_tables(report)[1]
    assert "A 优质客户" in amount_table.headers()
    assert amount_table.rows[-1]["amount"] == 1000.0


def test_credit_analysis_shows_policy_terms_and_exposure(default_policy: Policy) -> None:
    docs, gradings = _archive(
        [
            {
                "nature": "developer",
                "grading": "C",
                "tier": None,
                "leases": [
                    {
                        "item": "tower_crane",
                        "amount": 900_000.0,
                        "status": "active",
                        "outstanding": 600_000.0,
                    }
                ],
            },
            {
                "nature": "developer",
                "grading": "C",
                "tier": None,
                "leases": [
                    {
                        "item": "tower_crane",
                        "amount": 100.0,
                        "status": "active",
                        "outstanding": 100.0,
                    }
                ],
            },
        ]
    )
    report = credit_analysis(customer_lines(docs, gradings, default_policy, AS_OF), default_policy)
    grade_c = next(row for row in report["rows"] if row["key"] == "C")
    assert grade_c["credit_limit"] == 500_000
    assert grade_c["deposit_pct"] == 20
    assert grade_c["payment_method"] == "月结"
    assert grade_c["customers"] == 2
    assert grade_c["outstanding"] == 600_100.0
    assert grade_c["over_limit"] == 1
    ungraded = report["rows"][-1]
    assert ungraded["key"] == "ungraded" and ungraded["credit_limit"] is None
    assert credit_table(report).rows[-1]["over_limit"] == 1


@given(st.lists(st.integers(min_value=0, max_value=10**9), max_size=30))
def test_percent_shares_always_add_to_exactly_100(values: list[int]) -> None:
    shares = percent_shares(values)
    total = sum(Decimal(repr(s)) for s in shares)
    assert total == (100 if sum(values) else 0)
    for share, value in zip(shares, values, strict=True):
        if sum(values):
            assert abs(share - 100 * value / sum(values)) <= 0.01 + 1e-9


def test_migration_replays_runs_and_counts_each_customer_once(default_policy: Policy) -> None:
    runs = ["r1", "r2", "r3"]
    changes = [
        {"customer": "X", "run": "r1", "to": "A"},
        {"customer": "Y", "run": "r1", "to": "B"},
        {"customer": "Z", "run": "r1", "to": None},
        {"customer": "X", "run": "r2", "to": "B"},
        {"customer": "Z", "run": "r3", "to": "C"},
        {"customer": "W", "run": "r3", "to": "A"},
    ]
    before, after = grades_at(changes, runs, "r2"), grades_at(changes, runs, "r3")
    assert before == {"X": "B", "Y": "B", "Z": None}
    amounts = {"X": Decimal(100), "Y": Decimal(50), "Z": Decimal(7), "W": Decimal(1)}
    matrix = migration_matrix(before, after, amounts, default_policy)
    assert matrix["count"]["B"]["B"] == 2
    assert matrix["amount"]["B"]["B"] == 150.0
    assert matrix["count"]["ungraded"]["C"] == 1
    assert matrix["count"]["new"]["A"] == 1
    summary = matrix["summary"]
    assert (summary["unchanged"], summary["upgraded"], summary["new"]) == (2, 1, 1)
    first = grades_at(changes, runs, "r1")
    down = migration_matrix(first, before, amounts, default_policy)["summary"]
    assert (down["downgraded"], down["unchanged"]) == (1, 2)
    count_table = migration_tables(matrix)[0]
    assert count_table.rows[-1]["total"] == 4


def test_real_gradings_feed_the_reports(default_policy: Policy) -> None:
    docs = [
        {
            "id": "G1",
            "name": "好",
            "nature": "central_soe",
            "leases": [
                {
                    "contract": "L",
                    "item": "tower_crane",
                    "start": "2018-01-01",
                    "amount": 8_000_000,
                    "status": "active",
                }
            ],
            "assessment": {
                "strength": 10,
                "potential": 15,
                "reputation": 20,
                "payment": 30,
                "other": 10,
                "assessed_on": "2026-01-01",
            },
        },
    ]
    docs += [
        {
            "id": f"S{n}",
            "name": "小",
            "nature": "individual",
            "leases": [
                {
                    "contract": "S",
                    "item": "tower_crane",
                    "start": "2018-01-01",
                    "amount": amount,
                    "status": "closed",
                }
            ],
            "assessment": docs[0]["assessment"],
        }
        for n, amount in enumerate([500_000, 499_999.99, 600_000, 4_999_999])
    ]
    gradings = grade_archive(docs, default_policy, AS_OF)
    lines = customer_lines(docs, gradings, default_policy, AS_OF)
    tiers = {r["key"]: r["customers"] for r in composition(lines, default_policy, "tier")["rows"]}
    # 8,000,000 is a key account; 500,000 and above general; below that scattered
    assert tiers == {"key_account": 1, "general": 3, "scattered": 1}
    assert [gradings[f"S{n}"]["tier"] for n in range(4)] == [
        "general",
        "scattered",
        "general",
        "general",
    ]
    groups: dict[str, int] = defaultdict(int)
    for row in composition(lines, default_policy, "grade")["rows"]:
        groups[row["key"]] += row["customers"]
    # 15 × amount / 8,000,000 points for the cumulative amount: only 4,999,999 lifts S3 to A
    assert (groups["A"], groups["B"], groups["C"], groups["D"]) == (2, 3, 0, 0)
