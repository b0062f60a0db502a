"""Reading the archive's append-only history: one customer's or everyone's, filtered, newest
last, every event masked under the policy in force; the same reading for the command line and
the card's history tab.

A customer's history includes the events of every id merged into it (``creditfile merge``),
each event under the id it was recorded under (its ``customer_id``).

The store masks a change of a personal field as it writes it, under the personal natures it
knows without a policy (``individual``): ``profile.person`` always, a person's phone and
address. The policy in force may name other natures personal, and may have done so only after
the event was written, so the reading masks again, here, for every front end: a phone or
address change of a customer that is, or ever was, of a nature the policy in force marks
personal is shown as ``•••``, and so is one of a customer no longer in the archive (its nature
is not known). Masking on reading is what lets a policy activated today protect what was
recorded yesterday; what the store masked when it wrote stays masked whatever the policy.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from creditfile.application.lookup import kept_id
from creditfile.application.merging import history_ids
from creditfile.document.fields import catalogue_key
from creditfile.document.personal import masked_personal, nature_personal_paths
from creditfile.store import ArchiveStore, JSONObject, LoginRecordingStore


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


def read_history(
    archive: ArchiveStore,
    query: HistoryQuery,
    *,
    personal_natures: Collection[str],
    logins: bool = False,
) -> list[JSONObject]:
    """The committed events the query selects, oldest first, masked under the policy.

    A customer's events include those of the ids merged into it; an id merged into another
    customer reads that customer's. Events carry their time as an ISO 8601 text (``at``);
    ``since`` compares its day, so an event at 23:59 on the day given is included.

    Args:
        archive: The archive.
        query: Which events.
        personal_natures: The natures the policy in force marks personal
            (``Policy.personal_natures``): the phone and address changes of their customers
            are shown masked.
        logins: Give each event the database login that wrote it (``db_user``), where the
            store records one (a PostgreSQL archive).
    """
    ids: list[str] | None = None
    if query.customer_id is None:
        events = _events(archive, None, query.kind, logins)
    else:
        ids, _merged = history_ids(archive, query.customer_id)
        events = [e for cid in ids for e in _events(archive, cid, query.kind, logins)]
        if len(ids) > 1:  # read id by id; the history's order is its time order
            events.sort(key=lambda e: (str(e.get("at", "")), e.get("txn") or 0))
    if query.since is not None:
        first = query.since.isoformat()
        events = [e for e in events if str(e.get("at", ""))[:10] >= first]
    if query.limit > 0:
        events = events[-query.limit :]
    if not any(_nature_personal_changes(e) for e in events):
        return events
    every = events if query.kind is None and query.since is None and query.limit == 0 else None
    if every is None:
        every = (
            archive.history(None)
            if ids is None
            else [e for cid in ids for e in archive.history(cid)]
        )
    persons = people(archive, every, personal_natures)
    return [masked_event(e, persons) for e in events]


def _events(
    archive: ArchiveStore, customer_id: str | None, kind: str | None, logins: bool
) -> list[JSONObject]:
    if logins and isinstance(archive, LoginRecordingStore):
        return archive.history_with_logins(customer_id, kind=kind)
    return archive.history(customer_id, kind=kind)


def people(
    archive: ArchiveStore, events: Iterable[Mapping[str, Any]], personal_natures: Collection[str]
) -> PersonCheck:
    """Which customers of ``events`` are, or ever were, people under ``personal_natures``."""
    natures: dict[str, set[str]] = {}
    for event in events:
        cid = event.get("customer_id")
        if not isinstance(cid, str):
            continue
        for change in _changes(event):
            if change.get("path") == "nature":
                natures.setdefault(cid, set()).update(
                    v for v in (change.get("old"), change.get("new")) if isinstance(v, str)
                )
    return PersonCheck(archive, natures, frozenset(personal_natures))


class PersonCheck:
    """Whether the customer an event was recorded under is to be treated as a person."""

    def __init__(
        self, archive: ArchiveStore, natures: Mapping[str, set[str]], personal: frozenset[str]
    ) -> None:
        self._archive = archive
        # Read whole only when many customers are asked about (the archive's whole history):
        # one customer's history reads that customer, not a database of a million.
        self._records: Mapping[str, Mapping[str, Any]] | None = None
        self._asked = 0
        self._aliases = archive.aliases()
        self._natures = natures
        self._personal = personal
        self._known: dict[str, bool] = {}

    def __call__(self, customer_id: object) -> bool:
        """True for a person, for a customer that ever was one, and for one not on file."""
        if not isinstance(customer_id, str):
            return True
        if customer_id not in self._known:
            self._known[customer_id] = self._is_person(customer_id)
        return self._known[customer_id]

    def _is_person(self, customer_id: str) -> bool:
        kept = kept_id(self._aliases, customer_id)
        record = self._record(kept)
        if record is None:
            return True  # deleted: its nature is not known, so its values are not shown
        seen = {*self._natures.get(customer_id, ()), *self._natures.get(kept, ())}
        nature = record.get("nature")
        if isinstance(nature, str):
            seen.add(nature)
        return not seen.isdisjoint(self._personal)

    def _record(self, customer_id: str) -> Mapping[str, Any] | None:
        if self._records is None:
            self._asked += 1
            if self._asked <= _ONE_BY_ONE:
                return self._archive.get(customer_id)
            self._records = self._archive.records()
        return self._records.get(customer_id)


_ONE_BY_ONE = 20
"""Customers a ``PersonCheck`` reads one at a time before it reads the archive whole."""


def masked_event(event: JSONObject, is_person: PersonCheck) -> JSONObject:
    """``event`` with its phone and address changes masked when its customer is a person."""
    if not _nature_personal_changes(event) or not is_person(event.get("customer_id")):
        return event
    changes = [
        _masked(change) if isinstance(change, Mapping) and _nature_personal(change) else change
        for change in event["changes"]
    ]
    return {**event, "changes": changes}


def _masked(change: Mapping[str, Any]) -> dict[str, Any]:
    path = str(change.get("path"))
    return {
        **change,
        "old": masked_personal(path, change.get("old")),
        "new": masked_personal(path, change.get("new")),
        "personal": True,
    }


def _changes(event: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    recorded = event.get("changes")  # a regrade run's ``changes`` is a count
    if not isinstance(recorded, list):
        return []
    return [c for c in recorded if isinstance(c, Mapping)]


def _nature_personal(change: Mapping[str, Any]) -> bool:
    if change.get("personal"):
        return False
    path = tuple(catalogue_key(str(change.get("path", ""))).split("."))
    # A whole section recorded as one value (``contact``) holds the phone and address too.
    return any(path == personal[: len(path)] for personal in nature_personal_paths())


def _nature_personal_changes(event: Mapping[str, Any]) -> bool:
    return any(_nature_personal(change) for change in _changes(event))
