"""Grading a large archive on every core: the engine's pure functions, run in forked workers.

The archive-wide top needs every customer's facts before anyone can be scored, so the work runs
in two rounds over fixed slices: each worker computes its slice's facts and partial tops, the
parent combines the tops, then each worker grades its slice. ``grade_all`` works on documents
already parsed and sends the gradings back as JSON; ``grade_lines`` works on the archive file's
customer lines (``store.lines``): each worker parses its share of the lines, grades it and
sends back the lines re-encoded, so that parsing and encoding run on every core too. Either
way the gradings are identical to ``engine.grade_archive``'s (tests hold both to that).
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import Any

import orjson

from creditfile.engine import (
    CustomerFacts,
    customer_id,
    facts_of,
    grade_archive,
    grade_with_tops,
)
from creditfile.engine.scoring import archive_tops
from creditfile.engine.validation import (
    Problem,
    RecordProblem,
    batch_problems,
    document_problems,
    validate_customers,
    validator_for,
)
from creditfile.policy import Policy
from creditfile.policy.errors import phrase_from_data
from creditfile.store import CustomerLines, LinesRegrade, LinesUnreadable

Tops = dict[str, Decimal]

PARALLEL_FROM = 20_000


def worker_count() -> int:
    """How many workers a batch may use: the cores this process may run on, at most 4."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 4))


def grade_all(
    docs: Sequence[Mapping[str, Any]], policy: Policy, as_of: date, *, workers: int | None = None
) -> dict[str, dict[str, Any]]:
    """Grade every customer, in parallel when the archive is large and cores are free."""
    count = worker_count() if workers is None else workers
    if (
        count < 2
        or len(docs) < PARALLEL_FROM
        or "fork" not in multiprocessing.get_all_start_methods()
        or _ranks(policy)
    ):
        return grade_archive(docs, policy, as_of)
    return _grade_forked(docs, policy, as_of, count)


def grade_known(
    docs: Sequence[Mapping[str, Any]],
    facts: Sequence[CustomerFacts],
    policy: Policy,
    as_of: date,
    tops: Mapping[str, Decimal],
    *,
    workers: int | None = None,
) -> dict[str, dict[str, Any]]:
    """``engine.grade_with_tops``, in parallel when there are many customers and cores are
    free: the facts and the archive-wide tops are known already (as an import of many new
    customers knows them), so each worker grades its slice in one round and nothing is
    exchanged. The gradings are the same either way (tests hold both)."""
    count = worker_count() if workers is None else workers
    if (
        count < 2
        or len(docs) < PARALLEL_FROM
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        return grade_with_tops(docs, facts, policy, as_of, tops)
    shares = [
        (docs, facts, len(docs) * i // count, len(docs) * (i + 1) // count, policy, as_of, tops)
        for i in range(count)
    ]
    gradings: dict[str, dict[str, Any]] = {}
    with _forked(_grade_known_share, shares) as links:
        for link in links:
            gradings.update(_receive(link))
    return gradings


def _grade_known_share(
    docs: Sequence[Mapping[str, Any]],
    facts: Sequence[CustomerFacts],
    start: int,
    end: int,
    policy: Policy,
    as_of: date,
    tops: Mapping[str, Decimal],
    pipe: Any,
    parent: int,
) -> None:
    def work(_exchange: Callable[[Tops], Tops]) -> None:
        _send(pipe, grade_with_tops(docs[start:end], facts[start:end], policy, as_of, tops))

    _worker(pipe, parent, work)


def _ranks(policy: Policy) -> bool:
    """Whether an item places customers by rank: it needs every established customer's amount
    in one place, which the workers' tops exchange does not carry, so such a policy grades here."""
    return any(item.scale == "rank" for item in policy.scoring)


def _grade_forked(
    docs: Sequence[Mapping[str, Any]], policy: Policy, as_of: date, count: int
) -> dict[str, dict[str, Any]]:
    shares = [
        (docs, len(docs) * i // count, len(docs) * (i + 1) // count, policy, as_of)
        for i in range(count)
    ]
    gradings: dict[str, dict[str, Any]] = {}
    with _forked(_work, shares) as links:
        _share_tops(links)
        for link in links:
            gradings.update(_receive(link))
    return gradings


def validate_all(
    docs: Sequence[object],
    policy: Policy,
    *,
    workers: int | None = None,
    parallel_from: int = PARALLEL_FROM,
) -> list[RecordProblem]:
    """Every problem of a batch of documents (``engine.validate_customers``), checked on every
    core when the batch is large: each worker checks a slice of the documents on their own, the
    parent adds the ids used twice. The problems are the same either way (tests hold both)."""
    count = worker_count() if workers is None else workers
    if (
        count < 2
        or len(docs) < parallel_from
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        return validate_customers(docs, policy)
    validator_for(policy)  # compiled here once: every worker inherits it instead of compiling
    shares = [
        (docs, len(docs) * i // count, len(docs) * (i + 1) // count, policy) for i in range(count)
    ]
    by_document: dict[int, list[Problem]] = {}
    with _forked(_check, shares) as links:
        for link in links:
            for index, problems in _receive(link):
                by_document[index] = [
                    Problem(path, message, None if data is None else phrase_from_data(data))
                    for path, message, data in problems
                ]
    return batch_problems(docs, by_document)


def _check(
    docs: Sequence[object], start: int, end: int, policy: Policy, pipe: Any, parent: int
) -> None:
    def work(_exchange: Callable[[Tops], Tops]) -> None:
        found = document_problems(docs, policy, start, end)
        _send(pipe, [[i, [_problem_data(p) for p in ps]] for i, ps in found.items()])

    _worker(pipe, parent, work)


def _problem_data(problem: Problem) -> list[object]:
    said = problem.said
    return [problem.path, problem.message, None if said is None else said.as_data()]


Link = tuple[Any, Any]
"""A worker process and the parent's end of the pipe to it."""


@contextmanager
def _forked(target: Callable[..., None], shares: Sequence[tuple[Any, ...]]) -> Iterator[list[Link]]:
    """One forked worker per share, running ``target(*share, pipe, parent_pid)``; every one is
    ended on leaving, whatever happened."""
    context = multiprocessing.get_context("fork")
    links: list[Link] = []
    try:
        for share in shares:
            parent_end, child_end = context.Pipe()
            # The child closes its copies of the parent's ends (its own and the earlier
            # workers'): when the parent closes them, a waiting worker must see the end.
            inherited = [pipe for _, pipe in links] + [parent_end]
            process = context.Process(
                target=_child,
                args=(target, share, child_end, os.getpid(), inherited),
                daemon=True,
            )
            process.start()
            child_end.close()
            links.append((process, parent_end))
        yield links
    finally:
        for process, pipe in links:
            pipe.close()
            process.join(timeout=5)
            if process.is_alive():  # pragma: no cover - only after a failure
                process.kill()


def _child(
    target: Callable[..., None],
    share: tuple[Any, ...],
    pipe: Any,
    parent: int,
    inherited: list[Any],
) -> None:
    for other in inherited:
        other.close()
    target(*share, pipe, parent)


def _share_tops(links: list[Link]) -> Tops:
    """The first round: every worker's tops, combined into the archive's and sent back."""
    tops = _combine([_receive(link) for link in links])
    for _, pipe in links:
        pipe.send_bytes(_encode_tops(tops))
    return tops


def _encode_tops(tops: Mapping[str, Decimal]) -> bytes:
    return orjson.dumps({k: str(v) for k, v in tops.items()})


def _decode_tops(data: bytes) -> Tops:
    return {k: Decimal(v) for k, v in orjson.loads(data).items()}


def _send(pipe: Any, payload: Any, kind: str = "ok") -> None:
    """A message from a worker: ``[kind, payload]``, kind ``ok``, ``unreadable`` or ``error``
    (never a key of the payload, which may be any customer id)."""
    pipe.send_bytes(orjson.dumps([kind, payload]))


def _receive(link: Link) -> Any:
    """The payload of a worker's next message; its failure raised here."""
    kind, payload = orjson.loads(_receive_bytes(link))
    if kind == "unreadable":
        raise LinesUnreadable(payload)
    if kind == "error":
        raise RuntimeError(f"grading worker {link[0].pid} failed: {payload}")
    return payload


def _receive_bytes(link: Link) -> bytes:
    process, pipe = link
    try:
        payload: bytes = pipe.recv_bytes()
    except EOFError:
        raise RuntimeError(f"grading worker {process.pid} stopped unexpectedly") from None
    return payload


def _combine(partials: list[dict[str, str]]) -> Tops:
    tops: Tops = {}
    for partial in partials:
        for fact, value in partial.items():
            tops[fact] = max(tops.get(fact, Decimal(0)), Decimal(value))
    return tops


def pipelined(
    handle: Callable[[bytes], list[bytes]],
    messages: Iterable[bytes],
    *,
    workers: int,
) -> Iterator[list[bytes]]:
    """``handle(message)`` for every message, in order, spread over ``workers`` forked
    workers (here, one after another, when ``workers`` is below 2 or fork is missing).

    Message ``k`` goes to worker ``k % workers``, which holds one message at a time: the next
    message is taken from ``messages`` (a database read, say) while the workers handle theirs,
    and each answer is handed out (written, say) before that worker gets another. A failure in
    a worker is raised here.
    """
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        for message in messages:
            yield handle(message)
        return
    with _forked(_serve, [(handle,)] * workers) as links:
        sent = 0
        for message in messages:
            link = links[sent % workers]
            if sent >= workers:  # this worker's last answer first
                yield _answer(link)
            link[1].send_bytes(message)
            sent += 1
        for k in range(max(sent - workers, 0), sent):  # the answers still out, oldest first
            yield _answer(links[k % workers])


def _answer(link: Link) -> list[bytes]:
    return [_receive_bytes(link) for _ in range(_receive(link))]


def _serve(handle: Callable[[bytes], list[bytes]], pipe: Any, parent: int) -> None:
    def work(_exchange: Callable[[Tops], Tops]) -> None:
        while True:
            try:
                message = pipe.recv_bytes()
            except EOFError:  # the parent has nothing more
                return
            parts = handle(message)
            _send(pipe, len(parts))
            for part in parts:
                pipe.send_bytes(part)

    _worker(pipe, parent, work)


def _die_with_parent(parent: int) -> None:
    # A worker shares the parent's open archive lock. If the parent is killed (kill -9 during a
    # regrade), the kernel must end the worker too, or the lock would stay held until it finished.
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


_PR_SET_PDEATHSIG = 1


def _worker(pipe: Any, parent: int, work: Callable[[Callable[[Tops], Tops]], None]) -> None:
    """Run ``work(exchange)`` as a worker: ``exchange`` trades this share's tops for the
    archive's; any failure is sent to the parent, which reports it; the process then ends."""
    _die_with_parent(parent)

    def exchange(tops: Tops) -> Tops:
        _send(pipe, {k: str(v) for k, v in tops.items()})
        return _decode_tops(pipe.recv_bytes())

    try:
        work(exchange)
    except LinesUnreadable as exc:
        _send(pipe, str(exc), "unreadable")
    except BaseException as exc:  # a worker must never leave the parent waiting
        _send(pipe, f"{type(exc).__name__}: {exc}", "error")
    finally:
        pipe.close()
        os._exit(0)


def _work(
    docs: Sequence[Mapping[str, Any]],
    start: int,
    end: int,
    policy: Policy,
    as_of: date,
    pipe: Any,
    parent: int,
) -> None:
    def work(exchange: Callable[[Tops], Tops]) -> None:
        chunk = docs[start:end]
        facts = facts_of(chunk, policy, as_of)
        tops = exchange(archive_tops(facts, policy))
        _send(pipe, grade_with_tops(chunk, facts, policy, as_of, tops))

    _worker(pipe, parent, work)


class GradedLines(LinesRegrade):
    """``store.lines.LinesRegrade`` plus the archive-wide tops the scores were relative to."""

    tops: Tops

    def __init__(self) -> None:
        super().__init__()
        self.tops = {}


def grade_lines(
    lines: CustomerLines, policy: Policy, as_of: date, *, workers: int | None = None
) -> GradedLines:
    """Grade every customer line of an archive file and re-encode it with its new grading.

    For ``store.Archive.regrade_lines``. In forked workers when the archive is large and cores
    are free; otherwise here, the same way.

    Raises:
        LinesUnreadable: a line is not a customer record (the store then regrades whole).
    """
    count = worker_count() if workers is None else workers
    if (
        count < 2
        or lines.count < PARALLEL_FROM
        or "fork" not in multiprocessing.get_all_start_methods()
        or _ranks(policy)
    ):
        return _grade_span(lines, (lines.start, lines.end), policy, as_of, lambda tops: tops)
    return _grade_lines_forked(lines, policy, as_of, count)


def _grade_span(
    lines: CustomerLines,
    span: tuple[int, int],
    policy: Policy,
    as_of: date,
    exchange: Callable[[Tops], Tops],
) -> GradedLines:
    """Parse, grade and re-encode the lines of ``span``; ``exchange`` turns this span's tops
    into the archive's."""
    share = lines.share(span)
    facts = facts_of(share.documents, policy, as_of)
    done = GradedLines()
    done.tops = exchange(archive_tops(facts, policy))
    gradings = grade_with_tops(share.documents, facts, policy, as_of, done.tops)
    in_order = [gradings[customer_id(doc)] for doc in share.documents]
    for doc, grading, old in zip(share.documents, in_order, share.previous_grades(), strict=True):
        cid = customer_id(doc)
        done.previous[cid] = old
        done.gradings[cid] = {
            "status": grading["status"],
            "grade": grading.get("grade"),
            "total": grading.get("total"),
        }
    del facts, gradings  # not needed to encode: their memory goes to the encoded lines
    done.parts.append(share.encode(in_order))
    return done


def _grade_lines_forked(
    lines: CustomerLines, policy: Policy, as_of: date, count: int
) -> GradedLines:
    done = GradedLines()
    with _forked(
        _work_lines, [(lines, span, policy, as_of) for span in lines.split(count)]
    ) as links:
        done.tops = _share_tops(links)
        for link in links:
            gradings, previous = _receive(link)
            done.gradings.update(gradings)
            done.previous.update(previous)
            done.parts.append(_receive_bytes(link))
    return done


def _work_lines(
    lines: CustomerLines, span: tuple[int, int], policy: Policy, as_of: date, pipe: Any, parent: int
) -> None:
    def work(exchange: Callable[[Tops], Tops]) -> None:
        done = _grade_span(lines, span, policy, as_of, exchange)
        _send(pipe, [done.gradings, done.previous])
        pipe.send_bytes(done.parts[0])

    _worker(pipe, parent, work)
