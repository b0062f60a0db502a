"""Related customers (关联客户): the customers one names (its main contractor, group parent,
project owner) and those that name it, checked against the archive and repointed by a merge.

A relation is kept once, on the customer that names it (``related: [{id, relation, note}]``);
the other customer sees it the other way round, found by reading every customer's list.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from creditfile.engine.validation import Problem
from creditfile.presentation.translation import _


def relations_named(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The relations a document names, each a plain dict (``id``, ``relation``, ``note``)."""
    related = doc.get("related")
    return [dict(r) for r in related if isinstance(r, Mapping)] if isinstance(related, list) else []


def relations_of(
    records: Mapping[str, Mapping[str, Any]], customer_id: str
) -> dict[str, list[dict[str, Any]]]:
    """Both directions of one customer's relations.

    Args:
        records: Every customer record (or document) by id.
        customer_id: The customer.

    Returns:
        ``{"names": [{id, name, relation, note, missing}], "named_by": [{id, name, relation,
        note}]}``: the customers it names (``missing`` when the id is not on file), and the
        customers naming it, with the relation as they state it.
    """
    own = records.get(customer_id) or {}
    names = []
    for relation in relations_named(own):
        other = records.get(str(relation.get("id")))
        names.append({**relation, "name": (other or {}).get("name"), "missing": other is None})
    named_by = [
        {**relation, "id": cid, "name": record.get("name")}
        for cid, record in records.items()
        if cid != customer_id
        for relation in relations_named(record)
        if relation.get("id") == customer_id
    ]
    return {"names": names, "named_by": named_by}


def relation_problems(
    doc: Mapping[str, Any], known: Collection[str], aliases: Mapping[str, str] | None = None
) -> list[Problem]:
    """A problem for every relation naming no customer on file, or the customer itself.

    Args:
        doc: The customer document about to be stored.
        known: Every customer id the archive will hold (with those being imported).
        aliases: Ids merged into others (``{old: kept}``): such an id is named by its kept id.
    """
    problems = []
    own = str(doc.get("id"))
    for index, relation in enumerate(relations_named(doc)):
        target = str(relation.get("id"))
        path = f"related[{index}].id"
        if target == own:
            problems.append(Problem(path, _("a customer cannot be related to itself")))
        elif aliases and target in aliases and target not in known:
            problems.append(
                Problem(
                    path,
                    _("{id} was merged into {kept}; name {kept}").format(
                        id=target, kept=aliases[target]
                    ),
                )
            )
        elif target not in known:
            problems.append(
                Problem(
                    path,
                    _("no customer {id} on file; add that customer first or correct the id").format(
                        id=target
                    ),
                )
            )
    return problems


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
