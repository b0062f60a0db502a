"""The trend report laid out as a table: one row per period and group, then the period's total."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from creditfile.presentation.report_groups import dimension_label, group_name, total_label
from creditfile.presentation.tables import Column, Table
from creditfile.presentation.translation import _, language, pgettext


def trend_table(report: Mapping[str, Any]) -> Table:
    """Lease amount booked per period and group, with the change on the previous period."""
    by = report["by"]
    name = dimension_label(by)
    columns = [
        Column("period", pgettext("report", "Period")),
        Column("key", pgettext("report", "Code")),
        Column("label", name),
        Column("leases", pgettext("report", "Leases"), "int"),
        Column("amount", pgettext("report", "Lease amount (CNY)"), "money"),
        Column("amount_pct", pgettext("report", "Share %"), "pct"),
        Column("change", pgettext("report", "Change (CNY)"), "money"),
        Column("change_pct", pgettext("report", "Change %"), "pct"),
        Column("customers", pgettext("report", "Customers"), "int"),
    ]
    if by == "grade":
        columns.append(Column("graded", pgettext("report", "Customers holding the grade"), "int"))
    rows: list[dict[str, Any]] = []
    for period in report["periods"]:
        name = period_name(period)
        rows.extend({"period": name, **row, "label": group_name(by, row)} for row in period["rows"])
        total = {k: period[k] for k in ("leases", "amount", "customers", "change", "change_pct")}
        rows.append(
            {
                "period": name,
                "key": "",
                "label": total_label(),
                **total,
                "amount_pct": 100.0 if period["amount"] else 0.0,
            }
        )
    kind = (
        pgettext("report", "by year")
        if report["kind"] == "year"
        else pgettext("report", "by quarter")
    )
    # Inside an English sentence the dimension's heading reads in lower case.
    in_title = name.lower() if language() == "en" else name
    title = pgettext("report", "Lease amount booked {kind}, by {name}, {start} – {end}").format(
        kind=kind, name=in_title, start=report["from"], end=report["to"]
    )
    return Table(pgettext("report", "Trend"), title, tuple(columns), rows)


def period_name(period: Mapping[str, Any]) -> str:
    """A period's key, marked when the report cuts it short: ``2026-Q4 (to 12-01)``.

    A part of a quarter is not comparable with a whole one: its change on the previous
    period would read as a fall that is only the days not yet come.
    """
    if not period.get("partial"):
        return str(period["key"])
    key, start, end = str(period["key"]), str(period["from"]), str(period["to"])
    if end[5:] != _LAST_DAYS.get(key[-2:], "12-31"):
        return _("{period} (to {day})").format(period=key, day=end[5:])
    return _("{period} (from {day})").format(period=key, day=start[5:])


_LAST_DAYS = {"Q1": "03-31", "Q2": "06-30", "Q3": "09-30", "Q4": "12-31"}
