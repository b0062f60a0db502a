"""Related customers (关联客户): the customers one names (its main contractor, group parent,
project owner) and those that name it, checked against the archive and repointed by a merge.

A relation is kept once, on the customer that names it (``related: [{id, relation, note}]``);
the other customer sees it the other way round, found by reading every customer's list.

Group parents form a hierarchy: no customer may be, through a chain of group parents, its own
group parent (A's parent B whose parent is A). The other relations may run both ways (two
contractors may each be the other's main contractor, on different projects).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any

from creditfile.engine.validation import Problem
from creditfile.presentation.translation import _
from creditfile.store import ArchiveStore, RelationsStore

HIERARCHY = "group_parent"
"""The relation that may not loop back to the customer that names it."""


def relations_named(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The relations a document names, each a plain dict (``id``, ``relation``, ``note``)."""
    related = doc.get("related")
    return [dict(r) for r in related if isinstance(r, Mapping)] if isinstance(related, list) else []


def relations_of(
    records: Mapping[str, Mapping[str, Any]],
    customer_id: str,
    aliases: Mapping[str, str] | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """Both directions of one customer's relations.

    Args:
        records: Every customer record (or document) by id.
        customer_id: The customer.
        aliases: Ids merged into others (``{old: kept}``).

    Returns:
        ``{"names": [{id, name, relation, note, missing}], "named_by": [{id, name, relation,
        note}]}``: the customers it names (``missing`` when the id is not on file, with
        ``merged_into`` when it was merged into another customer), and the customers naming
        it, with the relation as they state it.
    """
    own = records.get(customer_id) or {}
    names = []
    for relation in relations_named(own):
        target = str(relation.get("id"))
        other = records.get(target)
        shown = {**relation, "name": (other or {}).get("name"), "missing": other is None}
        if other is None and aliases and target in aliases:
            shown["merged_into"] = aliases[target]
        names.append(shown)
    named_by = [
        {**relation, "id": cid, "name": record.get("name")}
        for cid, record in records.items()
        if cid != customer_id
        for relation in relations_named(record)
        if relation.get("id") == customer_id
    ]
    return {"names": names, "named_by": named_by}


def customer_relations(
    store: ArchiveStore,
    customer_id: str,
    doc: Mapping[str, Any] | None = None,
    aliases: Mapping[str, str] | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """``relations_of`` one customer as stored, ``doc`` (a card's draft) standing for it when
    given: a database reads the customers it names and those naming it, not every record."""
    if not isinstance(store, RelationsStore):
        records: dict[str, Mapping[str, Any]] = dict(store.records())
    else:
        own = doc if doc is not None else store.get(customer_id) or {}
        targets = {str(r.get("id")) for r in relations_named(own)}
        # Those naming it first, in stored order, as they are when every record is read.
        # An id not given yet (a new card) is named by nobody; "" would match any text.
        records = dict(store.naming_records(customer_id)) if customer_id else {}
        records.update((k, v) for k, v in store.records_of(targets).items() if k not in records)
    if doc is not None:
        records[customer_id] = doc
    return relations_of(records, customer_id, aliases)


def names_group_parent(doc: Mapping[str, Any]) -> bool:
    """Whether a document names a group parent (only then can it close a loop)."""
    return any(r.get("relation") == HIERARCHY for r in relations_named(doc))


def group_parents(records: Mapping[str, Mapping[str, Any]]) -> dict[str, list[str]]:
    """The group parents each customer names, by id (only the customers naming one)."""
    out: dict[str, list[str]] = {}
    for cid, record in records.items():
        if not record.get("related"):  # most customers name none: skip them quickly
            continue
        named = relations_named(record)
        parents = [str(r.get("id")) for r in named if r.get("relation") == HIERARCHY]
        if parents:
            out[cid] = parents
    return out


def parents_in(
    read: Callable[[str], Mapping[str, Any] | None],
) -> Callable[[str], Sequence[str]]:
    """The group parents a customer names, reading it with ``read`` (a mapping's ``get``, a
    store's ``get``) when asked: a loop is looked for up one chain of parents, not over every
    customer."""

    def parents(customer_id: str) -> Sequence[str]:
        record = read(customer_id)
        if record is None:
            return ()
        named = relations_named(record)
        return [str(r.get("id")) for r in named if r.get("relation") == HIERARCHY]

    return parents


def related_problems(store: ArchiveStore, doc: Mapping[str, Any]) -> list[Problem]:
    """``relation_problems`` of a document about to be saved, against the archive as stored: a
    database reads the customers it names and, for a group parent, their chain of parents."""
    own = str(doc.get("id"))
    read: Callable[[str], Mapping[str, Any] | None]
    if isinstance(store, RelationsStore):
        targets = {str(r.get("id")) for r in relations_named(doc)}
        known = set(store.records_of(targets)) | {own}
        read = store.get
    else:
        records = store.records()
        known = set(records) | {own}
        read = records.get
    parents = parents_in(read) if names_group_parent(doc) else None
    return relation_problems(doc, known, parents=parents)


def relation_problems(
    doc: Mapping[str, Any],
    known: Collection[str],
    aliases: Mapping[str, str] | None = None,
    parents: Callable[[str], Sequence[str]] | None = None,
) -> list[Problem]:
    """A problem for every relation naming no customer on file, the customer itself, a
    customer it already names so, or a group parent that is (through others) its subsidiary.

    Args:
        doc: The customer document about to be stored.
        known: Every customer id the archive will hold (with those being imported).
        aliases: Ids merged into others (``{old: kept}``): such an id is named by its kept id.
        parents: The group parents each other customer names, as they will be stored
            (``parents_in``, or ``group_parents(…).get``); none: loops are not looked for.
    """
    problems = []
    own = str(doc.get("id"))
    seen: set[tuple[str, str]] = set()
    for index, relation in enumerate(relations_named(doc)):
        if not isinstance(relation.get("id"), str) or not relation["id"]:
            continue  # no id yet: the schema's problem says so
        target = str(relation.get("id"))
        kind = str(relation.get("relation"))
        path = f"related[{index}].id"
        if target == own:
            problems.append(Problem(path, _("a customer cannot be related to itself")))
        elif aliases and target in aliases and target not in known:
            message = _("{id} was merged into {kept}; name {kept}")
            problems.append(Problem(path, message.format(id=target, kept=aliases[target])))
        elif target not in known:
            message = _("no customer {id} on file; add that customer first or correct the id")
            problems.append(Problem(path, message.format(id=target)))
        elif (target, kind) in seen:
            message = _("{id} is named twice with this relation; keep one")
            problems.append(Problem(path, message.format(id=target)))
        elif kind == HIERARCHY and parents is not None:
            loop = _loop(own, target, parents)
            if loop:
                message = _(
                    "{id} cannot be the group parent of {own}: {chain}; a group cannot be its "
                    "own parent, remove one of these relations"
                )
                chain = " → ".join(loop)
                problems.append(Problem(path, message.format(id=target, own=own, chain=chain)))
        seen.add((target, kind))
    return problems


def _loop(own: str, target: str, parents: Callable[[str], Sequence[str]]) -> list[str] | None:
    """The chain of group parents leading from ``target`` back to ``own`` (``own`` first, as
    the relation would read: own → target → … → own), or None when there is none."""
    came_from: dict[str, str] = {target: own}
    todo = [target]
    while todo:
        at = todo.pop()
        for parent in parents(at):
            if parent == own:
                chain = [own, at]
                while chain[-1] != target:
                    chain.append(came_from[chain[-1]])
                return [own, *reversed(chain[1:]), own]
            if parent not in came_from:
                came_from[parent] = at
                todo.append(parent)
    return None


def repointed(doc: Mapping[str, Any], old: str, new: str) -> dict[str, Any] | None:
    """``doc`` with its relations naming ``old`` naming ``new`` instead (one relation per id
    and kind kept, none to itself), or None when it names no ``old``."""
    named = relations_named(doc)
    if not any(r.get("id") == old for r in named):
        return None
    kept: list[dict[str, Any]] = []
    for relation in named:
        moved = {**relation, "id": new} if relation.get("id") == old else relation
        same = any(
            k["id"] == moved["id"] and k.get("relation") == moved.get("relation") for k in kept
        )
        if moved["id"] != doc.get("id") and not same:
            kept.append(moved)
    out = dict(doc)
    if kept:
        out["related"] = kept
    else:
        out.pop("related", None)
    return out


def united_relations(
    keep: Iterable[Mapping[str, Any]], drop: Iterable[Mapping[str, Any]], keep_id: str, drop_id: str
) -> list[dict[str, Any]]:
    """The relations of two merged customers: the kept one's, then the other's it lacks; none
    between the two (they are one customer now)."""
    out: list[dict[str, Any]] = []
    for relation in [*keep, *drop]:
        if relation.get("id") in (keep_id, drop_id):
            continue
        if not any(
            r.get("id") == relation.get("id") and r.get("relation") == relation.get("relation")
            for r in out
        ):
            out.append(dict(relation))
    return out
