"""The trend report laid out as a table: one row per period and group, then the period's total."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from creditfile.presentation.report_groups import dimension_label, group_name, total_label
from creditfile.presentation.tables import Column, Table
from creditfile.presentation.translation import language, pgettext


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
        rows.extend(
            {"period": period["key"], **row, "label": group_name(by, row)} for row in period["rows"]
        )
        total = {k: period[k] for k in ("leases", "amount", "customers", "change", "change_pct")}
        rows.append(
            {
                "period": period["key"],
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
