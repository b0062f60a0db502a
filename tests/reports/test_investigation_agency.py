"""Agency investigations: whom the policy suggests for one (and the review list showing it),
a policy's own condition located when wrong, and the cost report against hand sums."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from creditfile.policy import Policy, check_policy, load_policy
from creditfile.presentation.vocabulary import reason_label, reason_message
from creditfile.reports.agency import agency_costs
from creditfile.reports.investigation import investigation_suggested
from creditfile.reports.review import due_for_review

AS_OF = date(2026, 11, 30)


def _doc(overdue: int = 0, agency_on: str | None = None, **extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": "C1",
        "name": "风险测试有限公司",
        "nature": "developer",
        "leases": [
            {"contract": "L1", "item": "tower_crane", "start": "2025-01-01", "amount": 1000.0,
             "status": "active", "outstanding": 500.0 if overdue else 0.0,
             "overdue_days": overdue},
        ],
    }  # fmt: skip
    if agency_on:
        doc["sources"] = [{"kind": "agency_investigation", "on": agency_on, "cost": 8000}]
    doc.update(extra)
    return doc


def _graded(grade: str | None) -> dict[str, Any]:
    if grade is None:
        return {"status": "ungraded", "grade": None, "total": None}
    return {"status": "graded", "grade": grade, "total": 60.0}


@pytest.mark.parametrize(
    ("grade", "overdue", "agency_on", "suggested"),
    [
        ("D", 0, None, True),  # graded D, never investigated
        ("D", 0, "2026-06-01", False),  # a report within the year
        ("D", 0, "2025-06-01", True),  # a report older than a year
        ("B", 91, None, True),  # overdue over 90 days
        ("B", 90, None, False),  # 90 days is not over 90
        ("A", 0, None, False),
        (None, 120, None, True),  # ungraded, but overdue
        (None, 0, None, False),
    ],
)
def test_the_default_suggests_risky_customers_without_a_recent_report(
    default_policy: Policy, grade: str | None, overdue: int, agency_on: str | None, suggested: bool
) -> None:
    result = investigation_suggested(
        _doc(overdue, agency_on), _graded(grade), default_policy, AS_OF
    )
    assert (result is not None) is suggested
    if result is not None:
        assert result["reason"] and result["max_overdue_days"] == overdue


def test_the_review_list_shows_the_suggestion_with_its_facts(default_policy: Policy) -> None:
    [row] = due_for_review([_doc(120)], {"C1": _graded("C")}, default_policy, AS_OF)
    [reason] = [r for r in row["reasons"] if r["code"] == "investigation"]
    assert reason_label(reason, "en") == "agency investigation suggested"
    assert reason_label(reason, "zh") == "建议委托专业机构调查"
    message = reason_message(reason, "zh")
    assert "最长逾期 120 天" in message and "没有机构调查报告" in message
    english = reason_message(reason, "en")
    assert "longest overdue 120 days" in english and "no agency report" in english
    calm = due_for_review([_doc()], {"C1": _graded("A")}, default_policy, AS_OF)
    assert all("investigation" not in row["reason_codes"] for row in calm)


def _policy_with(tmp_path: Path, text: str, section: str) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(text + "\n" + section, "utf-8")
    return path


def test_a_policy_names_its_own_risky_customers(tmp_path: Path, default_policy_text: str) -> None:
    section = (
        "investigation:\n"
        '  when: grade == "C" and cumulative_lease_amount > 500\n'
        "  reason: C级大客户须调查\n"
    )
    policy = load_policy(_policy_with(tmp_path, default_policy_text, section))
    hit = investigation_suggested(_doc(), _graded("C"), policy, AS_OF)
    assert hit is not None and hit["reason"] == "C级大客户须调查"
    assert investigation_suggested(_doc(), _graded("D"), policy, AS_OF) is None
    off = load_policy(
        _policy_with(tmp_path, default_policy_text, "investigation:\n  when: 'false'\n")
    )
    assert investigation_suggested(_doc(120), _graded("D"), off, AS_OF) is None


def test_a_wrong_condition_is_located(tmp_path: Path, default_policy_text: str) -> None:
    section = "investigation:\n  when: max_overdue_dayz > 90\n"
    path = _policy_with(tmp_path, default_policy_text, section)
    rendered = [str(p) for p in check_policy(path)]
    match = [r for r in rendered if ": investigation.when:" in r and "max_overdue_days" in r]
    assert match, rendered
    line = len(default_policy_text.splitlines()) + 3
    assert re.match(rf"{re.escape(str(path))}:{line}:\d+: ", match[0]), match


def _investigated(cid: str, *sources: tuple[str | None, Any]) -> dict[str, Any]:
    return {
        "id": cid,
        "name": cid,
        "nature": "developer",
        "sources": [
            {"kind": "agency_investigation", "on": on, "cost": cost} for on, cost in sources
        ]
        + [{"kind": "salesperson_visit", "on": "2025-01-01", "cost": 999}],
    }


def test_agency_costs_by_year_and_grade(default_policy: Policy) -> None:
    docs = [
        _investigated("C1", ("2024-03-01", 8000), ("2025-02-01", 1234.5)),
        _investigated("C2", ("2025-07-01", 2000), ("2025-08-01", None), ("2027-01-01", 50000)),
        _investigated("C3", (None, 300)),
    ]
    gradings = {"C1": _graded("D"), "C2": _graded("D"), "C3": _graded("A")}
    report = agency_costs(docs, gradings, default_policy, AS_OF)
    years = {y["year"]: y for y in report["years"]}
    assert list(years) == ["2024", "2025", "undated"]
    assert years["2025"]["investigations"] == 3 and years["2025"]["cost"] == 3234.5
    assert years["2025"]["unpriced"] == 1 and years["2025"]["customers"] == 2
    grades = {g["key"]: g for g in report["by_grade"]}
    assert list(grades) == ["A", "D"]  # the policy's order, only grades with an investigation
    assert grades["D"]["cost"] == 11234.5 and grades["D"]["investigations"] == 4
    assert report["total"] == {"investigations": 5, "cost": 11534.5, "unpriced": 1, "customers": 3}
