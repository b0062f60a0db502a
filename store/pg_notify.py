"""Live news of a PostgreSQL archive's writes: every committed write notifies (LISTEN/NOTIFY).

A statement trigger on ``history`` sends, on the channel ``creditfile_changes``, one
notification per statement appending events — a save, an import, a regrade, an activation, a
reveal — with its transaction number, the kinds of its events and the customers it touched
(none listed past ``_LISTED``: a regrade or a large import touches every one). The server
delivers it when the transaction commits, and never for one that is undone (a refused save).
``ChangeFeed`` listens on a connection of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

import orjson
import psycopg

CHANNEL = "creditfile_changes"
_LISTED = 50  # customer ids in one notification at most (a payload holds under 8,000 bytes)

_NOTIFY = f"""
CREATE FUNCTION creditfile_notify_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    payload json;
BEGIN
    SELECT json_build_object(
               'txn', max(txn),
               'kinds', json_agg(DISTINCT kind),
               -- A regrade or an activation touches every customer, whatever it lists.
               'customers', CASE WHEN count(DISTINCT customer_id) <= {_LISTED}
                                      AND NOT bool_or(kind IN ('regrade_run', 'policy_activated'))
                                 THEN coalesce(json_agg(DISTINCT customer_id)
                                               FILTER (WHERE customer_id IS NOT NULL), '[]')
                            END,
               'events', count(*))
        INTO payload FROM added;
    PERFORM pg_notify('{CHANNEL}', payload::text);
    RETURN NULL;
END
$$
"""

MIGRATION_STATEMENTS: tuple[str, ...] = (
    _NOTIFY,
    """CREATE TRIGGER history_notifies AFTER INSERT ON history
        REFERENCING NEW TABLE AS added
        FOR EACH STATEMENT EXECUTE FUNCTION creditfile_notify_change()""",
)
"""Migration 4: every committed write notifies the listeners."""


class ChangeFeed:
    """The writes committed to one archive since the feed was opened, as the server tells them.

    Each change is ``{"txn", "kinds", "customers", "events", "own"}``; ``customers`` is None
    when the write touched too many to list (then everything shown may have changed); ``own``
    says that the archive's own connection wrote it.
    """

    def __init__(
        self,
        conn: psycopg.Connection[tuple[Any, ...]],
        own: Callable[[], Collection[int]] = frozenset,
    ) -> None:
        """Listen on ``conn`` (autocommit, used for nothing else).

        Args:
            conn: The listening connection.
            own: The server processes of the archive's own connections: a change one of them
                committed is marked ``"own": True`` (this program wrote it, and knows it).
        """
        self._conn = conn
        self._own = own
        conn.execute(f"LISTEN {CHANNEL}")

    def wait(self, timeout: float) -> list[dict[str, Any]]:
        """The changes committed since the last call, waiting up to ``timeout`` seconds for the
        first; an empty list when there was none."""
        notes = list(self._conn.notifies(timeout=timeout, stop_after=1))
        if notes:  # and whatever came with it
            notes += list(self._conn.notifies(timeout=0.05))
        if not notes:
            return []
        own = self._own()
        return [{**_change(note.payload), "own": note.pid in own} for note in notes]

    def close(self) -> None:
        """Stop listening."""
        self._conn.close()


def _change(payload: str) -> dict[str, Any]:
    try:
        found = orjson.loads(payload)
    except orjson.JSONDecodeError:
        found = None
    if not isinstance(found, dict):  # someone else's NOTIFY on the channel: news all the same
        return {"txn": None, "kinds": [], "customers": None, "events": 0}
    return found
