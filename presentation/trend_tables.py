"""The trend report laid out as a table: one row per period and group, then the period's total."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from creditfile.document import field_catalogue
from creditfile.presentation.tables import Column, Table
from creditfile.presentation.translation import _, language, pgettext
from creditfile.presentation.vocabulary import WORDS, named
from creditfile.reports.shares import UNGRADED


def _dimension_name(by: str) -> str:
    if by == "grade":
        return _("credit grade")
    key = "leases[].item" if by == "item" else "nature"
    return field_catalogue()[key].text(language())


def trend_table(report: Mapping[str, Any]) -> Table:
    """Lease amount booked per period and group, with the change on the previous period."""
    by = report["by"]
    name = _dimension_name(by)
    columns = [
        Column("period", _("period")),
        Column("key", _("code")),
        Column("label", name),
        Column("leases", _("leases"), "int"),
        Column("amount", _("lease amount (CNY)"), "money"),
        Column("amount_pct", _("share %"), "pct"),
        Column("change", _("change (CNY)"), "money"),
        Column("change_pct", _("change %"), "pct"),
        Column("customers", _("customer count"), "int"),
    ]
    if by == "grade":
        columns.append(Column("graded", _("customers holding the grade"), "int"))
    rows: list[dict[str, Any]] = []
    for period in report["periods"]:
        rows.extend({"period": period["key"], **row} for row in _named_groups(period["rows"]))
        total = {k: period[k] for k in ("leases", "amount", "customers", "change", "change_pct")}
        rows.append(
            {
                "period": period["key"],
                "key": "",
                "label": pgettext("report", "Total"),
                **total,
                "amount_pct": 100.0 if period["amount"] else 0.0,
            }
        )
    kind = _("by year") if report["kind"] == "year" else _("by quarter")
    title = _("Lease amount booked {kind}, by {name}, {start} – {end}").format(
        kind=kind, name=name, start=report["from"], end=report["to"]
    )
    return Table(_("Trend"), title, tuple(columns), rows)


def _named_groups(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows whose ungraded group is named in the language in force (the policy names the rest)."""
    return [{**r, "label": named(WORDS, UNGRADED)} if r.get("key") == UNGRADED else r for r in rows]
