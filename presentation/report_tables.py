"""Reports laid out as tables, shared by the terminal, CSV and XLSX.

Headers, titles, sheet names and the words of fixed groups (lifecycles, stages, aging buckets,
ungraded, total) are in the language in force when a table is built
(``creditfile.presentation.translation``); customer fields are headed as the field catalogue
labels them in that language. The values stay the report's own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from creditfile.document import field_catalogue
from creditfile.presentation.agency_tables import agency_tables
from creditfile.presentation.market_tables import (
    market_columns,
    market_note,
    market_rows,
    market_title,
)
from creditfile.presentation.report_groups import dimension_label, group_name, total_label
from creditfile.presentation.tables import Column, ColumnFormat, Table
from creditfile.presentation.translation import N_, language, npgettext, pgettext
from creditfile.presentation.trend_tables import trend_table
from creditfile.presentation.vocabulary import (
    named,
    reason_label,
    reason_message,
)
from creditfile.reports.composition import DIMENSIONS
from creditfile.reports.migration import NEW

# The aging buckets of ``reports.exposure`` by key (the upper bound in days).
AGING_LABELS = {
    "0": N_("not overdue"),
    "30": N_("overdue 1–30 days"),
    "90": N_("overdue 31–90 days"),
    "180": N_("overdue 91–180 days"),
    "over": N_("overdue over 180 days"),
}


# How a report shows each format of the field catalogue (the rest is text).
_SHOWN_AS: dict[str, ColumnFormat] = {
    "id": "id",
    "date": "date",
    "amount": "money",
    "integer": "int",
    "score": "score",
    "flag": "bool",
}


def _field_column(key: str) -> Column:
    """A column showing a customer field, headed and formatted as the field catalogue has it
    (a customer's id stays text: ``@`` in a workbook)."""
    field = field_catalogue()[key]
    return Column(key, field.titled(language()), _SHOWN_AS.get(field.format, "text"))


def composition_table(report: Mapping[str, Any]) -> Table:
    """Business composition by one dimension, with a total row."""
    by = report["by"]
    name = dimension_label(by)
    columns = (
        Column("key", pgettext("report", "Code")),
        Column("label", name),
        Column("customers", pgettext("report", "Customers"), "int"),
        Column("customers_pct", pgettext("report", "Customers %"), "pct"),
        Column("cumulative_amount", pgettext("report", "Cumulative leases (CNY)"), "money"),
        Column("cumulative_pct", pgettext("report", "Cumulative %"), "pct"),
        Column("active_amount", pgettext("report", "Leased now (CNY)"), "money"),
        Column("active_pct", pgettext("report", "Leased now %"), "pct"),
        *market_columns(report),
    )
    total = report["total"]
    rows = [{**row, "label": group_name(by, row)} for row in report["rows"]]
    rows.append({"key": "", "label": total_label(), **total, **_full(report["rows"])})
    title = pgettext("report", "Business composition by {dimension}").format(dimension=name)
    return Table(
        pgettext("report", "Composition-{dimension}").format(dimension=name),
        market_title(title, report),
        columns,
        market_rows(rows),
        market_note(report),
    )


def _full(rows: Sequence[Mapping[str, Any]]) -> dict[str, float]:
    # Shares of the total row: 100 where the column has anything to share, else 0.
    keys = [
        k
        for k in (
            "customers_pct",
            "cumulative_pct",
            "active_pct",
            "amount_pct",
            "leases_pct",
            "outstanding_pct",
        )
        if rows and k in rows[0]
    ]
    return {k: 100.0 if any(row[k] for row in rows) else 0.0 for k in keys}


def item_tables(report: Mapping[str, Any]) -> list[Table]:
    """Leased-item composition; crossed, also item×group tables of amount and of lease count."""
    columns = (
        Column("key", pgettext("report", "Code")),
        Column("label", dimension_label("item")),
        Column("leases", pgettext("report", "Leases"), "int"),
        Column("leases_pct", pgettext("report", "Leases %"), "pct"),
        Column("amount", pgettext("report", "Lease amount (CNY)"), "money"),
        Column("amount_pct", pgettext("report", "Amount %"), "pct"),
        Column("customers", pgettext("report", "Lessees"), "int"),
        *market_columns(report),
    )
    rows = [
        *report["rows"],
        {"key": "", "label": total_label(), **report["total"], **_full(report["rows"])},
    ]
    tables = [
        Table(
            pgettext("report", "Composition-Items"),
            market_title(pgettext("report", "Leased items"), report),
            columns,
            market_rows(rows),
            market_note(report),
        )
    ]
    cross = report.get("cross")
    if cross:
        name = dimension_label(cross)
        tables.append(
            _cross_table(
                report,
                "amount",
                "money",
                pgettext("report", "Items×{dimension}-Amount").format(dimension=name),
                pgettext("report", "Lease amount of items (CNY) by {dimension}").format(
                    dimension=name
                ),
            )
        )
        tables.append(
            _cross_table(
                report,
                "leases",
                "int",
                pgettext("report", "Items×{dimension}-Leases").format(dimension=name),
                pgettext("report", "Leases of items by {dimension}").format(dimension=name),
            )
        )
    return tables


def _cross_table(
    report: Mapping[str, Any], measure: str, kind: ColumnFormat, name: str, title: str
) -> Table:
    cross = str(report.get("cross") or "")
    groups = [{**g, "label": group_name(cross, g)} for g in report["columns"]]
    columns = (
        Column("label", dimension_label("item")),
        *(Column(f"c:{g['key']}", _grade_header(g), kind) for g in groups),
        Column(measure, total_label(), kind),
    )
    rows = []
    for row in report["rows"]:
        line = {"label": row["label"], measure: row[measure]}
        line.update({f"c:{key}": cell[measure] for key, cell in row["cells"].items()})
        rows.append(line)
    totals: dict[str, Any] = {"label": total_label(), measure: report["total"][measure]}
    for group in groups:
        totals[f"c:{group['key']}"] = sum(row[f"c:{group['key']}"] for row in rows)
    if kind == "money":
        totals = {k: round(v, 2) if isinstance(v, float) else v for k, v in totals.items()}
    return Table(name, title, columns, [*rows, totals])


def credit_table(report: Mapping[str, Any]) -> Table:
    """Credit analysis: terms, customers and exposure per grade."""
    columns = (
        Column("key", pgettext("report", "Grade")),
        Column("label", pgettext("report", "Grade name")),
        Column("price_discount_pct", pgettext("report", "Price discount %"), "pct"),
        Column("payment_method", pgettext("report", "Payment method")),
        Column("payment_cycle_days", pgettext("report", "Payment cycle (days)"), "int"),
        Column("deposit_pct", pgettext("report", "Deposit %"), "pct"),
        Column("credit_limit", pgettext("report", "Credit limit (CNY)"), "money"),
        Column("priority_supply", pgettext("report", "Priority supply"), "bool"),
        Column("review_every_days", pgettext("report", "Review every (days)"), "int"),
        Column("customers", pgettext("report", "Customers"), "int"),
        Column("customers_pct", pgettext("report", "Customers %"), "pct"),
        Column("cumulative_amount", pgettext("report", "Cumulative leases (CNY)"), "money"),
        Column("outstanding", pgettext("report", "Outstanding (CNY)"), "money"),
        Column("outstanding_pct", pgettext("report", "Outstanding %"), "pct"),
        Column("over_limit", pgettext("report", "Over limit"), "int"),
    )
    # A grade's terms refined per nature follow it, one row a nature ("A · 个人").
    rows: list[dict[str, Any]] = [
        part
        for row in report["rows"]
        for part in ({**row, "label": group_name("grade", row)}, *row.get("by_nature", ()))
    ]
    rows.append(
        {
            "key": total_label(),
            **report["total"],
            "cumulative_amount": round(sum(r["cumulative_amount"] for r in report["rows"]), 2),
            **_full(report["rows"]),
        }
    )
    return Table(
        pgettext("report", "Credit analysis"),
        pgettext("report", "Credit analysis: terms and exposure per grade"),
        columns,
        rows,
    )


def exposure_columns() -> tuple[Column, ...]:
    """The columns of a list of customers with their credit exposure."""
    return (
        _field_column("id"),
        _field_column("name"),
        Column("grade", pgettext("report", "Grade")),
        Column("credit_limit", pgettext("report", "Credit limit (CNY)"), "money"),
        Column("outstanding", pgettext("report", "Outstanding (CNY)"), "money"),
        Column("utilisation_pct", pgettext("report", "Limit used %"), "pct"),
        Column("excess", pgettext("report", "Over the limit (CNY)"), "money"),
        Column("max_overdue_days", pgettext("report", "Longest overdue (days)"), "days"),
    )


def limit_used(row: Mapping[str, Any]) -> float | str:
    """A customer's share of its credit limit used, in percent, or the words for why there is
    none: a limit of 0 (no credit: any receivable is over it), no limit in the policy, or no
    grade (and so no terms)."""
    used = row.get("utilisation_pct")
    if isinstance(used, int | float):
        return float(used)
    if row.get("grade") is None:
        return pgettext("report", "ungraded: no limit")
    if row.get("credit_limit") is None:
        return pgettext("report", "no limit set")
    return pgettext("report", "no credit (limit 0)")


def _exposure_rows(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [{**row, "utilisation_pct": limit_used(row)} for row in rows]


def aging_label(row: Mapping[str, Any]) -> str:
    """An aging bucket of ``reports.exposure`` named in the language in force."""
    return named(AGING_LABELS, row.get("key")) if row.get("key") else str(row["label"])


def exposure_tables(report: Mapping[str, Any]) -> list[Table]:
    """Over-limit customers, receivables aging and the largest receivables."""
    aging = (
        Column("label", pgettext("report", "Aging")),
        Column("leases", pgettext("report", "Leases"), "int"),
        Column("outstanding", pgettext("report", "Outstanding (CNY)"), "money"),
        Column("outstanding_pct", pgettext("report", "Share %"), "pct"),
    )
    total = report["total"]
    aging_rows: list[dict[str, Any]] = [
        {**row, "label": aging_label(row)} for row in report["aging"]
    ]
    aging_rows.append(
        {
            "label": total_label(),
            "outstanding": total["outstanding"],
            "leases": sum(r["leases"] for r in report["aging"]),
            **_full(report["aging"]),
        }
    )
    over = total["over_limit"]
    return [
        Table(
            pgettext("report", "Over-limit customers"),
            npgettext(
                "report",
                "Customers over their credit limit ({count} customer)",
                "Customers over their credit limit ({count} customers)",
                over,
            ).format(count=f"{over:,}"),
            exposure_columns(),
            _exposure_rows(report["over_limit"]),
        ),
        Table(
            pgettext("report", "Aging"),
            pgettext("report", "Receivables aging"),
            aging,
            aging_rows,
        ),
        Table(
            pgettext("report", "Top 20 receivables"),
            pgettext("report", "Customers with the largest receivables"),
            exposure_columns(),
            _exposure_rows(report["largest"]),
        ),
    ]


def review_table(rows: Sequence[Mapping[str, Any]]) -> Table:
    """Customers due for review, most urgent first, one line each."""
    columns = (
        Column("rank", pgettext("report", "No."), "int"),
        _field_column("id"),
        _field_column("name"),
        Column("grade", pgettext("report", "Grade")),
        Column("reasons", pgettext("report", "Review because")),
        Column("details", pgettext("report", "Details")),
    )
    lines = [
        {
            "rank": index,
            "id": row["id"],
            "name": row["name"],
            "grade": row["grade"],
            "reasons": pgettext("report", ", ").join(reason_label(r) for r in row["reasons"]),
            "details": "; ".join(reason_message(r) for r in row["reasons"]),
        }
        for index, row in enumerate(rows, start=1)
    ]
    count = len(lines)
    return Table(
        pgettext("report", "Review due"),
        npgettext(
            "report",
            "Customers due for review ({count} customer, most urgent first)",
            "Customers due for review ({count} customers, most urgent first)",
            count,
        ).format(count=f"{count:,}"),
        columns,
        lines,
    )


def migration_tables(matrix: Mapping[str, Any], title: str = "") -> list[Table]:
    """The from→to matrix by customer count and by cumulative lease amount."""
    tables = []
    kinds: tuple[tuple[str, ColumnFormat, str, str], ...] = (
        (
            "count",
            "int",
            pgettext("report", "Migration-Customers"),
            pgettext("report", "Grade migration{runs}: customers"),
        ),
        (
            "amount",
            "money",
            pgettext("report", "Migration-Amount"),
            pgettext("report", "Grade migration{runs}: cumulative leases (CNY)"),
        ),
    )
    for measure, kind, name, heading in kinds:
        columns = (
            Column("from", pgettext("report", "Old grade \\ new grade")),
            *(
                Column(f"to:{c['key']}", _grade_header(migration_group(c)), kind)
                for c in matrix["columns"]
            ),
            Column("total", total_label(), kind),
        )
        rows = []
        for row in matrix["rows"]:
            cells = matrix[measure][row["key"]]
            line: dict[str, Any] = {
                "from": _grade_header(migration_group(row)),
                "total": _sum(cells.values()),
            }
            line.update({f"to:{k}": v for k, v in cells.items()})
            rows.append(line)
        totals: dict[str, Any] = {"from": total_label()}
        for column in (c.key for c in columns[1:]):
            totals[column] = _sum(line[column] for line in rows)
        tables.append(Table(name, heading.format(runs=title), columns, [*rows, totals]))
    return tables


def migration_group(group: Mapping[str, str]) -> dict[str, str]:
    """A row or column of the migration matrix, labelled in the language in force."""
    if group["key"] == NEW:
        return {**group, "label": pgettext("report", "new or not graded before")}
    return {**group, "label": group_name("grade", group)}


def _grade_header(group: Mapping[str, str]) -> str:
    key, label = group["key"], group["label"]
    return label if len(key) > 2 else f"{key} {label}"


def _sum(values: Any) -> Any:
    items = list(values)
    total = sum(items)
    return round(total, 2) if any(isinstance(v, float) for v in items) else total


def portfolio_tables(report: Mapping[str, Any]) -> list[Table]:
    """Every table of a ``portfolio`` report, one per spreadsheet sheet."""
    tables = [composition_table(report["composition"][by]) for by in DIMENSIONS]
    tables += item_tables(report["items"])
    tables += item_tables(report["items_by_nature"])[1:]
    tables.append(credit_table(report["credit"]))
    tables += exposure_tables(report["exposure"])
    tables.append(review_table(report["review"]))
    if report.get("migration"):
        tables += migration_tables(report["migration"])
    if report.get("trend"):
        tables.append(trend_table(report["trend"]))
    if report.get("agency"):
        tables += agency_tables(report["agency"])
    return tables
