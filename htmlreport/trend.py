"""The management report's trend section: the lease amount booked each year, split by the
grade each customer held at the year's end (``creditfile report trend``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from creditfile.htmlreport.charts import Stack, grade_colour, stacked_chart
from creditfile.htmlreport.sections import table
from creditfile.htmlreport.templating import wan


def trend_section(trend: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The chart and table of a by-grade, per-year trend report; None without one."""
    if not trend or not trend.get("periods"):
        return None
    groups = trend["groups"]
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
        shown = f"{wan(period['amount'])} 万元" + ("" if change is None else f" · {change:+.1f}%")
        stacks.append(
            Stack(
                period["key"],
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
                period["key"],
                f"{period['leases']:,}",
                wan(period["amount"]),
                "—" if change is None else f"{change:+.2f}%",
                *(f"{cells[g['key']]['amount_pct']:.1f}%" for g in groups),
            ]
        )
    headers = [
        "年份",
        "合同笔数",
        "租赁金额(万元)",
        "较上年",
        *(g["key"] if g["key"] != "ungraded" else "未评级" for g in groups),
    ]
    return {
        "chart": stacked_chart(stacks, legend, width=900, title="各年租赁金额 按年末信用等级"),
        "table": table(headers, rows, numeric=range(1, len(headers))),
        "period": f"{trend['from']} – {trend['to']}",
    }
