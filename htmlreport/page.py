"""The management report: one self-contained, printable HTML page with inline SVG charts.

This module gathers what the page shows; ``templates/`` (Jinja2, autoescaped) lays it out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from creditfile.document import field_catalogue
from creditfile.htmlreport import sections
from creditfile.htmlreport.charts import Bar, Chart, Stack, bar_chart, grade_colour, stacked_chart
from creditfile.htmlreport.sections import Table, table
from creditfile.htmlreport.templating import environment, wan
from creditfile.htmlreport.trend import trend_section
from creditfile.policy.model import Policy

# The page is written in Chinese, its readers' language, whatever the command line speaks.
DIMENSION_LABELS = {
    "nature": field_catalogue()["nature"].label.zh,
    "tier": "客户层级",
    "lifecycle": "新老客户",
    "stage": "交易阶段",
}


def _kpis(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    grade = report["composition"]["grade"]["total"]
    exposure = report["exposure"]["total"]
    cards = (
        ("客户总数", f"{report['customers']:,}", "户"),
        ("累计租赁额", wan(grade["cumulative_amount"]), "万元"),
        ("在租金额", wan(grade["active_amount"]), "万元"),
        ("应收余额", wan(exposure["outstanding"]), "万元"),
        ("超出信用额度", f"{exposure['over_limit']:,}", "户"),
        ("待复评", f"{len(report['review']):,}", "户"),
    )
    warn = {"超出信用额度": exposure["over_limit"] > 0, "待复评": bool(report["review"])}
    return [
        {"name": name, "value": value, "unit": unit, "warn": warn.get(name, False)}
        for name, value, unit in cards
    ]


def _grade_table(report: Mapping[str, Any], label: list[str]) -> Table:
    rows = report["composition"]["grade"]["rows"]
    body = [
        [n, f"{r['customers']:,}", f"{r['customers_pct']:.2f}%", wan(r["cumulative_amount"]),
         f"{r['cumulative_pct']:.2f}%", wan(r["active_amount"]), f"{r['active_pct']:.2f}%"]
        for n, r in zip(label, rows, strict=True)
    ]  # fmt: skip
    total = report["composition"]["grade"]["total"]
    body.append(["合计", f"{total['customers']:,}", "100%", wan(total["cumulative_amount"]),
                 "100%", wan(total["active_amount"]), "100%"])  # fmt: skip
    headers = ["信用等级", "客户数", "客户占比", "累计租赁额(万元)", "占比",
               "在租金额(万元)", "占比"]  # fmt: skip
    return table(headers, body, numeric=range(1, 7), total_last=True)


def _grades(report: Mapping[str, Any]) -> dict[str, Any]:
    rows = report["composition"]["grade"]["rows"]
    label = [f"{r['key']} {r['label']}" if r["key"] != "ungraded" else r["label"] for r in rows]
    amount = bar_chart(
        [
            Bar(
                n,
                r["cumulative_amount"],
                f"{wan(r['cumulative_amount'])} 万元 · {r['cumulative_pct']:.1f}%",
                grade_colour(r["key"]),
            )
            for n, r in zip(label, rows, strict=True)
        ],
        width=520,
        title="累计租赁额 按信用等级",
    )
    count = bar_chart(
        [
            Bar(
                n,
                r["customers"],
                f"{r['customers']:,} 户 · {r['customers_pct']:.1f}%",
                grade_colour(r["key"]),
            )
            for n, r in zip(label, rows, strict=True)
        ],
        width=400,
        title="客户数 按信用等级",
    )
    return {"amount": amount, "count": count, "table": _grade_table(report, label)}


def _dimension_charts(report: Mapping[str, Any]) -> list[tuple[str, Chart]]:
    figures = []
    for by in ("nature", "tier", "lifecycle", "stage"):
        rows = [r for r in report["composition"][by]["rows"] if r["customers"] or r["key"]]
        bars = [
            Bar(
                r["label"],
                r["cumulative_amount"],
                f"{r['cumulative_pct']:.1f}% · {r['customers']:,} 户",
                "#305496",
            )
            for r in rows
        ]
        chart = bar_chart(bars, width=500, title=f"累计租赁额 按{DIMENSION_LABELS[by]}")
        figures.append((f"按{DIMENSION_LABELS[by]}", chart))
    return figures


def _items(report: Mapping[str, Any]) -> dict[str, Any]:
    items = report["items"]
    columns = items["columns"]
    legend = [
        (
            f"{c['key']} {c['label']}" if c["key"] != "ungraded" else c["label"],
            grade_colour(c["key"]),
        )
        for c in columns
    ]
    stacks = [
        Stack(
            r["label"],
            [(r["cells"][c["key"]]["amount"], grade_colour(c["key"]), c["label"]) for c in columns],
            f"{wan(r['amount'])} 万元 · {r['amount_pct']:.1f}%",
        )
        for r in items["rows"]
        if r["leases"]
    ]
    chart = stacked_chart(stacks, legend, width=900, title="租赁物金额 按信用等级")
    rows = [
        [
            r["label"],
            f"{r['leases']:,}",
            f"{r['leases_pct']:.2f}%",
            wan(r["amount"]),
            f"{r['amount_pct']:.2f}%",
            f"{r['customers']:,}",
        ]
        for r in items["rows"]
    ]
    headers = ["租赁物", "合同笔数", "笔数占比", "租赁金额(万元)", "金额占比", "承租客户数"]
    return {"chart": chart, "table": table(headers, rows, numeric=range(1, 6))}


def render_report(report: Mapping[str, Any], policy: Policy) -> str:
    """The whole page for a ``portfolio`` report (with ``migration`` and ``meta`` added).

    Args:
        report: From ``reports.portfolio.portfolio`` plus ``migration`` and ``meta``, and
            optionally ``trend`` (``report trend --by grade --period year``).
        policy: The policy in force, named in the header.

    Returns:
        A complete HTML document: no scripts, no external resources.
    """
    meta = report.get("meta") or {}
    subtitle = (
        f"档案 {meta.get('archive', '')} · 评级日 {meta.get('gradings_as_of') or '—'} · "
        f"复评计算至 {report['as_of']} · 信用政策 {policy.name} {policy.version}"
    )
    return (
        environment()
        .get_template("page.html.j2")
        .render(
            as_of=report["as_of"],
            subtitle=subtitle,
            policy_sha256=policy.sha256,
            kpis=_kpis(report),
            grades=_grades(report),
            dimensions=_dimension_charts(report),
            items=_items(report),
            trend=trend_section(report.get("trend")),
            credit=sections.credit_table(report),
            migration=sections.migration(report),
            exposure=sections.exposure(report),
            review=sections.review(report),
        )
    )
