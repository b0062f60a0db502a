"""The company's share of the market: its lease amount booked in a period against the market's
size, by leased item and by grade.

A market file gives the size of the leasing market per leased-item category, region and period
(a year or a quarter). A report's period has a market size for an item when it is made of whole
years and quarters every one of which the file gives, for every region asked for: a whole year
by its own figure or, failing that, by its four quarters; the rest of a year by its quarters.
Anything else (a period starting mid-quarter, a missing quarter, no ``--from``) has no market
data, said as such, never a guess.

The company's side is the amount it booked in the period: every lease not cancelled that
started within it, by its whole amount (as ``report trend`` books it). By grade, only leases
of items whose market is known count, against the sum of those items' markets.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from creditfile.engine.facts import money
from creditfile.engine.grading import customer_id
from creditfile.engine.timeline import counted_leases, parse_date
from creditfile.reports.shares import money_value

_ZERO = Decimal(0)
_HUNDREDTH = Decimal("0.01")
QUARTERS = ("Q1", "Q2", "Q3", "Q4")


@dataclass(frozen=True)
class MarketFigure:
    """The size of one item's market in one region and period (CNY, exact)."""

    item: str
    region: str
    period: str
    size: Decimal


@dataclass(frozen=True)
class MarketData:
    """A checked market file: its figures, where it came from and its stated source."""

    figures: tuple[MarketFigure, ...]
    file: str = ""
    source: str = ""
    _index: dict[tuple[str, str, str], Decimal] = field(
        default_factory=dict, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        self._index.update({(f.item, f.region, f.period): f.size for f in self.figures})

    @property
    def regions(self) -> list[str]:
        """Every region the file gives, in the order first given."""
        return list(dict.fromkeys(f.region for f in self.figures))

    def figure(self, item: str, region: str, period: str) -> Decimal | None:
        """The size the file gives for exactly this item, region and period, or None."""
        return self._index.get((item, region, period))


def _quarter_start(day: date) -> bool:
    return day.day == 1 and day.month in (1, 4, 7, 10)


def _quarter_end(day: date) -> bool:
    return (day.month, day.day) in ((3, 31), (6, 30), (9, 30), (12, 31))


def period_chunks(start: date | None, end: date) -> list[tuple[int, tuple[str, ...]]] | None:
    """The report period as years, each with the quarters it covers; None when it is not made
    of whole quarters (or has no start)."""
    if start is None or start > end or not _quarter_start(start) or not _quarter_end(end):
        return None
    chunks = []
    for year in range(start.year, end.year + 1):
        first = (start.month - 1) // 3 if year == start.year else 0
        last = (end.month - 1) // 3 if year == end.year else 3
        chunks.append((year, QUARTERS[first : last + 1]))
    return chunks


def market_size(
    data: MarketData,
    item: str,
    chunks: Sequence[tuple[int, tuple[str, ...]]],
    regions: Sequence[str],
) -> Decimal | None:
    """The market of ``item`` over the period's chunks, added over ``regions``; None as soon as
    one region lacks one year or quarter."""
    total = _ZERO
    for region in regions:
        for year, quarters in chunks:
            whole = data.figure(item, region, str(year)) if len(quarters) == 4 else None
            if whole is not None:
                total += whole
                continue
            parts = [data.figure(item, region, f"{year}-{q}") for q in quarters]
            if any(part is None for part in parts):
                return None
            total += sum((p for p in parts if p is not None), _ZERO)
    return total


def booked_amounts(
    docs: Iterable[Mapping[str, Any]],
    grades: Mapping[str, str],
    start: date,
    end: date,
) -> dict[tuple[str, str], Decimal]:
    """The amount booked in ``start``–``end`` per (grade, item): leases not cancelled that
    started within it, whole amounts; ``grades`` maps customer ids to their report group."""
    booked: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for doc in docs:
        grade = grades.get(customer_id(doc), "")
        for lease in counted_leases(doc):
            begun = parse_date(lease.get("start"))
            item = lease.get("item")
            if begun is None or not start <= begun <= end or not isinstance(item, str):
                continue
            booked[(grade, item)] += money(lease.get("amount"))
    return dict(booked)


def share_pct(amount: Decimal | None, size: Decimal | None) -> float | None:
    """``amount`` as a percentage of ``size``, half-up to 2 places; None without an amount
    (no period), without a size or with a market of 0 (a share of nothing is no share)."""
    if amount is None or size is None or size <= 0:
        return None
    return float((amount * 100 / size).quantize(_HUNDREDTH, rounding=ROUND_HALF_UP))


def _cell(amount: Decimal | None, size: Decimal | None) -> dict[str, Any]:
    # Without a period nothing is "booked in period": the amount is None, never a 0.
    return {
        "market_booked": None if amount is None else money_value(amount),
        "market_size": None if size is None else money_value(size),
        "market_pct": share_pct(amount, size),
    }


@dataclass(frozen=True)
class MarketQuestion:
    """What a report asks of the market data: the period and the regions to add up."""

    start: date | None
    end: date
    region: str | None = None


def market_shares(
    data: MarketData,
    docs: Sequence[Mapping[str, Any]],
    grades: Mapping[str, str],
    items: Sequence[str],
    asked: MarketQuestion,
) -> dict[str, Any]:
    """The company's booked amount, the market size and the share, per item and per grade.

    Args:
        data: The checked market file.
        docs: Every customer document.
        grades: Each customer's grade group (``ungraded`` included), by id.
        items: The item keys to report (the policy's, then any others leased).
        asked: The report's period and the region (None: every region of the file).

    Returns:
        ``{"file", "source", "regions", "period_whole": bool, "covered": [item keys with a
        market], "items": {item: cell}, "grades": {grade: cell}, "total": cell}``, each cell
        ``{"market_booked", "market_size", "market_pct"}`` (size and share None without market
        data).
    """
    regions = [asked.region] if asked.region else data.regions
    chunks = period_chunks(asked.start, asked.end)
    dated = asked.start is not None
    booked = booked_amounts(docs, grades, asked.start, asked.end) if asked.start else {}
    by_item: dict[str, Decimal] = defaultdict(Decimal)
    for (_grade, item), amount in booked.items():
        by_item[item] += amount
    sizes = {
        item: market_size(data, item, chunks, regions) if chunks else None
        for item in dict.fromkeys([*items, *by_item])
    }
    covered = [item for item, size in sizes.items() if size is not None]
    covered_size = sum((sizes[i] or _ZERO for i in covered), _ZERO) if covered else None
    by_grade: dict[str, Decimal] = defaultdict(Decimal)
    for (grade, item), amount in booked.items():
        if item in covered:
            by_grade[grade] += amount
    return {
        "file": data.file,
        "source": data.source,
        "regions": regions,
        "period_whole": chunks is not None,
        "covered": covered,
        "items": {
            item: _cell(by_item.get(item, _ZERO) if dated else None, size)
            for item, size in sizes.items()
        },
        # By grade only items with a market count: with none, there is no booked amount.
        "grades": {
            grade: _cell(by_grade.get(grade, _ZERO) if covered else None, covered_size)
            for grade in dict.fromkeys([*grades.values(), *by_grade])
        },
        "total": _cell(sum(by_grade.values(), _ZERO) if covered else None, covered_size),
    }


def with_market(report: dict[str, Any], shares: Mapping[str, Any], by: str) -> dict[str, Any]:
    """``report`` (composition by grade, or by item) with each row's and the total's market
    cells (``market_booked``, ``market_size``, ``market_pct``), and ``report["market"]``: the
    file, source, regions, whether the period is made of whole quarters, the items covered."""
    cells = shares["grades"] if by == "grade" else shares["items"]
    empty = _cell(_ZERO if shares["period_whole"] else None, None)
    for row in report["rows"]:
        row.update(cells.get(row["key"], empty))
    report["total"].update(shares["total"])
    report["market"] = {
        k: shares[k] for k in ("file", "source", "regions", "period_whole", "covered")
    }
    report["market"]["shares_over_100"] = shares_over_100(report)
    return report


def shares_over_100(report: Mapping[str, Any]) -> list[str]:
    """The keys of the rows (``total`` for the total) whose market share is over 100%.

    A company cannot book more than its whole market: such a share says the market file
    covers less than the company books (fewer regions, or items counted apart).
    """
    rows = [*report["rows"], {**report["total"], "key": "total"}]
    return [str(row["key"]) for row in rows if (row.get("market_pct") or 0) > 100]
