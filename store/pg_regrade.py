"""A whole-archive regrade of a PostgreSQL archive, streamed: memory bounded by a batch.

The archive-wide top needs every customer's facts before anyone can be scored, so the customers
are read twice, in stored order, from a server-side cursor in batches of ``BATCH``: the first
pass hands each batch to the grader for its facts (the tops), the second for its gradings.
When the stored gradings hold the tops of the last regrade, the grader may grade with them at
once and check them as it goes: one pass, and a second only when a top has moved.

Each batch's gradings are stored as the batch comes back, while the grader's workers grade the
next ones: ``COPY`` into a temporary table, then one ``UPDATE … FROM`` that writes those whose
stored text differs (a grading already stored is not written again), each found by its key.
The server's write thus runs beside the grading rather than after all of it. The list's keys
go with each grading, taken from it in the workers (``pg_gradings.list_keys``), and the
server keeps them as given instead of parsing every grading again (migration 12). A pass
graded with tops that moved is undone to a savepoint and graded again.

The history event of each grade change is made as its batch comes back and sent to the server
at once too (a temporary table, appended to the history after the run's event): what stays in
this process is the run's counts and the stored grade of the customers being graded, never a
customer past its batch, whatever the archive's size or the number of changes. The caller's
list of the changes (``regrade --json`` prints them) is kept in a temporary file as they are
made, and read from it as it is iterated (``SpooledChanges``): reading them back from the
server cost it a second index scan of the history and this process a second decoding of every
change.

When no grading holds the tops (an archive just copied or upgraded), the last regrade run's
tops are assumed instead: a run records the tops it graded with, and a save that moves a top
regrades the whole archive as a run of its own. Either guess is checked as the customers are
graded (``StreamGrader.settled``), and a wrong one costs the second pass it would have taken.

It all runs inside the caller's write transaction, which holds the archive's write lock: both
passes see the same customers, a save made meanwhile waits for the regrade (and is then checked
against the regraded revision), and a regrade that fails, is refused by its guard, or is killed
half way writes nothing.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from typing import Any, NamedTuple

import orjson
import psycopg
from psycopg.abc import Buffer
from psycopg.adapt import Loader

from creditfile.policy.errors import phrase
from creditfile.store.bookkeeping import RegradeTally
from creditfile.store.errors import RegradeCancelledError
from creditfile.store.interface import DocumentTexts, StreamGrader
from creditfile.store.pg_gradings import KEYS_GIVEN, list_keys
from creditfile.store.pg_list import LIST_KEY_COLUMNS

BATCH = 2_000
"""Customers fetched, graded and sent back per batch: large enough for few round trips, small
enough that a batch of documents and their gradings weighs a few megabytes."""

Conn = psycopg.Connection[tuple[Any, ...]]

_TEMPORARY = "creditfile_regrade"
_CHANGES = "creditfile_regrade_changes"


def regrade_streamed(
    conn: Conn,
    table: str,
    grader: StreamGrader,
    cancelled: Callable[[], bool] | None,
    location: str,
    change_row: Callable[[Mapping[str, Any]], tuple[str, str]],
    *,
    batch: int | None = None,
) -> tuple[RegradeTally, SpooledChanges]:
    """Grade every customer of ``table`` with ``grader`` and store the gradings, in the
    transaction ``conn`` is in; the history event of each grade change is made as its batch
    is graded and kept on the server until ``record_changes``.

    Args:
        conn: A connection inside the regrade's write transaction.
        table: ``customer_records``, or ``customer_cards`` for a user who reads no personal
            data.
        grader: Measures, then grades, each batch; checks the outcome before the transaction
            ends (a refusal undoes every grading stored).
        cancelled: Asked between batches and after the last; True stops with nothing written
            (the caller's transaction is rolled back).
        location: The archive, for messages.
        change_row: A grade change (``{"id", "from", "to", "total"}``) as the customer id and
            the JSON text of its history event.
        batch: Customers per batch (``BATCH`` when None).

    Returns:
        The run's counts (customers, changes, ungraded before and after, customers per
        grade) and its grade changes, in the order graded.

    Raises:
        RegradeCancelledError: ``cancelled()`` answered True; nothing was written.
    """
    size = batch or BATCH
    row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
    grader.begin(int(row[0]) if row else 0)
    if not grader.assume(_stored_tops(conn)):
        grader.measure_texts(
            _batches(conn, f"SELECT id, doc FROM {table} ORDER BY pos", size, cancelled, location)
        )
    _stop_if(cancelled, location)
    conn.execute(
        # The grading as text, not json: the server checks a grading's JSON only when it
        # stores it, not each of the (on a regrade run twice, all) gradings it leaves as they
        # are. The list's keys beside it, as the grader's workers took them from the grading.
        f"CREATE TEMPORARY TABLE {_TEMPORARY} (id text NOT NULL, grading text NOT NULL, "
        "grade text, total float8, tier text, lifecycle text, stage text) ON COMMIT DROP"
    )
    conn.execute(
        f"CREATE TEMPORARY TABLE {_CHANGES} (n bigint GENERATED ALWAYS AS IDENTITY, "
        "customer_id text NOT NULL, event json NOT NULL) ON COMMIT DROP"
    )
    spool = SpooledChanges()
    while True:
        # A pass graded with assumed tops that moved is undone to here and graded again.
        with conn.transaction() as attempt:
            tally = _graded_and_stored(
                conn, table, grader, _Pass(size, cancelled, location, change_row), spool
            )
            if grader.settled():
                break
            raise psycopg.Rollback(attempt)
    _stop_if(cancelled, location)
    grader.check(tally)
    _stop_if(cancelled, location)
    return tally, spool


class _Pass(NamedTuple):
    """How a pass reads and records: customers per batch, the cancel question, the archive
    (for messages), and the history event of a grade change."""

    size: int
    cancelled: Callable[[], bool] | None
    location: str
    change_row: Callable[[Mapping[str, Any]], tuple[str, str]]


def _graded_and_stored(
    conn: Conn, table: str, grader: StreamGrader, how: _Pass, spool: SpooledChanges
) -> RegradeTally:
    """One pass over every customer: each batch graded, its gradings stored and its grade
    changes kept (in ``spool`` and in the changes' temporary table) as it comes back. The
    run's counts."""
    tally = RegradeTally()
    spool.clear()
    # The stored grade of each customer read and not yet graded back: a few batches.
    previous: dict[str, Any] = {}
    read = _batches(
        conn,
        # The list's key, not the grading's text: the grade of a graded customer, None
        # otherwise, which is what a change compares, without parsing every grading.
        f"SELECT id, doc, grade FROM {table} ORDER BY pos",
        how.size,
        how.cancelled,
        how.location,
        previous,
    )
    for graded in grader.grade_texts(read, grading_rows):
        # Stored as each batch comes back, while the workers grade the next ones: the
        # server's write runs beside the grading instead of after all of it, and a batch's
        # gradings are neighbours in stored order, rewritten page after page.
        with conn.cursor().copy(f"COPY {_TEMPORARY} FROM STDIN") as copy:
            copy.write(graded.encoded)
        conn.execute(_STORE)
        changes = []
        for cid, grading in graded.gradings:
            before = previous.pop(cid, None)
            if tally.add(before, grading):
                changes.append(
                    {"id": cid, "from": before, "to": grading.get("grade"),
                     "total": grading.get("total")}
                )  # fmt: skip
        if changes:
            spool.add(changes)
            rows = [how.change_row(change) for change in changes]
            encoded = copy_rows([(cid, text.encode()) for cid, text in rows])
            with conn.cursor().copy(f"COPY {_CHANGES} (customer_id, event) FROM STDIN") as copy:
                copy.write(encoded)
    return tally


_STORE = "; ".join(
    (
        # Each grading found by its key, one lookup each where its batch sits. A hash join
        # reads the whole table and a merge join walks the key's index from its first entry,
        # for every batch: the regrade would grow with the square of the archive.
        "SET LOCAL enable_hashjoin = off",
        "SET LOCAL enable_mergejoin = off",
        # The keys given are kept: the trigger does not parse the grading again.
        f"SET LOCAL {KEYS_GIVEN} = on",
        # The gradings' own table (``store.pg_gradings``): the customers' cards are not written.
        "UPDATE gradings AS g SET grading = t.grading::json, "
        + ", ".join(f"{key} = t.{key}" for key in LIST_KEY_COLUMNS)
        + f" FROM {_TEMPORARY} AS t "
        # A grading that is already stored is not written again (a regrade run twice).
        "WHERE g.id = t.id AND g.grading::text IS DISTINCT FROM t.grading",
        f"SET LOCAL {KEYS_GIVEN} = off",
        "RESET enable_hashjoin",
        "RESET enable_mergejoin",
        f"TRUNCATE {_TEMPORARY}",
    )
)
"""One batch's gradings stored, in one round trip."""


def _stored_tops(conn: Conn) -> Any:
    """The tops to grade with at once: those stored with a customer's grading, else the last
    regrade run's; None when neither holds any."""
    # The gradings' own narrow table, in stored order: an archive without a grading is read
    # through in a few milliseconds, not joined to every card in the customers' order.
    stored = conn.execute(
        "SELECT grading->'tops' FROM gradings WHERE grading->'tops' IS NOT NULL LIMIT 1"
    ).fetchone()
    if stored is not None:
        return stored[0]
    run = conn.execute(
        "SELECT event->'tops' FROM regrade_runs ORDER BY run_id DESC LIMIT 1"
    ).fetchone()
    return None if run is None else run[0]


def record_changes(conn: Conn, txn: int) -> None:
    """Append the grade changes ``regrade_streamed`` made to the history (after the run's
    event), in the transaction ``conn`` is in, in the order graded."""
    conn.execute(
        "INSERT INTO history (txn, customer_id, kind, event) "
        f"SELECT %s, customer_id, 'grade_changed', event FROM {_CHANGES} ORDER BY n",
        (txn,),
    )


class SpooledChanges(Collection[dict[str, Any]]):
    """The grade changes of one streamed regrade (``{"id", "from", "to", "total"}`` each, in
    the order graded), written to a temporary file as they are made and read from it as they
    are iterated: a million changes are never held at once."""

    _CHUNK = 1 << 20

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the outcome
        self._count = 0

    def add(self, changes: Sequence[Mapping[str, Any]]) -> None:
        """Keep ``changes`` after those already kept."""
        self._file.write(b"".join(orjson.dumps(change) + b"\n" for change in changes))
        self._count += len(changes)

    def clear(self) -> None:
        """Forget every change kept (a pass graded with a moved top is graded again)."""
        self._file.seek(0)
        self._file.truncate()
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[dict[str, Any]]:
        self._file.flush()
        # Read at an offset of its own: two iterations at once do not disturb each other.
        offset, rest = 0, b""
        while chunk := os.pread(self._file.fileno(), self._CHUNK, offset):
            offset += len(chunk)
            lines = (rest + chunk).split(b"\n")
            rest = lines.pop()
            for line in lines:
                change: dict[str, Any] = orjson.loads(line)
                yield change

    def __contains__(self, item: object) -> bool:
        return any(change == item for change in self)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Collection) and not isinstance(other, str | bytes):
            return len(other) == self._count and list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]


def copy_rows(rows: Sequence[tuple[str, bytes]]) -> bytes:
    """``(id, JSON text)`` pairs (a customer's history event) as rows of ``COPY … FROM STDIN``
    (text format)."""
    return b"".join(
        _copy_field(cid.encode()) + b"\t" + _copy_field(text) + b"\n" for cid, text in rows
    )


def grading_rows(rows: Sequence[tuple[str, Mapping[str, Any], bytes]]) -> bytes:
    """``(id, grading, grading as JSON text)`` triples as rows of ``COPY … FROM STDIN`` (text
    format) into a regrade's staging table: the id, the grading's text and its list keys
    (``pg_gradings.list_keys``). Made in the grader's workers."""
    return b"".join(
        b"\t".join(
            (
                _copy_field(cid.encode()),
                _copy_field(text),
                *(_NULL if key is None else _copy_field(key.encode()) for key in list_keys(g)),
            )
        )
        + b"\n"
        for cid, g, text in rows
    )


_NULL = b"\\N"


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
