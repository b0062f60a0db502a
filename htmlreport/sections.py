"""What the later sections show (credit terms, migration, exposure, reviews due), as plain data.

The templates in ``templates/sections/`` lay it out; nothing here writes markup.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from creditfile.document import field_catalogue
from creditfile.htmlreport.charts import Bar, Chart, bar_chart
from creditfile.htmlreport.templating import wan
from creditfile.presentation.vocabulary import reason_label, reason_message

SHOWN_REVIEW = 40
SHOWN_OVER_LIMIT = 30
AGING_COLOURS = ("#2e7d32", "#f9a825", "#ef6c00", "#c62828", "#7f0000")
# The customer's id and name, headed as the field catalogue labels them.
_CUSTOMER = tuple(field_catalogue()[key].header for key in ("id", "name"))


@dataclass(frozen=True)
class Table:
    """A table for the ``table`` macro: ``numeric`` columns are right-aligned."""

    headers: Sequence[str]
    rows: Sequence[Sequence[Any]]
    numeric: frozenset[int] = field(default_factory=frozenset)
    total_last: bool = False
    cls: str = ""


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    numeric: Sequence[int] = (),
    total_last: bool = False,
    cls: str = "",
) -> Table:
    """A :class:`Table`; the last row may be styled as a total."""
    return Table(headers, rows, frozenset(numeric), total_last, cls)


def credit_table(report: Mapping[str, Any]) -> Table:
    """信用分析: the policy's terms, customers and exposure per grade."""
    rows = []
    for r in report["credit"]["rows"]:
        graded = r["key"] != "ungraded"
        terms = (
            [
                f"{r['price_discount_pct']:g}%",
                f"{r['payment_method']}",
                f"{r['payment_cycle_days']} 天",
                f"{r['deposit_pct']:g}%",
                wan(r["credit_limit"]),
                "是" if r["priority_supply"] else "否",
            ]
            if graded and r["credit_limit"] is not None
            else ["—"] * 6
        )
        name = f"{r['key']} {r['label']}" if graded else r["label"]
        rows.append(
            [name, *terms, f"{r['customers']:,}", wan(r["outstanding"]), f"{r['over_limit']:,}"]
        )
    headers = ["信用等级", "租价优惠", "回款方式", "回款周期", "押金比例", "信用额度(万元)",
               "优先供货", "客户数", "应收余额(万元)", "超额度客户"]  # fmt: skip
    return table(headers, rows, numeric=(1, 3, 4, 5, 7, 8, 9))


def migration(report: Mapping[str, Any]) -> dict[str, Any] | None:
    """等级迁移: the from→to matrix with each cell's direction, or None without runs."""
    matrix = report.get("migration")
    if not matrix:
        return None
    grades = [c["key"] for c in matrix["columns"]]
    rank = {g: i for i, g in enumerate(grades)}
    top = max((n for row in matrix["count"].values() for n in row.values()), default=0) or 1
    rows = []
    for row in matrix["rows"]:
        cells = []
        for col in grades:
            n = matrix["count"][row["key"]][col]
            cells.append(
                {
                    "count": n,
                    "kind": _move_class(row["key"], col, rank),
                    "alpha": 0.12 + 0.43 * n / top,  # dark cells would hide their text
                    "amount": matrix["amount"][row["key"]][col],
                }
            )
        rows.append({"name": _name(row), "cells": cells, "total": matrix["row_totals"][row["key"]]})
    runs = matrix.get("runs") or {}
    when = " → ".join(_run_text(runs.get(k), matrix.get(f"{k}_run")) for k in ("from", "to"))
    return {
        "columns": [_name(c) for c in matrix["columns"]],
        "rows": rows,
        "summary": matrix["summary"],
        "when": when,
    }


def _name(group: Mapping[str, str]) -> str:
    return group["label"] if len(group["key"]) > 2 else f"{group['key']} {group['label']}"


def _move_class(source: str, target: str, rank: Mapping[str, int]) -> str:
    if source == target:
        return "same"
    if source not in rank:
        return "new"
    return "up" if rank[target] < rank[source] else "down"


def _run_text(run: Mapping[str, Any] | None, run_id: Any) -> str:
    if run_id is None:
        return "首次评级前"
    if not run:
        return f"运行 {run_id}"
    at = str(run.get("at", ""))[:10]
    return f"运行 {run_id} ({at}, 评级日 {run.get('as_of')}, 政策 {run.get('policy_version')})"


OVER_LIMIT_HEADERS = (*_CUSTOMER, "等级", "信用额度(万元)", "应收余额(万元)",
                      "超出(万元)", "额度使用率", "最长逾期(天)")  # fmt: skip


def exposure(report: Mapping[str, Any]) -> dict[str, Any]:
    """信用敞口: totals, the aging chart and the customers most over their limit."""
    data = report["exposure"]
    aging = bar_chart(
        [
            Bar(
                r["label"],
                r["outstanding"],
                f"{wan(r['outstanding'])} 万元 · {r['outstanding_pct']:.1f}%",
                AGING_COLOURS[min(i, len(AGING_COLOURS) - 1)],
            )
            for i, r in enumerate(data["aging"])
        ],
        width=560,
        title="应收账款账龄",
    )
    over_limit = data["over_limit"]
    shown = over_limit[:SHOWN_OVER_LIMIT]
    rows = [
        [r["id"], r["name"], r["grade"] or "—", wan(r["credit_limit"] or 0),
         wan(r["outstanding"]), wan(r["excess"]),
         "无额度" if r["utilisation_pct"] is None else f"{r['utilisation_pct']:.0f}%",
         f"{r['max_overdue_days']:,}"]
        for r in shown
    ]  # fmt: skip
    return {
        "total": data["total"],
        "aging": aging,
        "table": table(OVER_LIMIT_HEADERS, rows, numeric=range(3, 8)),
        "more": len(over_limit) - len(shown),
    }


def review(report: Mapping[str, Any]) -> dict[str, Any]:
    """待复评: reasons counted in a chart and the most urgent customers listed."""
    due = report["review"]
    summary = [r for r in report["review_summary"] if r["customers"]]
    chart: Chart | None = (
        bar_chart(
            [
                Bar(reason_label(r, "zh"), r["customers"], f"{r['customers']:,} 户", "#5c6bc0")
                for r in summary
            ],
            width=520,
            title="待复评原因",
        )
        if summary
        else None
    )
    shown = due[:SHOWN_REVIEW]
    rows = [
        [
            i,
            r["id"],
            r["name"],
            r["grade"] or "未评级",
            "、".join(reason_label(x, "zh") for x in r["reasons"]),
            reason_message(r["reasons"][0], "zh"),
        ]
        for i, r in enumerate(shown, start=1)
    ]
    headers = ["序号", *_CUSTOMER, "等级", "复评原因", "首要原因说明"]
    return {
        "due": len(due),
        "chart": chart,
        "table": table(headers, rows, numeric=(0,), cls="review"),
        "more": len(due) - len(shown),
    }
