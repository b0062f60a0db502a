"""Why a customer has its grade: per-item breakdown, band, gap, privileges and overrides."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from creditfile.engine.facts import compute_facts
from creditfile.engine.grading import archive_tops_for, grade_customer
from creditfile.engine.numbers import as_number, round_half_up, to_decimal
from creditfile.engine.scoring import Tops
from creditfile.policy.model import Policy, ScoringItem


def explain(
    doc: Mapping[str, Any],
    policy: Policy,
    as_of: date,
    *,
    docs: Sequence[Mapping[str, Any]] | None = None,
    tops: Mapping[str, Decimal] | None = None,
) -> dict[str, Any]:
    """The score breakdown of one customer.

    Args:
        doc: The customer document.
        policy: The checked policy.
        as_of: The date of the grading.
        docs: The whole archive, to find the archive-wide top (or pass ``tops``).
        tops: The archive-wide tops, when already known.

    Returns:
        A plain dict: the grading plus each item's input, points, weight, lost points and
        clause, the grade band and the gap to the next grade up, and the grade's privileges.
    """
    if tops is None:
        tops = archive_tops_for(docs if docs is not None else [doc], policy, as_of)
    facts = compute_facts(doc, as_of, policy.new_customer_months, policy.windows)
    grading = grade_customer(doc, policy, as_of, tops, facts)
    grade = grading["grade"]
    tier = next((t for t in policy.tiers if t.key == grading["tier"]), None)
    return {
        "id": doc.get("id"),
        "name": doc.get("name"),
        "nature": doc.get("nature"),
        "nature_label": policy.nature_label(str(doc.get("nature"))),
        "policy": {"version": policy.version, "sha256": policy.sha256, "name": policy.name},
        "grading": grading,
        "items": [
            _item_row(item, grading, tops, policy, doc.get("assessment")) for item in policy.scoring
        ],
        "band": _band(grading["total"], grade, policy),
        "grade_label": policy.grade_named(grade).label if grade else None,
        "tier_label": tier.label if tier else None,
        "privileges": policy.terms(grade, str(doc.get("nature"))) if grade else {},
        # The nature whose refined terms apply (None: the grade's own terms).
        "terms_nature": _refined(policy, grade, doc.get("nature")),
        "facts": facts.values,
    }


def _refined(policy: Policy, grade: str | None, nature: object) -> str | None:
    refined = policy.nature_privileges.get(grade or "", {})
    return nature if isinstance(nature, str) and nature in refined else None


def _item_row(
    item: ScoringItem,
    grading: Mapping[str, Any],
    tops: Mapping[str, Decimal],
    policy: Policy,
    entered: Any,
) -> dict[str, Any]:
    points = grading["items"].get(item.key)
    lost = (
        None
        if points is None
        else as_number(round_half_up(to_decimal(item.weight) - to_decimal(points), policy.rounding))
    )
    return {
        "key": item.key,
        "label": item.label,
        "method": item.method,
        "weight": item.weight,
        "input": grading["inputs"].get(item.key),
        "points": points,
        "lost": lost,
        "clause": _banded_clause(item, grading, entered)
        if item.method == "bands"
        else _clause(item, tops, grading["lifecycle"]),
        # What a computed item is measured against, so a reader can word the clause itself.
        "top": None
        if item.method == "manual"
        else as_number(tops.get(item.amount_key, Decimal(0))),
        "fact": item.fact,
        "bands": [{"range": b.range_text(), "points": b.points} for b in item.bands],
        "band": _band_of(item, grading),
        "manual_override": item.manual_override,
        "guidance": [{"points": g.points, "text": g.text} for g in item.guidance],
        "guidance_level": _level(item, entered),
        "window_months": item.window_months,
        "scale": item.scale,
        # On the rank scale: how many established customers have at most this amount, of how many.
        **_rank_of(item, grading, tops),
        "new_customer_points": item.new_customer_points,
        "prospective_customer_points": item.prospective_customer_points,
        "lifecycle": grading["lifecycle"],
    }


def _clause(item: ScoringItem, tops: Mapping[str, Decimal], lifecycle: str) -> str:
    if item.method == "manual":
        return f"entered by the assessor, 0–{item.weight:g} points"
    top = tops.get(item.amount_key, Decimal(0))
    fact = str(item.fact)
    if item.window_months is not None:
        fact += f" over the last {item.window_months} months"
    if lifecycle != "established":
        return (
            f"{lifecycle} customer: a fixed {item.fixed_points(lifecycle):g} points "
            f"(established customers get {item.weight:g} × {_scaled(item.scale, fact)} / "
            "the highest)"
        )
    if item.scale == "rank":
        return (
            f"{item.weight:g} × the share of established customers whose {fact} is at most "
            "this customer's"
        )
    if top <= 0:
        return f"no established customer has any {fact}: 0 points"
    shown = _scaled(item.scale, f"{as_number(top):,.2f}")
    return (
        f"{item.weight:g} × {_scaled(item.scale, fact)} / {shown} (the highest among established)"
    )


def _rank_of(
    item: ScoringItem, grading: Mapping[str, Any], tops: Mapping[str, Decimal]
) -> dict[str, int | None]:
    ranking = tops.rankings.get(item.amount_key) if isinstance(tops, Tops) else None
    amount = grading["inputs"].get(item.key)
    if item.scale != "rank" or ranking is None or grading["lifecycle"] != "established":
        return {"at_most": None, "ranked": None}
    at_most = bisect_right(ranking, to_decimal(amount)) if amount and amount > 0 else 0
    return {"at_most": at_most, "ranked": len(ranking)}


def _scaled(scale: str, what: str) -> str:
    return {"sqrt": f"√({what})", "log": f"ln(1 + {what})"}.get(scale, what)


def _level(item: ScoringItem, entered: Any) -> float | None:
    """The points of the guidance level the assessor's entry reaches, if any."""
    entry = entered.get(item.key) if isinstance(entered, Mapping) else None
    level = item.guidance_level(entry)
    return None if level is None else level.points


def _band_of(item: ScoringItem, grading: Mapping[str, Any]) -> dict[str, Any] | None:
    """The band a bands item's value fell in, and the entry that took its place if any."""
    value = grading["inputs"].get(item.key)
    if item.method != "bands" or not isinstance(value, int | float):
        return None
    band = next(b for b in reversed(item.bands) if value >= b.min)
    entry = next((o for o in grading["overrides"] if o.get("item") == item.key), None)
    return {
        "range": band.range_text(),
        "points": band.points,
        "entered": None if entry is None else entry["entered"],
    }


def _banded_clause(item: ScoringItem, grading: Mapping[str, Any], entered: Any) -> str:
    value = grading["inputs"].get(item.key)
    table = "; ".join(f"{b.range_text()} → {b.points:g}" for b in item.bands)
    band = next(b for b in reversed(item.bands) if value >= b.min)
    found = f"{item.fact} {value:,g} → band {band.range_text()}: {band.points:g} points"
    entry = next((o for o in grading["overrides"] if o.get("item") == item.key), None)
    if entry is not None:
        found = f"entered by the assessor: {entry['entered']:g} in place of the bands' ({found})"
    elif item.manual_override:
        found += "; an assessor's entry may take its place"
    elif isinstance(entered, Mapping) and entered.get(item.key) is not None:
        entry = entered[item.key]
        shown = f"{entry:g}" if type(entry) in (int, float) else repr(entry)
        found += f"; the entry {shown} is not used (the policy allows no override)"
    return f"{found} (bands: {table})"


def _band(total: float | None, grade: str | None, policy: Policy) -> dict[str, Any]:
    if total is None or grade is None:
        return {"grade": None, "min_score": None, "next_grade": None, "gap_to_next": None}
    names = [g.name for g in policy.all_grades]
    score_grade = next(
        (
            g
            for g in policy.grades
            if g.min_score is not None and to_decimal(g.min_score) <= to_decimal(total)
        ),
        policy.below_lowest,
    )
    index = names.index(score_grade.name)
    better = policy.all_grades[index - 1] if index > 0 else None
    gap = None
    if better is not None and better.min_score is not None:
        gap = as_number(
            round_half_up(to_decimal(better.min_score) - to_decimal(total), policy.rounding)
        )
    return {
        "grade": score_grade.name,
        "min_score": score_grade.min_score,
        "next_grade": better.name if better else None,
        "next_min_score": better.min_score if better else None,
        "gap_to_next": gap,
    }
