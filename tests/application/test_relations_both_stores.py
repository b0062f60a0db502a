"""A customer's related customers, both ways, and the loop of group parents a save may close,
on the file archive and on PostgreSQL: the same answers, and a database answers them without
reading every customer (``creditfile show`` of one customer of 100,000 read them all, 1.4 GB)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from archive_both import store, whole_reads_refused  # noqa: F401  (fixture)

from creditfile.application.customers import InvalidCustomerError, save_customer
from creditfile.application.relations import customer_relations, related_problems
from creditfile.policy import default_policy_path, load_policy
from creditfile.store import ArchiveStore

AS_OF = date(2026, 11, 29)
# Ids holding what a LIKE pattern or JSON would read otherwise.
ODD = ["A_1", "50%", 'Q"1', "B\\1", "长江1"]


def _doc(cid: str, **more: Any) -> dict[str, Any]:
    return {"id": cid, "name": f"{cid} 建设有限公司", "nature": "ordinary_company", **more}


def test_both_directions_of_odd_ids_and_not_a_mere_mention(
    store: ArchiveStore,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    docs = [_doc(cid) for cid in ODD]
    docs.append(_doc("N1", related=[{"id": cid, "relation": "main_contractor"} for cid in ODD]))
    docs.append(_doc("N2", related=[{"id": "A_1", "relation": "group_parent", "note": "50%"}]))
    # Mentions without a relation: in a note, in a name, an id that only looks like one.
    docs.append(_doc("M1", characteristics={"development_potential": '"A_1" 50% B\\1'}))
    docs.append(_doc("AX1", name="A_1 的分公司"))
    store.import_customers(docs, actor="t")
    whole_reads_refused(store, monkeypatch)
    a1 = customer_relations(store, "A_1", aliases={})
    assert a1["names"] == []
    assert a1["named_by"] == [
        {"id": "N1", "name": "N1 建设有限公司", "relation": "main_contractor"},
        {"id": "N2", "name": "N2 建设有限公司", "relation": "group_parent", "note": "50%"},
    ]
    for cid in ODD[1:]:
        assert [r["id"] for r in customer_relations(store, cid)["named_by"]] == ["N1"], cid
    n1 = customer_relations(store, "N1")
    assert [(r["id"], r["missing"]) for r in n1["names"]] == [(cid, False) for cid in ODD]
    # A card's draft stands for the stored customer: a relation typed, not saved yet.
    draft = _doc("A_1", related=[{"id": "长江1", "relation": "main_contractor"}, {"id": "Z9"}])
    shown = customer_relations(store, "A_1", draft)
    assert [(r["id"], r["missing"]) for r in shown["names"]] == [("长江1", False), ("Z9", True)]


def test_a_loop_of_group_parents_is_found_up_the_chain(
    store: ArchiveStore,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store.import_customers(
        [
            _doc("A1", related=[{"id": "B1", "relation": "group_parent"}]),
            _doc("B1", related=[{"id": "C1", "relation": "group_parent"}]),
            _doc("C1"),
        ],
        actor="t",
    )
    closing = _doc("C1", related=[{"id": "A1", "relation": "group_parent"}])
    whole_reads_refused(store, monkeypatch)
    said = [p.message for p in related_problems(store, closing)]
    assert len(said) == 1 and "C1 → A1 → B1 → C1" in said[0]
    missing = _doc("C1", related=[{"id": "NOPE", "relation": "group_parent"}])
    assert "no customer NOPE on file" in related_problems(store, missing)[0].message
    fine = _doc("C1", related=[{"id": "A1", "relation": "main_contractor"}])
    assert related_problems(store, fine) == []
    monkeypatch.undo()  # a save grades against the stored tops, as it always has
    stored = store.get("C1") or {}
    with pytest.raises(InvalidCustomerError, match="C1 → A1 → B1 → C1"):
        save_customer(
            store,
            closing,
            base_rev=int(stored["_meta"]["rev"]),
            actor="t",
            policy=load_policy(default_policy_path()),
            as_of=AS_OF,
        )
    assert "related" not in (store.get("C1") or {})
