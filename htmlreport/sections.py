"""What the later sections show (credit terms, migration, exposure, reviews due), as plain data.

The templates in ``templates/sections/`` lay it out; nothing here writes markup.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

from creditfile.document import field_catalogue
from creditfile.htmlreport.charts import Bar, Chart, bar_chart
from creditfile.htmlreport.templating import customers, in_wan, num, wan
from creditfile.presentation.report_groups import group_name
from creditfile.presentation.report_tables import aging_label, limit_used, migration_group
from creditfile.presentation.translation import _, language, pgettext
from creditfile.presentation.vocabulary import reason_label, reason_message

SHOWN_REVIEW = 40
SHOWN_OVER_LIMIT = 30
AGING_COLOURS = ("#2e7d32", "#f9a825", "#ef6c00", "#c62828", "#7f0000")


def _customer_headers() -> tuple[str, str]:
    """The customer's id and name, headed as the field catalogue labels them."""
    lang = language()
    id_, name = (field_catalogue()[key] for key in ("id", "name"))
    return id_.titled(lang), name.titled(lang)


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
                pgettext("html", "{days} days").format(days=r["payment_cycle_days"]),
                f"{r['deposit_pct']:g}%",
                wan(r["credit_limit"]),
                _("yes") if r["priority_supply"] else _("no"),
            ]
            if graded and r["credit_limit"] is not None
            else ["—"] * 6
        )
        label = group_name("grade", r)
        name = f"{r['key']} {label}" if graded else label
        rows.append(
            [name, *terms, f"{r['customers']:,}", wan(r["outstanding"]), f"{r['over_limit']:,}"]
        )
    # Short English headers: the ten columns fit the page's width.
    headers = [pgettext("html", "Credit grade"), pgettext("html", "Discount"),
               pgettext("html", "Payment"), pgettext("html", "Cycle"),
               pgettext("html", "Deposit"), pgettext("html", "Limit (10k CNY)"),
               pgettext("html", "Priority"), pgettext("html", "Customers"),
               pgettext("html", "Outstanding (10k CNY)"),
               pgettext("html", "Over limit")]  # fmt: skip
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
        "lead": _migration_lead(when, matrix["summary"]),
    }


def _migration_lead(when: str, summary: Mapping[str, int]) -> Markup:
    """The matrix's lead: the runs compared, the moves counted (ups green, downs red), and how
    to read the cells."""
    text = pgettext(
        "html",
        "{when}. {customers} in all: {up} upgraded, {down} downgraded, {same} unchanged, "
        "{new} new or ungraded before. Green is an upgrade, red a downgrade; a cell holds the "
        "number of customers and their cumulative lease amount; customers ungraded both times "
        "are not in the table.",
    )
    bold = Markup("<b class='{}'>{}</b>")
    return Markup(escape(text)).format(
        when=when,
        customers=customers(summary["customers"]),
        up=bold.format("up", num(summary["upgraded"])),
        down=bold.format("down", num(summary["downgraded"])),
        same=num(summary["unchanged"]),
        new=num(summary["new"]),
    )


def _name(group: Mapping[str, str]) -> str:
    label = migration_group(group)["label"]
    return label if len(group["key"]) > 2 else f"{group['key']} {label}"


def _move_class(source: str, target: str, rank: Mapping[str, int]) -> str:
    if source == target:
        return "same"
    if source not in rank:
        return "new"
    return "up" if rank[target] < rank[source] else "down"


def _run_text(run: Mapping[str, Any] | None, run_id: Any) -> str:
    if run_id is None:
        return pgettext("html", "before the first grading")
    if not run:
        return pgettext("html", "run {run}").format(run=run_id)
    return pgettext("html", "run {run} ({at}, graded as of {as_of}, policy {version})").format(
        run=run_id,
        at=str(run.get("at", ""))[:10],
        as_of=run.get("as_of"),
        version=run.get("policy_version"),
    )


def over_limit_headers() -> tuple[str, ...]:
    """The headers of the table of customers over their limit."""
    return (*_customer_headers(), pgettext("html", "Grade"),
            pgettext("html", "Credit limit (10k CNY)"), pgettext("html", "Outstanding (10k CNY)"),
            pgettext("html", "Over by (10k CNY)"), pgettext("html", "Limit used"),
            pgettext("html", "Most days overdue"))  # fmt: skip


def _limit_used(row: Mapping[str, Any]) -> str:
    used = limit_used(row)
    return used if isinstance(used, str) else f"{used:.0f}%"


def exposure(report: Mapping[str, Any]) -> dict[str, Any]:
    """信用敞口: totals, the aging chart and the customers most over their limit."""
    data = report["exposure"]
    aging = bar_chart(
        [
            Bar(
                aging_label(r),
                r["outstanding"],
                f"{in_wan(r['outstanding'])} · {r['outstanding_pct']:.1f}%",
                AGING_COLOURS[min(i, len(AGING_COLOURS) - 1)],
            )
            for i, r in enumerate(data["aging"])
        ],
        width=560,
        title=pgettext("html", "Receivables by age"),
    )
    over_limit = data["over_limit"]
    shown = over_limit[:SHOWN_OVER_LIMIT]
    rows = [
        [r["id"], r["name"], r["grade"] or "—", wan(r["credit_limit"] or 0),
         wan(r["outstanding"]), wan(r["excess"]),
         _limit_used(r),
         f"{r['max_overdue_days']:,}"]
        for r in shown
    ]  # fmt: skip
    return {
        "total": data["total"],
        "aging": aging,
        "table": table(over_limit_headers(), rows, numeric=range(3, 8)),
        "more": len(over_limit) - len(shown),
    }


def review(report: Mapping[str, Any]) -> dict[str, Any]:
    """待复评: reasons counted in a chart and the most urgent customers listed."""
    lang = language()
    due = report["review"]
    summary = [r for r in report["review_summary"] if r["customers"]]
    chart: Chart | None = (
        bar_chart(
            [
                Bar(reason_label(r, lang), r["customers"], customers(r["customers"]), "#5c6bc0")
                for r in summary
            ],
            width=520,
            title=pgettext("html", "Reasons for review"),
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
            r["grade"] or _("ungraded"),
            pgettext("html", ", ").join(reason_label(x, lang) for x in r["reasons"]),
            reason_message(r["reasons"][0], lang),
        ]
        for i, r in enumerate(shown, start=1)
    ]
    headers = [pgettext("html", "No."), *_customer_headers(), pgettext("html", "Grade"),
               pgettext("html", "Review because"),
               pgettext("html", "What the first reason means")]  # fmt: skip
    return {
        "due": len(due),
        "chart": chart,
        "table": table(headers, rows, numeric=(0,), cls="review"),
        "more": len(due) - len(shown),
    }
