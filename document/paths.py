"""Values of a customer document by dotted path (``contact.phone``, ``profile.person``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def value_at(doc: Mapping[str, Any], path: str | Sequence[str]) -> Any:
    """The value at ``path`` (dotted, or its steps) of ``doc``, or None when a step is
    missing or is not a section."""
    node: Any = doc
    for step in path.split(".") if isinstance(path, str) else path:
        if not isinstance(node, Mapping):
            return None
        node = node.get(step)
    return node
