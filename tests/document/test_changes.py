"""Field-level changes for the history: old and new values, leases matched by contract,
personal values never recorded."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from creditfile.document.changes import MASK, MAX_TEXT, field_changes

BASE: dict[str, Any] = {
    "id": "C1",
    "name": "武汉宏达建设工程有限公司",
    "nature": "developer",
    "contact": {"phone": "027-1", "address": "武汉市解放大道100号"},
    "profile": {"registered_capital": 50_000_000, "person": {"age": 45, "hobbies": "钓鱼"}},
    "leases": [
        {"contract": "L1", "item": "tower_crane", "start": "2024-01-05", "amount": 100.0,
         "status": "active"},
        {"contract": "L2", "item": "steel_formwork", "start": "2024-02-05", "amount": 200.0,
         "status": "closed"},
    ],
}  # fmt: skip


def _changed(**edits: Any) -> dict[str, Any]:
    doc = copy.deepcopy(BASE)
    for path, value in edits.items():
        node = doc
        steps = path.split("__")
        for step in steps[:-1]:
            node = node[int(step)] if isinstance(node, list) else node[step]
        node[steps[-1]] = value
    return doc


def _json(doc_old: dict[str, Any], doc_new: dict[str, Any]) -> list[dict[str, Any]]:
    return [c.as_json() for c in field_changes(doc_old, doc_new)]


def test_a_changed_field_records_its_old_and_new_value() -> None:
    new = _changed(contact__phone="027-2", profile__registered_capital=60_000_000)
    assert _json(BASE, new) == [
        {"path": "contact.phone", "old": "027-1", "new": "027-2"},
        {"path": "profile.registered_capital", "old": 50_000_000, "new": 60_000_000},
    ]


def test_an_unchanged_document_has_no_changes() -> None:
    assert field_changes(BASE, copy.deepcopy(BASE)) == []


def test_a_lease_is_compared_with_the_lease_of_the_same_contract() -> None:
    new = copy.deepcopy(BASE)
    new["leases"] = [new["leases"][1], {**new["leases"][0], "amount": 150.0}]  # reordered
    assert _json(BASE, new) == [
        {"path": "leases[1].amount", "old": 100.0, "new": 150.0, "ref": "L1"},
    ]


def test_an_added_lease_shows_its_fields_from_nothing() -> None:
    new = copy.deepcopy(BASE)
    new["leases"].append({"contract": "L3", "item": "tower_crane", "start": "2025-01-01",
                          "amount": 9.5, "status": "active"})  # fmt: skip
    changes = _json(BASE, new)
    assert {c["path"] for c in changes} == {
        "leases[2].amount", "leases[2].contract", "leases[2].item", "leases[2].start",
        "leases[2].status",
    }  # fmt: skip
    assert all(c["old"] is None and c["ref"] == "L3" for c in changes)


def test_a_removed_lease_shows_its_fields_going() -> None:
    new = copy.deepcopy(BASE)
    del new["leases"][0]
    changes = _json(BASE, new)
    assert {c["path"] for c in changes} >= {"leases[0].amount", "leases[0].contract"}
    assert all(c["new"] is None and c["ref"] == "L1" for c in changes)


def test_personal_values_are_never_recorded_only_that_they_changed() -> None:
    new = _changed(profile__person={"age": 46, "family": "已婚"})
    changes = _json(BASE, new)
    assert changes == [
        {"path": "profile.person.age", "old": MASK, "new": MASK, "personal": True},
        {"path": "profile.person.family", "old": None, "new": MASK, "personal": True},
        {"path": "profile.person.hobbies", "old": MASK, "new": None, "personal": True},
    ]
    text = json.dumps(changes, ensure_ascii=False)
    assert "46" not in text and "45" not in text and "钓鱼" not in text and "已婚" not in text


def test_removing_the_whole_personal_section_records_no_value() -> None:
    new = copy.deepcopy(BASE)
    del new["profile"]["person"]
    text = json.dumps(_json(BASE, new), ensure_ascii=False)
    assert "钓鱼" not in text and "45" not in text and '"personal": true' in text


def test_a_long_text_is_kept_whole_up_to_the_limit() -> None:
    history = "2008年成立, 以住宅房建为主; " * 100  # a long company history, 2,000 characters
    address = "湖北省武汉市江岸区解放大道" + "路" * (MAX_TEXT - 13)  # exactly at the limit
    old, new = copy.deepcopy(BASE), _changed(contact__address=address)
    old["business"] = {"construction_business": history[:-1]}
    new["business"] = {"construction_business": history}
    changes = {c.path: c for c in field_changes(old, new)}
    assert changes["business.construction_business"].old == history[:-1]
    assert changes["business.construction_business"].new == history
    assert changes["contact.address"].new == address


def test_a_text_over_the_limit_is_kept_to_it_and_says_so() -> None:
    new = _changed(contact__address="路" * 100_000)
    (change,) = field_changes(BASE, new)
    assert len(change.new) == MAX_TEXT and change.new.endswith("…")
    assert change.new.startswith("路" * (MAX_TEXT - 1))


def test_a_new_customer_is_every_field_from_nothing() -> None:
    changes = field_changes(None, BASE)
    assert {c.path for c in changes} >= {"id", "name", "contact.phone", "leases[1].amount"}
    assert all(c.old is None for c in changes)


_texts = st.one_of(st.none(), st.text(max_size=5))


@given(
    phone=_texts,
    age=st.one_of(st.none(), st.integers(0, 150)),
    family=_texts,
    amounts=st.lists(st.one_of(st.none(), st.floats(0, 1e9)), max_size=3),
)
def test_personal_values_never_reach_the_changes(
    phone: str | None, age: int | None, family: str | None, amounts: list[float | None]
) -> None:
    new = copy.deepcopy(BASE)
    new["contact"]["phone"] = phone
    new["profile"]["person"] = {"age": age, "family": family}
    new["leases"] = [
        {"contract": f"L{i}", "amount": a, "item": "x", "start": "2024-01-01", "status": "active"}
        for i, a in enumerate(amounts)
    ]
    changes = field_changes(BASE, new)
    for change in changes:
        if change.path.startswith("profile.person"):
            assert change.personal and {change.old, change.new} <= {MASK, None}
        else:
            assert not change.personal
    assert (changes == []) == (new == BASE)
