"""The agency-investigation costs laid out as tables: by year and grade, and by grade."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from creditfile.document import field_catalogue
from creditfile.presentation.tables import Column, Table
from creditfile.presentation.translation import _, language, pgettext
from creditfile.presentation.vocabulary import WORDS, named
from creditfile.reports.shares import UNGRADED


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
        rows.extend({"year": shown, **row} for row in _named_groups(year["rows"]))
        rows.append({"year": shown, "key": "", "label": pgettext("report", "Total"), **year})
    by_year = Table(
        _("Agency by year"),
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
        _("Agency by grade"),
        _("Agency investigations and their cost, by grade"),
        (Column("key", _("grade")), Column("label", _("credit grade")), *_measures()),
        [
            *_named_groups(report["by_grade"]),
            {"key": "", "label": pgettext("report", "Total"), **report["total"]},
        ],
    )
    return [by_year, by_grade]


def _named_groups(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows whose ungraded group is named in the language in force (the policy names the rest)."""
    return [{**r, "label": named(WORDS, UNGRADED)} if r.get("key") == UNGRADED else r for r in rows]
