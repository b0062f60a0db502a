"""Finding one customer in an archive (with a helpful error when it is not there), and the
breakdown of its grading.

An id merged into another customer (``creditfile merge KEEP DROP``) finds the customer it was
merged into, and says so (``MergedId``): what was filed under the old id lives on there.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Mapping
from dataclasses import dataclass
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
from creditfile.policy.errors import clipped
from creditfile.presentation.translation import _
from creditfile.store import ArchiveStore, JSONObject, RevealingStore, customer_document

# Ids are short codes; a longer one is quoted clipped and gets no suggestions.
ID_LIMIT = 40


class CustomerNotFoundError(CreditfileError):
    """No customer with the given id."""


@dataclass(frozen=True)
class MergedId:
    """An id asked for that was merged into another customer.

    Attributes:
        given: The id asked for (no customer has it any more).
        kept: The customer it was merged into, at the end of any chain of merges.
        at: When it was merged (ISO 8601; empty when the history does not say).
        by: Who merged it (empty when the history does not say).
        into: The customer it was merged into then, when that one was merged in turn.
    """

    given: str
    kept: str
    at: str = ""
    by: str = ""
    into: str = ""

    def note(self) -> str:
        """``C2 was merged into C1 (2026-12-01 by 王敏); C1 is shown``."""
        when = " ".join(part for part in (self.at[:10], f"by {self.by}" if self.by else "") if part)
        first = self.into or self.kept
        text = f"{self.given} was merged into {first}{f' ({when})' if when else ''}"
        if self.into:
            text += f", which was merged into {self.kept}"
        return f"{text}; {self.kept} is shown"

    def as_json(self) -> dict[str, str]:
        """The alias as ``--json`` outputs carry it."""
        return {
            "given": self.given,
            "merged_into": self.kept,
            "at": self.at,
            "by": self.by,
            "via": self.into,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> MergedId:
        """The alias ``as_json`` gave."""
        fields = ("given", "merged_into", "at", "by", "via")
        return cls(*(str(data.get(name) or "") for name in fields))


def kept_id(aliases: Mapping[str, str], customer_id: str) -> str:
    """The id ``customer_id`` lives under now: itself, or the customer it was merged into,
    followed to the end when that one was merged in turn (A into B, B into C: C)."""
    seen = {customer_id}
    while customer_id in aliases:
        customer_id = aliases[customer_id]
        if customer_id in seen:  # a loop cannot be written by a merge; stop rather than spin
            break
        seen.add(customer_id)
    return customer_id


def resolve_id(archive: ArchiveStore, customer_id: str) -> tuple[str, MergedId | None]:
    """The customer id to read for ``customer_id``, and the merge that moved it (or None).

    An id that is a customer's is its own, even if it was once merged away and used again.
    """
    if customer_id in archive.records():
        return customer_id, None
    aliases = archive.aliases()
    if customer_id not in aliases:
        return customer_id, None
    kept = kept_id(aliases, customer_id)
    merged = archive.history(customer_id, kind="customer_merged_away")
    last = merged[-1] if merged else {}
    into = str(last.get("into") or "")
    found = MergedId(
        customer_id,
        kept,
        str(last.get("at") or ""),
        str(last.get("actor") or ""),
        into if into and into != kept else "",
    )
    return kept, found


def find_customer(archive: ArchiveStore, customer_id: str) -> JSONObject:
    """The customer document (without store bookkeeping) for ``customer_id``.

    Raises:
        CustomerNotFoundError: naming the archive and suggesting close ids.
    """
    record = archive.get(customer_id)
    if record is not None:
        return customer_document(record)
    # An id far longer than any id is a paste gone wrong: nothing in the archive is close.
    close = (
        difflib.get_close_matches(customer_id, list(archive.records()), n=3)
        if len(customer_id) <= ID_LIMIT
        else []
    )
    if close:
        hint = _("; did you mean {ids}?").format(ids=", ".join(close))
    else:
        hint = _("; list ids with `creditfile export`")
    raise CustomerNotFoundError(
        _("{archive}: no customer {id}{hint}").format(
            archive=archive.location, id=repr(clipped(customer_id, ID_LIMIT)), hint=hint
        )
    )


def explain_customer(
    archive: ArchiveStore, customer_id: str, policy: Policy, as_of: date
) -> dict[str, Any]:
    """The breakdown of one customer's grading now, against the whole archive's tops: each
    item's input, points, weight, lost points and clause; total, grade, gap, privileges.

    An id merged into another customer explains that customer; the result then carries
    ``merged`` (``MergedId.as_json``).

    Raises:
        CustomerNotFoundError: naming the archive and suggesting close ids.
    """
    customer_id, merged = resolve_id(archive, customer_id)
    doc = find_customer(archive, customer_id)
    detail = explain(doc, policy, as_of, docs=archive.documents())
    if merged is not None:
        detail["merged"] = merged.as_json()
    return detail


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
    asked (and then the reveal is recorded in the history). An id merged into another customer
    shows that customer; the result then carries ``merged`` (``MergedId.as_json``).

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
    customer_id, merged = resolve_id(archive, customer_id)
    doc = find_customer(archive, customer_id)
    record = archive.get(customer_id) or {}
    hidden: list[str] = []
    if include_personal and isinstance(archive, RevealingStore):
        # Read whole by the server, which records the reveal in the same transaction.
        revealed = archive.reveal(
            [customer_id], actor=actor, kind="personal_data_revealed", detail={"via": via}
        )
        record = revealed.get(customer_id, record)
        doc = customer_document(record) if record else doc
    elif has_personal(doc, personal_natures):
        if include_personal:
            archive.record_event(customer_id, "personal_data_revealed", actor, {"via": via})
        else:
            hidden = [
                ".".join(path) for path in withheld_paths(doc, personal_natures) if _held(doc, path)
            ]
            doc = dict(without_personal(doc, personal_natures))
    shown = {**doc, "grading": record.get("_grading"), "revision": record.get("_meta")}
    if merged is not None:
        shown["merged"] = merged.as_json()
    return shown, hidden


def _held(doc: Mapping[str, Any], path: tuple[str, ...]) -> bool:
    node: Any = doc
    for step in path:
        node = node.get(step) if isinstance(node, Mapping) else None
    return node is not None


def reveal_record(
    archive: ArchiveStore, customer_id: str, *, actor: str, detail: Mapping[str, Any]
) -> JSONObject | None:
    """Record that a front end shows a customer's personal data, and read it whole where only
    such a reveal reads it.

    Args:
        archive: The archive.
        customer_id: The customer shown.
        actor: Who looks.
        detail: Recorded with the reveal (``via``, ``section``).

    Returns:
        The whole record, read by the server in the same transaction as it records the
        reveal (a database, whose readers otherwise get customers without personal data);
        None where the record held already has it (a file archive: the reveal is recorded).

    Raises:
        StoreError: the reveal was refused (the user may not reveal personal data).
    """
    if isinstance(archive, RevealingStore):
        found = archive.reveal(
            [customer_id], actor=actor, kind="personal_data_revealed", detail=dict(detail)
        )
        return found.get(customer_id)
    archive.record_event(customer_id, "personal_data_revealed", actor, dict(detail))
    return None
