"""Uniting two customers that are one company: ``creditfile merge KEEP DROP``.

The kept customer takes the other's leases (by contract number: a lease it already has is not
added twice), its sources (an identical one is not added twice) and every field it lacks; where
both have a value, the kept customer's stays. The dropped id becomes an alias: its history is
read with the kept customer's, and a later import of a record under it lands on the kept one.
The kept customer's leases changed, so it is graded again in the merge's own write.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from creditfile.application.customers import GradingDone, follow_grades
from creditfile.application.lookup import MergedId, find_customer, kept_id, resolve_id
from creditfile.application.relations import relations_named, repointed, united_relations
from creditfile.document.changes import field_changes
from creditfile.policy import CreditfileError, Policy
from creditfile.presentation.translation import _
from creditfile.store import ArchiveStore, CustomerWrite, JSONObject, customer_document


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
        before: The kept customer's grading before the merge (after: ``record``'s).
        whole: The merge moved the archive-wide top, so every customer was graded again.
        repointed: The customers whose relations named the dropped id and now name the kept.
    """

    record: JSONObject
    dropped: str
    leases: list[str]
    sources: int
    filled: list[str]
    before: JSONObject | None = None
    whole: bool = False
    repointed: list[str] = field(default_factory=list)


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
    related = united_relations(
        relations_named(keep), relations_named(drop), str(keep.get("id")), str(drop.get("id"))
    )
    for name, items in (("leases", leases), ("sources", sources), ("related", related)):
        if items:
            out[name] = items
        elif name == "related":
            out.pop(name, None)
    return out


def _filled(keep: dict[str, Any], drop: Mapping[str, Any]) -> dict[str, Any]:
    for key, value in drop.items():
        if key in ("id", "leases", "sources", "related") or value is None:
            continue
        mine = keep.get(key)
        if mine is None or mine == "":  # an empty text is no value (a sheet's empty cell)
            keep[key] = copy.deepcopy(value)
        elif isinstance(mine, dict) and isinstance(value, Mapping):
            keep[key] = _filled(mine, value)
    return keep


def merge_customers(
    store: ArchiveStore,
    keep_id: str,
    drop_id: str,
    actor: str,
    *,
    policy: Policy,
    as_of: date,
) -> MergeResult:
    """Unite ``drop_id`` into ``keep_id`` in one transaction, graded in it.

    The kept customer's leases changed, so it is graded again in the same write, as a save
    is (``customers.follow_grades``): when the merge moves the archive-wide top (the kept
    customer now above it, or either customer held it), every customer is graded again in that
    write, recorded as a regrade run.

    Args:
        store: The archive.
        keep_id: The customer kept.
        drop_id: The customer merged into it (its id becomes an alias).
        actor: Who merges.
        policy: The policy the kept customer is graded under.
        as_of: The grading date when the archive holds no grading yet.

    Raises:
        MergeRefusedError: the two ids are the same.
        CustomerNotFoundError: either id is not a customer (close ids suggested).
        StaleRevisionError: someone saved either customer meanwhile; nothing was written.
    """
    if keep_id == drop_id:
        raise MergeRefusedError(
            _("{archive}: {id} cannot be merged into itself").format(
                archive=store.location, id=keep_id
            )
        )
    before, other = find_customer(store, keep_id), find_customer(store, drop_id)
    keep, drop = store.get(keep_id) or {}, store.get(drop_id) or {}
    united = merged_document(before, other)
    done = GradingDone()
    record = store.merge_customers(
        united,
        keep_rev=int(keep["_meta"]["rev"]),
        drop_id=drop_id,
        drop_rev=int(drop["_meta"]["rev"]),
        actor=actor,
        grade=follow_grades(policy, as_of, "merge", done, removed=[drop]),
    )
    repointed = repoint_relations(store, drop_id, keep_id, actor)
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
        before=keep.get("_grading"),
        whole=done.whole,
        repointed=repointed,
    )


def repoint_relations(store: ArchiveStore, old: str, new: str, actor: str) -> list[str]:
    """Store every customer whose relations name ``old`` with ``new`` in its place, in one
    transaction read under the lock (a customer saved meanwhile is repointed as it is then);
    each gets a ``customer_changed`` event of its own. Relations never count in a grade, so
    nothing is graded. The ids written.
    """
    written: list[str] = []

    def plan(records: Mapping[str, JSONObject]) -> list[CustomerWrite]:
        writes = []
        for cid, record in records.items():
            moved = repointed(customer_document(record), old, new)
            if moved is not None and cid != new:
                detail = {"kind": "customer_changed", "repointed": {"from": old, "to": new}}
                writes.append(CustomerWrite(cid, moved, detail))
        written[:] = [w.customer_id for w in writes]
        return writes

    store.write_customers(plan, actor=actor)
    return written


def history_ids(store: ArchiveStore, customer_id: str) -> tuple[list[str], MergedId | None]:
    """The ids whose history is a customer's: its own and every id merged into it (directly or
    through another), each event labelled with the id it was recorded under.

    Args:
        store: The archive.
        customer_id: A customer's id, or an id merged into one (then that customer's ids).

    Returns:
        The ids, the customer's own first; and the merge that moved ``customer_id``, if any.
    """
    kept, merged = resolve_id(store, customer_id)
    aliases = store.aliases()
    merged_in = sorted(old for old in aliases if old != kept and kept_id(aliases, old) == kept)
    return [kept, *merged_in], merged
