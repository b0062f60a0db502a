"""The management report: one self-contained, printable HTML page with inline SVG charts.

This module gathers what the page shows; ``templates/`` (Jinja2, autoescaped) lays it out. The
page is written in the language in force (``--lang``, or the locale), its words from the gettext
catalogue (context ``html``), the policy's labels as the policy gives them in that language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from creditfile.document import field_catalogue
from creditfile.htmlreport import sections
from creditfile.htmlreport.charts import Bar, Chart, Stack, bar_chart, grade_colour, stacked_chart
from creditfile.htmlreport.sections import Table, table
from creditfile.htmlreport.templating import customers, environment, in_wan, wan
from creditfile.htmlreport.trend import trend_section
from creditfile.policy.model import Policy
from creditfile.presentation.report_groups import group_name
from creditfile.presentation.translation import language, pgettext


def dimension_label(by: str) -> str:
    """What a composition chart groups by, in the language in force (客户性质, nature); the
    nature as the field catalogue names it."""
    if by == "nature":
        label = field_catalogue()["nature"].label
        return label.zh if language() == "zh" else label.en.lower()
    names = {
        "tier": pgettext("html", "tier"),
        "lifecycle": pgettext("html", "new or established"),
        "stage": pgettext("html", "trading stage"),
    }
    return names[by]


def _kpis(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    grade = report["composition"]["grade"]["total"]
    exposure = report["exposure"]["total"]
    count, amount = pgettext("html", "customers"), pgettext("html", "10k CNY")
    over, due = exposure["over_limit"], len(report["review"])
    cards = (
        (pgettext("html", "Customers in all"), f"{report['customers']:,}", count, False),
        (pgettext("html", "Cumulative leases"), wan(grade["cumulative_amount"]), amount, False),
        (pgettext("html", "Leased now"), wan(grade["active_amount"]), amount, False),
        (pgettext("html", "Outstanding"), wan(exposure["outstanding"]), amount, False),
        (pgettext("html", "Over the credit limit"), f"{over:,}", count, over > 0),
        (pgettext("html", "Due for review"), f"{due:,}", count, due > 0),
    )
    return [
        {"name": name, "value": value, "unit": unit, "warn": warn}
        for name, value, unit, warn in cards
    ]


def grade_name(group: Mapping[str, Any]) -> str:
    """A grade group as the page names it: ``A 优质客户``, or the word for ungraded."""
    label = group_name("grade", group)
    return label if group["key"] == "ungraded" else f"{group['key']} {label}"


def _grade_table(report: Mapping[str, Any], label: list[str]) -> Table:
    rows = report["composition"]["grade"]["rows"]
    body = [
        [n, f"{r['customers']:,}", f"{r['customers_pct']:.2f}%", wan(r["cumulative_amount"]),
         f"{r['cumulative_pct']:.2f}%", wan(r["active_amount"]), f"{r['active_pct']:.2f}%"]
        for n, r in zip(label, rows, strict=True)
    ]  # fmt: skip
    total = report["composition"]["grade"]["total"]
    body.append([pgettext("html", "Total"), f"{total['customers']:,}", "100%",
                 wan(total["cumulative_amount"]), "100%", wan(total["active_amount"]),
                 "100%"])  # fmt: skip
    headers = [pgettext("html", "Credit grade"), pgettext("html", "Customers"),
               pgettext("html", "Share of customers"),
               pgettext("html", "Cumulative leases (10k CNY)"), pgettext("html", "Share"),
               pgettext("html", "Leased now (10k CNY)"), pgettext("html", "Share")]  # fmt: skip
    return table(headers, body, numeric=range(1, 7), total_last=True)


def _grades(report: Mapping[str, Any]) -> dict[str, Any]:
    rows = report["composition"]["grade"]["rows"]
    label = [grade_name(r) for r in rows]
    amount = bar_chart(
        [
            Bar(
                n,
                r["cumulative_amount"],
                f"{in_wan(r['cumulative_amount'])} · {r['cumulative_pct']:.1f}%",
                grade_colour(r["key"]),
            )
            for n, r in zip(label, rows, strict=True)
        ],
        width=520,
        title=pgettext("html", "Cumulative leases by credit grade"),
    )
    count = bar_chart(
        [
            Bar(
                n,
                r["customers"],
                f"{customers(r['customers'])} · {r['customers_pct']:.1f}%",
                grade_colour(r["key"]),
            )
            for n, r in zip(label, rows, strict=True)
        ],
        width=400,
        title=pgettext("html", "Customers by credit grade"),
    )
    return {"amount": amount, "count": count, "table": _grade_table(report, label)}


def _dimension_charts(report: Mapping[str, Any]) -> list[tuple[str, Chart]]:
    figures = []
    for by in ("nature", "tier", "lifecycle", "stage"):
        rows = [r for r in report["composition"][by]["rows"] if r["customers"] or r["key"]]
        bars = [
            Bar(
                group_name(by, r),
                r["cumulative_amount"],
                f"{r['cumulative_pct']:.1f}% · {customers(r['customers'])}",
                "#305496",
            )
            for r in rows
        ]
        dimension = dimension_label(by)
        title = pgettext("html", "Cumulative leases by {dimension}").format(dimension=dimension)
        chart = bar_chart(bars, width=500, title=title)
        figures.append((pgettext("html", "By {dimension}").format(dimension=dimension), chart))
    return figures


def _items(report: Mapping[str, Any]) -> dict[str, Any]:
    items = report["items"]
    columns = items["columns"]
    legend = [(grade_name(c), grade_colour(c["key"])) for c in columns]
    names = {c["key"]: group_name("grade", c) for c in columns}
    stacks = [
        Stack(
            r["label"],
            [
                (r["cells"][c["key"]]["amount"], grade_colour(c["key"]), names[c["key"]])
                for c in columns
            ],
            f"{in_wan(r['amount'])} · {r['amount_pct']:.1f}%",
        )
        for r in items["rows"]
        if r["leases"]
    ]
    title = pgettext("html", "Leased items' amounts by credit grade")
    chart = stacked_chart(stacks, legend, width=900, title=title)
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
    headers = [pgettext("html", "Leased item"), pgettext("html", "Leases"),
               pgettext("html", "Share of leases"), pgettext("html", "Lease amount (10k CNY)"),
               pgettext("html", "Share of amount"), pgettext("html", "Lessees")]  # fmt: skip
    return {"chart": chart, "table": table(headers, rows, numeric=range(1, 6))}


def render_report(report: Mapping[str, Any], policy: Policy) -> str:
    """The whole page for a ``portfolio`` report (with ``migration`` and ``meta`` added).

    Args:
        report: From ``reports.portfolio.portfolio`` plus ``migration`` and ``meta``, and
            optionally ``trend`` (``report trend --by grade --period year``).
        policy: The policy in force, named in the header (in the language of the page:
            ``policy.in_language(language())``).

    Returns:
        A complete HTML document in the language in force: no scripts, no external resources.
    """
    meta = report.get("meta") or {}
    subtitle = pgettext(
        "html",
        "Archive {archive} · graded as of {graded} · reviews as of {as_of} · "
        "credit policy {policy} {version}",
    ).format(
        archive=meta.get("archive", ""),
        graded=meta.get("gradings_as_of") or "—",
        as_of=report["as_of"],
        policy=policy.name,
        version=policy.version,
    )
    return (
        environment()
        .get_template("page.html.j2")
        .render(
            html_lang="zh-CN" if language() == "zh" else "en",
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
