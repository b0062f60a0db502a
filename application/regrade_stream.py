"""The grading side of a streamed regrade (``store.StreamRegradingStore``): batch by batch.

The store reads its customers twice in batches. The first pass takes in each batch's facts and
keeps only the archive-wide tops (the highest of each fact among established customers, a
maximum, so batch by batch gives the same tops as all at once); the second grades each batch
against those tops. The gradings are the engine's, identical to ``engine.grade_archive`` over
the whole archive (tests hold them to that). A policy that places customers by rank needs every
established customer's amount in one place: it is not graded this way (``streams``).

The store hands each batch over as its documents' JSON text. On an archive large enough
(``batch.PARALLEL_FROM``) and with cores to spare, the batches go to forked workers
(``batch.pipelined``) that decode, measure or grade them and encode the gradings in the store's
form, while this process reads the next batch and writes the last: the decoding, grading and
encoding run on every core, as the file archive's line-by-line regrade does.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import orjson

from creditfile.application import batch as pool
from creditfile.engine import CustomerFacts, facts_of, grade_with_tops
from creditfile.engine.numbers import as_number, to_decimal
from creditfile.engine.scoring import archive_tops
from creditfile.policy import Policy
from creditfile.store import DocumentTexts, Encoder, GradedBatch, RegradeTally

Report = Callable[[float, str], None]
Check = Callable[[RegradeTally], None]


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
        *,
        workers: int | None = None,
    ) -> None:
        """Grade under ``policy`` at ``as_of``.

        Args:
            policy: The policy (``streams(policy)`` must hold).
            as_of: The grading date.
            run: The run record: its ``tops`` are filled in before the write.
            report: Told the fraction done and the phase (``grading``, then ``writing``).
            check: Judges the run's counts (raises to refuse the write).
            workers: Forked workers to grade in (``batch.worker_count()`` when None); an
                archive smaller than ``batch.PARALLEL_FROM`` is graded here.
        """
        self._policy, self._as_of, self._run = policy, as_of, run
        self._workers = pool.worker_count() if workers is None else workers
        self._report, self._check = report, check
        self._tops: dict[str, Decimal] = {}
        self._assumed = False
        self._seen: dict[str, Decimal] = {}
        self._customers = 0
        self._measured = self._graded = 0

    def begin(self, customers: int) -> None:
        """The number of customers the store is about to read."""
        self._customers = customers
        self._report(0.0, "grading")

    def assume(self, tops: Mapping[str, Any] | None) -> bool:
        """Grade with the stored ``tops`` without a first pass (see ``store.StreamGrader``):
        the same gradings whenever they are still the archive's, which ``settled`` checks."""
        if not tops:
            return False
        self._tops = {fact: to_decimal(value) for fact, value in tops.items()}
        self._assumed = True
        return True

    def settled(self) -> bool:
        """Whether the tops graded with were the archive's; if not, take the archive's."""
        if not self._assumed or self._seen == self._tops:
            return True
        self._tops, self._assumed, self._graded = dict(self._seen), False, 0
        return False

    def measure_texts(self, batches: Iterable[DocumentTexts]) -> None:
        """The first pass over every batch (see ``store.StreamGrader``)."""
        workers = self._parallel()
        if workers < 2:
            for texts in batches:
                self.measure(_decoded(texts))
            return
        messages = (_joined(texts) for texts in batches)
        for tops, count in pool.pipelined(self._measure_message, messages, workers=workers):
            self._fold(_decode_tops(tops))
            self._measured += int(count)
            self._progress(0.0, self._measured)

    def grade_texts(
        self, batches: Iterable[DocumentTexts], encode: Encoder
    ) -> Iterator[GradedBatch]:
        """The second pass over every batch, against the tops of the first (see
        ``store.StreamGrader``)."""
        workers = self._parallel()
        if workers < 2:
            self._seen = {}
            for texts in batches:
                gradings = self.grade(_decoded(texts))
                yield _graded([cid for cid, _ in texts], gradings, encode)
            return

        def handle(message: bytes) -> list[bytes]:  # in a worker, forked once the tops are known
            ids, docs = orjson.loads(message)
            facts = facts_of(docs, self._policy, self._as_of)
            gradings = grade_with_tops(docs, facts, self._policy, self._as_of, self._tops)
            done = _graded(ids, list(gradings.values()), encode)
            return [done.encoded, orjson.dumps(done.gradings), _encode_tops(facts, self._policy)]

        messages = (_joined(texts, ids=True) for texts in batches)
        self._seen = {}
        for encoded, summaries, tops in pool.pipelined(handle, messages, workers=workers):
            self._fold(_decode_tops(tops), self._seen)
            kept: list[tuple[str, dict[str, Any]]] = [
                (str(cid), summary) for cid, summary in orjson.loads(summaries)
            ]
            self._graded += len(kept)
            self._progress(0.45, self._graded)
            yield GradedBatch(encoded, kept)

    def measure(self, docs: Sequence[Mapping[str, Any]]) -> None:
        """The first pass, one batch here: its tops folded into the archive's."""
        self._fold(self._batch_tops(docs))
        self._measured += len(docs)
        self._progress(0.0, self._measured)

    def grade(self, docs: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """The second pass, one batch here: its gradings against the archive's tops, in
        order."""
        facts = facts_of(docs, self._policy, self._as_of)
        gradings = grade_with_tops(docs, facts, self._policy, self._as_of, self._tops)
        self._fold(archive_tops(facts, self._policy), self._seen)
        self._graded += len(docs)
        self._progress(0.45, self._graded)
        return list(gradings.values())

    def _parallel(self) -> int:
        """The workers to grade in: none (1) for a small archive or without fork."""
        if (
            self._customers < pool.PARALLEL_FROM
            or "fork" not in multiprocessing.get_all_start_methods()
        ):
            return 1
        return self._workers

    def _batch_tops(self, docs: Sequence[Mapping[str, Any]]) -> dict[str, Decimal]:
        return archive_tops(facts_of(docs, self._policy, self._as_of), self._policy)

    def _measure_message(self, message: bytes) -> list[bytes]:
        """A worker's first pass over one batch: its tops and its size."""
        docs = orjson.loads(message)
        facts = facts_of(docs, self._policy, self._as_of)
        return [_encode_tops(facts, self._policy), str(len(docs)).encode()]

    def _fold(self, tops: Mapping[str, Decimal], into: dict[str, Decimal] | None = None) -> None:
        kept = self._tops if into is None else into
        for fact, top in tops.items():
            kept[fact] = max(kept.get(fact, Decimal(0)), top)

    def check(self, tally: RegradeTally) -> None:
        """Record the tops on the run and judge the outcome, before the store writes it."""
        self._run["tops"] = {fact: as_number(top) for fact, top in self._tops.items()}
        self._check(tally)
        self._report(0.9, "writing")

    def _progress(self, start: float, done: int) -> None:
        if self._customers:
            self._report(start + 0.45 * min(done / self._customers, 1.0), "grading")


def _joined(texts: DocumentTexts, *, ids: bool = False) -> bytes:
    """A batch as one JSON text, for a worker: its documents as read (``[doc, …]``), with their
    ids first when ``ids`` (``[[id, …], [doc, …]]``); no document is decoded here."""
    docs = b"[" + b",".join(text for _, text in texts) + b"]"
    return b"[" + orjson.dumps([cid for cid, _ in texts]) + b"," + docs + b"]" if ids else docs


def _decoded(texts: DocumentTexts) -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = orjson.loads(_joined(texts))
    return docs


def _encode_tops(facts: list[CustomerFacts], policy: Policy) -> bytes:
    """A batch's tops, for the parent (decimals as text, exact)."""
    return orjson.dumps({k: str(v) for k, v in archive_tops(facts, policy).items()})


def _decode_tops(data: bytes) -> dict[str, Decimal]:
    return {fact: Decimal(value) for fact, value in orjson.loads(data).items()}


def _graded(
    ids: Sequence[str], gradings: Sequence[Mapping[str, Any]], encode: Encoder
) -> GradedBatch:
    """A batch's gradings encoded for the store, and what the run keeps of each."""
    encoded = encode([(cid, g, orjson.dumps(g)) for cid, g in zip(ids, gradings, strict=True)])
    kept = [
        (cid, {"status": g["status"], "grade": g.get("grade"), "total": g.get("total")})
        for cid, g in zip(ids, gradings, strict=True)
    ]
    return GradedBatch(encoded, kept)
