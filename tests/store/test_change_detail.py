"""The history's field paths of a new customer: the same as comparing it with nothing."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from creditfile.store import customer_document
from creditfile.store.changes import change_detail, changed_paths

_KEYS = st.one_of(st.sampled_from(["id", "name", "contact", "phone", "address"]), st.text())
_LEAVES = st.one_of(st.none(), st.integers(), st.text(max_size=3), st.lists(st.integers()))
_SECTIONS = st.dictionaries(
    st.one_of(_KEYS, st.integers(), st.booleans()),
    st.one_of(_LEAVES, st.dictionaries(_KEYS, _LEAVES)),
)


@given(st.dictionaries(_KEYS, st.one_of(_LEAVES, _SECTIONS)))
def test_a_new_customer_lists_every_path_comparing_with_nothing_would(doc: dict[str, Any]) -> None:
    # The store's own fields (_meta, _grading) are not the customer's: neither side has them.
    assert change_detail(None, doc) == {"fields": changed_paths({}, customer_document(doc))}
    assert change_detail(None, {**doc, "_meta": 0}) == change_detail(None, doc)


def test_customers_with_the_same_fields_get_the_same_paths_and_none_of_empty_fields() -> None:
    first = {"id": "C1", "contact": {"phone": "1", "address": None}, "leases": []}
    second = {"id": "C2", "contact": {"phone": "2", "address": None}, "leases": []}
    third = {"id": "C3", "contact": {"phone": None, "address": "成都"}}
    assert change_detail(None, first)["fields"] == ["contact.phone", "id", "leases"]
    assert change_detail(None, second)["fields"] == ["contact.phone", "id", "leases"]
    assert change_detail(None, third)["fields"] == ["contact.address", "id"]


def test_keys_equal_as_numbers_keep_their_own_text() -> None:
    assert change_detail(None, {"s": {1: "a"}})["fields"] == ["s.1"]
    assert change_detail(None, {"s": {True: "a"}})["fields"] == ["s.True"]
    assert change_detail(None, {"s": {1.0: "a"}})["fields"] == ["s.1.0"]
