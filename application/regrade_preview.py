"""What a regrade would change: counts before/after, the from→to matrix and the changed customers.

Pure functions over store records (document + ``_grading``), the policy and the as-of date; the
grading itself is the engine's two rounds (facts and the archive-wide tops, then grades), done
in chunks so a screen can show progress and a regrade can be cancelled before it writes.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from creditfile.application.report_batches import archive_tops as stored_or_counted_tops
from creditfile.application.report_batches import view_batches
from creditfile.engine import CustomerFacts, customer_id, facts_of, grade_with_tops
from creditfile.engine.scoring import archive_tops
from creditfile.policy import Policy
from creditfile.reports.composition import customer_lines
from creditfile.reports.migration import MigrationSums, migration_matrix
from creditfile.store import ArchiveStore, RegradeCancelledError, customer_document

CHUNK = 2000
CHANGES_KEPT = 5000
"""The changes a preview counted a batch at a time lists (the first by id); it counts all."""
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
            changes (None: ungraded or never graded), in id order (the first ``changed`` of
            them when counted a batch at a time).
        changed: See the attribute's own note.
    """

    as_of: date
    policy_version: str
    policy_sha256: str
    customers: int
    before: Mapping[str, int]
    after: Mapping[str, int]
    matrix: Mapping[str, Any]
    changes: Sequence[Mapping[str, Any]]
    changed: int = -1
    """How many customers' grades change; ``changes`` may list only the first of them by id
    (a preview counted a batch at a time keeps a few thousand). -1: ``len(changes)``."""

    @property
    def changing(self) -> int:
        """How many customers' grades change (``changes`` may list fewer)."""
        return len(self.changes) if self.changed < 0 else self.changed


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
        changed=len(changes),
    )


def preview_in_batches(
    store: ArchiveStore,
    policy: Policy,
    as_of: date,
    progress: Callable[[float, str], None] | None = None,
    keep: int = CHANGES_KEPT,
) -> RegradePreview:
    """``preview_of`` every record of ``store``, read a batch at a time: the same counts and
    matrix, and the first ``keep`` changes by id with how many there are; never every
    customer in memory at once.

    A policy that places customers by rank needs every established customer's amount: its
    preview is made from every record at once.

    Args:
        store: The archive.
        policy: The policy to grade under.
        as_of: The grading date.
        progress: Called with the fraction graded and ``grading``.
        keep: How many changes to list.
    """
    report = progress or (lambda _f, _p: None)
    if any(item.scale == "rank" for item in policy.scoring):
        return preview_of(list(store.records().values()), policy, as_of, progress)
    # First the archive-wide tops (the stored ones when they are this policy's and date's);
    # the tops are measured again while grading: stored tops that someone's write left
    # behind (customers added ungraded) are found out, and the grading done again with the
    # archive's own.
    tops = stored_or_counted_tops(
        store, policy, as_of, lambda d, t: report(0.3 * d / max(t, 1), "grading")
    )
    while True:
        preview, seen = _graded_in_batches(store, policy, as_of, tops, report, keep)
        if seen == tops:
            return preview
        tops = seen


def _graded_in_batches(
    store: ArchiveStore,
    policy: Policy,
    as_of: date,
    tops: Mapping[str, Decimal],
    report: Callable[[float, str], None],
    keep: int,
) -> tuple[RegradePreview, dict[str, Decimal]]:
    """The preview graded against ``tops``, and the tops of the customers graded."""
    before: Counter[str] = Counter()
    after: Counter[str] = Counter()
    sums = MigrationSums(policy)
    changes: list[dict[str, Any]] = []
    changed = customers = 0
    seen: dict[str, Decimal] = {fact: Decimal(0) for fact in tops}

    def graded(done: int, total: int) -> None:
        report(0.3 + 0.6 * done / max(total, 1), "grading")

    for view in view_batches(store, policy, as_of, graded):
        docs = view.docs
        facts = facts_of(docs, policy, as_of)
        for fact, top in archive_tops(facts, policy).items():
            seen[fact] = max(seen.get(fact, Decimal(0)), top)
        gradings = grade_with_tops(docs, facts, policy, as_of, tops)
        lines = customer_lines(docs, gradings, policy, as_of)
        found: list[dict[str, Any]] = []
        for line in lines:
            stored = view.gradings.get(line.id)
            grading = gradings[line.id]
            before[_key_of(stored)] += 1
            after[_key_of(grading)] += 1
            old, new = (_grade_of(stored) if stored else None), _grade_of(grading)
            sums.add(bool(stored), old, new, line.cumulative)
            if not stored or old != new:
                found.append(
                    {
                        "id": line.id,
                        "name": line.name,
                        "from": old,
                        "to": new,
                        "total_before": (stored or {}).get("total"),
                        "total": grading.get("total"),
                    }
                )
        customers += len(docs)
        changed += len(found)
        changes = heapq.nsmallest(keep, [*changes, *found], key=lambda c: str(c["id"]))
    preview = RegradePreview(
        as_of=as_of,
        policy_version=policy.version,
        policy_sha256=policy.sha256,
        customers=customers,
        before=_ordered(before, policy),
        after=_ordered(after, policy),
        matrix=sums.matrix(),
        changes=changes,
        changed=changed,
    )
    return preview, seen


def _key_of(grading: Mapping[str, Any] | None) -> str:
    """A grading's count key: its grade, ``ungraded`` or ``none`` (never graded)."""
    return (_grade_of(grading) or UNGRADED) if grading else NOT_GRADED


def _ordered(seen: Counter[str], policy: Policy) -> dict[str, int]:
    keys = [*(g.name for g in policy.all_grades), UNGRADED, NOT_GRADED]
    keys += sorted(set(seen) - set(keys))
    return {key: seen.get(key, 0) for key in keys}


def _grade_of(grading: Mapping[str, Any]) -> str | None:
    if grading.get("status") == "graded" and grading.get("grade"):
        return str(grading["grade"])
    return None


def _counts(gradings: Any, policy: Policy) -> dict[str, int]:
    """Customers per grade in the policy's order, then ungraded, then never graded."""
    return _ordered(Counter(_key_of(g) for g in gradings), policy)
