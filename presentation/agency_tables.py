"""The agency-investigation costs laid out as tables: by year and grade, and by grade."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from creditfile.document import field_catalogue
from creditfile.presentation.tables import Column, Table
from creditfile.presentation.translation import _, language


def _measures() -> tuple[Column, ...]:
    return (
        Column("investigations", _("investigations"), "int"),
        Column("cost", field_catalogue()["sources[].cost"].titled(language()), "money"),
        Column("unpriced", _("cost not recorded"), "int"),
        Column("customers", _("customer count"), "int"),
    )


def agency_tables(report: Mapping[str, Any]) -> list[Table]:
    """Investigations and their cost per year and grade (with each year's total), then per
    grade over every year."""
    undated = _("no date")
    rows: list[dict[str, Any]] = []
    for year in report["years"]:
        shown = undated if year["year"] == "undated" else year["year"]
        rows.extend({"year": shown, **row} for row in year["rows"])
        rows.append({"year": shown, "key": "", "label": _("total"), **year})
    by_year = Table(
        _("agency by year"),
        _("Agency investigations and their cost, by year and grade"),
        (
            Column("year", _("year")),
            Column("key", _("grade")),
            Column("label", _("credit grade")),
            *_measures(),
        ),
        rows,
    )
    by_grade = Table(
        _("agency by grade"),
        _("Agency investigations and their cost, by grade"),
        (Column("key", _("grade")), Column("label", _("credit grade")), *_measures()),
        [*report["by_grade"], {"key": "", "label": _("total"), **report["total"]}],
    )
    return [by_year, by_grade]
