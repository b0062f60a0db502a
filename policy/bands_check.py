"""Meaning checks of a bands item: a documented fact, and ranges with no gap and no overlap."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from creditfile.policy.errors import N_, Phrase, phrase, verbatim
from creditfile.policy.fact_catalogue import FACTS_BY_NAME, FactSpec

Path = tuple[str | int, ...]
Report = Callable[[Path, Phrase], None]


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
            report((*at, "points"), above_weight(band["points"], item["weight"]))
        _check_band(band, index == len(bands) - 1, fact, at, report)
        _check_start(bands, index, fact, at, report)


def above_weight(points: float, weight: float) -> Phrase:
    """Points of a band, a guidance level or a new customer that an item of ``weight`` cannot
    give."""
    return phrase(
        "{points} is above the item's weight {weight}",
        points=format(points, "g"),
        weight=format(weight, "g"),
    )


def _fact_problem(name: str, fact: FactSpec | None) -> Phrase:
    if fact is not None and fact.nullable:
        return phrase(
            "{value} is null for some customers; bands need a fact every customer has",
            value=repr(name),
        )
    usable = [
        f.name
        for f in FACTS_BY_NAME.values()
        if f.type == "number" and "tier" in f.scopes and not f.nullable
    ]
    return phrase(
        "{value} is not a numeric fact known for every customer; use one of {facts}",
        value=repr(name),
        facts=", ".join(usable),
    )


def _check_band(
    band: Mapping[str, Any], last: bool, fact: FactSpec, at: Path, report: Report
) -> None:
    upper_key = "max" if "max" in band else "below" if "below" in band else None
    for key in ("min", "max", "below"):
        if fact.whole and key in band and band[key] != int(band[key]):
            report(
                (*at, key),
                phrase(
                    "{value} is not a whole number; {fact} is counted whole",
                    value=format(band[key], "g"),
                    fact=fact.name,
                ),
            )
    if upper_key is None:
        if not last:
            report(
                at,
                phrase(
                    "only the last band may leave out its upper end: this one overlaps every "
                    "band after it; give it max (whole numbers) or below (amounts)"
                ),
            )
        return
    upper = band[upper_key]
    if last:
        template = (
            N_(
                "values above {upper} fall in no band; leave out max on the last band so that "
                "it takes every higher value"
            )
            if upper_key == "max"
            else N_(
                "values from {upper} up fall in no band; leave out below on the last band so "
                "that it takes every higher value"
            )
        )
        report((*at, upper_key), phrase(template, upper=format(upper, ",g")))
    if upper_key == "max" and not fact.whole:
        report(
            (*at, "max"),
            phrase(
                "{fact} is an amount, not a whole number: end this band with below: N (where "
                "the next band starts), or values between this max and the next min fall in no "
                "band",
                fact=fact.name,
            ),
        )
    elif upper < band["min"] or (upper_key == "below" and upper == band["min"]):
        report(
            (*at, upper_key),
            phrase(
                "{key} {upper} is not above min {min}: the band is empty",
                key=upper_key,
                upper=format(upper, ",g"),
                min=format(band["min"], ",g"),
            ),
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
            gap = phrase(
                "values from {start} to below {end} fall in no band",
                start=format(expected, ",g"),
                end=format(start, ",g"),
            )
        elif start - 1 == expected:
            gap = phrase("the value {value} falls in no band", value=format(expected, ",g"))
        else:
            gap = phrase(
                "values {start}–{end} fall in no band",
                start=format(expected, ",g"),
                end=format(start - 1, ",g"),
            )
        where = (
            phrase("start the first band at 0")
            if index == 0
            else phrase("start this band at {start}", start=format(expected, ",g"))
        )
        report((*at, "min"), phrase("{gap}; {where}", gap=gap, where=where))
        return
    previous = bands[index - 1]
    report(
        (*at, "min"),
        phrase(
            "{value} overlaps bands[{index}] ({range}); start this band at {start}",
            value=format(start, ",g"),
            index=index - 1,
            range=_range(previous),
            start=format(expected, ",g"),
        ),
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


def _range(band: Mapping[str, Any]) -> Phrase:
    if "max" in band:
        return verbatim(f"{band['min']:,g}–{band['max']:,g}")
    if "below" in band:
        return phrase(
            "{min} to below {below}",
            min=format(band["min"], ",g"),
            below=format(band["below"], ",g"),
        )
    return phrase("{min} and over", min=format(band["min"], ",g"))
