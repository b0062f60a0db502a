"""Credit exposure against grade limits, overdue overrides, and who is due for review."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from creditfile.engine import grade_archive
from creditfile.policy import Policy, parse_policy
from creditfile.presentation.report_tables import exposure_tables, review_table
from creditfile.presentation.vocabulary import reason_message
from creditfile.reports.composition import customer_lines
from creditfile.reports.exposure import exposure_report, over_limit_customers
from creditfile.reports.review import due_for_review, reason_summary, review_reasons

HAN = re.compile(r"[\u3400-\u9fff]")
AS_OF = date(2026, 11, 29)
FULL_MARKS = {"strength": 10, "potential": 15, "reputation": 20, "payment": 30, "other": 10}


def _doc(
    cid: str,
    *,
    outstanding: float = 0.0,
    overdue: int = 0,
    assessed_on: str | None = "2026-06-01",
    sources: list[dict[str, Any]] | None = None,
    marks: dict[str, float] | None = None,
) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": cid,
        "name": f"客户{cid}",
        "nature": "developer",
        "leases": [
            {
                "contract": f"L-{cid}",
                "item": "tower_crane",
                "start": "2018-01-01",
                "amount": 10_000_000,
                "status": "active",
                "outstanding": outstanding,
                "overdue_days": overdue,
            }
        ],
        "assessment": {**(FULL_MARKS if marks is None else marks)},
        "sources": sources or [],
    }
    if assessed_on:
        doc["assessment"]["assessed_on"] = assessed_on
    return doc


def _policy(text: str, **changes: Any) -> Policy:
    data = yaml.safe_load(text)
    data["effective_from"] = "2026-01-01"
    for key, value in changes.items():
        data[key] = value
    return parse_policy(yaml.safe_dump(data, allow_unicode=True), "variant.yaml")


def _grade_c(doc: dict[str, Any]) -> dict[str, Any]:
    return {
        "status": "graded",
        "grade": "C",
        "total": 71,
        "tier": "general",
        "lifecycle": "established",
        "stage": "current",
        "flags": [],
        "overrides": [],
    }


def test_over_limit_customers_largest_excess_first(
    default_policy: Policy, speak: Callable[[str], str]
) -> None:
    docs = [
        _doc("A1", outstanding=600_000),
        _doc("A2", outstanding=2_000_000),
        _doc("A3", outstanding=500_000),
        _doc("A4", outstanding=0),
    ]
    gradings = {d["id"]: _grade_c(d) for d in docs}  # grade C: limit 500,000
    lines = customer_lines(docs, gradings, default_policy, AS_OF)
    over = over_limit_customers(lines, default_policy)
    assert [row["id"] for row in over] == ["A2", "A1"]  # A3 is at the limit, not over it
    assert over[0]["excess"] == 1_500_000.0
    assert over[0]["utilisation_pct"] == 400.0
    report = exposure_report(lines, default_policy)
    assert report["total"]["outstanding"] == 3_100_000.0
    assert report["total"]["over_limit"] == 2
    assert report["total"]["over_limit_excess"] == 1_600_000.0
    speak("zh")
    assert [t.name for t in exposure_tables(report)] == ["超额度客户", "账龄", "应收前20"]
    speak("en")
    assert [t.name for t in exposure_tables(report)] == [
        "Over-limit customers",
        "Aging",
        "Top 20 receivables",
    ]


def test_grade_d_limit_zero_means_any_receivable_is_over(default_policy: Policy) -> None:
    docs = [_doc("D1", outstanding=0.01)]
    gradings = {"D1": {**_grade_c(docs[0]), "grade": "D"}}
    over = over_limit_customers(
        customer_lines(docs, gradings, default_policy, AS_OF), default_policy
    )
    assert over[0]["id"] == "D1"
    assert over[0]["utilisation_pct"] is None  # as the credit_utilisation fact: no limit


@pytest.mark.parametrize(
    ("lang", "no_credit", "ungraded"),
    [
        ("zh", "无信用额度(额度为 0)", "未评级,无额度"),
        ("en", "no credit (limit 0)", "ungraded: no limit"),
    ],
)
def test_the_workbook_says_why_a_customer_has_no_share_of_its_limit(
    default_policy: Policy,
    speak: Callable[[str], str],
    tmp_path: Path,
    lang: str,
    no_credit: str,
    ungraded: str,
) -> None:
    """A D customer (limit 0) and an ungraded one owe: the "limit used" cell names why there is
    no percentage, right-aligned under its header like the percentages, never blank."""
    import openpyxl

    from creditfile.spreadsheets.writing import write_tables_xlsx

    docs = [
        _doc("C1", outstanding=600_000),
        _doc("D1", outstanding=80_000),
        _doc("U1", outstanding=9e5),
    ]
    gradings = {"C1": _grade_c(docs[0]), "D1": {**_grade_c(docs[1]), "grade": "D"}}
    report = exposure_report(customer_lines(docs, gradings, default_policy, AS_OF), default_policy)
    speak(lang)
    out = tmp_path / "exposure.xlsx"
    write_tables_xlsx(out, exposure_tables(report))
    book = openpyxl.load_workbook(out)
    for sheet, expected in (
        (book.worksheets[0], {"C1", "D1"}),
        (book.worksheets[2], {"C1", "D1", "U1"}),
    ):
        headers = [cell.value for cell in sheet[1]]
        column = headers.index("额度使用率%" if lang == "zh" else "Limit used %")
        used = {row[0].value: row[column] for row in sheet.iter_rows(min_row=2)}
        assert set(used) == expected
        assert used["C1"].value == 120.0
        assert used["D1"].value == no_credit
        assert used["D1"].alignment.horizontal == "right"
        if "U1" in used:
            assert used["U1"].value == ungraded


def test_ungraded_customers_have_no_limit_to_exceed(default_policy: Policy) -> None:
    docs = [_doc("U1", outstanding=9e6)]
    lines = customer_lines(docs, {}, default_policy, AS_OF)
    assert over_limit_customers(lines, default_policy) == []


def test_aging_buckets_add_up_to_the_total(default_policy: Policy) -> None:
    docs = [_doc(f"X{d}", outstanding=100.0 + d, overdue=d) for d in (0, 1, 30, 31, 90, 91, 400)]
    docs.append(_doc("paid", outstanding=0, overdue=500))  # nothing owed: not in any bucket
    aging = exposure_report(customer_lines(docs, {}, default_policy, AS_OF), default_policy)[
        "aging"
    ]
    assert [row["leases"] for row in aging] == [1, 2, 2, 1, 1]
    total = sum(Decimal(repr(row["outstanding"])) for row in aging)
    assert total == sum(Decimal(100 + d) for d in (0, 1, 30, 31, 90, 91, 400))
    assert sum(Decimal(repr(row["outstanding_pct"])) for row in aging) == 100


@pytest.mark.parametrize(
    ("overdue", "outstanding", "grade"),
    [
        (91, 1000.0, "C"),  # overdue beyond 90 days caps at C
        (90, 1000.0, "A"),  # exactly 90 is not beyond
        (365, 0.0, "A"),  # overdue days without money outstanding do not count
    ],
)
def test_policy_override_on_overdue_days_caps_the_grade(
    default_policy_text: str, overdue: int, outstanding: float, grade: str
) -> None:
    policy = _policy(
        default_policy_text,
        overrides=[
            {
                "id": "overdue-90",
                "reason": "逾期超过90天,最高评为C级",
                "when": "max_overdue_days > 90",
                "cap_grade": "C",
            }
        ],
    )
    docs = [_doc("O1", outstanding=outstanding, overdue=overdue)]
    assert grade_archive(docs, policy, AS_OF)["O1"]["grade"] == grade


def test_policy_override_on_credit_utilisation(default_policy_text: str) -> None:
    policy = _policy(
        default_policy_text,
        overrides=[
            {
                "id": "over-limit",
                "reason": "超出信用额度,降为B级并复评",
                "when": "credit_utilisation != null and credit_utilisation > 1",
                "cap_grade": "B",
            },
            {
                "id": "near-limit",
                "reason": "额度使用超过80%",
                "when": "credit_utilisation != null and credit_utilisation > 0.8",
                "flag": "needs_review",
            },
        ],
    )
    docs = [
        _doc("U1", outstanding=5_000_001),
        _doc("U2", outstanding=4_500_000),
        _doc("U3", outstanding=100),
    ]
    gradings = grade_archive(docs, policy, AS_OF)
    assert gradings["U1"]["grade"] == "B"  # 5,000,001 of A's 5,000,000
    assert gradings["U2"]["grade"] == "A"
    assert gradings["U2"]["flags"] == ["needs_review"]
    assert gradings["U3"]["flags"] == []
    due = {row["id"]: row["reason_codes"] for row in due_for_review(docs, gradings, policy, AS_OF)}
    # U1, capped to B, owes more than B's 2,000,000 limit and is flagged by the second rule
    assert due == {"U1": ["over_limit", "policy_flag"], "U2": ["policy_flag"]}


def test_review_reasons_each_named_and_most_urgent_first(
    default_policy_text: str, speak: Callable[[str], str]
) -> None:
    data = yaml.safe_load(default_policy_text)
    privileges = data["privileges"]
    for grade, days in (("A", 365), ("B", 180), ("C", 90), ("D", 30)):
        privileges[grade]["review_every_days"] = days
    policy = _policy(
        default_policy_text, privileges=privileges, review={"agency_report_max_age_days": 365}
    )
    docs = [
        _doc("fresh"),
        _doc("stale", assessed_on="2025-01-01"),  # A every 365 days: 697 days old
        _doc("older", assessed_on="2024-01-01"),
        _doc("never", assessed_on=None),
        _doc("form", sources=[{"kind": "customer_form", "on": "2026-09-01", "verified": False}]),
        _doc("agency", sources=[{"kind": "agency_investigation", "on": "2025-01-01"}]),
        _doc("agency-ok", sources=[{"kind": "agency_investigation", "on": "2026-01-01"}]),
        _doc("over", outstanding=6_000_000),
        _doc("ungraded", marks={"strength": 10}),
    ]
    gradings = grade_archive(docs, policy, AS_OF)
    due = due_for_review(docs, gradings, policy, AS_OF)
    order = [row["id"] for row in due]
    assert order == ["over", "ungraded", "never", "older", "stale", "form", "agency"]
    codes = {row["id"]: row["reason_codes"] for row in due}
    assert codes["over"] == ["over_limit"]
    assert codes["never"] == ["never_assessed"]
    assert codes["stale"] == ["review_overdue"]
    assert codes["form"] == ["unaudited_form"]
    assert codes["agency"] == ["agency_report_stale"]
    assert "ungraded" in codes["ungraded"]
    stale = next(row for row in due if row["id"] == "stale")["reasons"][0]
    assert reason_message(stale, "en") == (
        "last assessed 2025-01-01, 697 days ago; grade A is reviewed every 365 days"
    )
    assert reason_message(stale, "zh") == "上次评估 2025-01-01, 已 697 天, A 级每 365 天复评"
    summary = {row["code"]: row["customers"] for row in reason_summary(due)}
    assert summary["review_overdue"] == 2
    speak("zh")
    table = review_table(due)
    assert table.rows[0]["rank"] == 1 and table.rows[0]["reasons"] == "超出信用额度"
    assert table.rows[0]["details"].startswith("应收 6,000,000.00 元, 超出 A 级信用额度")
    speak("en")
    table = review_table(due)
    assert table.rows[0]["reasons"] == "over credit limit"
    assert table.rows[0]["details"].startswith("owes CNY 6,000,000.00, CNY ")
    # English words only; the Chinese left is data: names, and the policy's own item labels.
    assert not any(HAN.search(row["reasons"]) for row in table.rows)
    assert not any(HAN.search(row["details"]) for row in table.rows if row["id"] != "ungraded")


def test_one_customer_reasons_match_the_list(default_policy: Policy) -> None:
    doc = _doc(
        "solo",
        assessed_on=None,
        sources=[{"kind": "customer_form", "on": "2026-01-01", "verified": False}],
    )
    gradings = grade_archive([doc], default_policy, AS_OF)
    alone = review_reasons(doc, gradings["solo"], default_policy, AS_OF)
    listed = due_for_review([doc], gradings, default_policy, AS_OF)[0]["reasons"]
    assert alone == listed
    assert [r["code"] for r in alone] == ["never_assessed", "unaudited_form"]
    assert review_reasons(doc, None, default_policy, AS_OF)[0]["code"] == "ungraded"


@pytest.mark.parametrize(
    ("assessed_on", "due"), [("2025-11-29", False), ("2025-11-28", True), ("2010-01-01", True)]
)
def test_default_policy_reviews_an_a_grade_yearly(
    default_policy: Policy, assessed_on: str, due: bool
) -> None:
    doc = _doc("old", assessed_on=assessed_on)
    gradings = grade_archive([doc], default_policy, AS_OF)
    assert gradings["old"]["grade"] == "A"
    codes = [r["code"] for r in review_reasons(doc, gradings["old"], default_policy, AS_OF)]
    assert codes == (["review_overdue"] if due else [])
