"""Updating a stored customer from an imported one: only what the file carries changes.

A field the imported document leaves out (an absent column, an empty cell) keeps its stored
value. Clearing a value is explicit: JSON ``null``, or a cell holding a clear marker
(``[清空]`` or ``[clear]``), which the readers turn into ``null``; the stored value becomes
``null`` (an optional field may be absent or null). Leases are matched by
contract number and updated field by field; new ones are added. A source identical to a stored
one is not added twice; one with the same kind, date, person and note is the same source,
updated field by field. Everything here is pure: documents in, documents out.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from creditfile.document.changes import MASK
from creditfile.document.fields import field_catalogue
from creditfile.document.personal import (
    DEFAULT_PERSONAL_NATURES,
    is_personal_value,
    masked_personal,
    personal_sections,
    withheld_paths,
    without_masked_id,
)
from creditfile.document.personal import MASK as PERSONAL_MASK

CLEAR_MARKERS = frozenset({"[清空]", "[clear]"})
"""What a spreadsheet or CSV cell holds to clear a stored value (an empty cell changes nothing)."""

REVISION_KEY = "revision"
"""The key an export adds to each customer: its revision in the archive, checked on import."""

REVISION_HEADERS = ("档案版本", "revision")
"""The spreadsheet column of ``REVISION_KEY`` (the first is what exports write)."""

SOURCE_IDENTITY = ("kind", "on", "by", "note")
"""The fields that make two sources the same source (the rest may be updated)."""


def is_clear_marker(value: object) -> bool:
    """Whether a cell's value is a clear marker (``[清空]``, ``[clear]``, any case)."""
    return isinstance(value, str) and value.strip().lower() in CLEAR_MARKERS


@dataclass(frozen=True)
class Merged:
    """A stored customer updated by an imported one.

    Attributes:
        doc: The updated document (the stored one is never changed).
        places: Where each list record of ``doc`` came from in the imported document
            (``{"leases[3]": ["leases[0]"]}``), so a problem can be shown at its cell. A file
            may name one stored record twice (a contract on two rows): each row is listed.
        added: The places of ``doc`` holding a record the imported document added whole: any
            problem inside one is the file's, a required value it leaves out included.
    """

    doc: dict[str, Any]
    places: dict[str, list[str]] = field(default_factory=dict)
    added: frozenset[str] = frozenset()


def merge_customer(current: Mapping[str, Any], incoming: Mapping[str, Any]) -> Merged:
    """``current`` with every field ``incoming`` carries, and nothing else, changed.

    Args:
        current: The stored customer document (``{}`` for a new customer).
        incoming: The imported document: present fields set, ``None`` clears.

    Returns:
        The merged document and where its list records came from.
    """
    places: dict[str, list[str]] = {}
    added: set[str] = set()
    incoming = without_masked_id(current, incoming)
    doc = _merge_mapping(current, incoming)
    for key, identity in (("leases", _lease_identity), ("sources", _source_identity)):
        if isinstance(incoming.get(key), list):
            doc[key] = _merge_records(current.get(key), incoming[key], identity, key, places, added)
    return Merged(doc, places, frozenset(added))


def replace_customer(
    current: Mapping[str, Any],
    incoming: Mapping[str, Any],
    personal_natures: Collection[str] = DEFAULT_PERSONAL_NATURES,
) -> Merged:
    """``incoming`` whole (``--replace``), keeping only the stored personal data the imported
    document leaves out: an export withholds it (a person's phone and address too, and shows
    the ID number masked), so importing that export must not remove it.
    """
    incoming = without_masked_id(current, incoming)
    doc = copy.deepcopy(dict(incoming))
    for path in withheld_paths(current, personal_natures):
        kept = _get(current, path)
        if kept is not None and _get(incoming, path, missing=True) is _MISSING:
            _put(doc, path, kept)
    places = {f"{k}[{i}]": [f"{k}[{i}]"] for k in ("leases", "sources") for i in _indexes(doc, k)}
    return Merged(doc, places, frozenset(places))


def _merge_mapping(current: Mapping[str, Any], incoming: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(current)
    for key, value in incoming.items():
        if value is None:
            if out.get(key) is not None:
                out[key] = None
        elif isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _merge_mapping(out[key], value)
        elif isinstance(value, Mapping):
            out[key] = _merge_mapping({}, value)
        else:
            out[key] = value
    return out


def _lease_identity(record: Mapping[str, Any]) -> object:
    contract = record.get("contract")
    return contract if isinstance(contract, str) and contract.strip() else None


def _source_identity(record: Mapping[str, Any]) -> object:
    return tuple(str(record.get(k) or "") for k in SOURCE_IDENTITY)


def _filled(record: Mapping[str, Any]) -> dict[str, Any]:
    """A record without its empty values: a sheet leaves an empty cell out, JSON says null."""
    return {k: v for k, v in record.items() if v is not None and v != ""}


def _merge_records(
    stored: object,
    incoming: Sequence[Any],
    identity: Any,
    key: str,
    places: dict[str, list[str]],
    added: set[str],
) -> list[Any]:
    out = list(stored) if isinstance(stored, list) else []
    for i, record in enumerate(incoming):
        found = _find(out, record, identity)
        if found is None:
            out.append(_merge_mapping({}, record) if isinstance(record, Mapping) else record)
            found = len(out) - 1
            added.add(f"{key}[{found}]")
        elif isinstance(out[found], Mapping):
            out[found] = _merge_mapping(out[found], record)
        places.setdefault(f"{key}[{found}]", []).append(f"{key}[{i}]")
    return out


def _find(records: list[Any], record: object, identity: Any) -> int | None:
    if not isinstance(record, Mapping):
        return None
    for index, stored in enumerate(records):
        if stored == record or (isinstance(stored, Mapping) and _filled(stored) == _filled(record)):
            return index
    wanted = identity(record)
    if wanted is None:
        return None
    for index, stored in enumerate(records):
        if isinstance(stored, Mapping) and identity(stored) == wanted:
            return index
    return None


# --- what changed ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    """One value an import changes.

    Attributes:
        path: Where (``contact.phone``, ``leases[L2023-001].amount``, ``sources[2]``).
        key: The field's key in the catalogue (``contact.phone``, ``leases[].amount``).
        old: The stored value (None: none), ``MASK`` for personal data.
        new: The new value (None: removed), ``MASK`` for personal data.
    """

    path: str
    key: str
    old: Any
    new: Any

    def as_dict(self) -> dict[str, Any]:
        """The change as JSON data."""
        return {"path": self.path, "field": self.key, "old": self.old, "new": self.new}


def field_changes(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    personal_natures: Collection[str] = DEFAULT_PERSONAL_NATURES,
) -> list[FieldChange]:
    """Every value that differs between two customer documents, personal values masked (a
    person's phone and address too; the ID number as ``4201**********1234``).

    Leases are named by contract number (their position when they have none); a source added
    or removed is one change.
    """
    out: list[FieldChange] = []
    _diff(old, new, "", "", out)
    return [
        FieldChange(c.path, c.key, _masked(c.path, c.old), _masked(c.path, c.new))
        if is_personal_value(c.path, old, new, personal_natures) else c
        for c in out
    ]  # fmt: skip


def _masked(path: str, value: Any) -> Any:
    shown = masked_personal(path, value)
    return MASK if shown == PERSONAL_MASK else shown


def _diff(old: Any, new: Any, path: str, key: str, out: list[FieldChange]) -> None:
    if old == new:
        return
    if isinstance(old, Mapping | type(None)) and isinstance(new, Mapping | type(None)):
        before, after = old or {}, new or {}
        for name in sorted(set(before) | set(after), key=str):
            sub_key = f"{key}.{name}" if key else str(name)
            sub_path = f"{path}.{name}" if path else str(name)
            if key == "assessment" and name not in ("assessed_by", "assessed_on", "note"):
                sub_key = "assessment.*"
            if isinstance(before.get(name), list) or isinstance(after.get(name), list):
                _diff_list(before.get(name), after.get(name), sub_path, sub_key, out)
            else:
                _diff(before.get(name), after.get(name), sub_path, sub_key, out)
        return
    out.append(_change(path, key, old, new))


def _diff_list(old: Any, new: Any, path: str, key: str, out: list[FieldChange]) -> None:
    before = old if isinstance(old, list) else []
    after = new if isinstance(new, list) else []
    if before == after:
        return
    if key != "leases":
        for record in after:
            if record not in before:
                out.append(_change(path, key, None, record))
        for record in before:
            if record not in after:
                out.append(_change(path, key, record, None))
        return
    stored = {_lease_name(r, i): r for i, r in enumerate(before)}
    given = {_lease_name(r, i): r for i, r in enumerate(after)}
    for name in dict.fromkeys([*stored, *given]):
        _diff(stored.get(name), given.get(name), f"{path}[{name}]", f"{key}[]", out)


def _lease_name(record: object, index: int) -> str:
    contract = _lease_identity(record) if isinstance(record, Mapping) else None
    return str(contract) if contract is not None else f"#{index + 1}"


def _change(path: str, key: str, old: Any, new: Any) -> FieldChange:
    if _is_personal(key):
        old, new = _masked(path, old), _masked(path, new)
    return FieldChange(path, key, old, new)


def _is_personal(key: str) -> bool:
    found = field_catalogue().get(key)
    if found is not None:
        return found.personal
    return any(key.startswith(".".join(p)) for p in personal_sections())


def field_label(change: FieldChange, lang: str, item_labels: Mapping[str, str]) -> str:
    """A change's place as people read it: ``电话``, ``租赁 L2023-001 金额``, ``评估与得分 实力``.

    Args:
        change: The change.
        lang: ``zh`` or ``en``.
        item_labels: The policy's labels of its scoring items, by key.
    """
    catalogue = field_catalogue()
    if change.key == "assessment.*":
        item = change.path.rsplit(".", 1)[-1]
        return f"{catalogue['assessment'].text(lang)} {item_labels.get(item, item)}"
    found = catalogue.get(change.key)
    label = found.text(lang) if found is not None else change.path
    match = re.match(r"leases\[([^\]]+)\]", change.path)
    if match and change.key != "leases":
        return f"{catalogue['leases'].text(lang)} {match.group(1)} {label}"
    return label


# --- small helpers ---------------------------------------------------------------------------

_MISSING = object()


def _get(doc: Mapping[str, Any], path: tuple[str, ...], *, missing: bool = False) -> Any:
    node: Any = doc
    for step in path:
        if not isinstance(node, Mapping) or step not in node:
            return _MISSING if missing else None
        node = node[step]
    return node


def _put(doc: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    node = doc
    for step in path[:-1]:
        child = node.get(step)
        node[step] = child = dict(child) if isinstance(child, Mapping) else {}
        node = child
    node[path[-1]] = value


def _indexes(doc: Mapping[str, Any], key: str) -> range:
    value = doc.get(key)
    return range(len(value)) if isinstance(value, list) else range(0)


def carried(incoming: Mapping[str, Any], path: str) -> bool:
    """Whether the imported document holds a value at ``path`` (``leases[0].amount``) or
    above it: a problem there is the file's to fix; elsewhere it is the stored data's."""
    node: Any = incoming
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path):
        if index:
            if not isinstance(node, list) or int(index) >= len(node):
                return False
            node = node[int(index)]
        else:
            if not isinstance(node, Mapping) or name not in node:
                return False
            node = node[name]
        if not isinstance(node, Mapping | list):
            return True
    return True
