"""Personal information in a customer document: finding it and leaving it out."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from creditfile.document.fields import field_catalogue
from creditfile.document.paths import value_at


@cache
def personal_sections() -> tuple[tuple[str, ...], ...]:
    """The paths of the outermost personal fields (``("profile", "person")``)."""
    catalogue = field_catalogue()
    return tuple(
        tuple(f.key.split("."))
        for f in catalogue
        if f.personal and not f.in_list and not catalogue[f.parent].personal
    )


def has_personal(doc: Mapping[str, Any]) -> bool:
    """Whether ``doc`` carries any personal information."""
    return any(value_at(doc, path) is not None for path in personal_sections())


def without_personal(doc: Mapping[str, Any]) -> Mapping[str, Any]:
    """``doc`` without its personal information; ``doc`` itself when it has none.

    The document is not changed: the sections on the way are copied.
    """
    for path in personal_sections():
        doc = _drop(doc, path)
    return doc


def _drop(node: Mapping[str, Any], path: tuple[str, ...]) -> Mapping[str, Any]:
    head, rest = path[0], path[1:]
    if head not in node:
        return node
    if not rest:
        return {k: v for k, v in node.items() if k != head}
    child = node[head]
    if not isinstance(child, Mapping):
        return node
    changed = _drop(child, rest)
    return node if changed is child else {**node, head: changed}
