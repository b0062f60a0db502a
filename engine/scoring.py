"""Points per scoring item, the total and the grade band (SPEC §5 rules 5–7)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache
from typing import Any, NamedTuple, cast

from creditfile.engine.facts import CustomerFacts
from creditfile.engine.numbers import round_half_up, to_decimal
from creditfile.policy.model import Grade, Policy, ScoringItem


class Tops(dict[str, Decimal]):
    """The archive-wide top of each relative_to_max amount, and for an item on the rank scale
    every established customer's amount in ascending order (``rankings``, by amount key): what
    grading one customer needs to know of all the others."""

    def __init__(
        self, tops: Mapping[str, Decimal], rankings: Mapping[str, tuple[Decimal, ...]]
    ) -> None:
        super().__init__(tops)
        self.rankings = dict(rankings)


class ItemScore(NamedTuple):
    """One item's input and points; ``problem`` says why an entry could not be scored;
    ``replaced`` holds the bands' points when an assessor's entry overrode them."""

    item: ScoringItem
    input: Any
    points: Decimal | None
    problem: str | None = None
    replaced: Decimal | None = None


def score_items(
    doc: Mapping[str, Any], facts: CustomerFacts, policy: Policy, tops: Mapping[str, Decimal]
) -> list[ItemScore]:
    """Every scoring item of ``policy`` for one customer, in policy order."""
    assessment = doc.get("assessment")
    entered = assessment if isinstance(assessment, dict) else {}
    scores = []
    for item in policy.scoring:
        if item.method == "manual":
            scores.append(_manual(item, entered.get(item.key), policy.rounding))
        elif item.method == "bands":
            scores.append(_banded(item, facts, entered, policy.rounding))
        else:
            scores.append(_relative(item, facts, tops, policy.rounding))
    return scores


def _manual(item: ScoringItem, value: object, places: int) -> ItemScore:
    if type(value) in (int, float):
        points = _rounded_entry(value, item.weight, places)
        if points is not None:
            return ItemScore(item, value, points)
    return ItemScore(item, value, None, _entry_problem(item, value))


def _exact_entry(value: float, weight: float, places: int) -> Decimal | None:
    number = to_decimal(value)
    if not number.is_finite() or number < 0 or number > to_decimal(weight):
        return None
    return round_half_up(number, places)


# Assessors enter few distinct values, so caching the exact decimal work pays off at scale. The
# caches wrap plain functions (rather than decorating them) so that mutation testing reaches the
# functions themselves; tests/conftest.py empties them before every test session.
_rounded_entry = lru_cache(maxsize=65536)(_exact_entry)


def _entry_problem(item: ScoringItem, value: object) -> str:
    label = f"{item.label} ({item.key})"
    if value is None:
        return f"assessment.{item.key} is missing: enter 0–{item.weight:g} points for {label}"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return (
            f"assessment.{item.key} is {value!r}, not a number: enter 0–{item.weight:g} "
            f"points for {label}"
        )
    return (
        f"assessment.{item.key} is {value!r}, outside 0–{item.weight:g} for {label}: "
        "correct the assessment"
    )


def _relative(
    item: ScoringItem, facts: CustomerFacts, tops: Mapping[str, Decimal], places: int
) -> ItemScore:
    key = item.amount_key
    amount = _fact_amount(facts, key)
    if facts.values["lifecycle"] != "established":
        fixed = item.fixed_points(facts.values["lifecycle"])
        return ItemScore(item, float(amount), _fixed_points(fixed, places))
    if item.scale == "rank":
        share = rank_share(amount, _ranking(tops, key))
    else:
        top = tops.get(key, _ZERO)
        if top <= 0:
            return ItemScore(item, float(amount), _fixed_points(0, places))
        share = _share(item.scale, amount, top)
    points = _weight(item.weight) * share
    return ItemScore(item, float(amount), round_half_up(points, places))


def rank_share(amount: Decimal, ranking: tuple[Decimal, ...]) -> Decimal:
    """The share of established customers whose amount is at most ``amount`` (1 for the top,
    the same for equal amounts); 0 for no amount, as on every other scale."""
    if amount <= 0 or not ranking:
        return _ZERO
    return Decimal(bisect_right(ranking, amount)) / len(ranking)


def _ranking(tops: Mapping[str, Decimal], key: str) -> tuple[Decimal, ...]:
    rankings = tops.rankings if isinstance(tops, Tops) else {}
    if key not in rankings:
        # Grading against the tops alone would give every customer wrong points: refuse.
        raise ValueError(f"scale rank on {key} needs every established customer's amount")
    return rankings[key]


def _share(scale: str, amount: Decimal, top: Decimal) -> Decimal:
    """The amount's share of the top on the item's scale: 0 for nothing, 1 for the top."""
    if scale == "sqrt":
        return amount.sqrt() / top.sqrt()
    if scale == "log":
        return (amount + 1).ln() / (top + 1).ln()
    return amount / top


_ZERO = Decimal(0)


def _banded(
    item: ScoringItem, facts: CustomerFacts, entered: Mapping[str, Any], places: int
) -> ItemScore:
    value = _fact_amount(facts, cast(str, item.fact))  # a bands item always names its fact
    # The policy check makes the bands contiguous from 0, so the band is the last one starting
    # at or below the value (facts are never negative).
    band = next(b for b in reversed(item.bands) if value >= _weight(b.min))
    points = _fixed_points(band.points, places)
    if not item.manual_override or entered.get(item.key) is None:
        return ItemScore(item, float(value), points)
    entry = _manual(item, entered[item.key], places)
    if entry.points is None:
        return ItemScore(item, float(value), None, entry.problem)
    return ItemScore(item, float(value), entry.points, None, points)


def _exact_fixed_points(points: float, places: int) -> Decimal:
    return round_half_up(points, places)


_fixed_points = lru_cache(maxsize=256)(_exact_fixed_points)
_weight = lru_cache(maxsize=256)(to_decimal)


def archive_tops(all_facts: list[CustomerFacts], policy: Policy) -> Tops:
    """For each relative_to_max fact, the highest value among established customers; for one
    on the rank scale, also every established customer's value in ascending order."""
    tops: dict[str, Decimal] = {}
    rankings: dict[str, tuple[Decimal, ...]] = {}
    for item in policy.scoring:
        key = item.amount_key
        if item.method != "relative_to_max":
            continue
        if key not in tops:
            tops[key] = max(
                (_fact_amount(f, key) for f in all_facts if f.values["lifecycle"] == "established"),
                default=Decimal(0),
            )
        if item.scale == "rank" and key not in rankings:
            rankings[key] = tuple(
                sorted(
                    _fact_amount(f, key)
                    for f in all_facts
                    if f.values["lifecycle"] == "established"
                )
            )
    return Tops(tops, rankings)


def _fact_amount(facts: CustomerFacts, fact: str) -> Decimal:
    amount = facts.amounts.get(fact)
    return amount if amount is not None else to_decimal(facts.values.get(fact) or 0)


def total_of(scores: list[ItemScore], places: int) -> Decimal:
    """The sum of the rounded item points, rounded half-up."""
    return round_half_up(sum((s.points or Decimal(0) for s in scores), Decimal(0)), places)


def grade_for(total: Decimal, policy: Policy) -> Grade:
    """The first grade whose ``min_score`` is at most ``total``, else the below-lowest grade."""
    for grade in policy.grades:
        if grade.min_score is not None and to_decimal(grade.min_score) <= total:
            return grade
    return policy.below_lowest
