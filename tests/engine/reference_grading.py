"""An independent, deliberately plain reading of SPEC §5, used to check the engine.

It reads the policy as plain data (the parsed YAML), computes every documented fact itself with
exact fractions, evaluates conditions with the rule-engine library directly (not through the
project's compiled, memoised conditions), and returns whole gradings in the engine's shape. The
only difference is ``reasons``: each is a short signature ``(kind, subject)`` rather than text, and
``engine_reason_signature`` reads the engine's sentences into the same form.

To teach it a new scoring method, add a function to ``SCORING_METHODS``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Any

import rule_engine

Signature = tuple[str, str]


def half_up(x: Fraction, places: int) -> Fraction:
    scale = 10**places
    return Fraction(math.floor(x * scale + Fraction(1, 2)), scale)


def exact(v: Any) -> Fraction:
    return Fraction(str(v))


def is_number(v: Any) -> bool:
    return type(v) in (int, float) and math.isfinite(v)


def parse_day(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def months_between(a: date, b: date) -> int:
    m = (b.year * 12 + b.month) - (a.year * 12 + a.month)
    return m - 1 if b.day < a.day else m


def money(v: Any) -> Fraction:
    return exact(v) if is_number(v) and v > 0 else Fraction(0)


def leases(doc: dict[str, Any]) -> list[dict[str, Any]]:
    found = doc.get("leases")
    return [x for x in found if isinstance(x, dict)] if isinstance(found, list) else []


def sources(doc: dict[str, Any]) -> list[dict[str, Any]]:
    found = doc.get("sources")
    return [x for x in found if isinstance(x, dict)] if isinstance(found, list) else []


def facts(doc: dict[str, Any], as_of: date, new_months: int) -> dict[str, Any]:
    """Every documented fact, numbers as exact fractions (None where the fact is null)."""
    every = leases(doc)
    counted = [x for x in every if x.get("status") != "cancelled"]
    profile = doc.get("profile")
    first = parse_day(profile.get("trading_since")) if isinstance(profile, dict) else None
    if first is None:
        starts = [d for d in (parse_day(x.get("start")) for x in counted) if d is not None]
        first = min(starts) if starts else None
    months = None if first is None else months_between(first, as_of)
    life = "prospective"
    if months is not None:
        life = "new" if months < new_months else "established"
    statuses = [x.get("status") for x in every]
    stage = "current" if "active" in statuses else "past" if "closed" in statuses else "upcoming"
    assessment = doc.get("assessment")
    assessed = parse_day(assessment.get("assessed_on")) if isinstance(assessment, dict) else None
    agency = [
        d
        for d in (
            parse_day(s.get("on")) for s in sources(doc) if s.get("kind") == "agency_investigation"
        )
        if d is not None
    ]
    owed = [x for x in counted if money(x.get("outstanding")) > 0]
    overdue = [
        math.floor(x["overdue_days"])
        for x in owed
        if is_number(x.get("overdue_days")) and x["overdue_days"] >= 1
    ]
    nature = doc.get("nature")
    return {
        "cumulative_lease_amount": sum((money(x.get("amount")) for x in counted), Fraction(0)),
        "lease_count": Fraction(len(counted)),
        "active_lease_count": Fraction(sum(1 for x in counted if x.get("status") == "active")),
        "months_since_first_trade": None if months is None else Fraction(months),
        "lifecycle": life,
        "stage": stage,
        "nature": nature if isinstance(nature, str) else "",
        "unverified_customer_form": any(
            s.get("kind") == "customer_form" and s.get("verified") is False for s in sources(doc)
        ),
        "days_since_assessment": None if assessed is None else Fraction((as_of - assessed).days),
        "days_since_agency_report": Fraction((as_of - max(agency)).days) if agency else None,
        "outstanding_amount": sum((money(x.get("outstanding")) for x in counted), Fraction(0)),
        "max_overdue_days": Fraction(max(overdue, default=0)),
        "_first_trade": first,
        "_counted": counted,
        "_as_of": as_of,
    }


def condition_values(f: dict[str, Any]) -> dict[str, Any]:
    return {
        k: float(v) if isinstance(v, Fraction) else v for k, v in f.items() if not k.startswith("_")
    }


def holds(text: str, values: dict[str, Any]) -> bool | None:
    """The condition's truth, or None when it cannot be evaluated on these values."""
    try:
        return bool(rule_engine.Rule(text).matches(values))
    except rule_engine.EngineError:
        return None


# --- scoring methods: (item, facts, context) -> (input, points or None, reason or None) ---


def _manual(item: dict[str, Any], f: dict[str, Any], ctx: dict[str, Any]) -> tuple[Any, Any, Any]:
    assessment = ctx["doc"].get("assessment")
    v = assessment.get(item["key"]) if isinstance(assessment, dict) else None
    if v is None:
        return v, None, ("missing", item["key"])
    if type(v) not in (int, float):
        return v, None, ("not_a_number", item["key"])
    if not math.isfinite(v) or not 0 <= exact(v) <= exact(item["weight"]):
        return v, None, ("out_of_range", item["key"])
    return v, half_up(exact(v), ctx["places"]), None


def amount_key(item: dict[str, Any]) -> str:
    months = item.get("window_months")
    return item["fact"] if months is None else f"{item['fact']}_last_{months}_months"


def amount_of(item: dict[str, Any], f: dict[str, Any]) -> Fraction:
    """The item's fact, or over a window: the leases started less than N whole months before
    the as-of date and not after it."""
    months = item.get("window_months")
    if months is None:
        return f[item["fact"]] or Fraction(0)
    as_of = f["_as_of"]
    total = Fraction(0)
    for lease in f["_counted"]:
        start = parse_day(lease.get("start"))
        if start is not None and start <= as_of and months_between(start, as_of) < months:
            total += money(lease.get("amount"))
    return total


def _decimal(x: Fraction) -> Decimal:
    return Decimal(x.numerator) / Decimal(x.denominator)


def share(scale: str, amount: Fraction, top: Fraction) -> Fraction:
    """amount's share of top on the scale, worked in 60 digits (the engine works in 28)."""
    if scale == "linear":
        return amount / top
    if scale == "sqrt":
        # A ratio of two squares has a rational root, kept exact: cut to 40 places, √(1/9,000,000)
        # = 1/3000 came out a hair under, and 15 × it, exactly 0.005, rounded down, not up.
        ratio = amount / top
        root, rest = math.isqrt(ratio.numerator), math.isqrt(ratio.denominator)
        if root * root == ratio.numerator and rest * rest == ratio.denominator:
            return Fraction(root, rest)
    with localcontext() as ctx:
        ctx.prec = 60
        if scale == "sqrt":
            value = (_decimal(amount) / _decimal(top)).sqrt()
        else:
            value = (_decimal(amount) + 1).ln() / (_decimal(top) + 1).ln()
        return Fraction(value.quantize(Decimal(10) ** -40))


def _relative(item: dict[str, Any], f: dict[str, Any], ctx: dict[str, Any]) -> tuple[Any, Any, Any]:
    amount = amount_of(item, f)
    top = ctx["tops"][amount_key(item)]
    prospective = item.get("prospective_customer_points")
    if f["lifecycle"] == "prospective" and prospective is not None:
        points = exact(prospective)
    elif f["lifecycle"] != "established":
        points = exact(item.get("new_customer_points") or 0)
    elif item.get("scale") == "rank":
        # rank: the share of established customers with at most this amount; none for none.
        others = ctx["established"][amount_key(item)]
        at_most = sum(1 for other in others if other <= amount) if amount > 0 else 0
        points = exact(item["weight"]) * Fraction(at_most, len(others)) if others else Fraction(0)
    elif top <= 0:
        points = Fraction(0)
    else:
        points = exact(item["weight"]) * share(item.get("scale", "linear"), amount, top)
    return float(amount), half_up(points, ctx["places"]), None


def _in_range(band: dict[str, Any], value: Fraction) -> bool:
    """The band's own words: min ≤ value, and value ≤ max or value < below (none: no end)."""
    if value < exact(band["min"]):
        return False
    if "max" in band:
        return value <= exact(band["max"])
    if "below" in band:
        return value < exact(band["below"])
    return True


def _bands(item: dict[str, Any], f: dict[str, Any], ctx: dict[str, Any]) -> tuple[Any, Any, Any]:
    value = f[item["fact"]]
    matching = [band for band in item["bands"] if _in_range(band, value)]
    assert len(matching) == 1, (item, value)  # a checked policy has no gap and no overlap
    computed = half_up(exact(matching[0]["points"]), ctx["places"])
    assessment = ctx["doc"].get("assessment")
    entry = assessment.get(item["key"]) if isinstance(assessment, dict) else None
    if not item.get("manual_override") or entry is None:
        return float(value), computed, None
    _, points, reason = _manual(item, f, ctx)
    if reason:
        return float(value), None, reason
    ctx["entered"].append(
        {
            "id": f"entered:{item['key']}",
            "reason": f"{item['label']}: {float(points):g} points entered by the assessor in "
            f"place of the bands' {float(computed):g}",
            "item": item["key"],
            "entered": float(points),
            "computed": float(computed),
        }
    )
    return float(value), points, None


SCORING_METHODS: dict[str, Callable[..., tuple[Any, Any, Any]]] = {
    "manual": _manual,
    "relative_to_max": _relative,
    "bands": _bands,
}


def reference(
    docs: list[dict[str, Any]], pol: dict[str, Any], as_of: date, sha256: str = ""
) -> dict[str, dict[str, Any]]:
    """{id: grading} under a policy given as plain data, reasons as signatures."""
    months = pol["lifecycle"]["new_customer_months"]
    every = {id(d): facts(d, as_of, months) for d in docs}
    tops: dict[str, Fraction] = {}
    established: dict[str, list[Fraction]] = {}
    for item in pol["scoring"]:
        if item["method"] == "relative_to_max":
            amounts = [
                amount_of(item, f) for f in every.values() if f["lifecycle"] == "established"
            ]
            tops[amount_key(item)] = max(amounts, default=Fraction(0))
            established[amount_key(item)] = amounts
    return {
        str(d.get("id")): _grade_one(d, every[id(d)], pol, as_of, tops, sha256, established)
        for d in docs
    }


def _grade_one(
    doc: dict[str, Any],
    f: dict[str, Any],
    pol: dict[str, Any],
    as_of: date,
    tops: dict[str, Fraction],
    sha256: str,
    established: dict[str, list[Fraction]],
) -> dict[str, Any]:
    places = pol["rounding"]
    ctx: dict[str, Any] = {
        "doc": doc,
        "places": places,
        "tops": tops,
        "entered": [],
        "established": established,
    }
    items, inputs, reasons = {}, {}, []
    points = []
    for item in pol["scoring"]:
        given, p, reason = SCORING_METHODS[item["method"]](item, f, ctx)
        inputs[item["key"]] = given
        items[item["key"]] = None if p is None else float(p)
        if reason:
            reasons.append(reason)
        else:
            points.append(p)
    graded = not reasons
    first = f["_first_trade"]
    if first is not None and first > as_of:
        reasons.append(("first_trade_after_as_of", first.isoformat()))
    grading: dict[str, Any] = {
        "status": "graded" if graded else "ungraded",
        "grade": None,
        "total": None,
        "as_of": as_of.isoformat(),
        "items": items,
        "inputs": inputs,
        "lifecycle": f["lifecycle"],
        "stage": f["stage"],
        "tier": None,
        "overrides": ctx["entered"],
        "flags": [],
        "reasons": reasons,
        "tops": {fact: float(top) for fact, top in tops.items()},
        "policy": {"version": pol["policy_version"], "sha256": sha256},
    }
    if graded:
        total = half_up(sum(points, Fraction(0)), places)
        grading["total"] = float(total)
        grading["grade"] = next(
            (g["name"] for g in pol["grades"] if exact(g["min_score"]) <= total),
            pol["below_lowest"]["name"],
        )
        _overrides(grading, f, pol, total)
    grading["tier"] = _tier(f, pol, reasons)
    return grading


def _overrides(
    grading: dict[str, Any], f: dict[str, Any], pol: dict[str, Any], total: Fraction
) -> None:
    order = [g["name"] for g in pol["grades"]] + [pol["below_lowest"]["name"]]
    for rule in pol.get("overrides") or []:
        terms = dict(pol["privileges"].get(grading["grade"]) or {})
        terms.update((terms.pop("by_nature", None) or {}).get(f["nature"]) or {})
        limit = terms.get("credit_limit")
        values = condition_values(f)
        values["total_score"] = float(total)
        values["grade"] = grading["grade"]
        values["credit_utilisation"] = (
            float(f["outstanding_amount"]) / limit if is_number(limit) and limit > 0 else None
        )
        truth = holds(rule["when"], values)
        if truth is None:
            grading["reasons"].append(("override_failed", rule["id"]))
            continue
        if not truth:
            continue
        record: dict[str, Any] = {"id": rule["id"], "reason": rule["reason"]}
        if "cap_grade" in rule:
            before = grading["grade"]
            after = max(before, rule["cap_grade"], key=order.index)
            grading["grade"] = after
            record.update({"cap_grade": rule["cap_grade"], "from": before, "to": after})
        if "flag" in rule:
            record["flag"] = rule["flag"]
            if rule["flag"] not in grading["flags"]:
                grading["flags"].append(rule["flag"])
        grading["overrides"].append(record)


def _tier(f: dict[str, Any], pol: dict[str, Any], reasons: list[Signature]) -> str | None:
    values = condition_values(f)
    for tier in pol["tiers"]:
        if "when" not in tier:
            return str(tier["key"])
        truth = holds(tier["when"], values)
        if truth is None:
            reasons.append(("tier_failed", tier["key"]))
        elif truth:
            return str(tier["key"])
    return None


_ENGINE_REASONS = (
    ("missing", re.compile(r"^assessment\.(\w+) is missing: enter 0–[\d.]+ points for .+ \(\1\)$")),
    (
        "not_a_number",
        re.compile(r"^assessment\.(\w+) is .+, not a number: enter 0–[\d.]+ points for .+ \(\1\)$"),
    ),
    (
        "out_of_range",
        re.compile(
            r"^assessment\.(\w+) is .+, outside 0–[\d.]+ for .+ \(\1\): correct the assessment$"
        ),
    ),
    ("first_trade_after_as_of", re.compile(r"^first trade (\S+) is after the as-of date \S+$")),
    ("override_failed", re.compile(r"^override (\S+) could not be evaluated: .+")),
    ("tier_failed", re.compile(r"^tier (\S+) could not be evaluated: .+")),
)


def engine_reason_signature(text: str) -> Signature:
    """The engine's reason sentence as ``(kind, subject)``; ``("unknown", text)`` otherwise."""
    for kind, pattern in _ENGINE_REASONS:
        found = pattern.match(text)
        if found:
            return kind, found.group(1)
    return "unknown", text
