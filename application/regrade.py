"""Regrading a whole archive: the one driver behind ``creditfile regrade`` and the UI's regrade.

A regrade grades every customer as stored under the store's lock (the archive-wide top makes it
a whole-archive operation) and writes every grading, the run record and every grade change in
one transaction. Three ways lead there, chosen here and nowhere else:

- cancellable (the UI): graded in chunks in this process, with progress, asking between
  chunks whether to stop; a cancel before the write leaves the archive untouched;
- a large write from the command line: when the store offers it (``store.LineRegradingStore``),
  the customers are graded share by share in forked workers (``application.batch``) over the
  store's own lines, never parsed whole in this process;
- on a store that reads its customers in batches (``store.StreamRegradingStore``, the
  PostgreSQL archive), cancellable or not: graded batch by batch as the store streams them
  (``application.regrade_stream``), in memory bounded by a batch whatever the archive's size;
- otherwise, and for a dry run: every document graded at once (in forked workers when the
  archive is large, ``batch.grade_all``).

The gradings are the same whichever way (tests hold them to that), and so is the run record:
policy version, hash and file, as-of date and the archive-wide tops the scores were relative to.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from creditfile.application.batch import grade_all, grade_lines
from creditfile.application.regrade_guard import (
    Breach,
    Limit,
    RegradeCounts,
    RegradeGuard,
    RegradeRefusedError,
    breaches,
    count_regrade,
    stored_grades,
)
from creditfile.application.regrade_preview import grade_in_chunks
from creditfile.application.regrade_stream import BatchGrader, streams
from creditfile.engine.numbers import as_number
from creditfile.policy import Policy
from creditfile.store import (
    ArchiveStore,
    CustomerLines,
    JSONObject,
    LineRegradingStore,
    LinesRegrade,
    RegradeCancelledError,
    RegradeOutcome,
    RegradeTally,
    StreamRegradingStore,
)

Progress = Callable[[float, str], None]
"""Called with the fraction done (0–1) and the phase: ``reading``, ``grading``, ``writing``."""


@dataclass(frozen=True)
class RegradeResult:
    """What a regrade did (or, dry, would do).

    Attributes:
        gradings: Per customer id, its grading (at least ``status``, ``grade``, ``total``);
            empty after a regrade batch by batch, which keeps counts instead (``tally``).
        changes: ``{"id", "from", "to", "total"}`` of every customer whose grade changed; after
            a regrade batch by batch, read from the store as they are iterated.
        run_id: The recorded run (None for a dry run).
        dry_run: Whether nothing was written.
        policy: The policy graded under.
        as_of: The grading date.
        run: The run record as stored (policy, as-of, tops).
        counts: Changes and ungraded customers before and after, as the guards judge them.
        breaches: The limits a guarded dry run went past (a real run past them is refused).
        tally: After a regrade batch by batch, its counts (customers per grade among them).
    """

    gradings: Mapping[str, Mapping[str, Any]]
    changes: Collection[Mapping[str, Any]]
    run_id: int | None
    dry_run: bool
    policy: Policy
    as_of: date
    run: Mapping[str, Any]
    counts: RegradeCounts | None = None
    breaches: tuple[Breach, ...] = ()
    tally: RegradeTally | None = None

    @property
    def customers(self) -> int:
        """How many customers were graded."""
        return len(self.gradings) if self.tally is None else self.tally.customers

    def summary(self, *, changes: bool = True) -> dict[str, Any]:
        """The ``regrade --json`` document of SPEC §6 (with ``dry_run`` and ``run_id``).

        Args:
            changes: List every grade change under ``changes``; when False it is None, and
                the caller writes ``self.changes`` out itself, as it reads them (a regrade of
                a million customers may have a million).
        """
        if self.tally is None:
            counts = Counter(g["grade"] for g in self.gradings.values() if g["status"] == "graded")
        else:
            counts = self.tally.by_grade
        return {
            "as_of": self.as_of.isoformat(),
            "policy": {"version": self.policy.version, "sha256": self.policy.sha256},
            "customers": self.customers,
            "graded": sum(counts.values()),
            "ungraded": self.customers - sum(counts.values()),
            "by_grade": {g.name: counts.get(g.name, 0) for g in self.policy.all_grades},
            "changes": [dict(c) for c in self.changes] if changes else None,
            "dry_run": self.dry_run,
            "run_id": self.run_id,
            **({} if self.counts is None else {"ungraded_before": self.counts.ungraded_before}),
            "refused": [b.as_json() for b in self.breaches],
        }


def run_record(policy: Policy, as_of: date) -> dict[str, Any]:
    """What the store records about a regrade run, before its tops are known."""
    return {
        "policy_version": policy.version,
        "policy_sha256": policy.sha256,
        "policy_path": policy.path,
        "as_of": as_of.isoformat(),
    }


def regrade(
    store: ArchiveStore,
    policy: Policy,
    as_of: date,
    actor: str,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    guard: RegradeGuard | None = None,
) -> RegradeResult:
    """Grade the whole archive under ``policy`` at ``as_of`` and store it in one transaction.

    Args:
        store: The archive.
        policy: The policy to grade under.
        as_of: The grading date.
        actor: Who runs it (recorded on the run and every grade change).
        dry_run: Grade and report the changes; write nothing.
        progress: Told the fraction done and the phase.
        cancelled: Asked until the write starts; True stops with nothing written. Given, the
            grading runs in chunks in this process so that it can stop between them.
        guard: Limits on grade changes and ungraded customers, judged on the gradings
            computed under the lock, before the write. A dry run reports its breaches.

    Returns:
        The gradings, the changes, the run id, the run record and the guards' counts.

    Raises:
        RegradeCancelledError: ``cancelled`` answered True; the archive is unchanged.
        RegradeRefusedError: the regrade went past a limit of ``guard``; nothing written.
        StoreError: the archive could not be read or written; it is unchanged.
    """
    report = progress or (lambda _f, _p: None)
    run = run_record(policy, as_of)
    report(0.0, "reading")
    judge = _Judge(store.location, guard or RegradeGuard(), refuse=not dry_run)
    outcome = None
    if not dry_run and isinstance(store, StreamRegradingStore) and streams(policy):
        grader = BatchGrader(policy, as_of, run, report, judge.tallied)
        outcome = store.regrade_streamed(grader, run=run, actor=actor, cancelled=cancelled)
    elif cancelled is None and not dry_run and isinstance(store, LineRegradingStore):
        grade_lines_fn = _lines_grader(policy, as_of, run, report, judge)
        outcome = store.regrade_lines(grade_lines_fn, run=run, actor=actor)
    if outcome is None:  # cancellable, a dry run, or a store that cannot regrade line by line
        grade = _grader(store, policy, as_of, run, report, cancelled, judge)
        outcome = store.regrade(grade, run=run, actor=actor, dry_run=dry_run, cancelled=cancelled)
    return _result(outcome, policy, as_of, run, judge, dry_run=dry_run)


class _Judge:
    """Counts a regrade's outcome before its write and refuses it past the guard's limits."""

    def __init__(self, location: str, guard: RegradeGuard, *, refuse: bool) -> None:
        self.location, self.guard, self.refuse = location, guard, refuse
        self.counts: RegradeCounts | None = None
        self.breaches: list[Breach] = []

    def __call__(self, previous: Mapping[str, Any], gradings: Mapping[str, Any]) -> None:
        self.judge(count_regrade(previous, gradings))

    def tallied(self, tally: RegradeTally) -> None:
        """Judge a regrade counted batch by batch."""
        self.judge(
            RegradeCounts(
                tally.customers,
                tally.changes,
                tally.ungraded_before,
                tally.ungraded_after,
                tally.newly_ungraded,
            )
        )

    def judge(self, counts: RegradeCounts) -> None:
        """Keep ``counts`` and refuse the regrade past the guard's limits."""
        self.counts = counts
        self.breaches = breaches(self.guard, self.counts)
        if self.breaches and self.refuse:
            # Raised inside the store's transaction: the store writes nothing.
            raise RegradeRefusedError(self.location, self.counts, self.breaches)


def _grader(
    store: ArchiveStore,
    policy: Policy,
    as_of: date,
    run: dict[str, Any],
    report: Progress,
    cancelled: Callable[[], bool] | None,
    judge: _Judge,
) -> Callable[[list[JSONObject]], dict[str, JSONObject]]:
    """The whole-archive grading function handed to ``ArchiveStore.regrade``."""

    def grade(docs: list[JSONObject]) -> dict[str, JSONObject]:
        report(0.0, "grading")
        if cancelled is None:
            gradings = grade_all(docs, policy, as_of)
        else:
            gradings = grade_in_chunks(docs, policy, as_of, report, cancelled, store.location)
        # The run records the archive-wide top the scores were relative to.
        run["tops"] = next(iter(gradings.values()), {}).get("tops", {})
        # Called under the store's lock: the records are the ones about to be replaced.
        judge(stored_grades(store.records()), gradings)
        report(0.9, "writing")
        return gradings

    return grade


def _lines_grader(
    policy: Policy, as_of: date, run: dict[str, Any], report: Progress, judge: _Judge
) -> Callable[[CustomerLines], LinesRegrade]:
    """The line-by-line grading function handed to ``LineRegradingStore.regrade_lines``."""

    def grade(lines: CustomerLines) -> LinesRegrade:
        report(0.0, "grading")
        done = grade_lines(lines, policy, as_of)
        run["tops"] = {fact: as_number(top) for fact, top in done.tops.items()}
        judge(done.previous, done.gradings)
        report(0.9, "writing")
        return done

    return grade


def _result(
    outcome: RegradeOutcome,
    policy: Policy,
    as_of: date,
    run: Mapping[str, Any],
    judge: _Judge,
    *,
    dry_run: bool,
) -> RegradeResult:
    return RegradeResult(
        gradings=outcome.gradings,
        changes=outcome.changes,
        run_id=outcome.run_id,
        dry_run=dry_run,
        policy=policy,
        as_of=as_of,
        run=dict(run),
        counts=judge.counts,
        breaches=tuple(judge.breaches),
        tally=outcome.tally,
    )


__all__ = [
    "Limit",
    "Progress",
    "RegradeCancelledError",
    "RegradeGuard",
    "RegradeRefusedError",
    "RegradeResult",
    "regrade",
    "run_record",
]
