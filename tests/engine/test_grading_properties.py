"""The engine against SPEC §5: an independent reading, and invariants under many inputs."""

from __future__ import annotations

import copy
import random
from datetime import date, timedelta
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference_grading import engine_reason_signature, reference

from creditfile.engine import grade_archive
from creditfile.engine.numbers import to_decimal
from creditfile.engine.scoring import grade_for
from creditfile.policy import Policy, parse_policy

AS_OF = date(2026, 11, 29)
MANUAL = ("strength", "potential", "reputation", "payment", "other")


def _doc(rng: random.Random, index: int, weights: dict[str, float]) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": f"C{index:05d}",
        "name": f"客户{index}",
        "nature": rng.choice(["developer", "individual", "central_soe"]),
    }
    if rng.random() < 0.5:
        doc["profile"] = {
            "trading_since": (AS_OF - timedelta(days=rng.randint(-30, 4000))).isoformat()
        }
    doc["leases"] = [
        {
            "contract": f"L{index}-{n}",
            "item": "tower_crane",
            "start": (AS_OF - timedelta(days=rng.randint(0, 4000))).isoformat(),
            "amount": round(rng.uniform(0, 3_000_000), rng.choice([0, 2])),
            "status": rng.choice(["active", "closed", "closed", "cancelled"]),
        }
        for n in range(rng.choice([0, 0, 1, 2, 3, 6]))
    ]
    assessment: dict[str, Any] = {}
    for key in MANUAL:
        roll = rng.random()
        if roll < 0.03:
            continue  # missing → ungraded
        if roll < 0.05:
            assessment[key] = weights[key] + 0.5  # out of range → ungraded
        else:
            assessment[key] = round(
                rng.uniform(weights[key] * 0.4, weights[key]), rng.choice([0, 1, 2, 3])
            )
    doc["assessment"] = assessment
    return doc


def _policy_variant(text: str, rng: random.Random) -> tuple[Policy, dict[str, Any]]:
    data = yaml.safe_load(text)
    data["effective_from"] = "2026-01-01"
    weights = [rng.randint(5, 30) for _ in range(6)]
    weights[-1] += 100 - sum(weights)
    if weights[-1] <= 0:
        weights = [10, 15, 20, 15, 30, 10]
    for item, weight in zip(data["scoring"], weights, strict=True):
        item["weight"] = weight
    rel = data["scoring"][3]
    rel["new_customer_points"] = rng.randint(0, rel["weight"])
    top = rng.randint(75, 95)
    data["grades"] = [
        {"name": "A", "min_score": top, "label": "a"},
        {"name": "B", "min_score": top - rng.randint(1, 10), "label": "b"},
        {"name": "C", "min_score": top - rng.randint(11, 30) + 0.5, "label": "c"},
    ]
    data["lifecycle"]["new_customer_months"] = rng.choice([0, 1, 6, 12, 24, 36])
    data["rounding"] = rng.choice([0, 1, 2])
    source = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    return parse_policy(source, "variant.yaml"), data


def _compare(docs: list[dict[str, Any]], policy: Policy, data: dict[str, Any]) -> None:
    ours = grade_archive(docs, policy, AS_OF)
    theirs = reference(docs, data, AS_OF, policy.sha256)
    for cid, expected in theirs.items():
        actual = dict(ours[cid], reasons=[engine_reason_signature(r) for r in ours[cid]["reasons"]])
        assert actual == expected, cid


def test_default_policy_matches_an_independent_reading(default_policy_text: str) -> None:
    rng = random.Random(7)
    data = yaml.safe_load(default_policy_text)
    weights = {i["key"]: i["weight"] for i in data["scoring"]}
    docs = [_doc(rng, i, weights) for i in range(1000)]
    policy = parse_policy(default_policy_text, "default.yaml")
    _compare(docs, policy, data)


def test_changed_policies_match_an_independent_reading(default_policy_text: str) -> None:
    for seed in range(12):
        rng = random.Random(seed)
        policy, data = _policy_variant(default_policy_text, rng)
        weights = {i["key"]: i["weight"] for i in data["scoring"]}
        docs = [_doc(rng, i, weights) for i in range(150)]
        _compare(docs, policy, data)


@given(st.decimals(min_value=0, max_value=100, places=2))
def test_every_total_maps_to_exactly_one_grade(default_policy: Policy, total: Any) -> None:
    grade = grade_for(total, default_policy)
    bands = [g for g in default_policy.grades if to_decimal(g.min_score or 0) <= total]
    assert grade.name == (bands[0].name if bands else default_policy.below_lowest.name)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), key=st.sampled_from(MANUAL), bump=st.floats(0, 30))
def test_more_points_never_lower_the_grade(
    default_policy: Policy, seed: int, key: str, bump: float
) -> None:
    rng = random.Random(seed)
    weights = {i.key: i.weight for i in default_policy.scoring}
    docs = [_doc(rng, i, weights) for i in range(20)]
    # The customer under test is always gradable, so every example checks something.
    docs[0]["assessment"] = {k: round(rng.uniform(0, weights[k]), 2) for k in MANUAL}
    before = grade_archive(docs, default_policy, AS_OF)
    raised = copy.deepcopy(docs)
    target = raised[0]["assessment"]
    target[key] = min(weights[key], target[key] + bump)
    after = grade_archive(raised, default_policy, AS_OF)
    cid = docs[0]["id"]
    rank = default_policy.grade_rank
    assert before[cid]["status"] == after[cid]["status"] == "graded"
    assert rank(after[cid]["grade"]) <= rank(before[cid]["grade"])
    assert after[cid]["total"] >= before[cid]["total"]
    gained = after[cid]["items"][key] - before[cid]["items"][key]
    assert after[cid]["total"] == pytest.approx(before[cid]["total"] + gained, abs=1e-9)


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000))
def test_grading_is_deterministic_and_order_free(default_policy: Policy, seed: int) -> None:
    rng = random.Random(seed)
    weights = {i.key: i.weight for i in default_policy.scoring}
    docs = [_doc(rng, i, weights) for i in range(30)]
    shuffled = docs[:]
    rng.shuffle(shuffled)
    assert grade_archive(docs, default_policy, AS_OF) == grade_archive(
        shuffled, default_policy, AS_OF
    )


def test_ungraded_customers_always_say_why(default_policy: Policy) -> None:
    rng = random.Random(3)
    weights = {i.key: i.weight for i in default_policy.scoring}
    docs = [_doc(rng, i, weights) for i in range(500)]
    gradings = grade_archive(docs, default_policy, AS_OF)
    ungraded = [g for g in gradings.values() if g["status"] == "ungraded"]
    assert ungraded
    for doc in docs:
        grading = gradings[doc["id"]]
        if grading["status"] == "graded":
            continue
        assert grading["grade"] is None
        assert grading["total"] is None
        # one reason per bad entry, naming it, in the policy's item order
        entered = doc["assessment"]
        bad = [k for k in MANUAL if k not in entered or not 0 <= entered[k] <= weights[k]]
        assert bad
        assert [r.split(" ", 1)[0] for r in grading["reasons"]] == [f"assessment.{k}" for k in bad]
