"""A whole-archive regrade of a PostgreSQL archive, streamed batch by batch: the engine's
gradings, the same run and changes as a regrade done at once, nothing written when it is
refused, cancelled or cut off, and a save made meanwhile kept."""

from __future__ import annotations

import threading
import time
import tracemalloc
from datetime import date
from typing import Any

import psycopg
import pytest

from creditfile.application.opening import open_archive
from creditfile.application.regrade import (
    RegradeGuard,
    RegradeRefusedError,
    RegradeResult,
    regrade,
)
from creditfile.application.regrade_guard import Limit
from creditfile.demodata.customers import generate_customers
from creditfile.engine import grade_archive
from creditfile.policy import Policy
from creditfile.store import (
    ArchiveWriteError,
    RegradeCancelledError,
    StreamRegradingStore,
    pg_regrade,
)

AS_OF = date(2026, 11, 29)
CUSTOMERS = 130


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Batches of 17 customers (many per archive); the sizes of those graded, as they come."""
    monkeypatch.setattr(pg_regrade, "BATCH", 17)
    return []


@pytest.fixture
def url(pg_url: str) -> str:
    store = open_archive(pg_url, create=True)
    store.import_customers(generate_customers(CUSTOMERS, 7, AS_OF), actor="seed")
    return pg_url


def _gradings(url: str) -> dict[str, Any]:
    return {cid: r["_grading"] for cid, r in open_archive(url).records().items()}


def _assert_counted(result: RegradeResult, expected: dict[str, Any], policy: Policy) -> None:
    """The run kept counts, not gradings, and they and its changes are the engine's."""
    assert result.gradings == {}  # never a customer each: a million are never held
    assert result.customers == CUSTOMERS
    summary = result.summary()
    graded = [g["grade"] for g in expected.values() if g["status"] == "graded"]
    assert summary["by_grade"] == {g.name: graded.count(g.name) for g in policy.all_grades}
    assert summary["graded"] == len(graded) and summary["ungraded"] == CUSTOMERS - len(graded)
    # Every customer was ungraded: each one graded now is a change, in stored order.
    assert summary["changes"] == [
        {"id": cid, "from": None, "to": g["grade"], "total": g["total"]}
        for cid, g in expected.items()
        if g["grade"] is not None
    ]
    assert len(result.changes) == len(graded)


def test_a_streamed_regrade_stores_the_engines_gradings_of_the_whole_archive(
    url: str, default_policy: Policy, small_batches: list[int]
) -> None:
    store = open_archive(url)
    assert isinstance(store, StreamRegradingStore)
    expected = grade_archive(store.documents(), default_policy, AS_OF)
    phases: list[tuple[float, str]] = []
    result = regrade(
        store, default_policy, AS_OF, "ops", progress=lambda f, p: phases.append((f, p))
    )
    assert _gradings(url) == expected
    _assert_counted(result, expected, default_policy)
    (run,) = store.runs()
    assert run["tops"] == next(iter(expected.values()))["tops"]
    assert run["customers"] == CUSTOMERS and run["run_id"] == result.run_id
    assert run["by_grade"] == {k: v for k, v in result.summary()["by_grade"].items() if v}
    changed = [e["customer_id"] for e in store.history(kind="grade_changed")]
    assert changed == [c["id"] for c in result.changes] and len(changed) > 0
    fractions = [f for f, _ in phases]
    assert fractions == sorted(fractions) and phases[-1] == (0.9, "writing")
    assert len({f for f, p in phases if p == "grading"}) > 2 * CUSTOMERS // 17  # batch by batch


def test_a_second_streamed_regrade_changes_nothing_and_records_no_change(
    url: str, default_policy: Policy, small_batches: list[int]
) -> None:
    regrade(open_archive(url), default_policy, AS_OF, "ops")
    before = _gradings(url)
    again = regrade(open_archive(url), default_policy, AS_OF, "ops")
    assert again.changes == [] and _gradings(url) == before
    assert again.summary()["customers"] == CUSTOMERS


def test_the_grader_never_holds_more_than_a_batch(
    url: str, default_policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pg_regrade, "BATCH", 25)
    from creditfile.application import regrade_stream

    seen: list[int] = []
    real_measure, real_grade = regrade_stream.BatchGrader.measure, regrade_stream.BatchGrader.grade

    def measure(self: regrade_stream.BatchGrader, docs: Any) -> None:
        seen.append(len(docs))
        real_measure(self, docs)

    def grade(self: regrade_stream.BatchGrader, docs: Any) -> list[dict[str, Any]]:
        seen.append(len(docs))
        return real_grade(self, docs)

    monkeypatch.setattr(regrade_stream.BatchGrader, "measure", measure)
    monkeypatch.setattr(regrade_stream.BatchGrader, "grade", grade)
    regrade(open_archive(url), default_policy, AS_OF, "ops")
    assert max(seen) == 25 and sum(seen) == 2 * CUSTOMERS


def test_a_refused_streamed_regrade_writes_nothing(
    url: str, default_policy: Policy, small_batches: list[int]
) -> None:
    guard = RegradeGuard(max_changes=Limit.parse("3"))
    with pytest.raises(RegradeRefusedError, match="regrade refused"):
        regrade(open_archive(url), default_policy, AS_OF, "ops", guard=guard)
    assert all(g is None for g in _gradings(url).values())
    assert open_archive(url).runs() == []
    with psycopg.connect(url) as conn:  # the temporary table went with the transaction
        assert conn.execute("SELECT to_regclass('creditfile_regrade')").fetchone() == (None,)


def test_a_streamed_regrade_cancelled_half_way_writes_nothing(
    url: str, default_policy: Policy, small_batches: list[int]
) -> None:
    asked: list[int] = []

    def cancelled() -> bool:
        asked.append(1)
        return len(asked) > 10  # within the second pass

    with pytest.raises(RegradeCancelledError):
        regrade(open_archive(url), default_policy, AS_OF, "ops", cancelled=cancelled)
    assert all(g is None for g in _gradings(url).values())
    assert open_archive(url).history(kind="regrade_run") == []


def test_a_streamed_regrade_cut_off_mid_way_leaves_no_grade_written(
    url: str, default_policy: Policy, small_batches: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = open_archive(url)
    killer = psycopg.connect(url, autocommit=True)
    calls: list[int] = []
    from creditfile.application import regrade_stream

    real_grade = regrade_stream.BatchGrader.grade

    def grade_then_drop(self: regrade_stream.BatchGrader, docs: Any) -> list[dict[str, Any]]:
        calls.append(1)
        if len(calls) == 3:  # the server ends the regrade's session between two batches
            pid = store._conn.info.backend_pid  # type: ignore[attr-defined]
            killer.execute("SELECT pg_terminate_backend(%s)", (pid,))
        return real_grade(self, docs)

    monkeypatch.setattr(regrade_stream.BatchGrader, "grade", grade_then_drop)
    try:
        with pytest.raises(ArchiveWriteError, match="connection failed during a regrade"):
            regrade(store, default_policy, AS_OF, "ops")
    finally:
        monkeypatch.undo()
        killer.close()
    assert all(g is None for g in _gradings(url).values())
    result = regrade(store, default_policy, AS_OF, "ops")  # the same store works again
    assert result.customers == CUSTOMERS


def test_a_save_during_a_streamed_regrade_waits_for_it_and_is_kept(
    url: str, default_policy: Policy, small_batches: list[int]
) -> None:
    store, other = open_archive(url), open_archive(url)
    cid = next(iter(other.records()))
    record = other.get(cid)
    assert record is not None
    grading = threading.Event()
    saved: list[dict[str, Any]] = []

    def slow() -> bool:
        if not grading.is_set():
            grading.set()
            time.sleep(1.0)  # the save below is made meanwhile
        return False

    def save() -> None:
        grading.wait(10)
        doc = {k: v for k, v in record.items() if not k.startswith("_")}
        saved.append(other.save_customer({**doc, "name": "改名"}, base_rev=1, actor="li"))

    saver = threading.Thread(target=save)
    saver.start()
    started = time.monotonic()
    result = regrade(store, default_policy, AS_OF, "ops", cancelled=slow)
    saver.join(10)
    assert saved and saved[0]["_meta"]["rev"] == 2
    assert time.monotonic() - started >= 1.0
    final = open_archive(url).get(cid)
    assert final is not None and final["name"] == "改名"  # serialised behind it, not lost
    assert final["_grading"]["grade"] == {c["id"]: c["to"] for c in result.changes}.get(cid)


@pytest.fixture
def in_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of 17 graded in three forked workers, however small the archive."""
    from creditfile.application import batch

    monkeypatch.setattr(pg_regrade, "BATCH", 17)
    monkeypatch.setattr(batch, "PARALLEL_FROM", 0)
    monkeypatch.setattr(batch, "worker_count", lambda: 3)


def test_a_streamed_regrade_in_workers_stores_the_engines_gradings(
    url: str, default_policy: Policy, in_workers: None
) -> None:
    store = open_archive(url)
    expected = grade_archive(store.documents(), default_policy, AS_OF)
    phases: list[tuple[float, str]] = []
    result = regrade(
        store, default_policy, AS_OF, "ops", progress=lambda f, p: phases.append((f, p))
    )
    assert _gradings(url) == expected
    _assert_counted(result, expected, default_policy)
    (run,) = store.runs()
    assert run["tops"] == next(iter(expected.values()))["tops"]
    changed = [e["customer_id"] for e in store.history(kind="grade_changed")]
    assert changed == [c["id"] for c in result.changes] and len(changed) > 0
    fractions = [f for f, _ in phases]
    assert fractions == sorted(fractions) and phases[-1] == (0.9, "writing")
    assert len({f for f, p in phases if p == "grading"}) > 2 * CUSTOMERS // 17  # batch by batch
    again = regrade(open_archive(url), default_policy, AS_OF, "ops")
    assert again.changes == [] and _gradings(url) == expected


def test_a_grading_worker_that_dies_mid_regrade_leaves_nothing_written(
    url: str, default_policy: Policy, in_workers: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from creditfile.application import regrade_stream

    real_graded = regrade_stream._graded
    parent = os.getpid()

    def dies(*args: Any) -> Any:
        if os.getpid() != parent:  # in a worker: killed outright, as the OOM killer does
            os._exit(9)
        return real_graded(*args)

    monkeypatch.setattr(regrade_stream, "_graded", dies)
    store = open_archive(url)
    with pytest.raises(RuntimeError, match=r"grading worker \d+ stopped unexpectedly"):
        regrade(store, default_policy, AS_OF, "ops")
    monkeypatch.undo()
    assert all(g is None for g in _gradings(url).values())
    assert open_archive(url).runs() == []
    assert regrade(store, default_policy, AS_OF, "ops").customers == CUSTOMERS


def test_a_streamed_regrade_in_workers_cancelled_writes_nothing(
    url: str, default_policy: Policy, in_workers: None
) -> None:
    asked: list[int] = []

    def cancelled() -> bool:
        asked.append(1)
        return len(asked) > 10  # within the second pass

    with pytest.raises(RegradeCancelledError):
        regrade(open_archive(url), default_policy, AS_OF, "ops", cancelled=cancelled)
    assert all(g is None for g in _gradings(url).values())
    assert open_archive(url).history(kind="regrade_run") == []


def _raise_top(url: str) -> str:
    """A lease far above every other written straight into one customer's card: the stored
    gradings' tops are no longer the archive's. Returns the customer's id."""
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute("SELECT id, doc FROM customers ORDER BY pos LIMIT 1").fetchone()
        assert row is not None
        cid, doc = row
        doc["leases"] = [*doc.get("leases", []), {"contract": "L-TOP", "item": "tower_crane",
                         "start": "2020-03-01", "end": "2020-09-30", "amount": 9.9e9,
                         "status": "closed"}]  # fmt: skip
        conn.execute(
            "UPDATE customers SET doc = %s WHERE id = %s", (psycopg.types.json.Json(doc), cid)
        )
    return str(cid)


@pytest.mark.parametrize("workers", [False, True])
def test_a_regrade_after_a_top_moved_outside_a_regrade_grades_against_the_new_top(
    url: str, default_policy: Policy, monkeypatch: pytest.MonkeyPatch, workers: bool
) -> None:
    from creditfile.application import batch

    monkeypatch.setattr(pg_regrade, "BATCH", 17)
    if workers:
        monkeypatch.setattr(batch, "PARALLEL_FROM", 0)
        monkeypatch.setattr(batch, "worker_count", lambda: 2)
    regrade(open_archive(url), default_policy, AS_OF, "ops")
    before = open_archive(url).runs()[-1]["tops"]
    _raise_top(url)
    store = open_archive(url)
    expected = grade_archive(store.documents(), default_policy, AS_OF)
    result = regrade(store, default_policy, AS_OF, "ops")
    assert _gradings(url) == expected
    after = store.runs()[-1]["tops"]
    assert after == next(iter(expected.values()))["tops"] and after != before
    assert result.changes  # grades moved with the top


def test_a_regrade_of_an_unchanged_archive_reads_it_once(
    url: str, default_policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    from creditfile.application import regrade_stream

    monkeypatch.setattr(pg_regrade, "BATCH", 17)
    regrade(open_archive(url), default_policy, AS_OF, "ops")
    passes: list[str] = []
    real_measure, real_grade = regrade_stream.BatchGrader.measure, regrade_stream.BatchGrader.grade

    def measure(self: regrade_stream.BatchGrader, docs: Any) -> None:
        passes.append("measure")
        real_measure(self, docs)

    def grade(self: regrade_stream.BatchGrader, docs: Any) -> list[dict[str, Any]]:
        passes.append("grade")
        return real_grade(self, docs)

    monkeypatch.setattr(regrade_stream.BatchGrader, "measure", measure)
    monkeypatch.setattr(regrade_stream.BatchGrader, "grade", grade)
    before = _gradings(url)
    result = regrade(open_archive(url), default_policy, AS_OF, "ops")
    assert result.changes == [] and _gradings(url) == before
    assert passes == ["grade"] * -(-CUSTOMERS // 17)  # the stored tops held: no first pass


def test_a_regrade_of_an_archive_without_gradings_takes_the_last_runs_tops(
    url: str, default_policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As after a copy or an upgrade: no grading holds the tops, the last run does."""
    from creditfile.application import regrade_stream

    monkeypatch.setattr(pg_regrade, "BATCH", 17)
    regrade(open_archive(url), default_policy, AS_OF, "ops")
    before = _gradings(url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("UPDATE gradings SET grading = NULL")
    measured: list[int] = []
    real_measure = regrade_stream.BatchGrader.measure

    def measure(self: regrade_stream.BatchGrader, docs: Any) -> None:
        measured.append(len(docs))
        real_measure(self, docs)

    monkeypatch.setattr(regrade_stream.BatchGrader, "measure", measure)
    result = regrade(open_archive(url), default_policy, AS_OF, "ops")
    assert measured == []  # the run's tops held: read once
    assert _gradings(url) == before
    changes = list(result.changes)
    assert (
        len(changes)
        == len(result.changes)
        == sum(1 for g in before.values() if g["grade"] is not None)
    )
    # Listed as often as asked, each time whole, even two at once.
    assert [a for a, _ in zip(result.changes, result.changes, strict=True)] == changes


def test_a_regrade_whose_last_runs_tops_moved_reads_twice_and_grades_against_the_new(
    url: str, default_policy: Policy
) -> None:
    regrade(open_archive(url), default_policy, AS_OF, "ops")
    _raise_top(url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("UPDATE gradings SET grading = NULL")
    store = open_archive(url)
    expected = grade_archive(store.documents(), default_policy, AS_OF)
    result = regrade(store, default_policy, AS_OF, "ops")
    assert _gradings(url) == expected
    # The pass graded against the old tops left nothing: one event per change, each once.
    with psycopg.connect(url) as conn:
        recorded = conn.execute(
            "SELECT customer_id, event ->> 'to' FROM history WHERE kind = 'grade_changed' "
            "AND txn = %s ORDER BY seq",
            (result.run_id,),
        ).fetchall()
    assert recorded == [(c["id"], c["to"]) for c in result.changes]
    assert len({cid for cid, _ in recorded}) == len(recorded) == len(result.changes) > 0


def _first_regrade_peak(url: str, policy: Policy) -> tuple[int, int]:
    """The peak memory (bytes, over what was held before) of a regrade that changes every
    customer's grade, and the number of changes."""
    with psycopg.connect(url, autocommit=True) as conn:  # ungraded, as after an import
        conn.execute("UPDATE gradings SET grading = NULL")
    store = open_archive(url)
    tracemalloc.start()
    try:
        held = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        result = regrade(store, policy, AS_OF, "ops")
        peak = tracemalloc.get_traced_memory()[1] - held
    finally:
        tracemalloc.stop()
    return peak, sum(1 for _ in result.changes)


def test_a_streamed_regrade_holds_a_batch_however_many_grades_change(
    pg_url: str, default_policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pg_regrade, "BATCH", 25)
    store = open_archive(pg_url, create=True)
    customers = generate_customers(2_000, 11, AS_OF)
    store.import_customers(customers[:500], actor="seed")
    _first_regrade_peak(pg_url, default_policy)  # what the first run leaves (caches) aside
    few, few_changes = _first_regrade_peak(pg_url, default_policy)
    store.import_customers(customers[500:], actor="seed")
    many, many_changes = _first_regrade_peak(pg_url, default_policy)
    assert many_changes > 3.5 * few_changes
    # Four times the changes: the same batches in memory, not four times the memory.
    assert many < 1.2 * few, (
        f"peak {few:,} B for {few_changes} changes, {many:,} B for {many_changes}"
    )
