"""What a regrade would change: counts before/after, the from→to matrix and the changed customers.

Pure functions over store records (document + ``_grading``), the policy and the as-of date; the
grading itself is the engine's two rounds (facts and the archive-wide tops, then grades), done
in chunks so a screen can show progress and a regrade can be cancelled before it writes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from creditfile.engine import CustomerFacts, customer_id, facts_of, grade_with_tops
from creditfile.engine.scoring import archive_tops
from creditfile.policy import Policy
from creditfile.reports.composition import customer_lines
from creditfile.reports.migration import migration_matrix
from creditfile.store import RegradeCancelledError, customer_document

CHUNK = 2000
UNGRADED = "ungraded"
NOT_GRADED = "none"


@dataclass(frozen=True)
class RegradePreview:
    """What a regrade would do, computed without writing.

    Attributes:
        as_of: The grading date.
        policy_version: The version of the policy it grades under.
        policy_sha256: The hash of that policy.
        customers: How many customers it grades.
        before: Customers per grade now (``ungraded``; ``none``: never graded).
        after: Customers per grade after the regrade (``ungraded`` for ungraded ones).
        matrix: ``engine.report_migration.migration_matrix`` between now and after.
        changes: ``[{id, name, from, to, total_before, total}]`` of every customer whose grade
            changes (None: ungraded or never graded), in id order.
    """

    as_of: date
    policy_version: str
    policy_sha256: str
    customers: int
    before: Mapping[str, int]
    after: Mapping[str, int]
    matrix: Mapping[str, Any]
    changes: Sequence[Mapping[str, Any]]


def grade_in_chunks(
    docs: Sequence[Mapping[str, Any]],
    policy: Policy,
    as_of: date,
    progress: Callable[[float, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    where: str = "",
) -> dict[str, dict[str, Any]]:
    """``engine.grade_archive``, step by step: the same gradings, with progress and a way out.

    Args:
        docs: Every customer document of the archive.
        policy: The policy to grade under.
        as_of: The grading date.
        progress: Called with the fraction done (0–0.9) and ``grading``.
        cancelled: Asked between chunks; True stops with ``RegradeCancelledError``.
        where: The archive's location, for that error's message.

    Returns:
        ``{customer id: grading}``, identical to ``engine.grade_archive(docs, policy, as_of)``.

    Raises:
        RegradeCancelledError: ``cancelled`` answered True.
    """
    report = progress or (lambda _f, _p: None)
    stop = cancelled or (lambda: False)
    total = max(len(docs), 1)

    def check() -> None:
        if stop():
            raise RegradeCancelledError(where, "regrade cancelled before writing; nothing changed")

    all_facts: list[CustomerFacts] = []
    for start in range(0, len(docs), CHUNK):
        check()
        all_facts.extend(facts_of(docs[start : start + CHUNK], policy, as_of))
        report(0.3 * len(all_facts) / total, "grading")
    tops = archive_tops(all_facts, policy)
    gradings: dict[str, dict[str, Any]] = {}
    for start in range(0, len(docs), CHUNK):
        check()
        chunk = slice(start, start + CHUNK)
        gradings.update(grade_with_tops(docs[chunk], all_facts[chunk], policy, as_of, tops))
        report(0.3 + 0.6 * min(start + CHUNK, len(docs)) / total, "grading")
    return gradings


def preview_of(
    records: Sequence[Mapping[str, Any]],
    policy: Policy,
    as_of: date,
    progress: Callable[[float, str], None] | None = None,
) -> RegradePreview:
    """Grade ``records`` afresh and compare with their stored gradings.

    Args:
        records: Store records: the document plus ``_grading`` (the stored grading, if any).
        policy: The policy to grade under.
        as_of: The grading date.
        progress: Called with the fraction graded.

    Returns:
        The preview; nothing is written anywhere.
    """
    docs = [customer_document(r) for r in records]
    gradings = grade_in_chunks(docs, policy, as_of, progress)
    stored = {customer_id(d): r.get("_grading") for d, r in zip(docs, records, strict=True)}
    before = {cid: _grade_of(g) for cid, g in stored.items() if g}
    after = {cid: _grade_of(g) for cid, g in gradings.items()}
    lines = customer_lines(docs, gradings, policy, as_of)
    amounts = {line.id: line.cumulative for line in lines}
    names = {line.id: line.name for line in lines}
    changes = [
        {
            "id": cid,
            "name": names.get(cid, ""),
            "from": before.get(cid),
            "to": after[cid],
            "total_before": (stored.get(cid) or {}).get("total"),
            "total": gradings[cid].get("total"),
        }
        for cid in sorted(after)
        if cid not in before or before[cid] != after[cid]
    ]
    return RegradePreview(
        as_of=as_of,
        policy_version=policy.version,
        policy_sha256=policy.sha256,
        customers=len(docs),
        before=_counts(stored.values(), policy),
        after=_counts(gradings.values(), policy),
        matrix=migration_matrix(before, after, amounts, policy),
        changes=changes,
    )


def _grade_of(grading: Mapping[str, Any]) -> str | None:
    if grading.get("status") == "graded" and grading.get("grade"):
        return str(grading["grade"])
    return None


def _counts(gradings: Any, policy: Policy) -> dict[str, int]:
    """Customers per grade in the policy's order, then ungraded, then never graded."""
    seen = Counter((_grade_of(g) or UNGRADED) if g else NOT_GRADED for g in gradings)
    keys = [*(g.name for g in policy.all_grades), UNGRADED, NOT_GRADED]
    keys += sorted(set(seen) - set(keys))
    return {key: seen.get(key, 0) for key in keys}
