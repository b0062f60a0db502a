"""The engine against an independent reading of SPEC §5, field by field, on boundary archives."""

from __future__ import annotations

import hashlib
import random
from datetime import date
from typing import Any

import pytest
import yaml
from boundary_archives import (
    AS_OF_DATES,
    RELATIVE_FACTS,
    archive,
    policy_variant,
    zero_top_archive,
)
from reference_grading import engine_reason_signature, reference

from creditfile.engine import grade_archive
from creditfile.policy import parse_policy


def _compare(docs: list[dict[str, Any]], text: str, as_of: date) -> dict[str, dict[str, Any]]:
    """Grade ``docs`` both ways and assert every field of every grading agrees."""
    data = yaml.safe_load(text)
    policy = parse_policy(text, "p.yaml")
    ours = grade_archive(docs, policy, as_of)
    theirs = reference(docs, data, as_of, hashlib.sha256(text.encode("utf-8")).hexdigest())
    assert ours.keys() == theirs.keys()
    for cid, expected in theirs.items():
        actual = dict(ours[cid], reasons=[engine_reason_signature(r) for r in ours[cid]["reasons"]])
        doc = next(d for d in docs if str(d.get("id")) == cid)
        assert actual == expected, (doc, ours[cid])
    return ours


def _variant_text(default_policy_text: str, seed: int) -> tuple[str, dict[str, Any]]:
    fact = RELATIVE_FACTS[seed % len(RELATIVE_FACTS)]  # every numeric fact, twice in 16 seeds
    data = policy_variant(yaml.safe_load(default_policy_text), random.Random(seed), fact)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False), data


@pytest.mark.parametrize("as_of", AS_OF_DATES, ids=str)
def test_default_policy_agrees_on_boundary_archives(default_policy_text: str, as_of: date) -> None:
    rng = random.Random(as_of.toordinal())
    data = yaml.safe_load(default_policy_text)
    gradings = _compare(archive(rng, data, as_of, 200), default_policy_text, as_of)
    statuses = {g["status"] for g in gradings.values()}
    grades = {g["grade"] for g in gradings.values()}
    assert statuses == {"graded", "ungraded"}
    assert {"A", "B", "C", "D"} <= grades  # the generator reaches every band


@pytest.mark.parametrize("seed", range(16))
def test_changed_policies_agree_on_boundary_archives(default_policy_text: str, seed: int) -> None:
    text, data = _variant_text(default_policy_text, seed)
    rng = random.Random(seed)
    as_of = AS_OF_DATES[seed % len(AS_OF_DATES)]
    _compare(archive(rng, data, as_of, 120), text, as_of)


@pytest.mark.parametrize("seed", range(6))
def test_zero_tops_agree(default_policy_text: str, seed: int) -> None:
    _, data = _variant_text(default_policy_text, 100 + seed)
    zero_facts = ("cumulative_lease_amount", "active_lease_count", "outstanding_amount")
    for item in data["scoring"]:
        if item["method"] == "relative_to_max":
            item["fact"] = zero_facts[seed % 3]
            if item["fact"] != "cumulative_lease_amount":
                item.pop("window_months", None)  # a window is of lease amounts only
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    as_of = AS_OF_DATES[seed]
    gradings = _compare(zero_top_archive(random.Random(seed), data, as_of), text, as_of)
    assert all(top == 0 for g in gradings.values() for top in g["tops"].values())


def test_the_generated_archives_reach_every_boundary(default_policy_text: str) -> None:
    """The comparison above is only as good as what it is fed: check that it is fed boundaries."""
    seen: dict[str, set[Any]] = {"overrides": set(), "reasons": set(), "tiers": set()}
    for seed in range(16):
        _, data = _variant_text(default_policy_text, seed)
        as_of = AS_OF_DATES[seed % len(AS_OF_DATES)]
        docs = archive(random.Random(seed), data, as_of, 120)
        for grading in reference(docs, data, as_of).values():
            seen["reasons"].update(kind for kind, _ in grading["reasons"])
            seen["overrides"].update(o["id"] for o in grading["overrides"])
            seen["tiers"].add(grading["tier"])
    assert seen["reasons"] == {
        "missing",
        "not_a_number",
        "out_of_range",
        "first_trade_after_as_of",
        "override_failed",
        "tier_failed",
    }
    assert {"unaudited", "young", "stale", "owing", "c-check", "overdue"} <= seen["overrides"]
    tiers = {"key_account", "general", "scattered", "veteran", "fresh", "assessed", "rest"}
    assert tiers | {"state", "builder", "other"} <= seen["tiers"]
