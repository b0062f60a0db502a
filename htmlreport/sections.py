"""Sections of the management report: credit terms, grade migration, exposure, reviews due."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from creditfile.htmlreport.charts import Bar, bar_chart

SHOWN_REVIEW = 40
SHOWN_OVER_LIMIT = 30
AGING_COLOURS = ("#2e7d32", "#f9a825", "#ef6c00", "#c62828", "#7f0000")


def wan(amount: float) -> str:
    """An amount in 万元 (ten thousands of CNY), as managers read it."""
    return f"{amount / 10000:,.1f}"


def html_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    numeric: Sequence[int] = (),
    total_last: bool = False,
    cls: str = "",
) -> str:
    """A plain HTML table; ``numeric`` columns are right-aligned, the last row may be a total."""
    head = "".join(
        f'<th class="{"n" if i in numeric else ""}">{escape(h)}</th>' for i, h in enumerate(headers)
    )
    body = []
    for index, row in enumerate(rows):
        total = total_last and index == len(rows) - 1
        cells = "".join(
            f'<td class="{"n" if i in numeric else ""}">{escape(str(v))}</td>'
            for i, v in enumerate(row)
        )
        body.append(f'<tr class="{"total" if total else ""}">{cells}</tr>')
    return (
        f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
    )


def section(title: str, body: str) -> str:
    """A titled report section around ready-made HTML ``body``."""
    return f"<section><h2>{escape(title)}</h2>{body}</section>"


def credit_section(report: Mapping[str, Any]) -> str:
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
    table = html_table(
        [
            "信用等级",
            "租价优惠",
            "回款方式",
            "回款周期",
            "押金比例",
            "信用额度(万元)",
            "优先供货",
            "客户数",
            "应收余额(万元)",
            "超额度客户",
        ],
        rows,
        numeric=(1, 3, 4, 5, 7, 8, 9),
    )
    return section(
        "四、信用分析: 各等级的交易条件与敞口",
        f'<p class="lead">交易条件取自现行信用政策; 未评级客户不享受任何等级待遇。</p>{table}',
    )


def migration_section(report: Mapping[str, Any]) -> str:
    """等级迁移: the from→to matrix, coloured by direction, or a note without runs."""
    matrix = report.get("migration")
    if not matrix:
        return section(
            "五、等级迁移",
            '<p class="lead">尚无评级运行记录; 运行 creditfile regrade 后再生成本报告。</p>',
        )
    grades = [c["key"] for c in matrix["columns"]]
    rank = {g: i for i, g in enumerate(grades)}
    top = max((n for row in matrix["count"].values() for n in row.values()), default=0) or 1
    head = "".join(f"<th>{escape(_name(c))}</th>" for c in matrix["columns"])
    body = []
    for row in matrix["rows"]:
        cells = []
        for col in grades:
            n = matrix["count"][row["key"]][col]
            kind = _move_class(row["key"], col, rank)
            alpha = 0.12 + 0.43 * n / top if n else 0  # dark cells would hide their text
            amount = matrix["amount"][row["key"]][col]
            cells.append(
                f'<td class="m {kind}" style="--a:{alpha:.2f}">{n:,}'
                f"<small>{wan(amount)} 万</small></td>"
                if n
                else '<td class="m">·</td>'
            )
        body.append(
            f"<tr><th>{escape(_name(row))}</th>{''.join(cells)}"
            f"<td class='n'>{matrix['row_totals'][row['key']]:,}</td></tr>"
        )
    s = matrix["summary"]
    runs = matrix.get("runs") or {}
    when = " → ".join(_run_text(runs.get(k), matrix.get(f"{k}_run")) for k in ("from", "to"))
    summary = (
        f"共 {s['customers']:,} 户: 上调 <b class='up'>{s['upgraded']:,}</b> 户, 下调 "
        f"<b class='down'>{s['downgraded']:,}</b> 户, 不变 {s['unchanged']:,} 户, "
        f"新增或此前未评级 {s['new']:,} 户。"
    )
    table = (
        f'<table class="matrix"><thead><tr><th>原等级 ＼ 新等级</th>{head}<th>合计</th>'
        f"</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )
    return section(
        "五、等级迁移",
        f'<p class="lead">{escape(when)}。{summary} 绿色为上调, '
        f"红色为下调, 格内为户数及其累计租赁额; 两次都未评上等级的客户不在表中。</p>{table}",
    )


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


def exposure_section(report: Mapping[str, Any]) -> str:
    """信用敞口: totals, the aging chart and the over-limit customers."""
    exposure = report["exposure"]
    aging = bar_chart(
        [
            Bar(
                r["label"],
                r["outstanding"],
                f"{wan(r['outstanding'])} 万元 · {r['outstanding_pct']:.1f}%",
                AGING_COLOURS[min(i, len(AGING_COLOURS) - 1)],
            )
            for i, r in enumerate(exposure["aging"])
        ],
        width=560,
        title="应收账款账龄",
    )
    table, note = _over_limit_table(exposure["over_limit"])
    total = exposure["total"]
    lead = (
        f"应收余额合计 {wan(total['outstanding'])} 万元, "
        f"涉及 {total['customers_with_outstanding']:,} 户; "
        f"{total['over_limit']:,} 户超出信用额度, 超出合计 {wan(total['over_limit_excess'])} 万元。"
    )
    return section(
        "六、信用敞口",
        f'<p class="lead">{lead}</p><figure><figcaption>应收账款账龄'
        f"</figcaption>{aging}</figure><h3>超出信用额度的客户 (超出最多者在前)</h3>"
        f"{table}{note}",
    )


OVER_LIMIT_HEADERS = ("客户编号", "客户名称", "等级", "信用额度(万元)", "应收余额(万元)",
                      "超出(万元)", "额度使用率", "最长逾期(天)")  # fmt: skip


def _over_limit_table(over_limit: Sequence[Mapping[str, Any]]) -> tuple[str, str]:
    shown = over_limit[:SHOWN_OVER_LIMIT]
    if not shown:
        return '<p class="ok">没有客户超出其等级的信用额度。</p>', ""
    rows = [
        [r["id"], r["name"], r["grade"] or "—", wan(r["credit_limit"] or 0),
         wan(r["outstanding"]), wan(r["excess"]),
         "无额度" if r["utilisation_pct"] is None else f"{r['utilisation_pct']:.0f}%",
         f"{r['max_overdue_days']:,}"]
        for r in shown
    ]  # fmt: skip
    more = len(over_limit) - len(shown)
    note = f'<p class="note">另有 {more:,} 户未列出; 完整名单: creditfile report exposure。</p>'
    return html_table(OVER_LIMIT_HEADERS, rows, numeric=range(3, 8)), note if more > 0 else ""


def review_section(report: Mapping[str, Any]) -> str:
    """待复评: reasons counted in a chart and the most urgent customers listed."""
    due = report["review"]
    summary = [r for r in report["review_summary"] if r["customers"]]
    chart = (
        bar_chart(
            [Bar(r["label"], r["customers"], f"{r['customers']:,} 户", "#5c6bc0") for r in summary],
            width=520,
            title="待复评原因",
        )
        if summary
        else ""
    )
    shown = due[:SHOWN_REVIEW]
    rows = [
        [
            i,
            r["id"],
            r["name"],
            r["grade"] or "未评级",
            "、".join(x["label"] for x in r["reasons"]),
            r["reasons"][0]["message"],
        ]
        for i, r in enumerate(shown, start=1)
    ]
    table = (
        html_table(
            ["序号", "客户编号", "客户名称", "等级", "复评原因", "首要原因说明"],
            rows,
            numeric=(0,),
            cls="review",
        )
        if rows
        else '<p class="ok">没有待复评的客户。</p>'
    )
    more = len(due) - len(shown)
    note = (
        f'<p class="note">另有 {more:,} 户未列出; 完整名单: creditfile report review。</p>'
        if more > 0
        else ""
    )
    return section(
        "七、待复评客户 (最紧急在前)",
        f'<p class="lead">共 {len(due):,} 户。一户可有多个原因, '
        f"图中按原因分别计数。</p><figure>{chart}</figure>{table}{note}",
    )
