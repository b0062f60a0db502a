"""What the reports over every customer read from a PostgreSQL archive: batches, not the whole.

The portfolio, the review list and the regrade preview go through every customer. Reading a
million records into the program at once took minutes and gigabytes; here they come from a
server-side cursor, a batch at a time, in one snapshot (a repeatable-read transaction on a
connection of their own, so that the archive's own connection stays free for saves and the
list meanwhile). The card's archive-wide tops come from the stored gradings (one indexed row),
as a save takes them (``store.pg_records``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import psycopg

Conn = psycopg.Connection[tuple[Any, ...]]
Decode = Callable[[Any, Any, Any], dict[str, Any]]


def record_batches(
    conn: Conn, table: str, decode: Decode, size: int
) -> Iterator[list[dict[str, Any]]]:
    """Every record of ``table`` in stored order, in lists of at most ``size``, from one
    snapshot of the archive read over ``conn`` (a connection of the caller's own, idle).

    Args:
        conn: An idle connection, used for nothing else meanwhile.
        table: ``customers``, or ``customer_cards`` for a user who reads no personal data.
        decode: A row's ``doc, meta, grading`` as a store record.
        size: Records per batch.
    """
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        with conn.cursor(name="creditfile_report_read") as cursor:
            cursor.execute(f"SELECT doc, meta, grading FROM {table} ORDER BY pos")
            while rows := cursor.fetchmany(size):
                yield [decode(doc, meta, grading) for doc, meta, grading in rows]


def grade_changes(conn: Conn, customer_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """The ``grade_changed`` history events of ``customer_ids``, each one's oldest first, by
    customer id: one query on the history's index by customer, for a batch of customers."""
    rows = conn.execute(
        "SELECT customer_id, event FROM history WHERE kind = 'grade_changed' "
        "AND customer_id = ANY(%s) ORDER BY seq",
        (list(customer_ids),),
    )
    found: dict[str, list[dict[str, Any]]] = {}
    for cid, event in rows:
        found.setdefault(str(cid), []).append(event)
    return found


def stored_tops(conn: Conn, table: str) -> dict[str, Any] | None:
    """The ``tops``, ``as_of`` and ``policy`` of the first stored grading holding tops, in
    stored order (the last whole regrade's, as saves keep them); None when none holds them."""
    row = conn.execute(
        f"SELECT grading -> 'tops', grading -> 'as_of', grading -> 'policy' FROM {table} "
        "WHERE json_typeof(grading -> 'tops') = 'object' ORDER BY pos LIMIT 1"
    ).fetchone()
    if row is None:
        return None
    return {"tops": row[0], "as_of": row[1], "policy": row[2]}
