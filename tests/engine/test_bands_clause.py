"""The clause for a bands item (card and explain), in the language in force: the fact, its band and points,
or the entry that took the bands' place."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from creditfile.engine import explain
from creditfile.policy import default_policy_path, parse_policy
from creditfile.presentation.explanation import computed_clause
from creditfile.presentation.translation import set_language

EXAMPLE = default_policy_path().with_name("example-options.yaml")
AS_OF = date(2026, 11, 29)


def _doc(overdue: int, **entries: Any) -> dict[str, Any]:
    lease = {"contract": "L1", "item": "tower_crane", "start": "2015-02-01", "amount": 900_000,
             "status": "active", "outstanding": 8_000, "overdue_days": overdue}  # fmt: skip
    assessment = {"strength": 8, "potential": 12, "reputation": 16, "other": 8, **entries}
    return {"id": "C1", "name": "客户", "nature": "developer", "leases": [lease],
            "assessment": assessment}  # fmt: skip


def _clause(row: dict[str, Any], lang: str) -> str:
    try:
        set_language(lang)
        return computed_clause(row)
    finally:
        set_language("en")


def _payment_row(text: str, doc: dict[str, Any]) -> dict[str, Any]:
    rows = explain(doc, parse_policy(text, "p.yaml"), AS_OF)["items"]
    return next(r for r in rows if r["key"] == "payment")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("zh", "最长逾期天数 45,落在区间 31–90:15 分"),
     ("en", "days overdue (most) 45, in band 31–90: 15 points")],
)  # fmt: skip
def test_the_band_is_named_in_the_cards_language(lang: str, expected: str) -> None:
    row = _payment_row(EXAMPLE.read_text("utf-8"), _doc(45))
    assert _clause(row, lang) == expected


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("zh", "评估人录入 28 分,取代区间所得 30 分(最长逾期天数 0,区间 0)"),
     ("en", "28 entered by the assessor in place of the bands' 30 (days overdue (most) 0, band 0)")],
)  # fmt: skip
def test_an_entry_in_place_of_the_bands_is_shown_as_such(lang: str, expected: str) -> None:
    text = EXAMPLE.read_text("utf-8").replace(
        "fact: max_overdue_days\n", "fact: max_overdue_days\n    manual_override: true\n"
    )
    row = _payment_row(text, _doc(0, payment=28))
    assert _clause(row, lang) == expected


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("zh", "最长逾期天数 120,落在区间 91 及以上:0 分"),
     ("en", "days overdue (most) 120, in band 91 and over: 0 points")],
)  # fmt: skip
def test_the_last_band_open_upwards_is_named_in_the_cards_language(
    lang: str, expected: str
) -> None:
    row = _payment_row(EXAMPLE.read_text("utf-8"), _doc(120))
    assert _clause(row, lang) == expected
