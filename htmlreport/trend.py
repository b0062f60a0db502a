"""The management report's trend section: the lease amount booked each year, split by the
grade each customer held at the year's end (``creditfile report trend``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from creditfile.htmlreport.charts import Stack, grade_colour, stacked_chart
from creditfile.htmlreport.sections import table
from creditfile.htmlreport.templating import in_wan, wan
from creditfile.presentation.report_groups import group_name
from creditfile.presentation.translation import _, pgettext
from creditfile.presentation.trend_tables import period_name


def trend_section(trend: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The chart and table of a by-grade, per-year trend report; None without one."""
    if not trend or not trend.get("periods"):
        return None
    groups = [{**g, "label": group_name("grade", g)} for g in trend["groups"]]
    legend = [
        (
            g["label"] if g["key"] == "ungraded" else f"{g['key']} {g['label']}",
            grade_colour(g["key"]),
        )
        for g in groups
    ]
    stacks = []
    rows = []
    for period in trend["periods"]:
        cells = {r["key"]: r for r in period["rows"]}
        change = period["change_pct"]
        shown = in_wan(period["amount"]) + ("" if change is None else f" · {change:+.1f}%")
        stacks.append(
            Stack(
                period_name(period),
                [
                    (cells[g["key"]]["amount"], grade_colour(g["key"]), g["label"])
                    for g in groups
                    if g["key"] in cells
                ],
                shown,
            )
        )
        rows.append(
            [
                period_name(period),
                f"{period['leases']:,}",
                wan(period["amount"]),
                "—" if change is None else f"{change:+.2f}%",
                *(f"{cells[g['key']]['amount_pct']:.1f}%" for g in groups),
            ]
        )
    headers = [
        pgettext("html", "Year"),
        pgettext("html", "Leases"),
        pgettext("html", "Lease amount (10k CNY)"),
        pgettext("html", "On the year before"),
        *(g["key"] if g["key"] != "ungraded" else _("ungraded") for g in groups),
    ]
    title = pgettext("html", "Lease amount each year by credit grade at the year's end")
    return {
        "chart": stacked_chart(stacks, legend, width=900, title=title),
        "table": table(headers, rows, numeric=range(1, len(headers))),
        "period": f"{trend['from']} – {trend['to']}",
    }
