"""Reasons in a policy diff: each edit compliance makes is named as the reason of the changes it
causes, and the summary counts every changed customer once."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from creditfile.engine.change_reasons import change_reasons, summarise
from creditfile.engine.policy_diff import what_if
from creditfile.policy import Policy, load_policy
from creditfile.policy.errors import phrase_from_data
from creditfile.presentation.translation import translation

AS_OF = date(2026, 11, 29)


def _policy(tmp_path: Path, text: str, *edits: tuple[str, str]) -> Policy:
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / f"p{abs(hash(edits))}.yaml"
    path.write_text(text, "utf-8")
    return load_policy(path)


def _customer(cid: str, **entries: Any) -> dict[str, Any]:
    assessment = {"strength": 8, "potential": 12, "reputation": 16, "payment": 25, "other": 8}
    assessment.update(entries)
    return {
        "id": cid,
        "name": f"客户{cid}",
        "nature": "developer",
        "profile": {"trading_since": "2015-01-01"},
        "leases": [
            {"contract": f"L{cid}", "item": "tower_crane", "start": "2015-02-01",
             "amount": 1_000_000, "status": "closed"}
        ],
        "assessment": assessment,
    }  # fmt: skip


def _archive(seed: int, size: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    weights = {"strength": 10, "potential": 15, "reputation": 20, "payment": 30, "other": 10}
    docs = []
    for i in range(size):
        doc = _customer(f"C{i:03d}")
        doc["assessment"] = {k: round(rng.uniform(w * 0.5, w), 1) for k, w in weights.items()}
        doc["leases"][0]["amount"] = rng.randint(1, 50) * 100_000
        if rng.random() < 0.3:
            doc["profile"]["trading_since"] = "2026-03-01"  # a new customer
        docs.append(doc)
    return docs


REWEIGHT = (
    ("label: 社会口碑与信用, weight: 20", "label: 社会口碑与信用, weight: 15"),
    ("label: 付款情况, weight: 30", "label: 付款情况, weight: 35"),
)


def test_the_reweighting_is_explained_by_the_stranded_entries(
    tmp_path: Path, default_policy: Policy, default_policy_text: str
) -> None:
    new = _policy(tmp_path, default_policy_text, *REWEIGHT)
    docs = _archive(1, 300)
    impact = what_if(docs, default_policy, new, AS_OF)
    # Counted from the documents: graded before (no entry was invalid), reputation now above 15.
    stranded = {d["id"] for d in docs if d["assessment"]["reputation"] > 15}
    changed = {c["id"] for c in impact["grade_changes"]}
    assert changed == stranded
    for change in impact["grade_changes"]:
        assert change["effect"] == "become ungraded"
        assert [r["kind"] for r in change["reasons"]] == ["entry_above_weight"]
        assert change["reasons"][0]["item"] == "reputation"
    [summary] = impact["summary"]
    assert {k: v for k, v in summary.items() if k != "said"} == {
        "effect": "become ungraded",
        "reason": "Reputation and credit score above the new weight 15",
        "kinds": ["entry_above_weight"],
        "customers": len(stranded),
    }
    [said] = summary["said"]
    assert phrase_from_data(said).text(translation("zh").gettext) == (
        "社会口碑与信用得分超过新的权重 15"
    )


def test_the_way_back_names_the_entries_now_within_their_weight(
    tmp_path: Path, default_policy: Policy, default_policy_text: str
) -> None:
    new = _policy(tmp_path, default_policy_text, *REWEIGHT)
    impact = what_if(_archive(1, 50), new, default_policy, AS_OF)
    assert impact["summary"][0]["effect"] == "become graded"
    assert impact["summary"][0]["reason"] == (
        "Reputation and credit score within the new weight 20 (was 15)"
    )


def test_a_raised_threshold_is_named_with_its_old_and_new_value(
    tmp_path: Path, default_policy: Policy, default_policy_text: str
) -> None:
    new = _policy(tmp_path, default_policy_text, ("min_score: 80", "min_score: 85"))
    docs = _archive(2, 300)
    before = {
        c["id"]: c for c in what_if(docs, default_policy, default_policy, AS_OF)["grade_changes"]
    }
    assert before == {}
    impact = what_if(docs, default_policy, new, AS_OF)
    assert impact["grade_changes"]
    for change in impact["grade_changes"]:
        # Only customers whose total lies in [80, 85) lose their B.
        assert 80 <= change["old_total"] < 85, change
        assert (change["from"], change["to"]) == ("B", "C")
        assert change["reasons"][0]["text"] == (
            f"B threshold 80 → 85 crossed by total {change['old_total']:g}"
        )
    assert [(r["effect"], r["reason"]) for r in impact["summary"]] == [
        ("move down", "B threshold 80 → 85")
    ]


def test_new_customer_points_and_a_shorter_new_period_are_told_apart(
    tmp_path: Path, default_policy: Policy, default_policy_text: str
) -> None:
    new = _policy(
        tmp_path,
        default_policy_text,
        ("new_customer_months: 12", "new_customer_months: 6"),
        ("new_customer_points: 10", "new_customer_points: 6"),
    )
    impact = what_if(_archive(3, 300), default_policy, new, AS_OF)
    reasons = {r["reason"] for r in impact["summary"]}
    assert any("now established, was new: new customers 12 → 6 months" in r for r in reasons)
    for change in impact["grade_changes"]:
        reason = change["reasons"][0]
        assert reason["item"] == "cumulative_lease"
        # A customer now established may gain: its amount against the top beats the flat 10.
        rose = change["new_total"] > change["old_total"]
        assert ("points rise" if rose else "points fall") in reason["group"]
        assert change["effect"] == ("move up" if rose else "move down")


def test_an_override_that_now_caps_and_a_tier_that_now_holds(
    tmp_path: Path, default_policy: Policy, default_policy_text: str
) -> None:
    capped = _policy(
        tmp_path,
        default_policy_text,
        (
            "overrides: []",
            "overrides:\n  - {id: cap-b, reason: 上限B级, when: lease_count >= 1, cap_grade: B}",
        ),
    )
    top = _customer("TOP", strength=10, potential=15, reputation=20, payment=30, other=10)
    old, new = (
        what_if([top], default_policy, capped, AS_OF),
        what_if([top], capped, default_policy, AS_OF),
    )
    assert old["grade_changes"][0]["reasons"][0]["text"] == (
        "override cap-b now caps the grade at B: 上限B级"
    )
    assert (
        new["grade_changes"][0]["reasons"][0]["text"] == "override cap-b no longer caps the grade"
    )
    tiered = _policy(tmp_path, default_policy_text, ("lease_count >= 10", "lease_count >= 1"))
    impact = what_if([top], default_policy, tiered, AS_OF)
    assert impact["grade_changes"] == []
    assert impact["tier_changes"][0]["reasons"][0]["text"].startswith(
        "tier now Major (was Regular)"
    )


def test_an_unchanged_grading_has_no_reason(default_policy: Policy) -> None:
    grading = what_if([_customer("X")], default_policy, default_policy, AS_OF)
    assert grading["grade_changes"] == grading["tier_changes"] == grading["summary"] == []


@pytest.mark.parametrize("size", [1, 40])
def test_the_summary_counts_every_changed_customer_once(
    tmp_path: Path, default_policy: Policy, default_policy_text: str, size: int
) -> None:
    new = _policy(tmp_path, default_policy_text, *REWEIGHT, ("min_score: 70", "min_score: 75"))
    impact = what_if(_archive(4, size), default_policy, new, AS_OF)
    rows = [*impact["grade_changes"], *impact["tier_changes"]]
    assert sum(r["customers"] for r in impact["summary"]) == len(rows)
    assert summarise(rows) == impact["summary"]
    assert all(r["reasons"] for r in rows)


def test_reasons_of_one_customer_are_computed_from_its_two_gradings(
    tmp_path: Path, default_policy: Policy, default_policy_text: str
) -> None:
    new = _policy(tmp_path, default_policy_text, *REWEIGHT)
    items = {"strength": 8, "potential": 12, "reputation": 18, "cumulative_lease": 10,
             "payment": 30, "other": 7}  # fmt: skip
    was = {"grade": "B", "total": 85.0, "status": "graded", "items": items, "inputs": items,
           "tier": "general", "overrides": []}  # fmt: skip
    now = {**was, "grade": None, "total": None, "status": "ungraded",
           "items": {**items, "reputation": None}}  # fmt: skip
    [reason] = change_reasons(was, now, default_policy, new)
    assert {k: v for k, v in reason.items() if k not in ("said", "group_said")} == {
        "kind": "entry_above_weight",
        "item": "reputation",
        "text": "Reputation and credit score above the new weight 15",
        "group": "Reputation and credit score above the new weight 15",
    }
    chinese = translation("zh").gettext
    for said in (reason["said"], reason["group_said"]):
        assert phrase_from_data(said).text(chinese) == "社会口碑与信用得分超过新的权重 15"
        assert str(phrase_from_data(said)) == reason["text"]
