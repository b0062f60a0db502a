"""Overrides cap or flag graded customers in order; explain shows where points went."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from creditfile.engine import (
    archive_tops_for,
    explain,
    facts_of,
    grade_archive,
    grade_customer,
    grade_with_tops,
)
from creditfile.policy import parse_policy

AS_OF = date(2026, 11, 29)
FULL = {"strength": 10, "potential": 15, "reputation": 20, "payment": 30, "other": 10}


def _policy(text: str, overrides: str) -> Any:
    return parse_policy(text.replace("overrides: []", "overrides:\n" + overrides), "p.yaml")


def _customer(cid: str, **extra: Any) -> dict[str, Any]:
    return {"id": cid, "name": "测试", "nature": "developer", "assessment": dict(FULL), **extra}


def test_unaudited_customer_form_caps_at_b(default_policy_text: str) -> None:
    policy = _policy(
        default_policy_text,
        """  - id: unaudited-form
    reason: 客户自填资料未经审核,最高评为B级
    when: unverified_customer_form
    cap_grade: B
""",
    )
    form = {"kind": "customer_form", "on": "2026-09-01", "by": "王敏", "verified": False}
    docs = [_customer("X", sources=[form]), _customer("Y")]
    gradings = grade_archive(docs, policy, AS_OF)
    assert gradings["X"]["grade"] == "B"
    assert gradings["X"]["total"] == 95
    assert gradings["X"]["overrides"] == [
        {
            "id": "unaudited-form",
            "reason": "客户自填资料未经审核,最高评为B级",
            "cap_grade": "B",
            "from": "A",
            "to": "B",
        }
    ]
    assert gradings["X"]["flags"] == []
    assert gradings["Y"]["grade"] == "A"
    assert gradings["Y"]["overrides"] == []
    # two prospects: no established customer, so the archive's top is 0
    assert gradings["X"]["tops"] == gradings["Y"]["tops"] == {"cumulative_lease_amount": 0}


def test_cap_never_raises_a_grade_and_flags_accumulate(default_policy_text: str) -> None:
    policy = _policy(
        default_policy_text,
        """  - {id: cap-c, reason: r1, when: "total_score < 200", cap_grade: C}
  - {id: look, reason: r2, when: "grade == \\"C\\"", flag: needs_review}
""",
    )
    low = _customer("LOW", assessment={**FULL, "payment": 0, "other": 0, "strength": 0})
    gradings = grade_archive([_customer("HIGH"), low], policy, AS_OF)
    assert gradings["HIGH"]["grade"] == "C"
    assert gradings["HIGH"]["flags"] == ["needs_review"]  # runs in order: sees the capped grade
    assert gradings["HIGH"]["overrides"] == [
        {"id": "cap-c", "reason": "r1", "cap_grade": "C", "from": "A", "to": "C"},
        {"id": "look", "reason": "r2", "flag": "needs_review"},
    ]
    assert (gradings["LOW"]["grade"], gradings["LOW"]["total"]) == ("D", 45)
    assert gradings["LOW"]["flags"] == []
    assert gradings["LOW"]["overrides"] == [
        {"id": "cap-c", "reason": "r1", "cap_grade": "C", "from": "D", "to": "D"}
    ]


def test_overdue_override_uses_exposure_facts(default_policy_text: str) -> None:
    policy = _policy(
        default_policy_text,
        """  - {id: overdue-90, reason: 逾期超过90天, when: max_overdue_days > 90, cap_grade: C}
""",
    )
    lease = {
        "contract": "L",
        "item": "tower_crane",
        "start": "2020-01-01",
        "amount": 100000,
        "status": "active",
        "outstanding": 5000,
        "overdue_days": 120,
    }
    gradings = grade_archive([_customer("O", leases=[lease])], policy, AS_OF)
    assert (gradings["O"]["total"], gradings["O"]["grade"]) == (100, "C")
    assert gradings["O"]["overrides"] == [
        {"id": "overdue-90", "reason": "逾期超过90天", "cap_grade": "C", "from": "A", "to": "C"}
    ]
    assert gradings["O"]["tops"] == {"cumulative_lease_amount": 100000}


def test_null_fact_in_condition_is_a_reason_not_a_crash(default_policy_text: str) -> None:
    policy = _policy(
        default_policy_text,
        """  - {id: young, reason: r, when: months_since_first_trade < 3, flag: young}
""",
    )
    gradings = grade_archive([_customer("P")], policy, AS_OF)
    assert (gradings["P"]["status"], gradings["P"]["grade"]) == ("graded", "A")
    assert gradings["P"]["reasons"] == [
        "override young could not be evaluated: 'months_since_first_trade < 3': data type mismatch"
    ]
    assert gradings["P"]["overrides"] == []
    assert gradings["P"]["flags"] == []


def test_an_override_that_fails_does_not_stop_the_next(default_policy_text: str) -> None:
    policy = _policy(
        default_policy_text,
        """  - {id: young, reason: r, when: months_since_first_trade < 3, cap_grade: D}
  - {id: cap-c, reason: r2, when: "total_score >= 95", cap_grade: C}
  - {id: again, reason: r3, when: days_since_assessment > 10, flag: stale}
  - {id: review, reason: r4, when: "grade == \\"C\\"", flag: needs_review}
""",
    )
    gradings = grade_archive([_customer("P")], policy, AS_OF)
    assert gradings["P"]["grade"] == "C"
    assert [o["id"] for o in gradings["P"]["overrides"]] == ["cap-c", "review"]
    assert gradings["P"]["flags"] == ["needs_review"]
    assert [r.split(" could")[0] for r in gradings["P"]["reasons"]] == [
        "override young",
        "override again",
    ]


def test_a_tier_that_fails_is_a_reason_and_the_next_tier_is_tried(
    default_policy_text: str,
) -> None:
    text = default_policy_text.replace(
        "tiers:\n",
        "tiers:\n  - {key: veteran, label: 老, when: months_since_first_trade >= 36}\n",
    )
    policy = parse_policy(text, "p.yaml")
    lease = {
        "contract": "L",
        "item": "x",
        "start": "2020-01-01",
        "amount": 600000,
        "status": "closed",
    }
    docs = [_customer("NEW"), _customer("OLD", leases=[lease])]
    gradings = grade_archive(docs, policy, AS_OF)
    assert gradings["OLD"]["tier"] == "veteran"
    assert gradings["OLD"]["reasons"] == []
    assert gradings["NEW"]["tier"] == "scattered"
    assert gradings["NEW"]["reasons"] == [
        "tier veteran could not be evaluated: 'months_since_first_trade >= 36': data type mismatch"
    ]
    assert gradings["NEW"]["status"] == "graded"  # a tier's failure never ungrades


def test_explain_shows_lost_points_gap_and_privileges(default_policy) -> None:
    doc = _customer("E", assessment={**FULL, "payment": 22.5})
    detail = explain(doc, default_policy, AS_OF, docs=[doc])
    assert detail["grading"]["total"] == 87.5  # prospect: 10 of 15 for the cumulative amount
    rows = {row["key"]: row for row in detail["items"]}
    assert rows["payment"]["lost"] == 7.5
    assert rows["cumulative_lease"]["points"] == 10
    assert detail["band"]["grade"] == "B"
    assert detail["band"]["next_grade"] == "A"
    assert detail["band"]["gap_to_next"] == 2.5
    assert detail["privileges"]["credit_limit"] == 2000000


def test_explain_shows_every_fact_a_condition_sees_by_its_catalogue_name(default_policy) -> None:
    from creditfile.policy.fact_catalogue import facts_for

    lease = {
        "contract": "L",
        "item": "x",
        "start": "2020-01-01",
        "amount": 300000,
        "status": "active",
        "outstanding": 12000.5,
        "overdue_days": 40,
    }
    doc = _customer("F", leases=[lease], assessment={**FULL, "assessed_on": "2026-11-19"})
    del doc["nature"]  # not filled in yet: an empty nature, which no known nature matches
    facts = explain(doc, default_policy, AS_OF, docs=[doc])["facts"]
    assert facts == {
        "cumulative_lease_amount": 300000,
        "lease_count": 1,
        "active_lease_count": 1,
        "months_since_first_trade": 82,
        "lifecycle": "established",
        "stage": "current",
        "nature": "",
        "unverified_customer_form": False,
        "days_since_assessment": 10,
        "days_since_agency_report": None,
        "outstanding_amount": 12000.5,
        "max_overdue_days": 40,
    }
    assert list(facts) == [fact.name for fact in facts_for("tier")]


def test_the_top_for_one_customer_is_the_archive_top_at_that_date(default_policy) -> None:
    lease = {
        "contract": "L",
        "item": "x",
        "start": "2026-01-10",
        "amount": 700000,
        "status": "closed",
    }
    old = _customer(
        "OLD", profile={"trading_since": "2020-01-01"}, leases=[dict(lease, amount=300000)]
    )
    young = _customer("YOUNG", leases=[lease])  # first trade 2026-01-10: new until 2027-01-10
    assert archive_tops_for([old, young], default_policy, AS_OF) == {
        "cumulative_lease_amount": Decimal(300000)
    }
    later = date(2027, 1, 10)
    assert archive_tops_for([old, young], default_policy, later) == {
        "cumulative_lease_amount": Decimal(700000)
    }
    assert archive_tops_for([old, young], default_policy, date(2027, 1, 9)) == {
        "cumulative_lease_amount": Decimal(300000)
    }


def test_credit_utilisation_is_the_share_of_the_grade_limit_owed(default_policy_text: str) -> None:
    # D's limit set to 1 CNY: 5,000 owed is 5,000 times the limit; B's limit 2,000,000
    limit_d = "credit_limit: 0, priority_supply: false"
    assert default_policy_text.count(limit_d) == 1
    text = default_policy_text.replace(limit_d, "credit_limit: 1, priority_supply: false")
    policy = _policy(
        text,
        """  - {id: over, reason: r, when: credit_utilisation >= 0.0025, flag: over_limit}
  - {id: null-limit, reason: r2, when: credit_utilisation == null, flag: no_limit}
""",
    )
    lease = {
        "contract": "L",
        "item": "x",
        "start": "2020-01-01",
        "amount": 100,
        "status": "active",
        "outstanding": 5000,
    }
    low = _customer("LOW", leases=[lease], assessment={**FULL, "payment": 0, "other": 0})
    b = _customer("B", leases=[dict(lease, outstanding=4999)], assessment={**FULL, "payment": 15})
    b2 = _customer("B2", leases=[dict(lease, outstanding=5000)], assessment={**FULL, "payment": 15})
    gradings = grade_archive([low, b, b2], policy, AS_OF)
    assert (gradings["LOW"]["grade"], gradings["LOW"]["flags"]) == ("D", ["over_limit"])
    assert (gradings["B"]["grade"], gradings["B"]["flags"]) == ("B", [])
    assert (gradings["B2"]["grade"], gradings["B2"]["flags"]) == ("B", ["over_limit"])
    unlimited = grade_archive(
        [low],
        _policy(
            default_policy_text,
            """  - {id: null-limit, reason: r2, when: credit_utilisation == null, flag: no_limit}
""",
        ),
        AS_OF,
    )
    assert unlimited["LOW"]["flags"] == ["no_limit"]  # a limit of 0: no utilisation at all


def test_an_entry_of_another_number_type_is_not_a_number(default_policy) -> None:
    doc = _customer("X", assessment={**FULL, "payment": Decimal("27")})
    grading = grade_archive([doc], default_policy, AS_OF)["X"]
    assert grading["status"] == "ungraded"
    assert grading["reasons"] == [
        "assessment.payment is Decimal('27'), not a number: enter 0–30 points for 付款情况 (payment)"
    ]


def test_the_top_is_summed_exactly_beyond_a_floats_precision(default_policy) -> None:
    # 10^15 + 0.01 has 17 digits: as a float it would be 10^15, and 15 × 4.75·10^14 / 10^15 is
    # exactly 7.125 (7.13); against the exact top it is 7.12499999… (7.12).
    def lease(amount: float) -> dict[str, Any]:
        return {
            "contract": "L",
            "item": "x",
            "start": "2019-01-01",
            "amount": amount,
            "status": "closed",
        }

    top = _customer("TOP", leases=[lease(10**15), lease(0.01)])
    other = _customer("B", leases=[lease(475 * 10**12)])
    # and a customer's own amount is exact too: 4.75·10^14 + 0.01 gives 7.1250000…8 (7.13)
    third = _customer("C", leases=[lease(475 * 10**12), lease(0.01)])
    gradings = grade_archive([top, other, third], default_policy, AS_OF)
    assert gradings["B"]["items"]["cumulative_lease"] == 7.12
    assert gradings["C"]["items"]["cumulative_lease"] == 7.13
    assert gradings["TOP"]["items"]["cumulative_lease"] == 15


def test_one_customer_graded_alone_matches_the_whole_archive(default_policy) -> None:
    def lease(amount: float, start: str) -> dict[str, Any]:
        return {"contract": "L", "item": "x", "start": start, "amount": amount, "status": "closed"}

    docs = [
        _customer("OLD", leases=[lease(800_000, "2019-01-01")]),
        _customer("MID", leases=[lease(200_000, "2020-01-01")], assessment={**FULL, "other": 3}),
        _customer("NEW", leases=[lease(900_000, "2026-06-01")]),
    ]
    whole = grade_archive(docs, default_policy, AS_OF)
    tops = archive_tops_for(docs, default_policy, AS_OF)
    for doc in docs:
        assert grade_customer(doc, default_policy, AS_OF, tops) == whole[doc["id"]]
    assert whole["MID"]["items"]["cumulative_lease"] == 3.75  # 15 × 200,000 / 800,000
    assert whole["MID"]["total"] == 81.75


def test_facts_for_fewer_customers_than_documents_are_refused(default_policy) -> None:
    # a customer left without facts would silently get no grading at all
    docs = [_customer("A"), _customer("B")]
    facts = facts_of(docs[:1], default_policy, AS_OF)
    with pytest.raises(ValueError, match="shorter"):
        grade_with_tops(docs, facts, default_policy, AS_OF, {})


def test_a_top_of_exactly_one_gives_full_points(default_policy_text: str) -> None:
    # relative on the lease count: every established customer has one lease, so the top is 1
    policy = parse_policy(
        default_policy_text.replace("fact: cumulative_lease_amount", "fact: lease_count"), "p.yaml"
    )
    lease = {"contract": "L", "item": "x", "start": "2019-01-01", "amount": 5, "status": "closed"}
    gradings = grade_archive(
        [_customer("A", leases=[lease]), _customer("B", leases=[lease])], policy, AS_OF
    )
    assert gradings["A"]["tops"] == {"lease_count": 1}
    assert (
        gradings["A"]["items"]["cumulative_lease"]
        == gradings["B"]["items"]["cumulative_lease"]
        == 15
    )
