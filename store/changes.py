"""Which fields of a customer document an edit changed, as dotted paths for the history."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


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
