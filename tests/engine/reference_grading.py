"""An independent, deliberately plain reading of SPEC §5, used to check the engine."""

from __future__ import annotations

import math
from datetime import date
from fractions import Fraction
from typing import Any


def half_up(x: Fraction, places: int) -> Fraction:
    scale = 10**places
    return Fraction(math.floor(x * scale + Fraction(1, 2)), scale)


def exact(v: Any) -> Fraction:
    return Fraction(str(v))


def first_trade(doc: dict[str, Any]) -> date | None:
    since = (doc.get("profile") or {}).get("trading_since")
    if since:
        return date.fromisoformat(since)
    starts = [
        date.fromisoformat(lease["start"])
        for lease in doc.get("leases") or []
        if lease["status"] != "cancelled"
    ]
    return min(starts) if starts else None


def months_between(a: date, b: date) -> int:
    m = (b.year * 12 + b.month) - (a.year * 12 + a.month)
    return m - 1 if b.day < a.day else m


def lifecycle(doc: dict[str, Any], as_of: date, new_months: int) -> str:
    first = first_trade(doc)
    if first is None:
        return "prospective"
    return "new" if months_between(first, as_of) < new_months else "established"


def amount(doc: dict[str, Any]) -> Fraction:
    return sum(
        (
            exact(lease["amount"])
            for lease in doc.get("leases") or []
            if lease["status"] != "cancelled"
        ),
        Fraction(0),
    )


def reference(docs: list[dict[str, Any]], pol: dict[str, Any], as_of: date) -> dict[str, Any]:
    """{id: (grade or None, total or None)} under a policy given as plain data."""
    months = pol["lifecycle"]["new_customer_months"]
    places = pol["rounding"]
    life = {d["id"]: lifecycle(d, as_of, months) for d in docs}
    top = max((amount(d) for d in docs if life[d["id"]] == "established"), default=Fraction(0))
    out = {}
    for d in docs:
        points = []
        ok = True
        for item in pol["scoring"]:
            w = exact(item["weight"])
            if item["method"] == "relative_to_max":
                if life[d["id"]] != "established":
                    p = exact(item["new_customer_points"])
                elif top == 0:
                    p = Fraction(0)
                else:
                    p = w * amount(d) / top
                points.append(half_up(p, places))
                continue
            v = (d.get("assessment") or {}).get(item["key"])
            if v is None or not (0 <= exact(v) <= w):
                ok = False
                continue
            points.append(half_up(exact(v), places))
        if not ok:
            out[d["id"]] = (None, None)
            continue
        total = half_up(sum(points, Fraction(0)), places)
        grade = next(
            (g["name"] for g in pol["grades"] if exact(g["min_score"]) <= total),
            pol["below_lowest"]["name"],
        )
        out[d["id"]] = (grade, float(total))
    return out
