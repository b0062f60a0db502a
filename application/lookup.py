"""Finding one customer in an archive (with a helpful error when it is not there), and the
breakdown of its grading."""

from __future__ import annotations

import difflib
from datetime import date
from typing import Any

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
    archive: ArchiveStore, customer_id: str, *, include_personal: bool, actor: str, via: str
) -> tuple[JSONObject, bool]:
    """One customer's document with its latest grading and revision, personal data only when
    asked (and then the reveal is recorded in the history).

    Args:
        archive: The archive.
        customer_id: The customer's id.
        include_personal: Show ``profile.person``; the reveal is recorded.
        actor: Who asks.
        via: What showed it (recorded with a reveal), e.g. ``creditfile show``.

    Returns:
        The document to show, and whether personal data was held back.

    Raises:
        CustomerNotFoundError: naming the archive and suggesting close ids.
    """
    doc = find_customer(archive, customer_id)
    record = archive.get(customer_id) or {}
    profile = doc.get("profile")
    hidden = False
    if isinstance(profile, dict) and "person" in profile:
        if include_personal:
            archive.record_event(customer_id, "personal_data_revealed", actor, {"via": via})
        else:
            doc["profile"] = {k: v for k, v in profile.items() if k != "person"}
            hidden = True
    return {**doc, "grading": record.get("_grading"), "revision": record.get("_meta")}, hidden
