"""The duties of a shared archive's users (see ``store.pg_roles`` for how the server enforces
them); kept apart so that naming a duty does not import the database driver."""

from __future__ import annotations

DUTIES: tuple[str, ...] = ("clerk", "assessor", "compliance", "operator", "auditor", "reveal")
"""Every duty, in the order they are listed."""

DUTY_ALIASES = {"salesperson": "clerk", "operations": "operator", "sales": "clerk"}
"""Other names a duty is known by (the regime's words)."""

WRITERS: tuple[str, ...] = ("clerk", "assessor", "compliance", "operator")
READERS: tuple[str, ...] = (*WRITERS, "auditor")


def duty_named(name: str) -> str | None:
    """The duty ``name`` means (an alias such as ``salesperson`` too), or None."""
    key = name.strip().lower()
    key = DUTY_ALIASES.get(key, key)
    return key if key in DUTIES else None
