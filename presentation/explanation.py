"""How an item's points were worked out, in words, for the card and ``creditfile explain``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from creditfile.presentation.translation import _
from creditfile.presentation.vocabulary import LIFECYCLES, named


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
    if row.get("method") != "relative_to_max":
        return str(row.get("clause", ""))
    lifecycle = row.get("lifecycle")
    if lifecycle != "established":
        fixed = row.get(f"{lifecycle}_customer_points")
        if fixed is None:
            fixed = row.get("new_customer_points") or 0
        return _(
            "a {lifecycle} customer gets a fixed {points} points "
            "(established customers get {weight} × their amount ÷ the "
            "highest among them)"
        ).format(lifecycle=named(LIFECYCLES, lifecycle), points=number_text(fixed), weight=weight)
    top = row.get("top")
    if not isinstance(top, int | float) or top <= 0:
        return _("no established customer has any amount yet: 0 points")
    amount = row.get("input")
    return _(
        "{amount} ÷ {top} (the highest among established customers) × {weight} = {points}"
    ).format(
        amount=f"{amount:,.2f}" if isinstance(amount, int | float) else number_text(amount),
        top=f"{top:,.2f}",
        weight=weight,
        points=number_text(row.get("points")),
    )
