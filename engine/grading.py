"""Grading customers under a policy at an as-of date: the whole of SPEC §5, pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, cast

from creditfile.engine.facts import CustomerFacts, compute_facts
from creditfile.engine.numbers import as_number
from creditfile.engine.scoring import ItemScore, archive_tops, grade_for, score_items, total_of
from creditfile.policy.conditions import ConditionEvaluationError
from creditfile.policy.model import Policy


def customer_id(doc: Mapping[str, Any]) -> str:
    """The document's id as text (the key of its grading)."""
    return str(doc.get("id"))


def grade_archive(
    docs: Sequence[Mapping[str, Any]], policy: Policy, as_of: date
) -> dict[str, dict[str, Any]]:
    """Grade every customer of an archive; the archive-wide top comes from ``docs`` themselves.

    Args:
        docs: Every customer document of the archive (the top is archive-wide).
        policy: The checked policy.
        as_of: The date the grading is for.

    Returns:
        ``{customer id: grading}``, each grading a plain dict as in SPEC §6.
    """
    facts = facts_of(docs, policy, as_of)
    return grade_with_tops(docs, facts, policy, as_of, archive_tops(facts, policy))


def facts_of(docs: Sequence[Mapping[str, Any]], policy: Policy, as_of: date) -> list[CustomerFacts]:
    """The first round of grading: every document's facts (their tops are the archive's)."""
    months, windows = policy.new_customer_months, policy.windows
    return [compute_facts(doc, as_of, months, windows) for doc in docs]


def grade_with_tops(
    docs: Sequence[Mapping[str, Any]],
    facts: Sequence[CustomerFacts],
    policy: Policy,
    as_of: date,
    tops: Mapping[str, Decimal],
) -> dict[str, dict[str, Any]]:
    """The second round: grade each document with its facts (``facts_of``) against the
    archive-wide ``tops`` (``scoring.archive_tops`` of every customer's facts).

    Returns:
        ``{customer id: grading}``, in the order of ``docs``.
    """
    same = _same_for_all(policy, as_of, tops)
    return {
        customer_id(doc): _graded(doc, policy, as_of, tops, fact, same)
        for doc, fact in zip(docs, facts, strict=True)
    }


def archive_tops_for(
    docs: Sequence[Mapping[str, Any]], policy: Policy, as_of: date
) -> dict[str, Decimal]:
    """The archive-wide top of each relative_to_max fact, for grading one customer alone."""
    return archive_tops(facts_of(docs, policy, as_of), policy)


def grade_customer(
    doc: Mapping[str, Any],
    policy: Policy,
    as_of: date,
    tops: Mapping[str, Decimal],
    facts: CustomerFacts | None = None,
) -> dict[str, Any]:
    """Grade one customer given the archive-wide ``tops`` (see ``archive_tops_for``)."""
    if facts is None:
        facts = compute_facts(doc, as_of, policy.new_customer_months, policy.windows)
    return _graded(doc, policy, as_of, tops, facts, _same_for_all(policy, as_of, tops))


def _same_for_all(policy: Policy, as_of: date, tops: Mapping[str, Decimal]) -> dict[str, Any]:
    """The parts of a grading that are the same for every customer graded together (its date,
    the tops, the policy's version): built once and shared by all their gradings, which are
    never changed in place (100,000 copies would take 50 MB)."""
    return {
        "as_of": as_of.isoformat(),
        "tops": {fact: as_number(top) for fact, top in tops.items()},
        "policy": {"version": policy.version, "sha256": policy.sha256},
    }


def _graded(
    doc: Mapping[str, Any],
    policy: Policy,
    as_of: date,
    tops: Mapping[str, Decimal],
    facts: CustomerFacts,
    same: Mapping[str, Any],
) -> dict[str, Any]:
    scores = score_items(doc, facts, policy, tops)
    reasons = [s.problem for s in scores if s.problem]
    grading: dict[str, Any] = {
        "status": "ungraded" if reasons else "graded",
        "grade": None,
        "total": None,
        "as_of": same["as_of"],
        "items": {s.item.key: None if s.points is None else as_number(s.points) for s in scores},
        "inputs": {s.item.key: s.input for s in scores},
        "lifecycle": facts.values["lifecycle"],
        "stage": facts.values["stage"],
        "tier": None,
        "overrides": [_entry_override(s) for s in scores if s.replaced is not None],
        "flags": [],
        "reasons": reasons,
        "tops": same["tops"],
        "policy": same["policy"],
    }
    reasons.extend(_timeline_notes(facts, as_of))
    if not any(s.problem for s in scores):
        _apply_grade(grading, scores, facts, policy)
    grading["tier"] = _tier(facts.values, policy, reasons)
    return grading


def _entry_override(score: ItemScore) -> dict[str, Any]:
    """The record of an assessor's entry that took the place of a bands item's points."""
    # Only scores with both an entry and the bands' points they replaced come here; abs():
    # an entry of -0.0 is the entry 0, and reads so.
    entered = abs(as_number(cast(Decimal, score.points)))
    computed = as_number(cast(Decimal, score.replaced))
    return {
        "id": f"entered:{score.item.key}",
        "reason": (
            f"{score.item.label}: {entered:g} points entered by the assessor in place of the "
            f"bands' {computed:g}"
        ),
        "item": score.item.key,
        "entered": entered,
        "computed": computed,
    }


def _apply_grade(
    grading: dict[str, Any], scores: list[ItemScore], facts: CustomerFacts, policy: Policy
) -> None:
    total = total_of(scores, policy.rounding)
    grading["total"] = as_number(total)
    grading["grade"] = grade_for(total, policy).name
    for rule in policy.overrides:
        values = {
            **facts.values,
            "total_score": float(total),
            "grade": grading["grade"],
            "credit_utilisation": _utilisation(facts, policy, grading["grade"]),
        }
        try:
            holds = rule.condition.matches(values)
        except ConditionEvaluationError as exc:
            grading["reasons"].append(f"override {rule.id} could not be evaluated: {exc}")
            continue
        if holds:
            _apply_override(grading, rule.id, rule.reason, rule.cap_grade, rule.flag, policy)


def _apply_override(
    grading: dict[str, Any],
    rule_id: str,
    reason: str,
    cap: str | None,
    flag: str | None,
    policy: Policy,
) -> None:
    before = grading["grade"]
    record: dict[str, Any] = {"id": rule_id, "reason": reason}
    if cap is not None:
        after = cap if policy.grade_rank(before) < policy.grade_rank(cap) else before
        grading["grade"] = after
        record.update({"cap_grade": cap, "from": before, "to": after})
    if flag is not None:
        record["flag"] = flag
        if flag not in grading["flags"]:
            grading["flags"].append(flag)
    grading["overrides"].append(record)


def _utilisation(facts: CustomerFacts, policy: Policy, grade: str) -> float | None:
    limit = policy.terms(grade, facts.values["nature"]).get("credit_limit")
    if not isinstance(limit, int | float) or limit <= 0:
        return None
    return float(facts.amounts["outstanding_amount"]) / float(limit)


def _tier(values: Mapping[str, Any], policy: Policy, reasons: list[str]) -> str | None:
    for tier in policy.tiers:
        if tier.condition is None:
            return tier.key
        try:
            if tier.condition.matches(values):
                return tier.key
        except ConditionEvaluationError as exc:
            reasons.append(f"tier {tier.key} could not be evaluated: {exc}")
    return None


def _timeline_notes(facts: CustomerFacts, as_of: date) -> list[str]:
    first = facts.first_trade
    if first is not None and first > as_of:
        return [f"first trade {first.isoformat()} is after the as-of date {as_of.isoformat()}"]
    return []
