"""The records a PostgreSQL write hands its grading hook: read from the server when named.

A save grades the customer it changed against the archive-wide tops that the other customers'
stored gradings hold; reading the 100,000 other records to find them took seconds. Here a
record is read when the hook names it, the stored grading with the tops comes from one query
in stored order, and a credit code's holder from the indexed column ``credit_code``. Only
iterating (a change that moved a top, so that every customer is graded again) reads every
record, once.

The write has stored its own changes before the hook runs, in the same transaction: what the
server answers is the archive as the write leaves it. Records set here (the write's own) are
kept as given, so that changes the store makes to them (their new gradings) are seen.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping
from typing import Any

import psycopg

from creditfile.store.indexed import IndexedRecords

Records = dict[str, dict[str, Any]]
Decode = Callable[[Any, Any, Any], dict[str, Any]]
_COLUMNS = "id, doc, meta, grading"


class ServerRecords(IndexedRecords):
    """Every record of the archive inside one write transaction, read as asked.

    Args:
        conn: The write's connection (inside its transaction).
        table: ``customer_records``, or the view ``customer_cards`` for a writer without personal
            data.
        decode: A row's ``doc, meta, grading`` as a store record.
        known: Records already read or written by the write, by id (kept as given).
    """

    def __init__(
        self,
        conn: psycopg.Connection[tuple[Any, ...]],
        table: str,
        decode: Decode,
        known: Mapping[str, dict[str, Any]] = {},
    ) -> None:
        self._conn, self._table, self._decode = conn, table, decode
        self._known: Records = dict(known)
        self._absent: set[str] = set()
        self._every: Records | None = None

    def __getitem__(self, customer_id: str) -> dict[str, Any]:
        found = self._known.get(customer_id)
        if found is not None:
            return found
        if self._every is not None or customer_id in self._absent:
            raise KeyError(customer_id)
        row = self._conn.execute(
            f"SELECT {_COLUMNS} FROM {self._table} WHERE id = %s", (customer_id,)
        ).fetchone()
        if row is None:
            self._absent.add(customer_id)
            raise KeyError(customer_id)
        record = self._known[customer_id] = self._decode(row[1], row[2], row[3])
        return record

    def __contains__(self, customer_id: object) -> bool:
        if not isinstance(customer_id, str):
            return False
        try:
            self[customer_id]
        except KeyError:
            return False
        return True

    def __iter__(self) -> Iterator[str]:
        return iter(self.every())

    def __len__(self) -> int:
        return len(self.every())

    def __setitem__(self, customer_id: str, record: dict[str, Any]) -> None:
        """Keep the write's own record (already stored by it)."""
        self._known[customer_id] = record
        self._absent.discard(customer_id)
        if self._every is not None:
            self._every[customer_id] = record

    def __delitem__(self, customer_id: str) -> None:
        """Forget a record the write removed (already deleted by it)."""
        self._known.pop(customer_id, None)
        self._absent.add(customer_id)
        if self._every is not None:
            self._every.pop(customer_id, None)

    def every(self) -> Records:
        """Every record in stored order, read once (the write's own as kept here)."""
        if self._every is None:
            rows = self._conn.execute(f"SELECT {_COLUMNS} FROM {self._table} ORDER BY pos")
            every: Records = {}
            for cid, doc, meta, grading in rows:
                key = str(cid)
                known = self._known.get(key)
                every[key] = known if known is not None else self._decode(doc, meta, grading)
            self._known.update(every)
            self._every = every
        return self._every

    def first_with_tops(self, skip: Collection[str]) -> Mapping[str, Any] | None:
        """See ``IndexedRecords.first_with_tops``: one query, stopping at the first row."""
        if self._every is not None:
            return _scan_tops(self._every, skip)
        row = self._conn.execute(
            f"SELECT grading FROM {self._table} WHERE json_typeof(grading -> 'tops') = 'object' "
            "AND id <> ALL(%s) ORDER BY pos LIMIT 1",
            (list(skip),),
        ).fetchone()
        return None if row is None else dict(row[0])

    def credit_code_holder(self, code: str, other_than: str) -> str | None:
        """See ``IndexedRecords.credit_code_holder``: one query on the indexed column."""
        row = self._conn.execute(
            "SELECT id FROM customers WHERE credit_code = %s AND id <> %s ORDER BY pos LIMIT 1",
            (code, other_than),
        ).fetchone()
        return None if row is None else str(row[0])


def _scan_tops(records: Records, skip: Collection[str]) -> Mapping[str, Any] | None:
    for cid, record in records.items():
        grading = record.get("_grading")
        if cid not in skip and isinstance(grading, dict) and isinstance(grading.get("tops"), dict):
            return grading
    return None
