"""The first read of a PostgreSQL archive, handed out as it arrives: the list's first page at
once, then every record batch by batch.

A list of 100,000 customers need not wait for all of them: the first page in the list's
default order (by id) comes from one small indexed query, and the rest from a server-side
cursor in stored order, as the file archive hands out its records while it parses them
(``store.snapshot.ReadBatch``). The first batch of the rest starts over (``restart``), so that
the records end up whole and in stored order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import psycopg

from creditfile.store.snapshot import OnBatch, ReadBatch

FIRST_PAGE = 60
"""Rows in the first page: more than a tall terminal shows."""
BATCH = 5_000
"""Records fetched from the server per batch after the first page."""

Decode = Callable[[Any, Any, Any], dict[str, Any]]


def read_streamed(
    conn: psycopg.Connection[tuple[Any, ...]],
    table: str,
    meta: Mapping[str, Any],
    decode: Decode,
    on_batch: OnBatch,
) -> dict[str, dict[str, Any]]:
    """Every record of ``table``, handed to ``on_batch`` as it arrives.

    Args:
        conn: A connection inside a read transaction (one snapshot for the page and the rest).
        table: ``customer_records``, or the view ``customer_cards`` for a reader without
            personal data.
        meta: What the batches carry as the archive's meta (its ``active_policy``).
        decode: A row's ``doc, meta, grading`` as a store record.
        on_batch: Called with the first page, then with each batch of the whole read.

    Returns:
        Every record by id, in stored order.
    """
    query = f"SELECT id, doc, meta, grading FROM {table}"
    row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
    total = int(row[0]) if row else 0
    page = conn.execute(f"{query} ORDER BY id LIMIT %s", (FIRST_PAGE,)).fetchall()
    if 0 < len(page) < total:
        first = [decode(doc, meta_, grading) for _id, doc, meta_, grading in page]
        on_batch(ReadBatch(meta, first, len(first), total))
    records: dict[str, dict[str, Any]] = {}
    restart = bool(page) and len(page) < total
    with conn.cursor(name="creditfile_first_read") as cursor:
        cursor.execute(f"{query} ORDER BY pos")
        while rows := cursor.fetchmany(BATCH):
            batch = [decode(doc, meta_, grading) for _id, doc, meta_, grading in rows]
            for (cid, *_rest), record in zip(rows, batch, strict=True):
                records[str(cid)] = record
            on_batch(ReadBatch(meta, batch, len(records), total, restart))
            restart = False
    return records
