"""Terms by nature: a grade's privileges refined per nature, the grade's terms the default,
used for the credit utilisation of overrides, shown by explain and the credit report."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

import pytest
import yaml
from reference_grading import engine_reason_signature, reference

from creditfile.engine import explain, grade_archive
from creditfile.policy import PolicyError, default_policy_path, parse_policy
from creditfile.reports.composition import credit_analysis, customer_lines
from creditfile.reports.exposure import credit_limit

EXAMPLE = default_policy_path().with_name("example-options.yaml")
AS_OF = date(2026, 11, 29)
FULL = {"strength": 10, "potential": 15, "reputation": 20, "other": 10}


def _doc(cid: str, nature: str, owed: float = 0) -> dict[str, Any]:
    lease = {"contract": f"{cid}-1", "item": "tower_crane", "start": "2025-02-01",
             "amount": 1_000_000, "status": "active", "outstanding": owed, "overdue_days": 0}  # fmt: skip
    return {"id": cid, "name": cid, "nature": nature, "profile": {"trading_since": "2015-01-01"},
            "leases": [lease], "assessment": dict(FULL)}  # fmt: skip


def test_a_nature_gets_its_refined_terms_and_every_other_the_grades() -> None:
    policy = parse_policy(EXAMPLE.read_text("utf-8"), "p.yaml")
    grade_a = dict(policy.privileges["A"])
    assert "by_nature" not in grade_a
    assert policy.terms("A", "individual") == {**grade_a, "credit_limit": 500000, "deposit_pct": 10}
    assert policy.terms("A", "developer") == grade_a
    assert policy.terms("C", "individual") == dict(policy.privileges["C"])
    assert policy.terms("B", "individual")["payment_method"] == "预付"


def test_explain_shows_the_terms_that_apply_and_whose_they_are() -> None:
    policy = parse_policy(EXAMPLE.read_text("utf-8"), "p.yaml")
    docs = [_doc("P", "individual"), _doc("D", "developer")]
    person = explain(docs[0], policy, AS_OF, docs=docs)
    company = explain(docs[1], policy, AS_OF, docs=docs)
    assert person["grading"]["grade"] == company["grading"]["grade"] == "A"
    assert person["privileges"]["credit_limit"] == 500000
    assert person["terms_nature"] == "individual"
    assert company["privileges"]["credit_limit"] == 5000000
    assert company["terms_nature"] is None


def _with_owing_override() -> str:
    data = yaml.safe_load(EXAMPLE.read_text("utf-8"))
    data["overrides"] = [
        {"id": "owing", "reason": "欠款占额度过半", "when": "credit_utilisation > 0.5",
         "flag": "watch"}
    ]  # fmt: skip
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def test_credit_utilisation_is_against_the_natures_own_limit() -> None:
    text = _with_owing_override()
    docs = [_doc("P", "individual", 300_000), _doc("D", "developer", 300_000)]
    ours = grade_archive(docs, parse_policy(text, "p.yaml"), AS_OF)
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    theirs = reference(docs, yaml.safe_load(text), AS_OF, sha)
    for cid, expected in theirs.items():
        actual = dict(ours[cid], reasons=[engine_reason_signature(r) for r in ours[cid]["reasons"]])
        assert actual == expected
    assert ours["P"]["flags"] == ["watch"]  # 300,000 of an individual's 500,000: 60%
    assert ours["D"]["flags"] == []  # 300,000 of 5,000,000: 6%


def test_the_credit_report_gives_each_refined_nature_under_its_grade() -> None:
    policy = parse_policy(EXAMPLE.read_text("utf-8"), "p.yaml")
    docs = [_doc("P1", "individual", 600_000), _doc("P2", "individual"),
            _doc("D", "developer", 600_000)]  # fmt: skip
    lines = customer_lines(docs, grade_archive(docs, policy, AS_OF), policy, AS_OF)
    report = credit_analysis(lines, policy)
    row = next(r for r in report["rows"] if r["key"] == "A")
    assert row["customers"] == 3
    assert row["over_limit"] == 1  # P1 owes 600,000 over an individual's 500,000; D does not
    person = next(r for r in row["by_nature"] if r["nature"] == "individual")
    assert (person["key"], person["customers"], person["credit_limit"], person["over_limit"]) == (
        "A · 个人",
        2,
        500000,
        1,
    )
    assert credit_limit(policy, "A", "individual") == 500000
    assert credit_limit(policy, "A", "developer") == 5000000


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ({"individul": {"credit_limit": 1}},
         "privileges.A.by_nature.individul: unknown nature 'individul'; did you mean 'individual'?"),
        ({"individual": {}}, "privileges.A.by_nature.individual: {} is empty; give at least one key here"),
        ({"individual": {"credit_limt": 1}},
         "privileges.A.by_nature.individual.credit_limt: unknown key"),
    ],
)  # fmt: skip
def test_a_wrong_refinement_is_refused_where_it_stands(edit: dict[str, Any], message: str) -> None:
    data = yaml.safe_load(EXAMPLE.read_text("utf-8"))
    data["privileges"]["A"]["by_nature"] = edit
    with pytest.raises(PolicyError) as caught:
        parse_policy(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "p.yaml")
    [problem] = caught.value.problems
    assert f"{problem.path}: {problem.message}".startswith(message)
