"""Who is due for credit review (复评), why, and in which order: the one list CLI and TUI share."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from creditfile.engine.timeline import parse_date
from creditfile.policy.model import Policy
from creditfile.reports.composition import CustomerLine, customer_lines
from creditfile.reports.exposure import customer_exposure
from creditfile.reports.investigation import investigation_suggested
from creditfile.reports.shares import UNGRADED


@dataclass(frozen=True)
class ReasonKind:
    """A kind of review reason: its rank (0 most urgent) and labels."""

    code: str
    rank: int
    label: str
    label_en: str


REASON_KINDS: dict[str, ReasonKind] = {
    kind.code: kind
    for kind in (
        ReasonKind("over_limit", 0, "超出信用额度", "over credit limit"),
        ReasonKind("ungraded", 1, "未评级", "ungraded"),
        ReasonKind("never_assessed", 2, "从未评估", "never assessed"),
        ReasonKind("review_overdue", 3, "超过复评周期", "review overdue"),
        ReasonKind("policy_flag", 4, "政策规则要求复评", "flagged by a policy rule"),
        ReasonKind("unaudited_form", 5, "客户自填资料未审核", "customer form not audited"),
        ReasonKind("agency_report_stale", 6, "机构调查报告过期", "agency report out of date"),
        ReasonKind("investigation", 7, "建议委托专业机构调查", "agency investigation suggested"),
    )
}


def _reason(code: str, message: str, weight: float = 0.0) -> dict[str, Any]:
    kind = REASON_KINDS[code]
    return {
        "code": code,
        "label": kind.label,
        "label_en": kind.label_en,
        "message": message,
        "weight": weight,
    }


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
        ``[{code, label, label_en, message, weight}]``, most urgent first; ``weight`` orders
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
    reasons.sort(key=lambda r: (REASON_KINDS[r["code"]].rank, -r["weight"]))
    return reasons


def _money_reasons(line: CustomerLine, policy: Policy) -> list[dict[str, Any]]:
    exposure = customer_exposure(line, policy)
    if not exposure["over_limit"]:
        return []
    owed, limit = exposure["outstanding"], exposure["credit_limit"]
    if limit:
        message = (
            f"应收 {owed:,.2f} 元, 超出 {exposure['grade']} 级信用额度 {limit:,.2f} 元 "
            f"{exposure['excess']:,.2f} 元"
        )
    else:
        message = f"{exposure['grade']} 级没有信用额度, 但应收 {owed:,.2f} 元"
    return [_reason("over_limit", message, exposure["excess"])]


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
        reasons.append(_reason("ungraded", "尚未评级: 运行 creditfile regrade"))
    elif grade == UNGRADED:
        reasons.append(_reason("ungraded", _ungraded_message(grading, policy)))
    assessment = doc.get("assessment")
    assessed_on = (
        parse_date(assessment.get("assessed_on")) if isinstance(assessment, Mapping) else None
    )
    if assessed_on is None:
        reasons.append(_reason("never_assessed", "没有评估日期 (assessment.assessed_on)"))
    elif grade != UNGRADED:
        nature = line.groups.get("nature", "")
        every = policy.terms(grade, nature).get("review_every_days")
        age = (as_of - assessed_on).days
        if isinstance(every, int) and age > every:
            message = (
                f"上次评估 {assessed_on.isoformat()}, 已 {age} 天, {grade} 级每 {every} 天复评"
            )
            reasons.append(_reason("review_overdue", message, age - every))
    for flag in grading.get("flags") or ():
        rules = [
            str(o.get("reason")) for o in grading.get("overrides") or () if o.get("flag") == flag
        ]
        reasons.append(_reason("policy_flag", f"{flag}: {'; '.join(rules) or flag}"))
    return reasons


def _ungraded_message(grading: Mapping[str, Any], policy: Policy) -> str:
    items = grading.get("items") or {}
    unscored = [i.label for i in policy.manual_items if items.get(i.key) is None]
    if unscored:
        return f"评分项缺失或超出范围: {'、'.join(unscored)}"
    why = [str(r) for r in grading.get("reasons") or ()] or ["评分资料不全"]
    return f"无法评级: {why[0]}"


def _source_reasons(doc: Mapping[str, Any], policy: Policy, as_of: date) -> list[dict[str, Any]]:
    sources = [s for s in doc.get("sources") or () if isinstance(s, Mapping)]
    reasons = []
    forms = [s for s in sources if s.get("kind") == "customer_form" and s.get("verified") is False]
    if forms:
        dates = ", ".join(str(s.get("on") or "?") for s in forms)
        reasons.append(_reason("unaudited_form", f"客户自填资料 ({dates}) 尚未审核"))
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
                    f"最近机构调查报告 {newest.isoformat()}, 已 {age} 天 (政策上限 {max_age} 天)",
                    age - max_age,
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
        return [_reason("investigation", f"调查条件无法判断: {suggestion['error']}")]
    facts = [f"{suggestion['grade']} 级"] if suggestion["grade"] else []
    if suggestion["max_overdue_days"]:
        facts.append(f"最长逾期 {suggestion['max_overdue_days']} 天")
    age = suggestion["days_since_agency_report"]
    facts.append("没有机构调查报告" if age is None else f"最近机构调查 {age} 天前")
    return [_reason("investigation", f"{suggestion['reason']} ({'; '.join(facts)})")]


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
    return (REASON_KINDS[first["code"]].rank, -first["weight"], -len(row["reasons"]), row["id"])


def reason_summary(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """How many due customers have each kind of reason, in order of urgency."""
    counts = dict.fromkeys(REASON_KINDS, 0)
    for row in rows:
        for code in set(row["reason_codes"]):
            counts[code] += 1
    return [
        {"code": code, "label": REASON_KINDS[code].label, "customers": count}
        for code, count in counts.items()
    ]
