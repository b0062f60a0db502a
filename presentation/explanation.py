"""How an item's points were worked out, in words, for the card and ``creditfile explain``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from creditfile.presentation.translation import N_, _
from creditfile.presentation.vocabulary import FACTS, LIFECYCLES, named


def number_text(value: Any) -> str:
    """A number as the breakdown shows it: ``8`` not ``8.0``; ``—`` for none."""
    if value is None:
        return _("—")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def computed_clause(row: Mapping[str, Any]) -> str:
    """How one item's points were worked out, in the language in force.

    Args:
        row: One item row of ``engine.explain`` (its method, input, points, weight, top,
            lifecycle).

    Returns:
        The clause; for a scoring method not worded here, the engine's own words.
    """
    weight = number_text(row.get("weight"))
    if row.get("method") == "manual":
        return _("entered by the assessor, 0–{weight} points").format(weight=weight)
    if row.get("method") == "bands" and row.get("band"):
        return _bands_clause(row)
    if row.get("method") != "relative_to_max":
        return str(row.get("clause", ""))
    lifecycle = row.get("lifecycle")
    if lifecycle != "established":
        return _(
            "a {lifecycle} customer gets a fixed {points} points "
            "(established customers get {weight} × their amount ÷ the "
            "highest among them)"
        ).format(
            lifecycle=named(LIFECYCLES, lifecycle),
            points=number_text(row.get("points")),
            weight=weight,
        )
    top = row.get("top")
    amount = row.get("input")
    if row.get("scale") == "rank":
        text = _(
            "{amount}: {at_most} of {ranked} established customers have at most this amount, "
            "{at_most} ÷ {ranked} × {weight} = {points}"
        ).format(
            amount=f"{amount:,.2f}" if isinstance(amount, int | float) else number_text(amount),
            at_most=row.get("at_most"),
            ranked=row.get("ranked"),
            weight=weight,
            points=number_text(row.get("points")),
        )
    elif not isinstance(top, int | float) or top <= 0:
        return _("no established customer has any amount yet: 0 points")
    else:
        text = _(_RELATIVE[str(row.get("scale") or "linear")]).format(
            amount=f"{amount:,.2f}" if isinstance(amount, int | float) else number_text(amount),
            top=f"{top:,.2f}",
            weight=weight,
            points=number_text(row.get("points")),
        )
    months = row.get("window_months")
    if months is None:
        return text
    return _("over the last {months} months: ").format(months=months) + text


# The worked sum of a relative_to_max item, by scale; translated where shown.
_RELATIVE: dict[str, str] = {
    "linear": N_(
        "{amount} ÷ {top} (the highest among established customers) × {weight} = {points}"
    ),
    "sqrt": N_(
        "√{amount} ÷ √{top} (the highest among established customers) × {weight} = {points}"
    ),
    "log": N_(
        "ln(1 + {amount}) ÷ ln(1 + {top}) (the highest among established customers) × "
        "{weight} = {points}"
    ),
}


_TO_BELOW = re.compile(r"(?P<min>\S+) to below (?P<below>\S+)")
_AND_OVER = re.compile(r"(?P<min>\S+) and over")


def range_words(text: str) -> str:
    """A band's range as the engine gives it (``500,000 to below 1,000,000``, ``91 and over``,
    ``1–30``) in the language in force."""
    found = _TO_BELOW.fullmatch(text)
    if found is not None:
        return _("{min} to below {below}").format(min=found["min"], below=found["below"])
    found = _AND_OVER.fullmatch(text)
    if found is not None:
        return _("{min} and over").format(min=found["min"])
    return text


def _bands_clause(row: Mapping[str, Any]) -> str:
    """Which band of its fact an item's input fell in, and what an assessor entered instead."""
    band = row["band"]
    values = {
        "fact": named(FACTS, row.get("fact")),
        "value": number_text(row.get("input")),
        "range": range_words(str(band["range"])),
        "points": number_text(band["points"]),
    }
    if band.get("entered") is not None:
        return _(
            "{entered} entered by the assessor in place of the bands' {points} "
            "({fact} {value}, band {range})"
        ).format(entered=number_text(band["entered"]), **values)
    return _("{fact} {value}, in band {range}: {points} points").format(**values)
