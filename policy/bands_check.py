"""Meaning checks of a bands item: a documented fact, and ranges with no gap and no overlap."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from creditfile.policy.fact_catalogue import FACTS_BY_NAME, FactSpec

Path = tuple[str | int, ...]
Report = Callable[[Path, str], None]


def check_bands_item(item: Mapping[str, Any], where: Path, report: Report) -> None:
    """Report every problem of one ``method: bands`` scoring item at ``where`` (its path)."""
    fact = FACTS_BY_NAME.get(item["fact"])
    if fact is None or fact.type != "number" or "tier" not in fact.scopes or fact.nullable:
        report((*where, "fact"), _fact_problem(item["fact"], fact))
        return
    bands: list[Mapping[str, Any]] = item["bands"]
    for index, band in enumerate(bands):
        at = (*where, "bands", index)
        if band["points"] > item["weight"]:
            report(
                (*at, "points"),
                f"{band['points']:g} is above the item's weight {item['weight']:g}",
            )
        _check_band(band, index == len(bands) - 1, fact, at, report)
        _check_start(bands, index, fact, at, report)


def _fact_problem(name: str, fact: FactSpec | None) -> str:
    if fact is not None and fact.nullable:
        return (
            f"{name!r} is null for some customers ({fact.description}); bands need a fact "
            "every customer has"
        )
    usable = [
        f.name
        for f in FACTS_BY_NAME.values()
        if f.type == "number" and "tier" in f.scopes and not f.nullable
    ]
    return (
        f"{name!r} is not a numeric fact known for every customer; use one of {', '.join(usable)}"
    )


def _check_band(
    band: Mapping[str, Any], last: bool, fact: FactSpec, at: Path, report: Report
) -> None:
    upper_key = "max" if "max" in band else "below" if "below" in band else None
    for key in ("min", "max", "below"):
        if fact.whole and key in band and band[key] != int(band[key]):
            report((*at, key), f"{band[key]:g} is not a whole number; {fact.name} is counted whole")
    if upper_key is None:
        if not last:
            report(
                at,
                "only the last band may leave out its upper end: this one overlaps every band "
                "after it; give it max (whole numbers) or below (amounts)",
            )
        return
    upper = band[upper_key]
    if last:
        above = f"above {upper:,g}" if upper_key == "max" else f"from {upper:,g} up"
        report(
            (*at, upper_key),
            f"values {above} fall in no band; leave out {upper_key} on the last band so that it "
            "takes every higher value",
        )
    if upper_key == "max" and not fact.whole:
        report(
            (*at, "max"),
            f"{fact.name} is an amount, not a whole number: end this band with below: N (where "
            "the next band starts), or values between this max and the next min fall in no band",
        )
    elif upper < band["min"] or (upper_key == "below" and upper == band["min"]):
        report(
            (*at, upper_key),
            f"{upper_key} {upper:,g} is not above min {band['min']:,g}: the band is empty",
        )


def _check_start(
    bands: list[Mapping[str, Any]], index: int, fact: FactSpec, at: Path, report: Report
) -> None:
    start = bands[index]["min"]
    expected = _expected_start(bands, index, fact)
    if expected is None or start == expected:
        return
    if start > expected:
        if not fact.whole:
            gap = f"values from {expected:,g} to below {start:,g} fall"
        elif start - 1 == expected:
            gap = f"the value {expected:,g} falls"
        else:
            gap = f"values {expected:,g}–{start - 1:,g} fall"
        where = "start the first band at 0" if index == 0 else f"start this band at {expected:,g}"
        report((*at, "min"), f"{gap} in no band; {where}")
        return
    previous = bands[index - 1]
    report(
        (*at, "min"),
        f"{start:,g} overlaps bands[{index - 1}] ({_range(previous)}); start this band at "
        f"{expected:,g}",
    )


def _expected_start(bands: list[Mapping[str, Any]], index: int, fact: FactSpec) -> float | None:
    """Where band ``index`` must start: 0, or just after the band before (None: unknown)."""
    if index == 0:
        return 0
    previous = bands[index - 1]
    upper = previous.get("below", previous.get("max"))
    # A band already reported (both ends given, empty, or not whole) says nothing of the next.
    if upper is None or ("max" in previous and "below" in previous) or upper < previous["min"]:
        return None
    if "below" in previous:
        return float(upper)
    return float(upper) + 1 if fact.whole and upper == int(upper) else None


def _range(band: Mapping[str, Any]) -> str:
    if "max" in band:
        return f"{band['min']:,g}–{band['max']:,g}"
    if "below" in band:
        return f"{band['min']:,g} to below {band['below']:,g}"
    return f"{band['min']:,g} and over"
