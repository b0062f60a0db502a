"""The agency-investigation costs laid out as tables: by year and grade, and by grade."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from creditfile.document import field_catalogue
from creditfile.presentation.report_groups import group_name, total_label
from creditfile.presentation.tables import Column, Table
from creditfile.presentation.translation import language, pgettext


def _grade_columns() -> tuple[Column, ...]:
    return (
        Column("key", pgettext("report", "Grade")),
        Column("label", pgettext("report", "Grade name")),
        Column("investigations", pgettext("report", "Investigations"), "int"),
        Column("cost", field_catalogue()["sources[].cost"].titled(language()), "money"),
        Column("unpriced", pgettext("report", "Cost not recorded"), "int"),
        Column("customers", pgettext("report", "Customers"), "int"),
    )


def _graded(row: Mapping[str, Any]) -> dict[str, Any]:
    return {**row, "label": group_name("grade", row)}


def agency_tables(report: Mapping[str, Any]) -> list[Table]:
    """Investigations and their cost per year and grade (with each year's total), then per
    grade over every year."""
    undated = pgettext("report", "No date")
    rows: list[dict[str, Any]] = []
    for year in report["years"]:
        shown = undated if year["year"] == "undated" else year["year"]
        rows.extend({"year": shown, **_graded(row)} for row in year["rows"])
        rows.append({"year": shown, "key": "", **year, "label": total_label()})
    by_year = Table(
        pgettext("report", "Agency by year"),
        pgettext("report", "Agency investigations and their cost, by year and grade"),
        (Column("year", pgettext("report", "Year")), *_grade_columns()),
        rows,
    )
    by_grade = Table(
        pgettext("report", "Agency by grade"),
        pgettext("report", "Agency investigations and their cost, by grade"),
        _grade_columns(),
        [
            *(_graded(row) for row in report["by_grade"]),
            {"key": "", **report["total"], "label": total_label()},
        ],
    )
    return [by_year, by_grade]
