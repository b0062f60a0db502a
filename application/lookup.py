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

from creditfile.application.customer_index import SearchIndex, row_of
from creditfile.application.report_batches import archive_tops
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
from creditfile.store import (
    ArchiveStore,
    JSONObject,
    RevealingStore,
    SearchingStore,
    StoreError,
    customer_document,
)

# Ids are short codes; a longer one is quoted clipped and gets no suggestions.
ID_LIMIT = 40
# A name that several customers match: how many are listed, and how many are read to find
# the one whose name is exactly the one given.
LISTED_MATCHES = 8
READ_MATCHES = 50


class CustomerNotFoundError(CreditfileError):
    """No customer with the given id."""


class SeveralCustomersError(CreditfileError):
    """A name that several customers match; the message lists some, with their ids."""


@dataclass(frozen=True)
class NameMatch:
    """A customer found by its name (or pinyin) rather than its id.

    Attributes:
        given: What was asked for.
        id: The customer found.
        name: Its name.
    """

    given: str
    id: str
    name: str

    def note(self) -> str:
        """``'whjg' is C0012 武汉建工集团``, in the reader's language."""
        return _("{given} is {id} {name}").format(
            given=repr(clipped(self.given, ID_LIMIT)), id=self.id, name=self.name
        )

    def as_json(self) -> dict[str, str]:
        """The match as ``--json`` outputs carry it."""
        return {"given": self.given, "id": self.id, "name": self.name}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> NameMatch:
        """The match ``as_json`` gave."""
        return cls(*(str(data.get(name) or "") for name in ("given", "id", "name")))


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
        """``C2 was merged into C1 (2026-12-01 by 王敏); C1 is shown``, in the reader's language."""
        day = self.at[:10]
        if day and self.by:
            when = _(" ({date} by {actor})").format(date=day, actor=self.by)
        elif day or self.by:
            when = (
                _(" ({date})").format(date=day) if day else _(" (by {actor})").format(actor=self.by)
            )
        else:
            when = ""
        if self.into:
            return _(
                "{given} was merged into {first}{when}, which was merged into {kept}; "
                "{kept} is shown"
            ).format(given=self.given, first=self.into, when=when, kept=self.kept)
        return _("{given} was merged into {kept}{when}; {kept} is shown").format(
            given=self.given, kept=self.kept, when=when
        )

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
    if archive.get(customer_id) is not None:  # one customer read, not the whole archive
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


def resolve_customer(
    archive: ArchiveStore, given: str, personal_natures: Collection[str]
) -> tuple[str, MergedId | None, NameMatch | None]:
    """The customer id to read for what a person typed: an id, an id merged into another
    customer, or else a name or part of one (pinyin too, as the list's search finds it).

    Text that looks like an id (ASCII with a digit) is not searched as a name: a mistyped id
    gets the not-found message with the close ids instead.

    Returns:
        The id (``given`` itself when nothing matched: reading it then says not found), the
        merge that moved it, and the name match that found it.

    Raises:
        SeveralCustomersError: several customers match the name and none is named exactly
            so; the message lists some of them with their ids.
    """
    customer_id, merged = resolve_id(archive, given)
    if merged is not None or archive.get(customer_id) is not None or not _may_be_name(given):
        return customer_id, merged, None
    found, count = _named(archive, given, personal_natures)
    wanted = given.strip().lower()
    exact = [pair for pair in found if pair[1].strip().lower() == wanted]
    if count == 1 or len(exact) == 1:
        cid, name = found[0] if count == 1 else exact[0]
        return cid, None, NameMatch(given, cid, name)
    if count == 0:
        return given, None, None
    listed = ", ".join(f"{cid} {name}" for cid, name in found[:LISTED_MATCHES])
    more = (
        _(" and {count} more").format(count=count - LISTED_MATCHES)
        if count > LISTED_MATCHES
        else ""
    )
    raise SeveralCustomersError(
        _(
            "{archive}: {count} customers match {given}: {listed}{more}; "
            "give one of their ids, or more of the name"
        ).format(
            archive=archive.location,
            count=count,
            given=repr(clipped(given, ID_LIMIT)),
            listed=listed,
            more=more,
        )
    )


def _may_be_name(text: str) -> bool:
    stripped = text.strip()
    if not stripped or len(stripped) > ID_LIMIT * 5:
        return False
    return not (stripped.isascii() and any(c.isdigit() for c in stripped))


def _named(
    archive: ArchiveStore, text: str, personal_natures: Collection[str]
) -> tuple[list[tuple[str, str]], int]:
    """``(id, name)`` of the customers the list's search finds for ``text`` (the first
    ``READ_MATCHES``), and how many it finds in all."""
    ids: list[str] | None = None
    if isinstance(archive, SearchingStore):
        try:
            ids = list(archive.search(text.lower().split()))
        except StoreError:
            ids = None  # the server's search out of reach: scan as the file archive does
    if ids is not None:
        pairs = []
        for cid in ids[:READ_MATCHES]:
            record = archive.get(cid) or {}
            pairs.append((cid, str(record.get("name") or "")))
        return pairs, len(ids)
    rows = [
        row_of(record, personal_natures=personal_natures) for record in archive.records().values()
    ]
    hits = SearchIndex(rows).matching(text) or []
    return [(rows[i].id, rows[i].name) for i in hits[:READ_MATCHES]], len(hits)


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
    elif _may_be_name(customer_id):
        hint = _("; no customer's name matches it either: try `creditfile list --search TEXT`")
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
    ``merged`` (``MergedId.as_json``). A name (or pinyin) that one customer matches explains
    that one; the result then carries ``matched`` (``NameMatch.as_json``).

    Raises:
        CustomerNotFoundError: naming the archive and suggesting close ids.
        SeveralCustomersError: a name several customers match.
    """
    customer_id, merged, matched = resolve_customer(archive, customer_id, policy.personal_natures)
    doc = find_customer(archive, customer_id)
    # The tops the stored gradings hold when they are this policy's and date's, else a
    # batch at a time: not every document of a database in memory at once.
    detail = explain(doc, policy, as_of, tops=archive_tops(archive, policy, as_of))
    if merged is not None:
        detail["merged"] = merged.as_json()
    if matched is not None:
        detail["matched"] = matched.as_json()
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
    shows that customer; the result then carries ``merged`` (``MergedId.as_json``); a name (or
    pinyin) one customer matches shows that one, with ``matched`` (``NameMatch.as_json``).

    Args:
        archive: The archive.
        customer_id: The customer's id, or its name or part of it.
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
        SeveralCustomersError: a name several customers match.
    """
    customer_id, merged, matched = resolve_customer(archive, customer_id, personal_natures)
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
    if matched is not None:
        shown["matched"] = matched.as_json()
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
