"""Customers one at a time: save (with its side records, in one transaction) and find."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from creditfile.store import ArchiveStore, JSONObject

VERIFIED_SOURCE_KEYS = ("index", "kind", "on", "by", "note")
"""What a ``source_verified`` event records of the source (each prefixed ``source_``)."""


def verified_source_event(source: Mapping[str, Any]) -> JSONObject:
    """The history event recording that ``source`` was audited and marked verified.

    Its keys are prefixed so that the source's own (``kind``, ``by``, ``on``) cannot clash with
    the event's.
    """
    detail = {f"source_{key}": source.get(key) for key in VERIFIED_SOURCE_KEYS}
    return {"kind": "source_verified", **detail}


def save_customer(
    store: ArchiveStore,
    doc: Mapping[str, Any],
    *,
    base_rev: int | None,
    actor: str,
    verified_sources: Sequence[Mapping[str, Any]] = (),
) -> JSONObject:
    """Create or change one customer; the sources newly marked verified are recorded in the
    same transaction, so the history never says a source was verified in a save that failed.

    Args:
        store: The archive.
        doc: The customer document.
        base_rev: The revision the edit started from; None for a new customer.
        actor: Who saves.
        verified_sources: The sources the edit marked verified (each with its ``index``).

    Returns:
        The stored record with its new revision.

    Raises:
        StaleRevisionError: someone else saved the customer since ``base_rev``.
        DuplicateCustomerError: a new customer's id is taken.
    """
    events = [verified_source_event(source) for source in verified_sources]
    return store.save_customer(doc, base_rev=base_rev, actor=actor, events=events)
