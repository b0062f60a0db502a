"""The grading side of a streamed regrade (``store.StreamRegradingStore``): batch by batch.

The store reads its customers twice in batches. The first pass takes in each batch's facts and
keeps only the archive-wide tops (the highest of each fact among established customers, a
maximum, so batch by batch gives the same tops as all at once); the second grades each batch
against those tops. The gradings are the engine's, identical to ``engine.grade_archive`` over
the whole archive (tests hold them to that). A policy that places customers by rank needs every
established customer's amount in one place: it is not graded this way (``streams``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from creditfile.engine import facts_of, grade_with_tops
from creditfile.engine.numbers import as_number
from creditfile.engine.scoring import archive_tops
from creditfile.policy import Policy

Report = Callable[[float, str], None]
Check = Callable[[Mapping[str, Any], Mapping[str, Any]], None]


def streams(policy: Policy) -> bool:
    """Whether ``policy`` can be graded batch by batch (no item on the rank scale)."""
    return not any(item.scale == "rank" for item in policy.scoring)


class BatchGrader:
    """A ``store.StreamGrader``: the engine's grading, batch by batch, with progress."""

    def __init__(
        self,
        policy: Policy,
        as_of: date,
        run: dict[str, Any],
        report: Report,
        check: Check,
    ) -> None:
        """Grade under ``policy`` at ``as_of``.

        Args:
            policy: The policy (``streams(policy)`` must hold).
            as_of: The grading date.
            run: The run record: its ``tops`` are filled in before the write.
            report: Told the fraction done and the phase (``grading``, then ``writing``).
            check: Judges the grades before and after (raises to refuse the write).
        """
        self._policy, self._as_of, self._run = policy, as_of, run
        self._report, self._check = report, check
        self._tops: dict[str, Decimal] = {}
        self._customers = 0
        self._measured = self._graded = 0

    def begin(self, customers: int) -> None:
        """The number of customers the store is about to read."""
        self._customers = customers
        self._report(0.0, "grading")

    def measure(self, docs: Sequence[Mapping[str, Any]]) -> None:
        """The first pass: the batch's tops folded into the archive's."""
        facts = facts_of(docs, self._policy, self._as_of)
        for fact, top in archive_tops(facts, self._policy).items():
            self._tops[fact] = max(self._tops.get(fact, Decimal(0)), top)
        self._measured += len(docs)
        self._progress(0.0, self._measured)

    def grade(self, docs: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """The second pass: the batch's gradings against the archive's tops, in order."""
        facts = facts_of(docs, self._policy, self._as_of)
        gradings = grade_with_tops(docs, facts, self._policy, self._as_of, self._tops)
        self._graded += len(docs)
        self._progress(0.45, self._graded)
        return list(gradings.values())

    def check(self, previous: Mapping[str, Any], gradings: Mapping[str, Any]) -> None:
        """Record the tops on the run and judge the outcome, before the store writes it."""
        self._run["tops"] = {fact: as_number(top) for fact, top in self._tops.items()}
        self._check(previous, gradings)
        self._report(0.9, "writing")

    def _progress(self, start: float, done: int) -> None:
        if self._customers:
            self._report(start + 0.45 * min(done / self._customers, 1.0), "grading")
