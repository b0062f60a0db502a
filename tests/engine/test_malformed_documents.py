"""A document the store can hold never crashes grading: each malformed part, and what becomes of it.

The store keeps documents as given (an old archive, a hand-edited file, another program's
export), so grading must survive anything JSON can say. Each row names a malformed part, where
validation refuses it (so no import or save lets it in), and what grading makes of it when it is
in the file anyway: ignored (the grading is the one of the document without that part), or the
customer left ungraded with a reason naming the entry.
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from creditfile.engine import grade_archive
from creditfile.engine.validation import validate_customer
from creditfile.policy import Policy

AS_OF = date(2026, 11, 29)
NAN = float("nan")
INF = float("inf")


def _good() -> dict[str, Any]:
    return {
        "id": "C1",
        "name": "武汉宏达建设工程有限公司",
        "nature": "developer",
        "profile": {"trading_since": "2015-06-01"},
        "leases": [
            {
                "contract": "L1",
                "item": "tower_crane",
                "start": "2023-01-05",
                "amount": 800000,
                "status": "active",
                "outstanding": 5000,
                "overdue_days": 30,
            }
        ],
        "assessment": {
            "strength": 8,
            "potential": 12.5,
            "reputation": 17,
            "payment": 27,
            "other": 8,
            "assessed_on": "2026-10-12",
        },
        "sources": [{"kind": "customer_form", "on": "2026-09-01", "verified": True}],
    }


def _set(path: str, value: Any) -> Any:
    def change(doc: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = doc
        for key in parents:
            target = target[int(key)] if key.isdigit() else target[key]
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value

    return change


def _drop(path: str) -> Any:
    def change(doc: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = doc
        for key in parents:
            target = target[int(key)] if key.isdigit() else target[key]
        del target[int(last) if isinstance(target, list) else last]

    return change


# (what is malformed, the change, the path validation refuses, the same as which change)
IGNORED = [
    ("leases is a number", _set("leases", 5), "leases", _drop("leases")),
    ("leases is an object", _set("leases", {"contract": "L1"}), "leases", _drop("leases")),
    ("a lease is text", _set("leases.0", "L2023-001"), "leases[0]", _set("leases", [])),
    ("a lease is null", _set("leases.0", None), "leases[0]", _set("leases", [])),
    ("a lease is a list", _set("leases.0", ["active"]), "leases[0]", _set("leases", [])),
    (
        "an amount is text",
        _set("leases.0.amount", "800000"),
        "leases[0].amount",
        _set("leases.0.amount", 0),
    ),
    (
        "an amount is negative",
        _set("leases.0.amount", -5),
        "leases[0].amount",
        _set("leases.0.amount", 0),
    ),
    (
        "an amount is NaN",
        _set("leases.0.amount", NAN),
        "leases[0].amount",
        _set("leases.0.amount", 0),
    ),
    (
        "an amount is true",
        _set("leases.0.amount", True),
        "leases[0].amount",
        _set("leases.0.amount", 0),
    ),
    (
        "a start is no date",
        _set("leases.0.start", "2023-02-30"),
        "leases[0].start",
        _drop("leases.0.start"),
    ),
    (
        "a status is a list",
        _set("leases.0.status", ["active"]),
        "leases[0].status",
        _set("leases.0.status", "unknown"),
    ),
    (
        "a status is unknown",
        _set("leases.0.status", "ACTIVE"),
        "leases[0].status",
        _set("leases.0.status", "unknown"),
    ),
    (
        "outstanding is text",
        _set("leases.0.outstanding", "5000"),
        "leases[0].outstanding",
        _drop("leases.0.outstanding"),
    ),
    (
        "overdue days infinite",
        _set("leases.0.overdue_days", INF),
        "leases[0].overdue_days",
        _drop("leases.0.overdue_days"),
    ),
    (
        "overdue days NaN",
        _set("leases.0.overdue_days", NAN),
        "leases[0].overdue_days",
        _drop("leases.0.overdue_days"),
    ),
    ("profile is text", _set("profile", "2015-06-01"), "profile", _drop("profile")),
    (
        "trading since no date",
        _set("profile.trading_since", "2015-02-30"),
        "profile.trading_since",
        _drop("profile.trading_since"),
    ),
    (
        "assessed on no date",
        _set("assessment.assessed_on", "someday"),
        "assessment.assessed_on",
        _drop("assessment.assessed_on"),
    ),
    ("sources is a number", _set("sources", 5), "sources", _drop("sources")),
    ("a source is text", _set("sources.0", "form"), "sources[0]", _set("sources", [])),
    ("nature is a number", _set("nature", 5), "nature", _set("nature", "")),
]

# (what is malformed, the change, the path validation refuses, the reasons of the ungraded grading)
UNGRADED = [
    (
        "assessment is a list",
        _set("assessment", [8, 12]),
        "assessment",
        [
            "assessment.strength is missing: enter 0–10 points for 实力 (strength)",
            "assessment.potential is missing: enter 0–15 points for 潜力 (potential)",
            "assessment.reputation is missing: enter 0–20 points for 社会口碑与信用 (reputation)",
            "assessment.payment is missing: enter 0–30 points for 付款情况 (payment)",
            "assessment.other is missing: enter 0–10 points for 其他 (other)",
        ],
    ),
    (
        "an entry is text",
        _set("assessment.payment", "27"),
        "assessment.payment",
        ["assessment.payment is '27', not a number: enter 0–30 points for 付款情况 (payment)"],
    ),
    (
        "an entry is true",
        _set("assessment.strength", True),
        "assessment.strength",
        ["assessment.strength is True, not a number: enter 0–10 points for 实力 (strength)"],
    ),
    (
        "an entry is above its weight",
        _set("assessment.payment", 30.01),
        "assessment.payment",
        [
            "assessment.payment is 30.01, outside 0–30 for 付款情况 (payment): correct the assessment"
        ],
    ),
    (
        "an entry is negative",
        _set("assessment.other", -0.01),
        "assessment.other",
        ["assessment.other is -0.01, outside 0–10 for 其他 (other): correct the assessment"],
    ),
    (
        "an entry is NaN",
        _set("assessment.potential", NAN),
        "assessment.potential",
        ["assessment.potential is nan, outside 0–15 for 潜力 (potential): correct the assessment"],
    ),
    (
        "an entry is missing",
        _drop("assessment.reputation"),
        None,  # a missing entry is allowed in the archive: the customer is not assessed yet
        ["assessment.reputation is missing: enter 0–20 points for 社会口碑与信用 (reputation)"],
    ),
]


def _grading(doc: dict[str, Any], policy: Policy) -> dict[str, Any]:
    return grade_archive([doc], policy, AS_OF)["C1"]


def _paths(doc: dict[str, Any], policy: Policy) -> list[str]:
    return [problem.path for problem in validate_customer(doc, policy)]


def test_the_good_document_is_valid_and_graded(default_policy: Policy) -> None:
    doc = _good()
    assert _paths(doc, default_policy) == []
    grading = _grading(doc, default_policy)
    # 8 + 12.5 + 17 + 27 + 8 entered, and 15 for the only established customer's amount
    assert (grading["status"], grading["grade"], grading["total"]) == ("graded", "B", 87.5)
    assert (grading["lifecycle"], grading["stage"], grading["tier"]) == (
        "established",
        "current",
        "general",
    )
    assert grading["reasons"] == []


@pytest.mark.parametrize(
    ("what", "change", "refused_at", "same_as"), IGNORED, ids=[c[0] for c in IGNORED]
)
def test_a_malformed_part_is_refused_and_ignored_by_grading(
    default_policy: Policy, what: str, change: Any, refused_at: str, same_as: Any
) -> None:
    bad, plain = _good(), _good()
    change(bad)
    same_as(plain)
    assert refused_at in _paths(bad, default_policy), what
    assert _grading(copy.deepcopy(bad), default_policy) == _grading(plain, default_policy)


@pytest.mark.parametrize(
    ("what", "change", "refused_at", "reasons"), UNGRADED, ids=[c[0] for c in UNGRADED]
)
def test_a_bad_entry_leaves_the_customer_ungraded_with_its_reason(
    default_policy: Policy, what: str, change: Any, refused_at: str | None, reasons: list[str]
) -> None:
    doc = _good()
    change(doc)
    paths = _paths(doc, default_policy)
    assert (refused_at in paths) if refused_at else paths == [], (what, paths)
    grading = _grading(doc, default_policy)
    assert (grading["status"], grading["grade"], grading["total"]) == ("ungraded", None, None)
    assert grading["reasons"] == reasons
    assert grading["tier"] == "general"  # the tier does not depend on the assessment


def test_a_first_trade_after_the_as_of_date_is_graded_with_a_reason(default_policy: Policy) -> None:
    doc = _good()
    doc["profile"]["trading_since"] = "2026-12-01"
    grading = _grading(doc, default_policy)
    assert grading["status"] == "graded"
    assert grading["lifecycle"] == "new"
    assert grading["reasons"] == ["first trade 2026-12-01 is after the as-of date 2026-11-29"]
