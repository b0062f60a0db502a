"""The company's share of the market as report columns: booked amount, market size, share, and
"no market data" where the market file has none for the period."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from creditfile.presentation.tables import Column
from creditfile.presentation.translation import _, pgettext


def market_columns(report: Mapping[str, Any]) -> tuple[Column, ...]:
    """The market columns of a composition by grade or by item, none without market data."""
    if "market" not in report:
        return ()
    return (
        Column("market_booked", pgettext("report", "Booked in period (CNY)"), "money"),
        Column("market_size", pgettext("report", "Market size (CNY)"), "money"),
        Column("market_pct", pgettext("report", "Market share %"), "pct"),
    )


def market_rows(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Rows whose share reads "no market data" where the market file has no figure."""
    missing = _("no market data")
    return [
        {**row, "market_pct": missing}
        if "market_pct" in row and row["market_pct"] is None
        else dict(row)
        for row in rows
    ]


def market_title(title: str, report: Mapping[str, Any]) -> str:
    """``title`` with the market the shares are taken of: regions, source, or why none."""
    market = report.get("market")
    if not market:
        return title
    if not market["period_whole"]:
        return _(
            "{title} · no market data: market shares need --from and --to on the bounds of "
            "years or quarters"
        ).format(title=title)
    regions = "、".join(market["regions"]) or "—"
    source = f" ({market['source']})" if market["source"] else ""
    return _("{title} · market: {regions}{source}").format(
        title=title, regions=regions, source=source
    )


def market_note(report: Mapping[str, Any]) -> str:
    """The warning under a table whose market share is over 100%, or empty.

    The company cannot book more than its whole market: the market file then covers less
    than the company books (its regions only, while the bookings are the company's all).
    """
    market = report.get("market")
    if not market or not market.get("shares_over_100"):
        return ""
    regions = "、".join(market["regions"]) or "—"
    return _(
        "share over 100%: the market data covers less than the company books "
        "(regions {regions} only?); the booked amount counts every region"
    ).format(regions=regions)
