"""A whole-archive regrade of a PostgreSQL archive, streamed: memory bounded by a batch.

The archive-wide top needs every customer's facts before anyone can be scored, so the customers
are read twice, in stored order, from a server-side cursor in batches of ``BATCH``: the first
pass hands each batch to the grader for its facts (the tops), the second for its gradings.
When the stored gradings hold the tops of the last regrade, the grader may grade with them at
once and check them as it goes: one pass, and a second only when a top has moved. Each
batch's gradings go to the server at once, by ``COPY`` into a temporary table, and one
``UPDATE … FROM`` writes them all at the end; what stays in this process is the grade, status
and total of each customer (the run's counts and grade changes), never a document or a whole
grading past its batch.

It all runs inside the caller's write transaction, which holds the archive's write lock: both
passes see the same customers, a save made meanwhile waits for the regrade (and is then checked
against the regraded revision), and a regrade that fails or is killed half way writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import psycopg
from psycopg.abc import Buffer
from psycopg.adapt import Loader

from creditfile.policy.errors import phrase
from creditfile.store.bookkeeping import changed_grades
from creditfile.store.errors import RegradeCancelledError
from creditfile.store.interface import DocumentTexts, StreamGrader

BATCH = 2_000
"""Customers fetched, graded and sent back per batch: large enough for few round trips, small
enough that a batch of documents and their gradings weighs a few megabytes."""

Conn = psycopg.Connection[tuple[Any, ...]]

_TEMPORARY = "creditfile_regrade"


def regrade_streamed(
    conn: Conn,
    table: str,
    grader: StreamGrader,
    cancelled: Callable[[], bool] | None,
    location: str,
    *,
    batch: int | None = None,
) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """Grade every customer of ``table`` with ``grader`` and store the gradings, in the
    transaction ``conn`` is in.

    Args:
        conn: A connection inside the regrade's write transaction.
        table: ``customers``, or ``customer_cards`` for a user who reads no personal data.
        grader: Measures, then grades, each batch; checks the outcome before the write.
        cancelled: Asked between batches and before the write; True stops with nothing written.
        location: The archive, for messages.
        batch: Customers per batch (``BATCH`` when None).

    Returns:
        Each customer's new ``status``, ``grade`` and ``total`` by id, in stored order, and the
        grade changes (``{"id", "from", "to", "total"}``).

    Raises:
        RegradeCancelledError: ``cancelled()`` answered True; nothing was written.
    """
    size = batch or BATCH
    row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
    grader.begin(int(row[0]) if row else 0)
    stored = conn.execute(
        f"SELECT grading->'tops' FROM {table} WHERE grading->'tops' IS NOT NULL ORDER BY pos "
        "LIMIT 1"
    ).fetchone()
    if not grader.assume(None if stored is None else stored[0]):
        grader.measure_texts(
            _batches(conn, f"SELECT id, doc FROM {table} ORDER BY pos", size, cancelled, location)
        )
    _stop_if(cancelled, location)
    conn.execute(
        f"CREATE TEMPORARY TABLE {_TEMPORARY} (id text NOT NULL, grading json NOT NULL) "
        "ON COMMIT DROP"
    )
    while True:
        gradings: dict[str, dict[str, Any]] = {}
        previous: dict[str, Any] = {}
        read = _batches(
            conn,
            f"SELECT id, doc, grading->>'grade' FROM {table} ORDER BY pos",
            size,
            cancelled,
            location,
            previous,
        )
        for graded in grader.grade_texts(read, copy_rows):
            # Written as each batch comes back, while the workers grade the next ones.
            with conn.cursor().copy(f"COPY {_TEMPORARY} (id, grading) FROM STDIN") as copy:
                copy.write(graded.encoded)
            gradings.update(graded.gradings)
        if grader.settled():
            break
        conn.execute(f"TRUNCATE {_TEMPORARY}")  # graded with a top that has moved: again
    _stop_if(cancelled, location)
    grader.check(previous, gradings)
    _stop_if(cancelled, location)
    conn.execute(f"ANALYZE {_TEMPORARY}")  # the planner's row count, for a hash join
    conn.execute(
        f"UPDATE customers AS c SET grading = t.grading FROM {_TEMPORARY} AS t WHERE c.id = t.id"
    )
    return gradings, changed_grades(previous, gradings)


def copy_rows(rows: Sequence[tuple[str, bytes]]) -> bytes:
    """``(id, grading as JSON text)`` pairs as rows of ``COPY … FROM STDIN`` (text format)."""
    return b"".join(
        _copy_field(cid.encode()) + b"\t" + _copy_field(text) + b"\n" for cid, text in rows
    )


def _copy_field(value: bytes) -> bytes:
    # COPY's text format gives a backslash, a tab and a line end a meaning of their own.
    return (
        value.replace(b"\\", b"\\\\")
        .replace(b"\t", b"\\t")
        .replace(b"\n", b"\\n")
        .replace(b"\r", b"\\r")
    )


class _JsonText(Loader):
    """Hands a JSON column over as the text the server sent, undecoded: the grader decodes
    it (in its workers when it has them)."""

    def load(self, data: Buffer) -> bytes:
        return bytes(data)


def _batches(
    conn: Conn,
    query: str,
    size: int,
    cancelled: Callable[[], bool] | None,
    location: str,
    previous: dict[str, Any] | None = None,
) -> Iterator[DocumentTexts]:
    """The ``(id, document text)`` of each customer of ``query`` in lists of ``size``, from a
    server-side cursor; each customer's stored grade kept in ``previous`` when given (the
    query's third column). Asks ``cancelled`` before each batch after the first."""
    with conn.cursor(name="creditfile_regrade_read") as cursor:
        cursor.adapters.register_loader("json", _JsonText)
        cursor.adapters.register_loader("jsonb", _JsonText)
        cursor.execute(query)
        while rows := cursor.fetchmany(size):
            if previous is not None:
                previous.update((str(row[0]), row[2]) for row in rows)
            yield [(str(row[0]), row[1]) for row in rows]
            _stop_if(cancelled, location)


def _stop_if(cancelled: Callable[[], bool] | None, location: str) -> None:
    if cancelled is not None and cancelled():
        raise RegradeCancelledError(location, phrase("regrade cancelled; nothing was written"))
