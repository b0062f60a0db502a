"""Why a customer's grading differs between two policies, in words compliance can check.

Given one customer's grading under the old and under the new policy (``grading.grade_customer``
output: items, inputs, total, lifecycle, tops, overrides, tier), the reasons name what moved:
the manual entry now outside its item's weight, the item whose points changed and why (weight,
archive-wide top, lifecycle, new-customer points), the grade threshold crossed, the override or
tier that now holds. Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, TypedDict

from creditfile.engine.numbers import to_decimal
from creditfile.engine.scoring import grade_for
from creditfile.policy.model import Policy, ScoringItem


class Reason(TypedDict):
    """One reason of one customer.

    Attributes:
        kind: What kind of reason (``entry_above_weight``, ``points``, ``threshold``,
            ``total_crossed``, ``override``, ``tier``…), stable for scripts.
        item: The scoring item concerned, if any.
        text: The reason in words, with this customer's numbers.
        group: The same without this customer's numbers: what the summary counts by.
    """

    kind: str
    item: str | None
    text: str
    group: str


EFFECTS = ("become ungraded", "become graded", "move down", "move up", "change tier")
"""The effects a summary groups by, in the order it lists them."""


def effect_of(old: Mapping[str, Any], new: Mapping[str, Any], policy: Policy) -> str | None:
    """What happens to the customer: one of ``EFFECTS``, or None when its grading holds."""
    before, after = old.get("grade"), new.get("grade")
    if before != after:
        if after is None:
            return "become ungraded"
        if before is None:
            return "become graded"
        return "move down" if _rank(policy, after) > _rank(policy, before) else "move up"
    if old.get("tier") != new.get("tier"):
        return "change tier"
    return None


def change_reasons(
    old: Mapping[str, Any], new: Mapping[str, Any], old_policy: Policy, new_policy: Policy
) -> list[Reason]:
    """Why one customer's grading changes from ``old`` (under ``old_policy``) to ``new``.

    Args:
        old: The customer's grading under the old policy.
        new: Its grading under the new policy, at the same as-of date.
        old_policy: The policy compared from.
        new_policy: The policy compared to.

    Returns:
        The reasons, most decisive first; empty when neither the grade nor the tier changes.
    """
    effect = effect_of(old, new, new_policy)
    if effect is None:
        return []
    if effect == "change tier":
        return _tier_reasons(old, new, old_policy, new_policy)
    if effect in ("become ungraded", "become graded"):
        reasons = _entry_reasons(old, new, old_policy, new_policy, effect)
    else:
        reasons = _graded_reasons(old, new, old_policy, new_policy)
    return reasons or [_reason("other", None, "the grading rules differ")]


def summarise(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Customers per effect and reason, most customers first within each effect.

    Args:
        rows: Changed customers, each with ``effect`` and ``reasons`` (``change_reasons``).

    Returns:
        ``{"effect", "reason", "kinds", "customers"}`` rows; ``reason`` joins the ``group``
        of a customer's reasons with ``; `` so that every customer counts exactly once.
    """
    counts: Counter[tuple[str, str, tuple[str, ...]]] = Counter()
    for row in rows:
        reasons = row["reasons"]
        text = "; ".join(r["group"] for r in reasons)
        counts[(row["effect"], text, tuple(r["kind"] for r in reasons))] += 1
    ordered = sorted(counts.items(), key=lambda kv: (EFFECTS.index(kv[0][0]), -kv[1], kv[0][1]))
    return [
        {"effect": effect, "reason": text, "kinds": list(kinds), "customers": n}
        for (effect, text, kinds), n in ordered
    ]


# Ungraded ↔ graded: the manual entries ------------------------------------------------------


def _entry_reasons(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    old_policy: Policy,
    new_policy: Policy,
    effect: str,
) -> list[Reason]:
    stranded = effect == "become ungraded"
    policy, other = (new_policy, old_policy) if stranded else (old_policy, new_policy)
    failing, passing = (new, old) if stranded else (old, new)
    reasons = []
    for item in policy.entered_items:
        if failing["items"].get(item.key) is not None:
            continue
        if passing["items"].get(item.key) is None and item.key in passing["items"]:
            continue  # failing under both policies: not what changed
        reasons.append(_entry_reason(item, failing["inputs"].get(item.key), other, stranded))
    if not reasons:
        reasons.extend(
            _reason("rule", None, text) for text in failing.get("reasons", []) if stranded
        )
    return reasons


def _entry_reason(item: ScoringItem, value: Any, other: Policy, stranded: bool) -> Reason:
    label = item.label
    before = _item(other, item.key)
    if before is None:
        text = f"new manual item {label} not entered" if stranded else f"item {label} removed"
        return _reason("item_added" if stranded else "item_removed", item.key, text)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return _reason("entry_missing", item.key, f"{label} not entered")
    if stranded:
        if value > item.weight:
            text = f"{label} score above the new weight {item.weight:g}"
            return _reason("entry_above_weight", item.key, text)
        return _reason("entry_outside_weight", item.key, f"{label} score outside 0–{item.weight:g}")
    text = f"{label} score within the new weight {before.weight:g} (was {item.weight:g})"
    return _reason("entry_within_weight", item.key, text)


# Both graded: points, thresholds, overrides --------------------------------------------------


def _graded_reasons(
    old: Mapping[str, Any], new: Mapping[str, Any], old_policy: Policy, new_policy: Policy
) -> list[Reason]:
    old_total, new_total = to_decimal(old["total"]), to_decimal(new["total"])
    reasons = [] if old_total == new_total else _points_reasons(old, new, old_policy, new_policy)
    old_band = grade_for(new_total, old_policy).name
    new_band = grade_for(new_total, new_policy).name
    if old_band != new_band:
        reasons.append(_threshold_reason(new_total, old_policy, new_policy, old_band, new_band))
    elif old_total != new_total and _base(old) != _base(new):
        reasons.append(_crossing(old_total, new_total, new_policy, _base(new)))
    reasons.extend(_override_reasons(old, new, new_policy))
    return reasons


def _points_reasons(
    old: Mapping[str, Any], new: Mapping[str, Any], old_policy: Policy, new_policy: Policy
) -> list[Reason]:
    reasons = []
    for key in dict.fromkeys([*old["items"], *new["items"]]):
        before, after = old["items"].get(key), new["items"].get(key)
        if before == after:
            continue
        item_old, item_new = _item(old_policy, key), _item(new_policy, key)
        known = item_new or item_old
        label = known.label if known is not None else key
        change = f"{label} {_points(before)} → {_points(after)}"
        cause = _points_cause(old, new, item_old, item_new)
        if old.get("lifecycle") != new.get("lifecycle"):
            months = (old_policy.new_customer_months, new_policy.new_customer_months)
            if months[0] != months[1]:
                cause += f": new customers {months[0]} → {months[1]} months"
        rise = before is None or (after is not None and after > before)
        group = f"{label} points {'rise' if rise else 'fall'}"
        # A bands item says which band: with the customer's value, and grouped by band alone.
        grouped = cause
        if item_new is not None and item_new.method == "bands":
            cause = ", ".join(filter(None, (cause, _band_cause(new, item_new, True))))
            grouped = ", ".join(filter(None, (grouped, _band_cause(new, item_new, False))))
        reasons.append(
            _reason(
                "points",
                key,
                f"{change} ({cause})" if cause else change,
                f"{group} ({grouped})" if grouped else group,
            )
        )
    return reasons


def _points_cause(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    before: ScoringItem | None,
    after: ScoringItem | None,
) -> str:
    if before is None:
        return "new item"
    if after is None:
        return "item removed"
    causes = []
    if before.weight != after.weight:
        causes.append(f"weight {before.weight:g} → {after.weight:g}")
    if old.get("lifecycle") != new.get("lifecycle"):
        causes.append(f"now {new.get('lifecycle')}, was {old.get('lifecycle')}")
    if after.method == "relative_to_max":
        if before.window_months != after.window_months:
            causes.append(
                f"window {_months(before.window_months)} → {_months(after.window_months)}"
            )
        if before.scale != after.scale:
            causes.append(f"scale {before.scale} → {after.scale}")
        top_old = old.get("tops", {}).get(before.amount_key)
        top_new = new.get("tops", {}).get(after.amount_key)
        if top_old != top_new and new.get("lifecycle") == "established":
            causes.append(f"archive-wide top {_money(top_old)} → {_money(top_new)}")
        not_established = "established" not in (old.get("lifecycle"), new.get("lifecycle"))
        lifecycle = str(new.get("lifecycle"))
        if before.fixed_points(lifecycle) != after.fixed_points(lifecycle) and not_established:
            whose = "prospective" if lifecycle == "prospective" else "new"
            causes.append(
                f"{whose}-customer points {_points(before.fixed_points(lifecycle))} → "
                f"{_points(after.fixed_points(lifecycle))}"
            )
    if before.method != after.method:
        causes.append(f"method {before.method} → {after.method}")
    return ", ".join(causes)


def _band_cause(grading: Mapping[str, Any], item: ScoringItem, with_value: bool) -> str:
    """Why a bands item has its points: the entry that took their place, or the band."""
    entry = next((o for o in grading.get("overrides", []) if o.get("item") == item.key), None)
    if entry is not None:
        entered, computed = _points(entry["entered"]), _points(entry["computed"])
        if with_value:
            return f"{entered} entered in place of the bands' {computed}"
        return "entered in place of the bands"
    value = grading.get("inputs", {}).get(item.key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"bands of {item.fact}"
    band = next((b for b in reversed(item.bands) if value >= b.min), item.bands[0])
    shown = f" {value:,g}" if with_value else ""
    return f"{item.fact}{shown} → band {band.range_text()}: {band.points:g}"


def _threshold_reason(
    total: Decimal, old_policy: Policy, new_policy: Policy, old_band: str, new_band: str
) -> Reason:
    """The grade boundary that moved across ``total``."""
    went_down = _rank(new_policy, new_band) > _rank(new_policy, old_band)
    name = old_band if went_down else new_band
    was, now = _min_score(old_policy, name), _min_score(new_policy, name)
    if now is None:
        text = f"grade {name} removed; total {_points(total)} is {new_band}"
    elif was is None:
        text = f"new grade {name} from {now:g}; total {_points(total)}"
    else:
        group = f"{name} threshold {was:g} → {now:g}"
        return _reason("threshold", None, f"{group} crossed by total {_points(total)}", group)
    return _reason("threshold", None, text)


def _crossing(old_total: Decimal, new_total: Decimal, policy: Policy, band: str) -> Reason:
    """The total itself crossed a boundary that did not move."""
    up = new_total > old_total
    name = band if up else _next_better(policy, band)
    bound = _min_score(policy, name) if name else None
    where = f" the {name} threshold {bound:g}" if bound is not None else " a threshold"
    text = f"total {_points(old_total)} → {_points(new_total)} crosses{where}"
    return _reason("total_crossed", None, text, f"total crosses{where}")


def _override_reasons(
    old: Mapping[str, Any], new: Mapping[str, Any], policy: Policy
) -> list[Reason]:
    before = {o["id"]: o for o in old.get("overrides", []) if "cap_grade" in o}
    after = {o["id"]: o for o in new.get("overrides", []) if "cap_grade" in o}
    reasons = []
    for rule_id, record in after.items():
        if record.get("from") != record.get("to") and (
            rule_id not in before or before[rule_id].get("to") != record.get("to")
        ):
            text = f"override {rule_id} now caps the grade at {record['cap_grade']}"
            reasons.append(_reason("override", None, f"{text}: {record.get('reason', '')}"))
    for rule_id, record in before.items():
        if record.get("from") != record.get("to") and rule_id not in after:
            reasons.append(
                _reason("override", None, f"override {rule_id} no longer caps the grade")
            )
    return reasons


def _tier_reasons(
    old: Mapping[str, Any], new: Mapping[str, Any], old_policy: Policy, new_policy: Policy
) -> list[Reason]:
    key = new.get("tier")
    tier = next((t for t in new_policy.tiers if t.key == key), None)
    label = tier.label if tier else str(key)
    was = next((t for t in old_policy.tiers if t.key == old.get("tier")), None)
    text = f"tier now {label} (was {was.label if was else old.get('tier')})"
    if tier is not None:
        before = next((t for t in old_policy.tiers if t.key == tier.key), None)
        if before is None:
            text += f": new tier {tier.key}"
        elif before.when != tier.when:
            text += f": its condition is now `{tier.when or 'always'}`"
    return [_reason("tier", None, text)]


# Small helpers ------------------------------------------------------------------------------


def _reason(kind: str, item: str | None, text: str, group: str | None = None) -> Reason:
    return {"kind": kind, "item": item, "text": text, "group": text if group is None else group}


def _item(policy: Policy, key: str) -> ScoringItem | None:
    return next((i for i in policy.scoring if i.key == key), None)


def _rank(policy: Policy, grade: str) -> int:
    names = [g.name for g in policy.all_grades]
    return names.index(grade) if grade in names else len(names)


def _base(grading: Mapping[str, Any]) -> Any:
    """The grade before any cap: the ``from`` of the first capping override, else the grade."""
    for record in grading.get("overrides", []):
        if "cap_grade" in record:
            return record.get("from")
    return grading.get("grade")


def _min_score(policy: Policy, name: str | None) -> float | None:
    grade = next((g for g in policy.grades if g.name == name), None)
    return None if grade is None else grade.min_score


def _next_better(policy: Policy, name: str) -> str | None:
    names: Sequence[str] = [g.name for g in policy.all_grades]
    index = names.index(name) if name in names else len(names)
    return names[index - 1] if index > 0 else None


def _points(value: Any) -> str:
    if value is None:
        return "—"
    return f"{float(value):g}"


def _months(window: int | None) -> str:
    return "all leases" if window is None else f"last {window} months"


def _money(value: Any) -> str:
    return "—" if value is None else f"{float(value):,.0f}"
