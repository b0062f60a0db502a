"""Turning the application's service into the card's backend."""

from __future__ import annotations

from typing import Any

from creditfile.tui.card.backend import CardBackend

_BACKEND_METHODS = ("record", "save", "history", "record_event", "validate", "tops", "new_id")


def backend_for(service: Any) -> CardBackend:
    """The card's backend for ``service``: itself when it already is one.

    Args:
        service: The application service, or a ``CardBackend``.

    Returns:
        A ``CardBackend``.
    """
    if all(callable(getattr(service, name, None)) for name in _BACKEND_METHODS):
        return service  # type: ignore[no-any-return]
    raise TypeError(f"{type(service).__name__} cannot serve the customer card")
