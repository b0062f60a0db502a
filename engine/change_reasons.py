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
from creditfile.policy.errors import N_, Phrase, in_either, phrase, verbatim
from creditfile.policy.fact_catalogue import FACT_NAMES, LIFECYCLE_NAMES
from creditfile.policy.model import Band, Policy, ScoringItem, Tier


class Reason(TypedDict):
    """One reason of one customer.

    Attributes:
        kind: What kind of reason (``entry_above_weight``, ``points``, ``threshold``,
            ``total_crossed``, ``override``, ``tier``…), stable for scripts.
        item: The scoring item concerned, if any.
        text: The reason in English, with this customer's numbers.
        group: The same without this customer's numbers: what the summary counts by.
        said: ``text`` as a phrase's data (``Phrase.as_data``), for a front end to word in
            the language in force.
        group_said: ``group`` as a phrase's data.
    """

    kind: str
    item: str | None
    text: str
    group: str
    said: list[object]
    group_said: list[object]


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
    return reasons or [_reason("other", None, phrase("the grading rules differ"))]


def summarise(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Customers per effect and reason, most customers first within each effect.

    Args:
        rows: Changed customers, each with ``effect`` and ``reasons`` (``change_reasons``).

    Returns:
        ``{"effect", "reason", "kinds", "said", "customers"}`` rows; ``reason`` joins the
        ``group`` of a customer's reasons with ``; `` so that every customer counts exactly
        once, and ``said`` lists their ``group_said`` in the same order.
    """
    counts = ReasonCounts()
    for row in rows:
        counts.add(row)
    return counts.summary()


class ReasonCounts:
    """``summarise`` a customer at a time: what is kept is a count and a wording per reason,
    never the customers' rows (added in the same order, the summary is ``summarise``'s)."""

    def __init__(self) -> None:
        """No customer counted yet."""
        self._counts: Counter[tuple[str, str, tuple[str, ...]]] = Counter()
        self._said: dict[tuple[str, str, tuple[str, ...]], list[list[object]]] = {}

    def add(self, row: Mapping[str, Any]) -> None:
        """Count one changed customer (``effect`` and ``reasons``)."""
        reasons = row["reasons"]
        key = (row["effect"], "; ".join(r["group"] for r in reasons),
               tuple(r["kind"] for r in reasons))  # fmt: skip
        self._counts[key] += 1
        if key not in self._said:
            self._said[key] = [r["group_said"] for r in reasons]

    def summary(self) -> list[dict[str, Any]]:
        """The summary of the customers counted (see ``summarise``)."""
        counts, said = self._counts, self._said
        ordered = sorted(counts.items(), key=lambda kv: (EFFECTS.index(kv[0][0]), -kv[1], kv[0][1]))
        return [
            {"effect": effect, "reason": text, "kinds": list(kinds),
             "said": said[(effect, text, kinds)], "customers": n}
            for (effect, text, kinds), n in ordered
        ]  # fmt: skip


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
        # The grading's own reasons (English sentences a front end words again).
        reasons.extend(
            _reason("rule", None, verbatim(str(text)))
            for text in failing.get("reasons", [])
            if stranded
        )
    return reasons


def _entry_reason(item: ScoringItem, value: Any, other: Policy, stranded: bool) -> Reason:
    label = _label(item)
    before = _item(other, item.key)
    if before is None:
        if stranded:
            said = phrase("new manual item {item} not entered", item=label)
            return _reason("item_added", item.key, said)
        return _reason("item_removed", item.key, phrase("item {item} removed", item=label))
    if isinstance(value, bool) or not isinstance(value, int | float):
        return _reason("entry_missing", item.key, phrase("{item} not entered", item=label))
    if stranded:
        if value > item.weight:
            said = phrase("{item} score above the new weight {weight}", item=label,
                          weight=_number(item.weight))  # fmt: skip
            return _reason("entry_above_weight", item.key, said)
        said = phrase("{item} score outside 0–{weight}", item=label, weight=_number(item.weight))
        return _reason("entry_outside_weight", item.key, said)
    said = phrase(
        "{item} score within the new weight {weight} (was {was})",
        item=label,
        weight=_number(before.weight),
        was=_number(item.weight),
    )
    return _reason("entry_within_weight", item.key, said)


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
        label = _label(known) if known is not None else verbatim(key)
        change = phrase("{item} {old} → {new}", item=label, old=_points(before), new=_points(after))
        causes = _points_causes(old, new, item_old, item_new)
        if old.get("lifecycle") != new.get("lifecycle"):
            months = (old_policy.new_customer_months, new_policy.new_customer_months)
            if months[0] != months[1] and causes:
                causes[-1] = phrase(
                    "{cause}: new customers {old} → {new} months",
                    cause=causes[-1],
                    old=months[0],
                    new=months[1],
                )
        rise = before is None or (after is not None and after > before)
        group = (
            phrase("{item} points rise", item=label)
            if rise
            else phrase("{item} points fall", item=label)
        )
        # A bands item says which band: with the customer's value, and grouped by band alone.
        grouped = list(causes)
        if item_new is not None and item_new.method == "bands":
            causes.append(_band_cause(new, item_new, True))
            grouped.append(_band_cause(new, item_new, False))
        reasons.append(
            _reason(
                "points",
                key,
                _with_causes(change, causes),
                _with_causes(group, grouped),
            )
        )
    return reasons


def _with_causes(said: Phrase, causes: Sequence[Phrase]) -> Phrase:
    if not causes:
        return said
    listed = causes[0]
    for cause in causes[1:]:
        listed = phrase("{causes}, {cause}", causes=listed, cause=cause)
    return phrase("{change} ({causes})", change=said, causes=listed)


def _points_causes(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    before: ScoringItem | None,
    after: ScoringItem | None,
) -> list[Phrase]:
    if before is None:
        return [phrase("new item")]
    if after is None:
        return [phrase("item removed")]
    causes = []
    if before.weight != after.weight:
        causes.append(phrase("weight {old} → {new}", old=_number(before.weight),
                             new=_number(after.weight)))  # fmt: skip
    if old.get("lifecycle") != new.get("lifecycle"):
        causes.append(phrase("now {now}, was {was}", now=_lifecycle(new.get("lifecycle")),
                             was=_lifecycle(old.get("lifecycle"))))  # fmt: skip
    if after.method == "relative_to_max":
        if before.window_months != after.window_months:
            causes.append(phrase("window {old} → {new}", old=_months(before.window_months),
                                 new=_months(after.window_months)))  # fmt: skip
        if before.scale != after.scale:
            causes.append(phrase("scale {old} → {new}", old=before.scale, new=after.scale))
        top_old = old.get("tops", {}).get(before.amount_key)
        top_new = new.get("tops", {}).get(after.amount_key)
        if top_old != top_new and new.get("lifecycle") == "established":
            causes.append(phrase("archive-wide top {old} → {new}", old=_money(top_old),
                                 new=_money(top_new)))  # fmt: skip
        not_established = "established" not in (old.get("lifecycle"), new.get("lifecycle"))
        lifecycle = str(new.get("lifecycle"))
        if before.fixed_points(lifecycle) != after.fixed_points(lifecycle) and not_established:
            template = (
                N_("prospective-customer points {old} → {new}")
                if lifecycle == "prospective"
                else N_("new-customer points {old} → {new}")
            )
            causes.append(
                phrase(
                    template,
                    old=_points(before.fixed_points(lifecycle)),
                    new=_points(after.fixed_points(lifecycle)),
                )
            )
    if before.method != after.method:
        causes.append(phrase("method {old} → {new}", old=before.method, new=after.method))
    return causes


def _band_cause(grading: Mapping[str, Any], item: ScoringItem, with_value: bool) -> Phrase:
    """Why a bands item has its points: the entry that took their place, or the band."""
    entry = next((o for o in grading.get("overrides", []) if o.get("item") == item.key), None)
    if entry is not None:
        if with_value:
            return phrase("{entered} entered in place of the bands' {computed}",
                          entered=_points(entry["entered"]),
                          computed=_points(entry["computed"]))  # fmt: skip
        return phrase("entered in place of the bands")
    fact = _fact(item.fact)
    value = grading.get("inputs", {}).get(item.key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return phrase("bands of {fact}", fact=fact)
    band = next((b for b in reversed(item.bands) if value >= b.min), item.bands[0])
    if with_value:
        shown = f"{value:,g}"
        return phrase("{fact} {value} → band {band}: {points}", fact=fact, value=shown,
                      band=_band(band), points=_number(band.points))  # fmt: skip
    return phrase("{fact} → band {band}: {points}", fact=fact, band=_band(band),
                  points=_number(band.points))  # fmt: skip


def _threshold_reason(
    total: Decimal, old_policy: Policy, new_policy: Policy, old_band: str, new_band: str
) -> Reason:
    """The grade boundary that moved across ``total``."""
    went_down = _rank(new_policy, new_band) > _rank(new_policy, old_band)
    name = old_band if went_down else new_band
    was, now = _min_score(old_policy, name), _min_score(new_policy, name)
    if now is None:
        said = phrase("grade {grade} removed; total {total} is {now}", grade=name,
                      total=_points(total), now=new_band)  # fmt: skip
    elif was is None:
        said = phrase("new grade {grade} from {score}; total {total}", grade=name,
                      score=_number(now), total=_points(total))  # fmt: skip
    else:
        group = phrase("{grade} threshold {old} → {new}", grade=name, old=_number(was),
                       new=_number(now))  # fmt: skip
        said = phrase("{threshold} crossed by total {total}", threshold=group,
                      total=_points(total))  # fmt: skip
        return _reason("threshold", None, said, group)
    return _reason("threshold", None, said)


def _crossing(old_total: Decimal, new_total: Decimal, policy: Policy, band: str) -> Reason:
    """The total itself crossed a boundary that did not move."""
    up = new_total > old_total
    name = band if up else _next_better(policy, band)
    bound = _min_score(policy, name) if name else None
    totals = {"old": _points(old_total), "new": _points(new_total)}
    if bound is None:
        said = phrase("total {old} → {new} crosses a threshold", **totals)
        return _reason("total_crossed", None, said, phrase("total crosses a threshold"))
    at = {"grade": name, "score": _number(bound)}
    said = phrase("total {old} → {new} crosses the {grade} threshold {score}", **totals, **at)
    return _reason(
        "total_crossed", None, said, phrase("total crosses the {grade} threshold {score}", **at)
    )


def _override_reasons(
    old: Mapping[str, Any], new: Mapping[str, Any], policy: Policy
) -> list[Reason]:
    before = {o["id"]: o for o in old.get("overrides", []) if "cap_grade" in o}
    after = {o["id"]: o for o in new.get("overrides", []) if "cap_grade" in o}
    rules = {rule.id: rule for rule in policy.overrides}
    reasons = []
    for rule_id, record in after.items():
        if record.get("from") != record.get("to") and (
            rule_id not in before or before[rule_id].get("to") != record.get("to")
        ):
            written = str(record.get("reason", ""))
            rule = rules.get(rule_id)
            why = in_either(written, rule.reason_en or written) if rule else verbatim(written)
            said = phrase("override {id} now caps the grade at {grade}: {reason}", id=rule_id,
                          grade=record["cap_grade"], reason=why)  # fmt: skip
            reasons.append(_reason("override", None, said))
    for rule_id, record in before.items():
        if record.get("from") != record.get("to") and rule_id not in after:
            said = phrase("override {id} no longer caps the grade", id=rule_id)
            reasons.append(_reason("override", None, said))
    return reasons


def _tier_reasons(
    old: Mapping[str, Any], new: Mapping[str, Any], old_policy: Policy, new_policy: Policy
) -> list[Reason]:
    key = new.get("tier")
    tier = next((t for t in new_policy.tiers if t.key == key), None)
    was = next((t for t in old_policy.tiers if t.key == old.get("tier")), None)
    said = phrase(
        "tier now {tier} (was {was})",
        tier=_label(tier) if tier else verbatim(str(key)),
        was=_label(was) if was else verbatim(str(old.get("tier"))),
    )
    if tier is not None:
        before = next((t for t in old_policy.tiers if t.key == tier.key), None)
        if before is None:
            said = phrase("{change}: new tier {key}", change=said, key=tier.key)
        elif before.when != tier.when:
            condition = verbatim(tier.when) if tier.when else phrase("always")
            said = phrase("{change}: its condition is now `{condition}`", change=said,
                          condition=condition)  # fmt: skip
    return [_reason("tier", None, said)]


# Small helpers ------------------------------------------------------------------------------


def _reason(kind: str, item: str | None, said: Phrase, group: Phrase | None = None) -> Reason:
    grouped = said if group is None else group
    return {
        "kind": kind,
        "item": item,
        "text": str(said),
        "group": str(grouped),
        "said": said.as_data(),
        "group_said": grouped.as_data(),
    }


def _label(named: ScoringItem | Tier) -> Phrase:
    """A scoring item's or a tier's label in the reader's language, as the policy gives it."""
    return in_either(named.label, named.label_en or named.label)


def _lifecycle(value: object) -> Phrase:
    name = LIFECYCLE_NAMES.get(str(value))
    return Phrase(name) if name else verbatim(str(value))


def _fact(name: str | None) -> Phrase:
    words = FACT_NAMES.get(str(name))
    return Phrase(words) if words else verbatim(str(name))


def _band(band: Band) -> Phrase:
    """A band's range in words: ``0``, ``1–30``, ``500,000 to below 1,000,000``, ``91 and
    over``."""
    if band.max is not None:
        return verbatim(band.range_text())
    if band.below is not None:
        low, high = f"{band.min:,g}", f"{band.below:,g}"
        return phrase("{low} to below {high}", low=low, high=high)
    low = f"{band.min:,g}"
    return phrase("{low} and over", low=low)


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


def _number(value: Any) -> str:
    """A weight, a threshold or points as the policy writes them: ``15``, ``12.5``."""
    return f"{float(value):g}"


def _points(value: Any) -> str:
    return "—" if value is None else _number(value)


def _months(window: int | None) -> Phrase:
    if window is None:
        return phrase("all leases")
    return phrase("last {months} months", months=window)


def _money(value: Any) -> str:
    return "—" if value is None else f"{float(value):,.0f}"
