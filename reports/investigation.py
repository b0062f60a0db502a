"""Which customers the policy suggests for a paid agency investigation (专业机构调查), and why.

The regime keeps agency investigations for facts hard to get, above all the credit of risky
customers. The policy's ``investigation.when`` names them, over the customer's facts and its
grade; the review list shows the suggestion.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from creditfile.engine.facts import compute_facts
from creditfile.policy.conditions import ConditionEvaluationError
from creditfile.policy.model import Policy


def investigation_facts(
    doc: Mapping[str, Any], grading: Mapping[str, Any], policy: Policy, as_of: date
) -> dict[str, Any]:
    """The facts the investigation condition sees: the customer's facts at ``as_of`` and its
    grading's grade and total (an ungraded customer has grade ``""`` and total 0)."""
    facts = compute_facts(doc, as_of, policy.new_customer_months)
    graded = grading.get("status") == "graded" and isinstance(grading.get("grade"), str)
    grade = str(grading["grade"]) if graded else ""
    total = grading.get("total")
    limit = policy.privileges.get(grade, {}).get("credit_limit")
    owed = float(facts.amounts["outstanding_amount"])
    return {
        **facts.values,
        "grade": grade,
        "total_score": float(total) if graded and isinstance(total, int | float) else 0.0,
        "credit_utilisation": owed / float(limit)
        if isinstance(limit, int | float) and not isinstance(limit, bool) and limit > 0
        else None,
    }


def investigation_suggested(
    doc: Mapping[str, Any], grading: Mapping[str, Any], policy: Policy, as_of: date
) -> dict[str, Any] | None:
    """The suggestion for one customer, or None when the policy's condition does not hold.

    Returns:
        ``{"reason", "grade", "max_overdue_days", "days_since_agency_report"}``: the policy's
        reason and the facts a reader checks it by; ``{"error": …}`` when the condition
        could not be evaluated on this customer's facts.
    """
    rule = policy.investigation
    if rule is None:
        return None
    facts = investigation_facts(doc, grading, policy, as_of)
    try:
        holds = rule.condition.matches(facts)
    except ConditionEvaluationError as exc:
        return {"reason": rule.reason, "error": str(exc)}
    if not holds:
        return None
    return {
        "reason": rule.reason,
        "grade": facts["grade"] or None,
        "max_overdue_days": facts["max_overdue_days"],
        "days_since_agency_report": facts["days_since_agency_report"],
    }
