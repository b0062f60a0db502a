"""Reading the archive's append-only history: one customer's or everyone's, filtered, newest
last; the same reading for the command line and the card's history tab.

A customer's history includes the events of every id merged into it (``creditfile merge``),
each event under the id it was recorded under (its ``customer_id``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from creditfile.application.merging import history_ids
from creditfile.store import ArchiveStore, JSONObject


@dataclass(frozen=True)
class HistoryQuery:
    """Which events to read.

    Attributes:
        customer_id: Only this customer's events (None: the whole archive).
        kind: Only events of this kind, e.g. ``grade_changed`` (None: every kind).
        since: Only events on or after this day (None: from the beginning).
        limit: Only the newest ``limit`` events (0: all).
    """

    customer_id: str | None = None
    kind: str | None = None
    since: date | None = None
    limit: int = 0


def read_history(archive: ArchiveStore, query: HistoryQuery) -> list[JSONObject]:
    """The committed events the query selects, oldest first.

    A customer's events include those of the ids merged into it; an id merged into another
    customer reads that customer's. Events carry their time as an ISO 8601 text (``at``);
    ``since`` compares its day, so an event at 23:59 on the day given is included.
    """
    if query.customer_id is None:
        events = archive.history(None, kind=query.kind)
    else:
        ids, _merged = history_ids(archive, query.customer_id)
        events = [e for cid in ids for e in archive.history(cid, kind=query.kind)]
        if len(ids) > 1:  # read id by id; the history's order is its time order
            events.sort(key=lambda e: (str(e.get("at", "")), e.get("txn") or 0))
    if query.since is not None:
        first = query.since.isoformat()
        events = [e for e in events if str(e.get("at", ""))[:10] >= first]
    if query.limit > 0:
        events = events[-query.limit :]
    return events
