"""Finding one customer in an archive (with a helpful error when it is not there), and the
breakdown of its grading."""

from __future__ import annotations

import difflib
from collections.abc import Collection, Mapping
from datetime import date
from typing import Any

from creditfile.document.personal import (
    DEFAULT_PERSONAL_NATURES,
    has_personal,
    withheld_paths,
    without_personal,
)
from creditfile.engine import explain
from creditfile.policy import CreditfileError, Policy
from creditfile.store import ArchiveStore, JSONObject, customer_document


class CustomerNotFoundError(CreditfileError):
    """No customer with the given id."""


def find_customer(archive: ArchiveStore, customer_id: str) -> JSONObject:
    """The customer document (without store bookkeeping) for ``customer_id``.

    Raises:
        CustomerNotFoundError: naming the archive and suggesting close ids.
    """
    record = archive.get(customer_id)
    if record is not None:
        return customer_document(record)
    close = difflib.get_close_matches(customer_id, list(archive.records()), n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else "; list ids with `creditfile export`"
    raise CustomerNotFoundError(f"{archive.location}: no customer {customer_id!r}{hint}")


def explain_customer(
    archive: ArchiveStore, customer_id: str, policy: Policy, as_of: date
) -> dict[str, Any]:
    """The breakdown of one customer's grading now, against the whole archive's tops: each
    item's input, points, weight, lost points and clause; total, grade, gap, privileges.

    Raises:
        CustomerNotFoundError: naming the archive and suggesting close ids.
    """
    doc = find_customer(archive, customer_id)
    return explain(doc, policy, as_of, docs=archive.documents())


def show_customer(
    archive: ArchiveStore,
    customer_id: str,
    *,
    include_personal: bool,
    actor: str,
    via: str,
    personal_natures: Collection[str] = DEFAULT_PERSONAL_NATURES,
) -> tuple[JSONObject, list[str]]:
    """One customer's document with its latest grading and revision, personal data only when
    asked (and then the reveal is recorded in the history).

    Args:
        archive: The archive.
        customer_id: The customer's id.
        include_personal: Show the personal data; the reveal is recorded.
        actor: Who asks.
        via: What showed it (recorded with a reveal), e.g. ``creditfile show``.
        personal_natures: The natures whose customers are people: their phone and address
            are personal data too.

    Returns:
        The document to show (without personal data its ID number masked), and the dotted
        paths of the personal data held back.

    Raises:
        CustomerNotFoundError: naming the archive and suggesting close ids.
    """
    doc = find_customer(archive, customer_id)
    record = archive.get(customer_id) or {}
    hidden: list[str] = []
    if has_personal(doc, personal_natures):
        if include_personal:
            archive.record_event(customer_id, "personal_data_revealed", actor, {"via": via})
        else:
            hidden = [
                ".".join(path) for path in withheld_paths(doc, personal_natures) if _held(doc, path)
            ]
            doc = dict(without_personal(doc, personal_natures))
    return {**doc, "grading": record.get("_grading"), "revision": record.get("_meta")}, hidden


def _held(doc: Mapping[str, Any], path: tuple[str, ...]) -> bool:
    node: Any = doc
    for step in path:
        node = node.get(step) if isinstance(node, Mapping) else None
    return node is not None
