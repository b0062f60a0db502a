"""Who is due for credit review (复评), why, and in which order: the one list CLI and TUI share.

A reason is ``{code, template, values, weight}``: its kind, what it says as an English template
with named values (marked for the interface catalogue; ``presentation.vocabulary`` words it in
the language in force) and how far past the line it is. The names of the kinds are in
``presentation.vocabulary.REVIEW_REASONS``.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from creditfile.engine.timeline import parse_date
from creditfile.policy.errors import N_
from creditfile.policy.model import Policy
from creditfile.reports.composition import CustomerLine, customer_lines
from creditfile.reports.exposure import customer_exposure
from creditfile.reports.investigation import investigation_suggested
from creditfile.reports.shares import UNGRADED

REASON_RANKS: dict[str, int] = {
    "over_limit": 0,
    "ungraded": 1,
    "never_assessed": 2,
    "review_overdue": 3,
    "policy_flag": 4,
    "unaudited_form": 5,
    "agency_report_stale": 6,
    "investigation": 7,
}
"""Each kind of review reason and its rank: 0 is the most urgent."""


def _reason(code: str, template: str, weight: float = 0.0, **values: str) -> dict[str, Any]:
    return {"code": code, "template": template, "values": values, "weight": weight}


def review_reasons(
    doc: Mapping[str, Any], grading: Mapping[str, Any] | None, policy: Policy, as_of: date
) -> list[dict[str, Any]]:
    """Why one customer is due for review; empty when it is not.

    Args:
        doc: The customer document.
        grading: Its latest grading (SPEC §6), or None if it was never graded.
        policy: Supplies ``review_every_days`` per grade and ``review.agency_report_max_age_days``.
        as_of: The date ages are counted to.

    Returns:
        ``[{code, template, values, weight}]``, most urgent first; ``weight`` orders
        reasons of one kind (money over the limit, days past due).
    """
    gradings = {} if grading is None else {str(doc.get("id")): grading}
    line = customer_lines([doc], gradings, policy, as_of)[0]
    return _reasons_of(line, doc, grading or {}, policy, as_of)


def _reasons_of(
    line: CustomerLine,
    doc: Mapping[str, Any],
    grading: Mapping[str, Any],
    policy: Policy,
    as_of: date,
) -> list[dict[str, Any]]:
    reasons = _money_reasons(line, policy) + _grading_reasons(line, doc, grading, policy, as_of)
    reasons += _source_reasons(doc, policy, as_of)
    reasons += _investigation_reasons(doc, grading, policy, as_of)
    reasons.sort(key=lambda r: (REASON_RANKS[r["code"]], -r["weight"]))
    return reasons


def _money_reasons(line: CustomerLine, policy: Policy) -> list[dict[str, Any]]:
    exposure = customer_exposure(line, policy)
    if not exposure["over_limit"]:
        return []
    owed, limit = exposure["outstanding"], exposure["credit_limit"]
    if limit:
        return [
            _reason(
                "over_limit",
                N_(
                    "owes CNY {owed}, CNY {excess} over grade {grade}'s credit limit of CNY {limit}"
                ),
                exposure["excess"],
                owed=f"{owed:,.2f}",
                excess=f"{exposure['excess']:,.2f}",
                grade=str(exposure["grade"]),
                limit=f"{limit:,.2f}",
            )
        ]
    return [
        _reason(
            "over_limit",
            N_("grade {grade} has no credit limit, but owes CNY {owed}"),
            exposure["excess"],
            grade=str(exposure["grade"]),
            owed=f"{owed:,.2f}",
        )
    ]


def _grading_reasons(
    line: CustomerLine,
    doc: Mapping[str, Any],
    grading: Mapping[str, Any],
    policy: Policy,
    as_of: date,
) -> list[dict[str, Any]]:
    reasons = []
    grade = line.groups["grade"]
    if not grading:
        reasons.append(_reason("ungraded", N_("not graded yet: run creditfile regrade")))
    elif grade == UNGRADED:
        reasons.append(_ungraded_reason(grading, policy))
    assessment = doc.get("assessment")
    assessed_on = (
        parse_date(assessment.get("assessed_on")) if isinstance(assessment, Mapping) else None
    )
    if assessed_on is None:
        reasons.append(_reason("never_assessed", N_("no assessment date (assessment.assessed_on)")))
    elif grade != UNGRADED:
        nature = line.groups.get("nature", "")
        every = policy.terms(grade, nature).get("review_every_days")
        age = (as_of - assessed_on).days
        if isinstance(every, int) and age > every:
            template = N_(
                "last assessed {date}, {age} days ago; grade {grade} is reviewed every {every} days"
            )
            reasons.append(
                _reason(
                    "review_overdue",
                    template,
                    age - every,
                    date=assessed_on.isoformat(),
                    age=f"{age:,}",
                    grade=str(grade),
                    every=f"{every:,}",
                )
            )
    for flag in grading.get("flags") or ():
        rules = [
            str(o.get("reason")) for o in grading.get("overrides") or () if o.get("flag") == flag
        ]
        reasons.append(
            _reason(
                "policy_flag", "{flag}: {rules}", flag=str(flag), rules="; ".join(rules) or flag
            )
        )
    return reasons


def _ungraded_reason(grading: Mapping[str, Any], policy: Policy) -> dict[str, Any]:
    items = grading.get("items") or {}
    unscored = [i for i in policy.manual_items if items.get(i.key) is None]
    if unscored:
        # Named in both languages: a value ``x_en`` stands for ``x`` in English.
        return _reason(
            "ungraded",
            N_("scoring items missing or out of range: {items}"),
            items="、".join(i.label for i in unscored),
            items_en=", ".join(i.label for i in unscored),
        )
    why = [str(r) for r in grading.get("reasons") or ()]
    if not why:
        return _reason("ungraded", N_("cannot be graded: scoring data incomplete"))
    return _reason("ungraded", N_("cannot be graded: {why}"), why=why[0])


def _source_reasons(doc: Mapping[str, Any], policy: Policy, as_of: date) -> list[dict[str, Any]]:
    sources = [s for s in doc.get("sources") or () if isinstance(s, Mapping)]
    reasons = []
    forms = [s for s in sources if s.get("kind") == "customer_form" and s.get("verified") is False]
    if forms:
        dates = ", ".join(str(s.get("on") or "?") for s in forms)
        reasons.append(
            _reason("unaudited_form", N_("customer form ({dates}) not audited yet"), dates=dates)
        )
    max_age = policy.review.get("agency_report_max_age_days")
    reports = [
        d
        for d in (
            parse_date(s.get("on")) for s in sources if s.get("kind") == "agency_investigation"
        )
        if d is not None
    ]
    if isinstance(max_age, int) and reports:
        newest = max(reports)
        age = (as_of - newest).days
        if age > max_age:
            reasons.append(
                _reason(
                    "agency_report_stale",
                    N_(
                        "latest agency report {date}, {age} days old (the policy allows "
                        "{most} days)"
                    ),
                    age - max_age,
                    date=newest.isoformat(),
                    age=f"{age:,}",
                    most=f"{max_age:,}",
                )
            )
    return reasons


def _investigation_reasons(
    doc: Mapping[str, Any], grading: Mapping[str, Any], policy: Policy, as_of: date
) -> list[dict[str, Any]]:
    suggestion = investigation_suggested(doc, grading, policy, as_of)
    if suggestion is None:
        return []
    if "error" in suggestion:
        return [
            _reason(
                "investigation",
                N_("cannot tell whether an investigation is due: {error}"),
                error=str(suggestion["error"]),
            )
        ]
    # The facts in both languages (a value ``x_en`` is ``x`` in English).
    facts, facts_en = [], []
    if suggestion["grade"]:
        facts.append(f"{suggestion['grade']} 级")
        facts_en.append(f"grade {suggestion['grade']}")
    if suggestion["max_overdue_days"]:
        facts.append(f"最长逾期 {suggestion['max_overdue_days']} 天")
        facts_en.append(f"longest overdue {suggestion['max_overdue_days']} days")
    age = suggestion["days_since_agency_report"]
    facts.append("没有机构调查报告" if age is None else f"最近机构调查 {age} 天前")
    facts_en.append("no agency report" if age is None else f"last agency report {age} days ago")
    return [
        _reason(
            "investigation",
            "{reason} ({facts})",
            reason=str(suggestion["reason"]),
            facts="; ".join(facts),
            facts_en="; ".join(facts_en),
        )
    ]


def due_for_review(
    docs: Sequence[Mapping[str, Any]],
    gradings: Mapping[str, Mapping[str, Any]],
    policy: Policy,
    as_of: date,
    lines: Sequence[CustomerLine] | None = None,
) -> list[dict[str, Any]]:
    """Every customer due for review, with its reasons, most urgent first.

    Urgency: the most urgent kind of reason (over limit, ungraded, never assessed, review overdue,
    policy flag, unaudited form, stale agency report, agency investigation suggested), then the
    larger excess or the more days past due, then the more reasons, then the id.

    Args:
        docs: Every customer document.
        gradings: ``{customer id: grading}``; a missing one counts as never graded.
        policy: Review intervals, the agency-report age and the credit limits.
        as_of: The date ages are counted to.
        lines: ``customer_lines`` of the same documents, when the caller already has them.

    Returns:
        ``[{id, name, grade, reasons: [...], reason_codes}]``.
    """
    if lines is None:
        lines = customer_lines(docs, gradings, policy, as_of)
    due = []
    for line, doc in zip(lines, docs, strict=True):
        reasons = _reasons_of(line, doc, gradings.get(line.id) or {}, policy, as_of)
        if reasons:
            due.append(
                {
                    "id": line.id,
                    "name": line.name,
                    "grade": None if line.groups["grade"] == UNGRADED else line.groups["grade"],
                    "reasons": reasons,
                    "reason_codes": [r["code"] for r in reasons],
                }
            )
    due.sort(key=_urgency)
    return due


def _urgency(row: Mapping[str, Any]) -> tuple[int, float, int, str]:
    first = row["reasons"][0]
    return (REASON_RANKS[first["code"]], -first["weight"], -len(row["reasons"]), row["id"])


def most_urgent(rows: Iterable[dict[str, Any]], keep: int) -> list[dict[str, Any]]:
    """The ``keep`` most urgent of ``rows`` (``due_for_review``'s), most urgent first: the
    first ``keep`` of them all in ``due_for_review``'s order, without sorting them all."""
    return heapq.nsmallest(keep, rows, key=_urgency)


def reason_summary(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """How many due customers have each kind of reason, in order of urgency."""
    counts = dict.fromkeys(REASON_RANKS, 0)
    for row in rows:
        for code in set(row["reason_codes"]):
            counts[code] += 1
    return [{"code": code, "customers": count} for code, count in counts.items()]
