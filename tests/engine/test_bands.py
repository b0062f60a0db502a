"""bands: an item's points from ranges of a documented fact (a small decision table), graded by
the engine as the independent reference reads the policy, on every band edge."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import yaml
from agreement import graded_as_reference
from hypothesis import given, settings
from hypothesis import strategies as st
from reference_grading import engine_reason_signature

from creditfile.engine import explain
from creditfile.engine.policy_diff import what_if
from creditfile.policy import Policy, default_policy_path, parse_policy
from creditfile.policy.errors import phrase_from_data
from creditfile.presentation.translation import translation

AS_OF = date(2026, 11, 29)
EXAMPLE = default_policy_path().with_name("example-options.yaml")
ENTRIES = {"strength": 10, "potential": 15, "reputation": 20, "other": 10}


def _policy_text(payment: dict[str, Any]) -> str:
    data = yaml.safe_load(EXAMPLE.read_text("utf-8"))
    data["scoring"][4] = {"key": "payment", "label": "付款情况", "weight": 30, **payment}
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


REGIME_TABLE = [
    {"min": 0, "max": 0, "points": 30},
    {"min": 1, "max": 30, "points": 25},
    {"min": 31, "max": 90, "points": 15},
    {"min": 91, "points": 0},
]


def _customer(cid: str, overdue: Any, outstanding: Any = 50_000, **entries: Any) -> dict[str, Any]:
    return {
        "id": cid,
        "name": cid,
        "nature": "developer",
        "profile": {"trading_since": "2015-01-01"},
        "leases": [
            {
                "contract": f"{cid}-1",
                "item": "tower_crane",
                "start": "2025-02-01",
                "amount": 1_000_000,
                "status": "active",
                "outstanding": outstanding,
                "overdue_days": overdue,
            }
        ],
        "assessment": {**ENTRIES, **entries},
    }


def _both(docs: list[dict[str, Any]], text: str) -> dict[str, dict[str, Any]]:
    return graded_as_reference(docs, text, AS_OF)


@pytest.mark.parametrize(
    ("days", "points"),
    [(0, 30), (1, 25), (29, 25), (30, 25), (31, 15), (89, 15), (90, 15), (91, 0), (400, 0)],
)
def test_every_band_edge_gets_its_band(days: int, points: float) -> None:
    text = _policy_text({"method": "bands", "fact": "max_overdue_days", "bands": REGIME_TABLE})
    grading = _both([_customer("X", days)], text)["X"]
    assert grading["items"]["payment"] == points
    assert grading["inputs"]["payment"] == days
    assert grading["total"] == 55 + 15 + points
    assert grading["overrides"] == []


def test_days_count_only_while_money_is_owed() -> None:
    text = _policy_text({"method": "bands", "fact": "max_overdue_days", "bands": REGIME_TABLE})
    gradings = _both([_customer("PAID", 200, outstanding=0), _customer("OWES", 200)], text)
    assert gradings["PAID"]["items"]["payment"] == 30
    assert gradings["OWES"]["items"]["payment"] == 0


@pytest.mark.parametrize(
    ("owed", "points"),
    [(0, 30), (0.5, 30), (499_999.99, 30), (500_000, 20), (500_000.01, 20), (2_000_000, 5)],
)
def test_amount_bands_end_below_their_next_start(owed: float, points: float) -> None:
    table = [
        {"min": 0, "below": 500_000, "points": 30},
        {"min": 500_000, "below": 2_000_000, "points": 20},
        {"min": 2_000_000, "points": 5},
    ]
    text = _policy_text({"method": "bands", "fact": "outstanding_amount", "bands": table})
    assert _both([_customer("X", 0, outstanding=owed)], text)["X"]["items"]["payment"] == points


@pytest.mark.parametrize(("rounding", "points"), [(0, 12), (1, 12.3), (2, 12.35), (3, 12.345)])
def test_band_points_are_rounded_half_up(rounding: int, points: float) -> None:
    table = [{"min": 0, "max": 9, "points": 12.345}, {"min": 10, "points": 0}]
    data = yaml.safe_load(_policy_text({"method": "bands", "fact": "lease_count", "bands": table}))
    data["rounding"] = rounding
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    assert _both([_customer("X", 0)], text)["X"]["items"]["payment"] == points


def _override_policy(allowed: bool) -> str:
    return _policy_text(
        {
            "method": "bands",
            "fact": "max_overdue_days",
            "bands": REGIME_TABLE,
            "manual_override": allowed,
        }
    )


def test_an_entry_overrides_the_bands_where_the_policy_allows_it_and_is_recorded() -> None:
    docs = [
        _customer("ENTERED", 45, payment=28),
        _customer("ZERO", 0, payment=0),
        _customer("FULL", 200, payment=30),
        _customer("NONE", 45),
    ]
    gradings = _both(docs, _override_policy(True))
    assert gradings["ENTERED"]["items"]["payment"] == 28
    assert gradings["ENTERED"]["overrides"] == [
        {
            "id": "entered:payment",
            "reason": "付款情况: 28 points entered by the assessor in place of the bands' 15",
            "item": "payment",
            "entered": 28,
            "computed": 15,
        }
    ]
    assert gradings["ZERO"]["items"]["payment"] == 0
    assert gradings["ZERO"]["overrides"][0]["computed"] == 30
    assert gradings["FULL"]["items"]["payment"] == 30
    assert gradings["NONE"]["items"]["payment"] == 15
    assert gradings["NONE"]["overrides"] == []


@pytest.mark.parametrize(("entry", "kind"), [(30.5, "out_of_range"), (-1, "out_of_range"),
                                             ("28", "not_a_number"), (True, "not_a_number")])  # fmt: skip
def test_a_wrong_entry_in_place_of_the_bands_makes_the_customer_ungraded(
    entry: Any, kind: str
) -> None:
    grading = _both([_customer("X", 45, payment=entry)], _override_policy(True))["X"]
    assert grading["status"] == "ungraded"
    assert grading["items"]["payment"] is None
    assert [engine_reason_signature(r) for r in grading["reasons"]] == [(kind, "payment")]


def test_an_entry_is_not_used_where_the_policy_allows_no_override() -> None:
    doc = _customer("X", 45, payment=28)
    text = _override_policy(False)
    grading = _both([doc], text)["X"]
    assert grading["items"]["payment"] == 15
    assert grading["overrides"] == []
    row = next(r for r in explain(doc, parse_policy(text), AS_OF)["items"] if r["key"] == "payment")
    assert row["clause"] == (
        "max_overdue_days 45 → band 31–90: 15 points; the entry 28 is not used (the policy "
        "allows no override) (bands: 0 → 30; 1–30 → 25; 31–90 → 15; 91 and over → 0)"
    )


def test_explain_names_the_band_and_the_entry_that_replaced_it() -> None:
    policy = parse_policy(_override_policy(True))
    doc = _customer("X", 45, payment=28)
    row = next(r for r in explain(doc, policy, AS_OF)["items"] if r["key"] == "payment")
    assert row["method"] == "bands"
    assert row["input"] == 45
    assert row["points"] == 28
    assert row["bands"][1] == {"range": "1–30", "points": 25}
    assert row["clause"].startswith(
        "entered by the assessor: 28 in place of the bands' (max_overdue_days 45 → band 31–90: "
        "15 points)"
    )


# A whole table generated: cut points on whole days, points anywhere in 0..30 ----------------


@st.composite
def _table(draw: st.DrawFn) -> list[dict[str, Any]]:
    cuts = sorted(draw(st.sets(st.integers(1, 200), max_size=6)))
    starts = [0, *cuts]
    points = draw(
        st.lists(
            st.decimals(0, 30, places=3).map(float), min_size=len(starts), max_size=len(starts)
        )
    )
    table = []
    for index, start in enumerate(starts):
        band: dict[str, Any] = {"min": start, "points": points[index]}
        if index < len(cuts):
            band["max"] = cuts[index] - 1
        table.append(band)
    return table


@settings(max_examples=60, deadline=None)
@given(
    table=_table(),
    days=st.lists(st.integers(0, 220), min_size=1, max_size=8),
    override=st.booleans(),
)
def test_any_table_grades_as_the_reference_reads_it(
    table: list[dict[str, Any]], days: list[int], override: bool
) -> None:
    text = _policy_text(
        {
            "method": "bands",
            "fact": "max_overdue_days",
            "bands": table,
            "manual_override": override,
        }
    )
    docs = [_customer(f"C{i}", d) for i, d in enumerate(days)]
    if len(docs) > 1:
        docs[1]["assessment"]["payment"] = 17.5
    gradings = _both(docs, text)
    for doc, day in zip(docs, days, strict=True):
        band = next(b for b in table if b["min"] <= day <= b.get("max", day))
        if doc["assessment"].get("payment") is None or not override:
            assert gradings[doc["id"]]["items"]["payment"] == round(band["points"] + 1e-9, 2)


def test_the_example_policy_computes_payment_and_the_default_stays_manual(
    default_policy: Policy,
) -> None:
    assert all(item.method != "bands" for item in default_policy.scoring)
    assert "bands" not in default_policy_path().read_text("utf-8")
    example = parse_policy(EXAMPLE.read_text("utf-8"))
    payment = next(item for item in example.scoring if item.key == "payment")
    assert (payment.method, payment.fact, payment.manual_override) == (
        "bands",
        "max_overdue_days",
        False,
    )
    assert [b.range_text() for b in payment.bands] == ["0", "1–30", "31–90", "91 and over"]


def test_policy_diff_names_the_band_of_each_customer_and_groups_by_band() -> None:
    text = EXAMPLE.read_text("utf-8")
    start, end = text.index("  - key: payment\n"), text.index("  - {key: other")
    manual = "  - {key: payment, label: 付款情况, weight: 30, method: manual}\n"
    old = parse_policy(text[:start] + manual + text[end:], "old.yaml")
    new = parse_policy(text, "new.yaml")
    docs = [
        _customer("LATE", 45, payment=30),
        _customer("LATER", 60, payment=30),
        _customer("ON_TIME", 0, payment=30),
    ]
    impact = what_if(docs, old, new, AS_OF)
    by_id = {c["id"]: c for c in impact["grade_changes"]}
    assert set(by_id) == {"LATE", "LATER"}
    reason = by_id["LATE"]["reasons"][0]
    assert reason["text"] == (
        "Payment record 30 → 15 (method manual → bands, days overdue (most) 45 → band 31–90: 15)"
    )
    assert phrase_from_data(reason["said"]).text(translation("zh").gettext) == (
        "付款情况 30 → 15（计分方法 manual → bands，最长逾期天数 45 → 档位 31–90：15 分）"
    )
    assert impact["summary"][0]["customers"] == 2
    assert impact["summary"][0]["reason"].startswith(
        "Payment record points fall (method manual → bands, days overdue (most) → band 31–90: 15)"
    )


def test_an_entry_of_minus_zero_in_place_of_the_bands_reads_zero() -> None:
    grading = _both([_customer("X", 45, payment=-0.0)], _override_policy(True))["X"]
    assert grading["items"]["payment"] == 0
    [record] = grading["overrides"]
    assert (
        record["reason"] == "付款情况: 0 points entered by the assessor in place of the bands' 15"
    )
    assert str(record["entered"]) == "0.0"
