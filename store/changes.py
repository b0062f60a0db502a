"""What an edit changed, for the history: the dotted paths, and each field's old and new value."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from creditfile.document.changes import field_changes
from creditfile.store.bookkeeping import customer_document


def changed_paths(old: Mapping[str, Any], new: Mapping[str, Any], prefix: str = "") -> list[str]:
    """Paths whose values differ, descending into sections (``contact.phone``, ``leases``)."""
    paths = []
    for key in sorted(set(old) | set(new), key=str):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        path = f"{prefix}{key}"
        sections = [v for v in (before, after) if v is not None]
        if prefix == "" and sections and all(isinstance(v, Mapping) for v in sections):
            paths.extend(changed_paths(before or {}, after or {}, f"{path}."))
        else:
            paths.append(path)
    return paths


def change_detail(
    current: Mapping[str, Any] | None, doc: Mapping[str, Any]
) -> dict[str, list[Any]]:
    """The history's account of a save or import of ``doc`` over the stored ``current``.

    ``fields``: the changed paths; ``changes``: for a customer that existed, each changed
    field with its old and new value (personal fields by path only, see
    ``document.changes``). A new customer's values are its first revision in the archive;
    its first later change records them as the old values.
    """
    after = customer_document(doc)
    if current is None:
        return {"fields": _paths_of(after)}
    before = customer_document(current)
    detail: dict[str, list[Any]] = {"fields": changed_paths(before, after)}
    detail["changes"] = [change.as_json() for change in field_changes(before, after)]
    return detail


def _paths_of(new: Mapping[str, Any]) -> list[str]:
    """``changed_paths({}, new)`` without comparing every value with nothing: a large import
    of new customers spends seconds there. The list is remembered by the document's shape
    (its keys holding a value, and its sections' keys holding one): 100,000 new customers
    share a handful of shapes."""
    shape: list[Any] = []
    for key, value in new.items():
        if value is None:
            continue
        if type(value) is dict:
            shape.append((key, *[sub for sub, item in value.items() if item is not None]))
        elif isinstance(value, Mapping):
            return _listed_paths(new)
        else:
            shape.append(key)
    # A shape is remembered only when every key in it is text (1, 1.0 and True are one key
    # of a dict, three texts), so a shape found equal to a remembered one is all text too.
    found = _SHAPE_PATHS.get(tuple(shape))
    if found is None:
        found = _listed_paths(new)
        if len(_SHAPE_PATHS) < _REMEMBERED and _all_text(shape):
            _SHAPE_PATHS[tuple(shape)] = found
    return list(found)


def _all_text(shape: list[Any]) -> bool:
    return all(
        type(part) is str or (type(part) is tuple and all(type(k) is str for k in part))
        for part in shape
    )


def _listed_paths(new: Mapping[str, Any]) -> list[str]:
    paths: list[str] = []
    for key in sorted(new, key=str):
        value = new[key]
        if value is None:
            continue
        if type(value) is dict or isinstance(value, Mapping):
            paths += _section_paths(key, value)
        else:
            paths.append(str(key))
    return paths


def _section_paths(key: Any, section: Mapping[Any, Any]) -> list[str]:
    """``contact.phone``, … for the keys of ``section`` that hold a value, in order. The lists
    are remembered by key and filled keys: 100,000 new customers share a handful, and their
    history events then share the path texts too."""
    present = (key, *[sub for sub, value in section.items() if value is not None])
    found = _SECTION_PATHS.get(present)
    if found is None:
        found = [f"{key}.{sub}" for sub in sorted(present[1:], key=str)]
        # Only text keys are remembered: 1, 1.0 and True are one key of a dict, three texts.
        if len(_SECTION_PATHS) < _REMEMBERED and all(type(k) is str for k in present):
            _SECTION_PATHS[present] = found
    return found


_SECTION_PATHS: dict[tuple[Any, ...], list[str]] = {}
_SHAPE_PATHS: dict[tuple[Any, ...], list[str]] = {}
_REMEMBERED = 4096
