"""The words report tables share: a dimension's name, a group's label, the total row's label."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from creditfile.document import field_catalogue
from creditfile.presentation.translation import language, pgettext
from creditfile.presentation.vocabulary import LIFECYCLES, STAGES, WORDS, named
from creditfile.reports.shares import UNGRADED


def dimension_label(by: str) -> str:
    """The name of a report dimension (``grade``, ``item``…) in the language in force."""
    names = {
        "grade": pgettext("report", "Credit grade"),
        "nature": field_catalogue()["nature"].text(language()),
        "tier": pgettext("report", "Tier"),
        "lifecycle": pgettext("report", "Lifecycle"),
        "stage": pgettext("report", "Trading stage"),
        "item": pgettext("report", "Leased item"),
    }
    return names[by]


def total_label() -> str:
    """The label of a table's total row."""
    return pgettext("report", "Total")


def group_name(by: str, row: Mapping[str, Any]) -> str:
    """A report row's group label: fixed groups named in the language in force, policy groups
    as labelled."""
    key = str(row.get("key", ""))
    if key == UNGRADED:
        return named(WORDS, "ungraded")
    if by == "lifecycle":
        return named(LIFECYCLES, key)
    if by == "stage":
        return named(STAGES, key)
    if not key and by != "item":
        return named(WORDS, "unknown")
    return str(row["label"])
