"""The management report: one self-contained, printable HTML page with inline SVG charts."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

from creditfile.htmlreport.charts import Bar, Stack, bar_chart, grade_colour, stacked_chart
from creditfile.htmlreport.sections import (
    credit_section,
    exposure_section,
    html_table,
    migration_section,
    review_section,
    section,
    wan,
)
from creditfile.policy.model import Policy
from creditfile.reports.sheets import DIMENSION_LABELS


def _kpis(report: Mapping[str, Any]) -> str:
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
    return (
        '<div class="kpis">'
        + "".join(
            f'<div class="kpi{" warn" if warn.get(name) else ""}"><div class="k">{name}</div>'
            f'<div class="v">{value}<span>{unit}</span></div></div>'
            for name, value, unit in cards
        )
        + "</div>"
    )


def _grade_table(report: Mapping[str, Any], label: list[str]) -> str:
    rows = report["composition"]["grade"]["rows"]
    body = [
        [n, f"{r['customers']:,}", f"{r['customers_pct']:.2f}%", wan(r["cumulative_amount"]),
         f"{r['cumulative_pct']:.2f}%", wan(r["active_amount"]), f"{r['active_pct']:.2f}%"]
        for n, r in zip(label, rows, strict=True)
    ]  # fmt: skip
    total = report["composition"]["grade"]["total"]
    body.append(["合计", f"{total['customers']:,}", "100%", wan(total["cumulative_amount"]),
                 "100%", wan(total["active_amount"]), "100%"])  # fmt: skip
    headers = [
        "信用等级",
        "客户数",
        "客户占比",
        "累计租赁额(万元)",
        "占比",
        "在租金额(万元)",
        "占比",
    ]
    return html_table(headers, body, numeric=range(1, 7), total_last=True)


def _grade_section(report: Mapping[str, Any]) -> str:
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
    table = _grade_table(report, label)
    return section(
        "一、业务构成: 各信用等级带来的租赁额",
        f"""
        <p class="lead">租赁收入来自哪些等级的客户 (累计租赁额, 不含已取消合同)。</p>
        <div class="pair"><figure><figcaption>累计租赁额</figcaption>{amount}</figure>
        <figure><figcaption>客户数</figcaption>{count}</figure></div>{table}""",
    )


def _dimension_charts(report: Mapping[str, Any]) -> str:
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
            for i, r in enumerate(rows)
        ]
        chart = bar_chart(bars, width=500, title=f"累计租赁额 按{DIMENSION_LABELS[by]}")
        figures.append(f"<figure><figcaption>按{DIMENSION_LABELS[by]}</figcaption>{chart}</figure>")
    return section(
        "二、客户构成: 性质、层级、新老与交易阶段",
        '<p class="lead">条形长度为累计租赁额; 右侧为其占比和客户数。</p>'
        f'<div class="grid">{"".join(figures)}</div>',
    )


def _item_section(report: Mapping[str, Any], policy: Policy) -> str:
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
    table = html_table(
        ["租赁物", "合同笔数", "笔数占比", "租赁金额(万元)", "金额占比", "承租客户数"],
        [
            [
                r["label"],
                f"{r['leases']:,}",
                f"{r['leases_pct']:.2f}%",
                wan(r["amount"]),
                f"{r['amount_pct']:.2f}%",
                f"{r['customers']:,}",
            ]
            for r in items["rows"]
        ],
        numeric=range(1, 6),
    )
    return section(
        "三、租赁物构成: 哪些等级的客户租哪些设备",
        f'<p class="lead">每条按客户信用等级分段。</p><figure>{chart}</figure>{table}',
    )


def render_report(report: Mapping[str, Any], policy: Policy) -> str:
    """The whole page for a ``portfolio`` report (with ``migration`` and ``meta`` added).

    Args:
        report: From ``engine.report_portfolio.portfolio`` plus ``migration`` and ``meta``.
        policy: The policy in force, named in the header.

    Returns:
        A complete HTML document: no scripts, no external resources.
    """
    from creditfile.htmlreport.style import STYLE

    meta = report.get("meta") or {}
    subtitle = (
        f"档案 {meta.get('archive', '')} · 评级日 {meta.get('gradings_as_of') or '—'} · "
        f"复评计算至 {report['as_of']} · 信用政策 {policy.name} {policy.version}"
    )
    body = "".join(
        (
            _kpis(report),
            _grade_section(report),
            _dimension_charts(report),
            _item_section(report, policy),
            credit_section(report),
            migration_section(report),
            exposure_section(report),
            review_section(report),
        )
    )
    return (
        f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>客户信用档案 管理报告 {escape(report['as_of'])}</title><style>{STYLE}</style>"
        f"</head><body><header><h1>客户信用档案 · 管理报告</h1><p>{escape(subtitle)}</p>"
        f"</header><main>{body}</main><footer>policy sha256 {escape(policy.sha256[:16])}… · "
        f"creditfile report html</footer></body></html>\n"
    )
