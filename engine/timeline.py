"""First trade, whole months, lifecycle and stage of a customer (SPEC §5 rules 1–3)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any


def parse_date(value: object) -> date | None:
    """An ISO date, or None for anything absent or not a real date."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def leases_of(doc: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The document's leases that are mappings (anything else is ignored)."""
    leases = doc.get("leases")
    if not leases or not isinstance(leases, list):
        return []
    # JSON documents hold plain dicts; the ABC check is only for other mappings.
    return [lease for lease in leases if type(lease) is dict or isinstance(lease, Mapping)]


def counted_leases(
    doc: Mapping[str, Any], leases: list[Mapping[str, Any]] | None = None
) -> list[Mapping[str, Any]]:
    """Leases that count for amounts and first trade: every one not cancelled."""
    every = leases_of(doc) if leases is None else leases
    return [lease for lease in every if lease.get("status") != "cancelled"]


def first_trade(
    doc: Mapping[str, Any], counted: list[Mapping[str, Any]] | None = None
) -> date | None:
    """``profile.trading_since`` if present, else the earliest non-cancelled lease start."""
    profile = doc.get("profile")
    if isinstance(profile, dict):
        since = parse_date(profile.get("trading_since"))
        if since is not None:
            return since
    if counted is None:
        counted = counted_leases(doc)
    starts = _dates(lease.get("start") for lease in counted)
    return min(starts, default=None)


def whole_months(start: date, as_of: date) -> int:
    """Whole months from ``start`` to ``as_of``: less one when the day of month is not reached."""
    months = (as_of.year * 12 + as_of.month) - (start.year * 12 + start.month)
    return months - 1 if as_of.day < start.day else months


def lifecycle(first: date | None, as_of: date, new_customer_months: int) -> str:
    """``prospective`` with no first trade, ``new`` below the policy's months, else established."""
    if first is None:
        return "prospective"
    return "new" if whole_months(first, as_of) < new_customer_months else "established"


def stage(doc: Mapping[str, Any], leases: list[Mapping[str, Any]] | None = None) -> str:
    """``current`` with an active lease, ``past`` with a closed one, else ``upcoming``."""
    # A list, not a set: a malformed status may be unhashable (a list), and must not crash.
    statuses = [lease.get("status") for lease in (leases_of(doc) if leases is None else leases)]
    if "active" in statuses:
        return "current"
    return "past" if "closed" in statuses else "upcoming"


def _dates(values: Iterable[object]) -> list[date]:
    return [d for d in (parse_date(v) for v in values) if d is not None]
