"""Uniting two customers that are one company: ``creditfile merge KEEP DROP``.

The kept customer takes the other's leases (by contract number: a lease it already has is not
added twice), its sources (an identical one is not added twice) and every field it lacks; where
both have a value, the kept customer's stays. The dropped id becomes an alias: its history is
read with the kept customer's, and a later import of a record under it lands on the kept one.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from creditfile.application.lookup import find_customer
from creditfile.document.changes import field_changes
from creditfile.policy import CreditfileError
from creditfile.store import ArchiveStore, JSONObject


class MergeRefusedError(CreditfileError):
    """The two ids cannot be merged (the same id twice); nothing was written."""


@dataclass(frozen=True)
class MergeResult:
    """What a merge did.

    Attributes:
        record: The kept customer as stored, with its new revision.
        dropped: The id that is now an alias of it.
        leases: Contract numbers (or ``#n``) of the leases it took over.
        sources: How many sources it took over.
        filled: Paths of the fields it lacked and took from the dropped customer.
    """

    record: JSONObject
    dropped: str
    leases: list[str]
    sources: int
    filled: list[str]


def merged_document(keep: Mapping[str, Any], drop: Mapping[str, Any]) -> dict[str, Any]:
    """``keep`` with ``drop``'s leases, sources and the fields ``keep`` lacks."""
    out = _filled(copy.deepcopy(dict(keep)), drop)
    contracts = {
        lease.get("contract") for lease in out.get("leases") or () if lease.get("contract")
    }
    leases = list(out.get("leases") or ())
    for lease in drop.get("leases") or ():
        if lease in leases or (lease.get("contract") and lease.get("contract") in contracts):
            continue
        leases.append(copy.deepcopy(lease))
    sources = list(out.get("sources") or ())
    sources += [copy.deepcopy(s) for s in drop.get("sources") or () if s not in sources]
    for name, items in (("leases", leases), ("sources", sources)):
        if items:
            out[name] = items
    return out


def _filled(keep: dict[str, Any], drop: Mapping[str, Any]) -> dict[str, Any]:
    for key, value in drop.items():
        if key in ("id", "leases", "sources") or value is None:
            continue
        mine = keep.get(key)
        if mine is None:
            keep[key] = copy.deepcopy(value)
        elif isinstance(mine, dict) and isinstance(value, Mapping):
            keep[key] = _filled(mine, value)
    return keep


def merge_customers(store: ArchiveStore, keep_id: str, drop_id: str, actor: str) -> MergeResult:
    """Unite ``drop_id`` into ``keep_id`` in one transaction.

    Raises:
        MergeRefusedError: the two ids are the same.
        CustomerNotFoundError: either id is not a customer (close ids suggested).
        StaleRevisionError: someone saved either customer meanwhile; nothing was written.
    """
    if keep_id == drop_id:
        raise MergeRefusedError(f"{store.location}: {keep_id} cannot be merged into itself")
    before, other = find_customer(store, keep_id), find_customer(store, drop_id)
    keep, drop = store.get(keep_id) or {}, store.get(drop_id) or {}
    united = merged_document(before, other)
    record = store.merge_customers(
        united,
        keep_rev=int(keep["_meta"]["rev"]),
        drop_id=drop_id,
        drop_rev=int(drop["_meta"]["rev"]),
        actor=actor,
    )
    taken = [
        lease for lease in united.get("leases") or () if lease not in (before.get("leases") or ())
    ]
    changes = field_changes(before, united)
    filled = [c.path for c in changes if not c.path.startswith(("leases", "sources"))]
    return MergeResult(
        record=record,
        dropped=drop_id,
        leases=[str(lease.get("contract") or "#") for lease in taken],
        sources=len(united.get("sources") or ()) - len(before.get("sources") or ()),
        filled=filled,
    )


def history_ids(store: ArchiveStore, customer_id: str) -> list[str]:
    """``customer_id`` and every id merged into it (directly or through another), whose
    history is the customer's too."""
    aliases = store.aliases()
    return [customer_id, *sorted(old for old, new in aliases.items() if new == customer_id)]


def merged_ids(store: ArchiveStore, docs: Sequence[Mapping[str, Any]]) -> list[str]:
    """A message for every record written under an id merged into another customer."""
    aliases = store.aliases()
    records = store.records()
    return [
        f"{doc['id']} was merged into {aliases[doc['id']]}: write this record under "
        f"{aliases[doc['id']]} (nothing was imported)"
        for doc in docs
        if isinstance(doc.get("id"), str) and doc["id"] in aliases and doc["id"] not in records
    ]


def land_on_aliases(store: ArchiveStore, docs: Sequence[dict[str, Any]]) -> list[str]:
    """Give every record written under a merged id the id it was merged into.

    Returns:
        One note per record moved: ``C9 was merged into C1: its row lands on C1``.
    """
    aliases = store.aliases()
    if not aliases:
        return []
    notes = []
    for doc in docs:
        old = doc.get("id")
        if isinstance(old, str) and old in aliases and old not in store.records():
            doc["id"] = aliases[old]
            notes.append(f"{old} was merged into {aliases[old]}: its record lands on {doc['id']}")
    return notes
